import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSConformance

@Suite("conformance packs and intrs conform")
struct ConformanceTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors")

    /// Exports the int8-rules pack into a fresh temporary directory.
    static func pack() throws -> (URL, ConformancePack) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-conform-\(UUID().uuidString)")
        let built = try ConformancePackBuilder.build(source: "test", items: ConformancePackBuilder.items(suite: "int8-rules", vectors: vectors))
        try ConformancePackBuilder.write(built, to: dir)
        return (dir, built.pack)
    }

    /// Runtime outputs following `rule` (every tensor, or only the output), as the JSON text an adapter writes.
    static func outputs(_ p: ConformancePack, rule: Int8RequantizationRule, runs: [String] = ["threads=1,batch=1"],
                        edit: ((inout [String: Any], Int) -> Void)? = nil) throws -> Data {
        var runList: [[String: Any]] = []
        for (ri, name) in runs.enumerated() {
            var cases: [[String: Any]] = []
            for c in p.cases {
                var outs: [String: Any] = [:]
                for (t, v) in c.expected[rule.rawValue]! { outs[t] = ["dtype": v.dtype, "shape": v.shape, "data": v.data] }
                var entry: [String: Any] = ["id": c.id, "outputs": outs]
                edit?(&entry, ri)
                cases.append(entry)
            }
            runList.append(["name": name, "threads": 1, "batch": 1, "cases": cases])
        }
        let doc: [String: Any] = ["format": "intrs-runtime-outputs", "version": 1, "runtime": ["name": "synthetic"], "runs": runList]
        return try JSONSerialization.data(withJSONObject: doc)
    }

    static func check(_ dir: URL, _ data: Data, rule: Int8RequantizationRule?) throws -> ConformanceReport {
        try Conformance.check(packDirectory: dir, outputs: RuntimeOutputs.decode(data, file: "outs.json"), outputsFile: "outs.json", rule: rule)
    }

    /// Outputs synthesised under each rule are identified as that rule, and conform only to it.
    @Test func identifiesEveryRuleThroughThePack() throws {
        let (dir, p) = try Self.pack()
        defer { try? FileManager.default.removeItem(at: dir) }
        for rule in Int8RequantizationRule.allCases {
            let data = try Self.outputs(p, rule: rule, runs: ["a", "b"])
            let r = try Self.check(dir, data, rule: rule)
            #expect(r.conforms == true, "\(rule): \(r.byOperator.verdict)")
            #expect(r.byOperator.explainedByAll == [rule.rawValue])
            #expect(r.deterministic)
            for other in Int8RequantizationRule.allCases where other != rule { #expect(!r.byOperator.conforms(to: other)) }
        }
    }

    /// Off by one on one output of one run: not conforming, with the element named; and the runs disagree.
    @Test func brokenRuntimeFailsAndNondeterminismIsReported() throws {
        let (dir, p) = try Self.pack()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try Self.outputs(p, rule: .doubleRounding, runs: ["threads=1", "threads=2"]) { entry, run in
            guard run == 1, entry["id"] as? Int == p.cases[0].id else { return }
            var outs = entry["outputs"] as! [String: Any]
            var t = outs["t1"] as! [String: Any]
            var d = t["data"] as! [Int]
            d[3] = d[3] == 127 ? 126 : d[3] + 1
            t["data"] = d; outs["t1"] = t; entry["outputs"] = outs
        }
        let r = try Self.check(dir, data, rule: .doubleRounding)
        #expect(r.conforms == false)
        #expect(!r.deterministic)
        #expect(r.nondeterminism.first?.contains("element 3") == true)
        #expect(r.byOperator.groups[0].verdict.hasPrefix("none of the known rules"))
        #expect(r.runs[0].explainedByAll == ["double-rounding"])
        #expect(r.runs[1].explainedByAll.isEmpty)
    }

    /// Bad or mismatched outputs: an error naming the file and the tensor.
    @Test func badOutputsNameFileAndTensor() throws {
        let (dir, p) = try Self.pack()
        defer { try? FileManager.default.removeItem(at: dir) }
        func expectError(_ data: Data, _ needles: [String]) {
            do {
                _ = try Self.check(dir, data, rule: nil)
                Issue.record("accepted bad outputs, expected \(needles)")
            } catch {
                let s = "\(error)"
                for n in needles { #expect(s.contains(n), "\(s)") }
            }
        }
        let id = p.cases[0].id
        func editFirst(_ f: @escaping (inout [String: Any]) -> Void) throws -> Data {
            try Self.outputs(p, rule: .doubleRounding) { e, _ in if e["id"] as? Int == id { var o = e["outputs"] as! [String: Any]; f(&o); e["outputs"] = o } }
        }
        expectError(try editFirst { $0["t1"] = nil }, ["outs.json", "case \(id)", "tensor t1", "missing"])
        expectError(try editFirst { o in var t = o["t1"] as! [String: Any]; t["shape"] = [8]; o["t1"] = t }, ["outs.json", "tensor t1", "shape [8]"])
        expectError(try editFirst { o in var t = o["t1"] as! [String: Any]; t["dtype"] = "uint8"; o["t1"] = t }, ["tensor t1", "dtype uint8"])
        expectError(try editFirst { o in var t = o["t1"] as! [String: Any]; t["data"] = [1.5] + (t["data"] as! [Int]).dropFirst().map { Double($0) }; o["t1"] = t }, ["tensor t1", "data[0]", "not an integer"])
        expectError(try editFirst { o in var t = o["t1"] as! [String: Any]; var d = t["data"] as! [Int]; d[0] = 300; t["data"] = d; o["t1"] = t }, ["tensor t1", "outside int8"])
        expectError(try editFirst { o in o["t9"] = o["t1"] }, ["tensor t9", "no tensor"])
        // NaN is not JSON: a runtime writing it (Python's json does) gets a clear file-level error.
        var text = String(decoding: try Self.outputs(p, rule: .doubleRounding), as: UTF8.self)
        let r = text.range(of: "\"data\":[")!
        text.replaceSubrange(r, with: "\"data\":[NaN,")
        expectError(Data(text.utf8), ["outs.json", "not valid JSON"])
        // A hand-edited pack.json: a case naming no model, and an expected tensor of the wrong length.
        let manifest = dir.appendingPathComponent("pack.json")
        let original = try Data(contentsOf: manifest)
        var doc = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        var cases = doc["cases"] as! [[String: Any]]
        cases[0]["model"] = "nope"
        doc["cases"] = cases
        try JSONSerialization.data(withJSONObject: doc).write(to: manifest)
        expectError(try Self.outputs(p, rule: .doubleRounding), ["pack.json", "no model named nope"])
        doc = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        cases = doc["cases"] as! [[String: Any]]
        var exp = cases[0]["expected"] as! [String: Any]
        var perRule = exp["double-rounding"] as! [String: Any]
        var t1 = perRule["t1"] as! [String: Any]
        t1["data"] = [1, 2]
        perRule["t1"] = t1; exp["double-rounding"] = perRule; cases[0]["expected"] = exp; doc["cases"] = cases
        try JSONSerialization.data(withJSONObject: doc).write(to: manifest)
        expectError(try Self.outputs(p, rule: .doubleRounding), ["pack.json", "tensor t1"])
        try original.write(to: manifest)
        expectError(Data("{\"format\": \"intrs-runtime-outputs\", \"version\": 1, \"runtime\": {\"name\": \"x\"}, \"runs\": [{\"cases\": [{\"id\": 99999, \"outputs\": {}}]}]}".utf8),
                    ["outs.json", "case 99999", "no such case"])
    }
}

@Suite("conform --rule per operator")
struct RuleExpectationTests {
    @Test func parsesAndJudgesPerOperator() throws {
        #expect(Conformance.RuleExpectation.parse("double-rounding")?.description == "double-rounding")
        #expect(Conformance.RuleExpectation.parse("conv2d=double-rounding,fullyConnected=float64-half-away")?.description
                == "conv2d=double-rounding,fullyConnected=float64-half-away")
        #expect(Conformance.RuleExpectation.parse("conv2d=nearest") == nil)
        #expect(Conformance.RuleExpectation.parse("conv2d=double-rounding,conv2d=single-rounding") == nil)
        #expect(Conformance.RuleExpectation.parse("") == nil)
        // A LiteRT-like runtime: float64 on fullyConnected, double rounding on conv2d.
        let (dir, p) = try ConformanceTests.pack()
        defer { try? FileManager.default.removeItem(at: dir) }
        var runCases: [[String: Any]] = []
        for c in p.cases {
            let op = p.models.first { $0.name == c.model }!.tensors[1].op!
            let rule = op == "fullyConnected" ? "float64-half-away" : "double-rounding"
            var outs: [String: Any] = [:]
            for (t, v) in c.expected[rule]! { outs[t] = ["dtype": v.dtype, "shape": v.shape, "data": v.data] }
            runCases.append(["id": c.id, "outputs": outs])
        }
        let data = try JSONSerialization.data(withJSONObject: ["format": "intrs-runtime-outputs", "version": 1,
                                                               "runtime": ["name": "mixed"], "runs": [["name": "r", "cases": runCases]]])
        let outs = try RuntimeOutputs.decode(data, file: "mixed.json")
        func conforms(_ s: String) throws -> Bool? {
            try Conformance.check(packDirectory: dir, outputs: outs, outputsFile: "mixed.json", expect: Conformance.RuleExpectation.parse(s)!).conforms
        }
        #expect(try conforms("fullyConnected=float64-half-away,conv2d=double-rounding,depthwiseConv2d=double-rounding") == true)
        #expect(try conforms("fullyConnected=float64-half-away,conv2d=double-rounding") == false)   // an operator not named
        #expect(try conforms("fullyConnected=float32-half-even,conv2d=double-rounding,depthwiseConv2d=double-rounding") == false)
        #expect(try conforms("double-rounding") == false)
        // unasserted: the operator must still be named, but any verdict passes; the others stay asserted.
        #expect(try conforms("fullyConnected=unasserted,conv2d=double-rounding,depthwiseConv2d=double-rounding") == true)
        #expect(try conforms("fullyConnected=unasserted,conv2d=float32-half-even,depthwiseConv2d=double-rounding") == false)
        #expect(try conforms("fullyConnected=unasserted,conv2d=double-rounding") == false)
        #expect(Conformance.RuleExpectation.parse("conv2d=unasserted") == nil)
        #expect(Conformance.RuleExpectation.parse("conv2d=unasserted,mul=double-rounding")?.description == "conv2d=unasserted,mul=double-rounding")
    }
}
