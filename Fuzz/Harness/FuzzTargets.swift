import Foundation
@testable import IntRSCLI
@testable import IntRSRun
import IntRSConformance
import IntRSCore
import IntRSReference
import IntRSFloatBaseline
import IntRSRuntime

/// The fuzz targets: one per reader of outside input (Fuzz/README.md). Each takes the bytes of one input file,
/// feeds them to the reader the `intrs` commands use (and to what the commands do next with a file that
/// passes), and returns normally whether the file was accepted or refused with a thrown error. A crash (a
/// Swift trap: overflow, out-of-range index, force-unwrap), a hang or a memory blow-up inside is the bug the
/// fuzzer looks for.
///
/// Shared, through a symbolic link, by the libFuzzer harness (Fuzz/Harness, built by scripts/fuzz with
/// -sanitize=fuzzer,address) and the normal test suite (Tests/IntRSCLITests/FuzzRegressionTests.swift, which
/// replays Fuzz/regressions/TARGET/* and the seed corpora through `run`).
enum FuzzTargets {
    /// The target names, in the order scripts/fuzz runs them. Each has a seed corpus in Fuzz/corpus/NAME.
    static let names = ["model", "tflite", "infer-input", "dataset", "run-records", "audit", "merge", "cohen-tsv", "noise-table",
                        "certificate-table", "vectors", "conform-pack", "runtime-outputs", "npy", "onnx-peer"]

    /// Where path-based readers find the input: a per-process file in a per-process directory (tmpfs when
    /// there is one), written afresh for every input. Removed when the process exits normally (libFuzzer's
    /// -max_total_time, the test suite); scripts/fuzz removes those of processes that died (a crash, a timeout).
    nonisolated(unsafe) static var scratch: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = URL(fileURLWithPath: base).appendingPathComponent("intrs-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: FuzzTargets.scratch) }
        return dir
    }()

    /// Writes `data` to the scratch file `name` and returns its path.
    static func file(_ data: Data, _ name: String) throws -> String {
        let u = scratch.appendingPathComponent(name)
        try data.write(to: u)
        return u.path
    }

    /// `vectors check` reports these and exits non-zero: a refusal.
    struct VectorProblems: Error, CustomStringConvertible {
        var problems: [String]
        var description: String { problems.prefix(3).joined(separator: "; ") }
    }

    struct UnknownTarget: Error, CustomStringConvertible {
        var name: String
        var description: String { "unknown fuzz target \"\(name)\"; known: \(FuzzTargets.names.joined(separator: ", "))" }
    }

    /// Feeds one input to `target`. Throws when the input is refused (the expected, clean outcome for a bad
    /// file); returns when it is accepted. Traps only on a bug.
    static func run(_ target: String, _ data: Data) throws {
        switch target {
        case "model": try model(data)
        case "tflite": try tflite(data)
        case "infer-input": try inferInput(data)
        case "dataset": _ = try GridDataset.decode(data, file: "fuzz.json")
        case "run-records": try runRecords(data)
        case "audit": try audit(data)
        case "merge": try merge(data)
        case "cohen-tsv": try cohenTSV(data)
        case "noise-table": try noiseTable(data)
        case "certificate-table": try certificateTable(data)
        case "vectors": try vectors(data)
        case "conform-pack": try conformPack(data)
        case "runtime-outputs": try runtimeOutputs(data)
        case "npy": try npy(data)
        case "onnx-peer": try onnxPeer(data)
        default: throw UnknownTarget(name: target)
        }
    }

    // MARK: conformance packs and runtime outputs (`intrs conform`)

    /// A conformance pack built once per process from `inferModel` (one random input, seed 1), as
    /// `intrs vectors export --model M --count 1 --seed 1` writes it.
    static let referencePack: URL = {
        let dir = scratch.appendingPathComponent("conform-pack")
        do {
            let m = scratch.appendingPathComponent("conform-model.json")
            try Data(inferModel.utf8).write(to: m)
            let items = try ConformancePackBuilder.items(model: m, count: 1, seed: 1)
            try ConformancePackBuilder.write(try ConformancePackBuilder.build(source: "fuzz", items: items), to: dir)
        } catch { fatalError("the fuzz harness cannot build its reference conformance pack: \(error)") }
        return dir
    }()

