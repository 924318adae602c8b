import Foundation
import IntRSCore
import IntRSReference

/// `intrs conform`: compares a runtime's outputs with a conformance pack, bit for bit, and names the rule.
///
/// For every run, case and tensor the runtime returned, the expected output of each rule is computed for
/// THAT layer from the layer's inputs: the runtime's own input tensors when it returned them (so a runtime
/// that follows different rules on different operators is judged operator by operator), otherwise the
/// rule's own end-to-end tensors from the pack. Observations are grouped per operator kind and per layer.
public struct ConformanceReport: Codable, Sendable {
    public var runtime: String
    public var pack: String
    /// Classification over every run, per operator kind.
    public var byOperator: RuleClassification
    /// Classification over every run, per layer of every model.
    public var byLayer: RuleClassification
    /// Per run: its classification by operator.
    public var runs: [RunReport]
    /// Whether every run returned identical values for every (case, tensor) they share.
    public var deterministic: Bool
    /// Where runs differ: "run A vs run B: case 3 t1 element 5: 12 vs 13" (first few).
    public var nondeterminism: [String]
    /// The rule asked for ("double-rounding", or per operator "fullyConnected=float64-half-away,conv2d=double-rounding"),
    /// and whether the runtime conforms to it (every run, every operator, deterministic).
    public var rule: String?
    public var conforms: Bool?

    public struct RunReport: Codable, Sendable {
        public var name: String
        public var threads: Int?
        public var batch: Int?
        public var casesCompared: Int
        public var verdict: String
        public var explainedByAll: [String]
    }
}

public enum Conformance {
    /// Loads a pack directory (pack.json and its model files), checking each model's SHA-256.
    public static func loadPack(_ dir: URL) throws -> (pack: ConformancePack, nets: [String: Int8Network]) {
        let url = dir.appendingPathComponent("pack.json")
        let data = try ConformancePackBuilder.readFile(url)
        let pack: ConformancePack
        do { pack = try JSONDecoder().decode(ConformancePack.self, from: data) } catch {
            throw ConformError.malformed(file: url.path, detail: describeDecodingError(error))
        }
        guard pack.format == ConformancePack.formatName, pack.version == 1 else {
            throw ConformError.malformed(file: url.path, detail: "format \(pack.format) version \(pack.version), expected \(ConformancePack.formatName) version 1")
        }
        var nets: [String: Int8Network] = [:]
        func bad(_ d: String) -> ConformError { .malformed(file: url.path, detail: d) }
        guard Set(pack.models.map(\.name)).count == pack.models.count else { throw bad("two models share a name") }
        guard Set(pack.cases.map(\.id)).count == pack.cases.count else { throw bad("two cases share an id") }
        func inside(_ rel: String) -> Bool { !rel.isEmpty && !rel.hasPrefix("/") && !rel.split(separator: "/").contains("..") }
        for m in pack.models {
            for f in [m.file] + (m.exports ?? []).map(\.file) where !inside(f) {
                throw bad("model \(m.name): file \(f) must be a relative path inside the pack (no \"..\")")
            }
            let murl = dir.appendingPathComponent(m.file)
            let bytes = try ConformancePackBuilder.readFile(murl)
            guard SHA256.hex(bytes) == m.sha256 else { throw ConformError.mismatch(file: murl.path, where: "model \(m.name)", detail: "SHA-256 differs from pack.json") }
            for e in m.exports ?? [] {
                let eurl = dir.appendingPathComponent(e.file)
                guard SHA256.hex(try ConformancePackBuilder.readFile(eurl)) == e.sha256 else {
                    throw ConformError.mismatch(file: eurl.path, where: "model \(m.name), format \(e.format)", detail: "SHA-256 differs from pack.json")
                }
            }
            let model = try Int8Model.decode(bytes, file: murl.path)
            let net = try model.validated(file: murl.path)
            // The manifest's tensors must be the network's: t0 ... tL, batch 1, the network's shapes.
            guard m.tensors.count == net.tensorShapes.count,
                  m.tensors.enumerated().allSatisfy({ $0.element.name == "t\($0.offset)" && $0.element.shape == [1] + net.tensorShapes[$0.offset] }),
                  m.output == "t\(net.tensorShapes.count - 1)" else {
                throw bad("model \(m.name): tensors do not match \(m.file) (expected t0 ... t\(net.tensorShapes.count - 1) with shapes [1] + the model's)")
            }
            nets[m.name] = net
        }
        for c in pack.cases {
            guard let net = nets[c.model] else { throw bad("case \(c.id): no model named \(c.model)") }
            guard let x = c.inputs["t0"], x.shape == [1] + net.tensorShapes[0], x.data.count == net.inputCount,
                  x.data.allSatisfy({ (-128...127).contains($0) }) else {
                throw bad("case \(c.id): input t0 must be \(net.inputCount) int8 values of shape \([1] + net.tensorShapes[0])")
            }
            for (r, ts) in c.expected {
                guard Int8RequantizationRule(rawValue: r) != nil else { throw bad("case \(c.id): unknown rule \(r)") }
                for k in 1..<net.tensorShapes.count {
                    guard let t = ts["t\(k)"], t.shape == [1] + net.tensorShapes[k], t.data.count == net.tensorShapes[k].reduce(1, *),
                          t.data.allSatisfy({ (-128...127).contains($0) }) else {
                        throw bad("case \(c.id), rule \(r): tensor t\(k) missing or not \(net.tensorShapes[k].reduce(1, *)) int8 values")
                    }
                }
            }
        }
        return (pack, nets)
    }

