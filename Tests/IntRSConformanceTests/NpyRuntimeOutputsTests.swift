import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSConformance

/// Runtime outputs given as `.npy` files (`{"npy": "relative/path.npy"}`, Vectors/conformance-pack.md), and the
/// pack's own `.npy` inputs and expected tensors.
@Suite("npy tensors in packs and runtime outputs")
struct NpyRuntimeOutputsTests {
    /// An outputs file in the pack directory whose tensors are the pack's expected .npy files under `rule`.
    static func outputs(_ p: ConformancePack, rule: Int8RequantizationRule, override: [String: Any] = [:]) throws -> Data {
        var cases: [[String: Any]] = []
        for c in p.cases {
            var outs: [String: Any] = [:]
            for t in c.expected[rule.rawValue]!.keys { outs[t] = ["npy": "npy/case-\(c.id)/\(rule.rawValue)/\(t).npy"] }
            if c.id == 1 { for (k, v) in override { outs[k] = v } }
            cases.append(["id": c.id, "outputs": outs])
        }
        return try JSONSerialization.data(withJSONObject: ["format": "intrs-runtime-outputs", "version": 1, "runtime": ["name": "npy"],
                                                           "runs": [["name": "r", "cases": cases]]])
    }

    static func check(_ dir: URL, _ data: Data) throws -> ConformanceReport {
        let file = dir.appendingPathComponent("outs.json").path
        return try Conformance.check(packDirectory: dir, outputs: RuntimeOutputs.decode(data, file: file), outputsFile: file, rule: .singleRounding)
    }

    @Test("the pack's .npy files hold its inputs and expected tensors; outputs given as .npy are judged like JSON ones")
    func roundTrip() throws {
        let (dir, p) = try ConformanceTests.pack()
        defer { try? FileManager.default.removeItem(at: dir) }
        for c in p.cases.prefix(8) {
            let x = try NpyFile.decode(Data(contentsOf: dir.appendingPathComponent("npy/case-\(c.id)/t0.npy")), file: "t0")
            #expect(try NpyFile.integers(x, file: "t0") == c.inputs["t0"]!.data && x.shape == c.inputs["t0"]!.shape)
        }
        let r = try Self.check(dir, try Self.outputs(p, rule: .singleRounding))
        #expect(r.conforms == true, "\(r.byOperator.verdict)")
    }

    @Test("a NaN in a float .npy output, a missing file or a path leaving the directory: errors naming file and tensor")
    func refusals() throws {
        let (dir, p) = try ConformanceTests.pack()
        defer { try? FileManager.default.removeItem(at: dir) }
        // float32 [1, n] with a NaN in element 2, written by hand (header as NumPy writes it).
        let n = p.cases[0].expected["single-rounding"]!["t1"]!.data.count
        let hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, \(n)), }"
        let pad = String(repeating: " ", count: (64 - (10 + hdr.utf8.count + 1) % 64) % 64) + "\n"
        var bytes = NpyFile.magic + [1, 0, UInt8((hdr + pad).utf8.count), 0] + Array((hdr + pad).utf8)
        for k in 0..<n { let f: Float = k == 2 ? .nan : 1; for j in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: f.bitPattern >> (8 * UInt32(j)))) } }
        try Data(bytes).write(to: dir.appendingPathComponent("nan.npy"))
        for (ref, expected) in [("nan.npy", ["nan.npy", "tensor t1", "data[2]", "nan"]),
                                ("missing.npy", ["missing.npy", "tensor t1", "missing"]),
                                ("../outside.npy", ["outs.json", "tensor t1", "relative path"])] {
            do {
                _ = try Self.check(dir, try Self.outputs(p, rule: .singleRounding, override: ["t1": ["npy": ref]]))
                Issue.record("\(ref): accepted")
            } catch {
                for s in expected { #expect("\(error)".contains(s), "\(ref): \(error)") }
            }
        }
    }
}