    /// `intrs conform PACK OUTPUTS`, the pack side: the input is pack.json, read beside the reference pack's
    /// model files (so a pack.json that names them and their SHA-256 reaches the per-case checks).
    static func conformPack(_ data: Data) throws {
        let dir = scratch.appendingPathComponent("conform-fuzz")
        let fm = FileManager.default
        if !fm.fileExists(atPath: dir.appendingPathComponent("models").path) {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try fm.copyItem(at: referencePack.appendingPathComponent("models"), to: dir.appendingPathComponent("models"))
        }
        try data.write(to: dir.appendingPathComponent("pack.json"))
        _ = try Conformance.loadPack(dir)
    }

    /// `intrs conform PACK OUTPUTS`, the outputs side: `RuntimeOutputs.decode`, the comparison with the
    /// reference pack under a rule, and both report renderings.
    static func runtimeOutputs(_ data: Data) throws {
        let outputs = try RuntimeOutputs.decode(data, file: "fuzz-outputs.json")
        let report = try Conformance.check(packDirectory: referencePack, outputs: outputs, outputsFile: "fuzz-outputs.json",
                                           rule: .doubleRounding)
        _ = Conformance.markdown(report)
        _ = try JSONEncoder().encode(report)
    }

    /// A `.npy` tensor of the runner protocol (runtime outputs given as {"npy": FILE}, pack inputs): `NpyFile.decode`,
    /// the integer values (floats must hold integers), and for an int8 array the writer's bytes must decode to the
    /// same array (a difference is reported as a trap).
    static func npy(_ data: Data) throws {
        let a = try NpyFile.decode(data, file: "fuzz.npy", tensor: "t1")
        let v = try NpyFile.integers(a, file: "fuzz.npy", tensor: "t1")
        if a.dtype == .int8 {
            let back = try NpyFile.decode(NpyFile.encodeInt8(v, shape: a.shape), file: "rewritten.npy")
            precondition(back == a, "NpyFile: an int8 array does not survive encodeInt8 -> decode")
        }
    }

    // MARK: the ONNX Runtime peer (`intrs bench int8`)

    /// The whole standard output of an ONNX Runtime peer (`tools/onnx_peer/bench_onnxruntime.py --serve`), read as
    /// `intrs bench int8` reads it (`OnnxRuntimePeer.Answers`): the bytes arrive in reads of 1 ... 64 bytes (sizes
    /// from the input's own bytes, so line ends fall inside and across reads), lines are cut as they complete; the
    /// first is the start-up answer (version, contenders), then per thread count one answer to the threads request
    /// and one run answer per contender, as `intrs bench int8 --rounds 1` asks them. The first refusal ends the
    /// session (the bench closes the peer then), as does the end of the input.
    static func onnxPeer(_ data: Data) throws {
        let bytes = [UInt8](data)
        var buffer: [UInt8] = []
        var lines: [Data] = []
        var at = 0
        while at < bytes.count {
            let size = 1 + Int(bytes[at] & 63)
            buffer.append(contentsOf: bytes[at..<min(at + size, bytes.count)])
            at += size
            while let line = try OnnxRuntimePeer.Answers.takeLine(&buffer, what: "fuzz") { lines.append(line) }
        }
        guard let first = lines.first else { return }
        let (_, contenders) = try OnnxRuntimePeer.Answers.ready(try OnnxRuntimePeer.Answers.object(first, what: OnnxRuntimePeer.Answers.startUp))
        var next = 0
        for line in lines.dropFirst() {
            if next == 0 {
                _ = try OnnxRuntimePeer.Answers.object(line, what: "threads 1")
            } else {
                let name = contenders[next - 1]
                _ = try OnnxRuntimePeer.Answers.timing(try OnnxRuntimePeer.Answers.object(line, what: "run \(name)"), contender: name)
            }
            next = (next + 1) % (contenders.count + 1)
        }
    }

    // MARK: model