    /// Compares. Throws (naming the file, run, case and tensor) on outputs that do not fit the pack: unknown
    /// case, missing output tensor, wrong dtype or shape, values outside int8.
    public static func check(packDirectory: URL, outputs: RuntimeOutputs, outputsFile: String,
                             rule: Int8RequantizationRule?) throws -> ConformanceReport {
        try check(packDirectory: packDirectory, outputs: outputs, outputsFile: outputsFile, expect: rule.map { RuleExpectation.all($0) })
    }

    /// What `--rule` asks for: one rule for every operator, or one rule per operator kind. Per operator, the
    /// value `unasserted` names an operator that is compared and reported but not asserted (e.g. one whose inputs
    /// the runtime does not expose, so the rules' own inputs stand in for them).
    public enum RuleExpectation: Sendable, CustomStringConvertible {
        case all(Int8RequantizationRule)
        /// nil: reported, not asserted.
        case perOperator([String: Int8RequantizationRule?])

        public static let unasserted = "unasserted"

        /// Parses "double-rounding" or "fullyConnected=float64-half-away,conv2d=double-rounding,mul=unasserted".
        public static func parse(_ text: String) -> RuleExpectation? {
            if let r = Int8RequantizationRule(rawValue: text) { return .all(r) }
            var m: [String: Int8RequantizationRule?] = [:]
            for part in text.split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, !kv[0].isEmpty, m[kv[0]] == nil else { return nil }
                if kv[1] == unasserted { m[kv[0]] = .some(nil); continue }
                guard let r = Int8RequantizationRule(rawValue: kv[1]) else { return nil }
                m[kv[0]] = r
            }
            return m.isEmpty || m.values.allSatisfy({ $0 == nil }) ? nil : .perOperator(m)
        }

        public var description: String {
            switch self {
            case .all(let r): return r.rawValue
            case .perOperator(let m): return m.keys.sorted().map { "\($0)=\(m[$0]!.map(\.rawValue) ?? Self.unasserted)" }.joined(separator: ",")
            }
        }

        /// True when every compared group is explained by the rule asked for it (and a per-operator
        /// expectation names exactly the operators compared).
        func holds(_ c: RuleClassification) -> Bool {
            guard !c.groups.isEmpty, c.groups.allSatisfy({ $0.compared > 0 }) else { return false }
            switch self {
            case .all(let r): return c.conforms(to: r)
            case .perOperator(let m):
                return Set(m.keys) == Set(c.groups.map(\.group))
                    && c.groups.allSatisfy { g in m[g.group]!.map { g.explainedBy.contains($0.rawValue) } ?? true }
            }
        }
    }

    public static func check(packDirectory: URL, outputs: RuntimeOutputs, outputsFile: String,
                             expect: RuleExpectation?) throws -> ConformanceReport {
        let (pack, nets) = try loadPack(packDirectory)
        let models = Dictionary(uniqueKeysWithValues: pack.models.map { ($0.name, $0) })
        var plans: [String: Int8RequantizationPlan] = [:]
        for (n, net) in nets { plans[n] = try Int8RequantizationPlan(net, multipliers: .fromScales) }
        let casesByID = Dictionary(uniqueKeysWithValues: pack.cases.map { ($0.id, $0) })
        var opObs: [RuleObservation] = [], layerObs: [RuleObservation] = []
        var runReports: [ConformanceReport.RunReport] = []
        for run in outputs.runs {
            var runObs: [RuleObservation] = []
            for (id, tensors) in run.cases.sorted(by: { $0.key < $1.key }) {
                let at = "run \(run.name), case \(id)"
                guard let c = casesByID[id] else { throw ConformError.mismatch(file: outputsFile, where: at, detail: "no such case in the pack") }
                let info = models[c.model]!, net = nets[c.model]!, plan = plans[c.model]!
                guard tensors[info.output] != nil else {
                    throw ConformError.mismatch(file: outputsFile, where: "\(at), tensor \(info.output)", detail: "missing: the model output tensor is required")
                }
                // Validate every returned tensor.
                for (name, t) in tensors {
                    let where_ = "\(at), tensor \(name)"
                    guard let ti = info.tensors.first(where: { $0.name == name }) else {
                        throw ConformError.mismatch(file: outputsFile, where: where_, detail: "model \(c.model) has no tensor of that name (tensors t0 ... \(info.output))")
                    }
                    guard t.dtype == ti.dtype else { throw ConformError.mismatch(file: outputsFile, where: where_, detail: "dtype \(t.dtype), expected \(ti.dtype)") }
                    guard t.shape == ti.shape else { throw ConformError.mismatch(file: outputsFile, where: where_, detail: "shape \(t.shape), expected \(ti.shape)") }
                    guard t.data.count == ti.shape.reduce(1, *) else {
                        throw ConformError.mismatch(file: outputsFile, where: where_, detail: "\(t.data.count) values for shape \(ti.shape)")
                    }
                    if let k = t.data.firstIndex(where: { $0 < -128 || $0 > 127 }) {
                        throw ConformError.mismatch(file: outputsFile, where: where_, detail: "data[\(k)] = \(t.data[k]) is outside int8")
                    }
                }
                guard let x = c.inputs["t0"]?.data else { throw ConformError.malformed(file: "pack.json", detail: "case \(id) has no input t0") }
                if let t0 = tensors["t0"], t0.data != x {
                    throw ConformError.mismatch(file: outputsFile, where: "\(at), tensor t0", detail: "the runtime's input differs from the pack's")
                }
                for L in net.layers {
                    let name = "t\(L.index + 1)"
                    guard let actual = tensors[name] else { continue }
                    var expected: [Int8RequantizationRule: [Int]] = [:]
                    var context: [String]? = nil
                    for r in Int8RequantizationRule.allCases {
                        guard let e2e = c.expected[r.rawValue] else { continue }
                        // The layer's inputs: the runtime's where it returned them, else the rule's own.
                        var ts: [[Int]] = [x]
                        for k in 1...L.index + 1 { ts.append(tensors["t\(k)"]?.data ?? e2e["t\(k)"]?.data ?? []) }
                        guard let trace = try? Int8RuleEvaluator.evaluateLayer(net, L, tensors: Array(ts.prefix(L.index + 1)), rule: r, plan: plan) else { continue }
                        expected[r] = trace.output
                        if context == nil, let acc = trace.accumulators, let ch = trace.channels {
                            context = acc.indices.map { e in
                                let q = plan.channels[L.index][ch[e]]
                                return "acc=\(acc[e]), channel \(ch[e]), M0=\(q.multiplier), shift=\(q.shift), S_in=\(q.scales.input), S_w=\(q.scales.filter), S_out=\(q.scales.output)"
                            }
                        }
                    }
                    let label = "\(at), \(name)"
                    let o = RuleObservation(group: L.op, label: label, actual: actual.data, expected: expected, context: context)
                    opObs.append(o); runObs.append(o)
                    var lo = o
                    lo.group = "\(c.model) layer \(L.index) \(L.op)"
                    layerObs.append(lo)
                }
            }
            let rc = RuleClassifier.classify(runObs)
            runReports.append(.init(name: run.name, threads: run.threads, batch: run.batch, casesCompared: run.cases.count,
                                    verdict: rc.verdict, explainedByAll: rc.explainedByAll))
        }
        // Determinism: every pair of runs on the (case, tensor) they share.
        var nd: [String] = []
        for i in outputs.runs.indices {
            for j in outputs.runs.indices where j > i {
                let a = outputs.runs[i], b = outputs.runs[j]
                for (id, ta) in a.cases.sorted(by: { $0.key < $1.key }) {
                    guard let tb = b.cases[id] else { continue }
                    for (name, x) in ta.sorted(by: { $0.key < $1.key }) {
                        guard let y = tb[name], let k = x.data.indices.first(where: { $0 >= y.data.count || x.data[$0] != y.data[$0] }) else { continue }
                        if nd.count < 10 { nd.append("\(a.name) vs \(b.name): case \(id) \(name) element \(k): \(x.data[k]) vs \(y.data[k])") }
                    }
                }
            }
        }
        let byOp = RuleClassifier.classify(opObs), byLayer = RuleClassifier.classify(layerObs)
        let conforms = expect.map { $0.holds(byOp) && nd.isEmpty }
        return ConformanceReport(runtime: [outputs.runtime.name, outputs.runtime.version, outputs.runtime.configuration].compactMap { $0 }.joined(separator: " "),
                                 pack: packDirectory.path, byOperator: byOp, byLayer: byLayer, runs: runReports,
                                 deterministic: nd.isEmpty, nondeterminism: nd, rule: expect?.description, conforms: conforms)
    }

    /// The Markdown report.
    public static func markdown(_ r: ConformanceReport) -> String {
        var s = RuleClassifier.markdown(r.byOperator, title: "Conformance of \(r.runtime)")
        s += "Pack: `\(r.pack)`\n\n"
        if let rule = r.rule { s += "**Rule asked for:** \(rule): \(r.conforms == true ? "conforms" : "does NOT conform")\n\n" }
        s += "## Runs (threads, batch)\n\n| run | threads | batch | cases | verdict |\n|---|---|---|---|---|\n"
        for run in r.runs { s += "| \(run.name) | \(run.threads.map { "\($0)" } ?? "") | \(run.batch.map { "\($0)" } ?? "") | \(run.casesCompared) | \(run.verdict) |\n" }
        s += "\nDeterministic across runs: \(r.deterministic ? "yes" : "NO")\n"
        for d in r.nondeterminism { s += "- \(d)\n" }
        s += "\n## Per layer\n\n| layer | compared | explained by |\n|---|---|---|\n"
        for g in r.byLayer.groups { s += "| \(g.group) | \(g.compared) | \(g.explainedBy.isEmpty ? "none" : g.explainedBy.joined(separator: ", ")) |\n" }
        return s
    }
}