    /// `intrs model describe` / `infer`: parse, validate, count multiply-adds; then, when the network is small,
    /// evaluate one input with the reference and the fast evaluator and require equal logits (a differential
    /// check: a mismatch is a bug, reported as a trap), and build the float baseline evaluator.
    static func model(_ data: Data) throws {
        try modelChecks(try Int8Model.decode(data, file: "fuzz.json"), data)
    }

    /// `intrs model import` / any command given a `.tflite` file: the bounds-checked FlatBuffers reader and the
    /// importer (Int8ModelFile, as the commands call it), then the same checks as `model`, and the import written
    /// as canonical JSON and read back (it must equal the import).
    static func tflite(_ data: Data) throws {
        let m = try Int8ModelFile.decode(data, file: "fuzz.tflite")
        if Int8ModelFile.isTFLite(data) {
            let back = try Int8Model.decode(try m.canonicalData(), file: "fuzz.tflite (as JSON)")
            if try back.canonicalData() != m.canonicalData() { fatalError("an imported model does not round-trip through its JSON") }
        }
        try modelChecks(m, data)
    }

    static func modelChecks(_ m: Int8Model, _ data: Data) throws {
        let net = try m.validated(file: "fuzz.json")
        let macs = Int8BenchmarkModel.multiplyAdds(net)
        // Bound the evaluation work so a valid but large model is not a "timeout" of the fuzzer.
        var work = 0
        for (i, L) in net.layers.enumerated() {
            var w = macs[i]
            if case .averagePool(let p) = L.kind { w = p.outH * p.outW * p.channels * p.poolH * p.poolW }
            if case .maxPool(let p) = L.kind { w = p.outH * p.outW * p.channels * p.poolH * p.poolW }
            work += w + L.outputShape.reduce(1, *)
            if work > 1 << 20 { return }
        }
        guard net.inputCount <= 1 << 16 else { return }
        // One deterministic input from the file's bytes.
        var h: UInt64 = 0xcbf29ce484222325
        for b in data { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        let grid = (0..<net.inputCount).map { i -> Int in Int((h &+ UInt64(i) &* 0x9e3779b97f4a7c15) >> 58) - 32 }
        let ref = try ReferenceInt8Evaluator.evaluate(net, grid: grid)
        let fast = FastInt8Evaluator(network: net).logits(grid: grid.map { Int32($0) })
        if fast.map(Int.init) != ref.logits {
            fatalError("fast and reference evaluators disagree: fast \(fast), reference \(ref.logits)")
        }
        // The float baseline refuses models without real scales (most seeds): a refusal here is not a finding.
        _ = try? FloatEvaluator(network: net).logits(grid: grid.map { Float($0) })
    }

    /// A small valid model (input [3, 5, 2]: average pool, flatten, fully connected) for `inferInput`.
    static let inferModel = #"{"format":"intrs-int8-model","input":{"gridMultiplier":1,"shape":[3,5,2],"zeroPoint":48},"layers":[{"fusedActivation":"none","op":"averagePool2d","outputShape":[2,3,2],"outputZeroPoint":48,"padding":"same","poolSize":[3,3],"stride":[2,2]},{"op":"flatten","outputShape":[12],"outputZeroPoint":48},{"activationMax":127,"activationMin":73,"bias":{"data":"hgAAAANzAoBe/P1/","dtype":"int32","shape":[3]},"filter":{"data":"OT/5p9Mlxmi11EgPNyG3fn25fuFXRdtPG+jAL6qXCCEmmVl+","dtype":"int8","shape":[3,12]},"fusedActivation":"relu6","multiplier":[2147483646,2147483645,1127765568],"op":"fullyConnected","outputShape":[3],"outputZeroPoint":73,"shift":[-3,-25,-22]}],"name":"random-350036","rounding":"single","version":1}"#

    /// `intrs infer --model M --input FILE` with each implementation (reference, fast, float), output discarded.
    static func inferInput(_ data: Data) throws {
        let m = scratch.appendingPathComponent("infer-model.json")
        if !FileManager.default.fileExists(atPath: m.path) { try Data(inferModel.utf8).write(to: m) }
        let p = try file(data, "input.json")
        for impl in ["reference", "fast"] {
            let cmd = try InferCommand.parse(["--model", m.path, "--input", p, "--impl", impl])
            try silently { try cmd.run() }
        }
        // The model states no real scales, so the float baseline refuses it after reading the input.
        try? silently { try InferCommand.parse(["--model", m.path, "--input", p, "--impl", "float"]).run() }
    }

    // MARK: run records

    /// The JSONL reader `audit` and `merge` use (both record kinds, and the first-format probe).
    static func runRecords(_ data: Data) throws {
        let p = try file(data, "records.jsonl")
        _ = try RunRecordReader.firstFormat(p)
        _ = try RunRecordReader.read(p)
        _ = try RunRecordReader.readFloat(p)
    }

    /// `intrs audit FILE`: the reader and every check of every record, as the command does them (report
    /// built, not printed).
    static func audit(_ data: Data) throws {
        let p = try file(data, "audit.jsonl")
        let cmd = try AuditCommand.parse([p])
        _ = try cmd.auditJSONL(p)
    }

    /// `intrs merge FILE --output-dir D` (writes the merged outputs into the scratch directory).
    static func merge(_ data: Data) throws {
        let p = try file(data, "records.jsonl")
        let out = scratch.appendingPathComponent("merged").path
        let cmd = try MergeCommand.parse([p, "--output-dir", out])
        try silently { try cmd.run() }
    }

    /// `intrs audit --cohen-tsv FILE --sigma 0.25 --n 1000 --alpha 0.001` (the report is built, not printed).
    static func cohenTSV(_ data: Data) throws {
        let p = try file(data, "cohen.tsv")
        let cmd = try AuditCommand.parse(["--cohen-tsv", p, "--sigma", "0.25", "--n", "1000", "--alpha", "0.001"])
        _ = try cmd.auditTSV(p, sigmaText: "0.25", n: 1000, alphaText: "0.001")
    }

    // MARK: tables

    /// `intrs sample --table FILE`: the full validation, then draws from the table.
    static func noiseTable(_ data: Data) throws {
        let p = try file(data, "table.json")
        let (t, _) = try NoiseTableFile.load(p)
        let sampler = try FastTableSampler(table: t)
        var s = ChaChaStream(seed: Seed(bytes: [UInt8](repeating: 7, count: 32)), id: StreamID(example: 0, phase: 0, index: 0))
        for _ in 0..<64 { _ = sampler.sample(&s) }
    }

    /// `certify --certificate-table FILE`: load and check, then look up every count near the steps and the ends.
    static func certificateTable(_ data: Data) throws {
        let u = URL(fileURLWithPath: try file(data, "certificates.json"))
        let t = try CertificateTable.load(from: u)
        let n = t.estimationSamples
        var counts = [0, 1, n - 1, n, n / 2]
        for s in t.steps.prefix(64) { counts += [s.minCount - 1, s.minCount, s.minCount + 1] }
        for c in counts where (0...n).contains(c) { _ = t.certifiedNorm2Bound(nA: c) }
    }

    // MARK: vectors

    /// `intrs vectors check`'s reading of one file: the suite named by the file's `suite` field decodes it
    /// (VectorEnvelope) and runs the fast runtime against its cases. Files naming no known suite are refused.
    static func vectors(_ data: Data) throws {
        struct Head: Decodable { var suite: String }
        let head = try JSONDecoder().decode(Head.self, from: data)
        guard let s = VectorSuites.all.first(where: { $0.name == head.suite }) else {
            throw UnknownTarget(name: "suite " + head.suite)
        }
        let problems = try s.conform(data)
        if !problems.isEmpty { throw VectorProblems(problems: problems) }
    }
}

/// Runs `body` with standard output sent to /dev/null (the fuzzer runs commands thousands of times a second).
func silently(_ body: () throws -> Void) throws {
    fflush(nil)
    let saved = dup(1)
    let devnull = open("/dev/null", O_WRONLY)
    dup2(devnull, 1); close(devnull)
    defer { fflush(nil); dup2(saved, 1); close(saved) }
    try body()
}
