import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSConformance

/// `ProtobufWriter` against the worked examples of the Protocol Buffers encoding guide
/// (https://protobuf.dev/programming-guides/encoding/), and `ONNXWriter` on every model of the int8 suites.
/// ONNX Runtime loading and running these files (tools/conform/run.sh, onnx.checker full check) is the
/// end-to-end test; the verdicts it gives are in README.md.
@Suite("ONNX writer")
struct ONNXWriterTests {
    @Test("protobuf wire format: the encoding guide's examples")
    func wireFormat() {
        var a = ProtobufWriter(); a.int(1, 150)
        #expect(a.bytes == [0x08, 0x96, 0x01])
        var b = ProtobufWriter(); b.string(2, "testing")
        #expect(b.bytes == [0x12, 0x07] + Array("testing".utf8))
        var c = ProtobufWriter(); c.message(3, a)
        #expect(c.bytes == [0x1a, 0x03, 0x08, 0x96, 0x01])
        var d = ProtobufWriter(); d.int(1, 128); d.int(1, 300); d.int(1, -1)
        #expect(d.bytes == [0x08, 0x80, 0x01, 0x08, 0xac, 0x02, 0x08] + [UInt8](repeating: 0xff, count: 9) + [0x01])
        var e = ProtobufWriter(); e.float(2, 1)
        #expect(e.bytes == [0x15, 0x00, 0x00, 0x80, 0x3f])
    }

    @Test("every int8-rules and int8-ops model is written in both forms, deterministically")
    func suites() throws {
        for suite in ["int8-rules", "int8-ops"] {
            for it in try ConformancePackBuilder.items(suite: suite, vectors: ConformanceTests.vectors) {
                let plan = try Int8RequantizationPlan(try it.model.validated(file: "m"), multipliers: .fromScales)
                for form in ONNXWriter.Form.allCases {
                    let a = try ONNXWriter.write(it.model, tensorScales: plan.tensorScales, filterScales: plan.filterScales, form: form, name: "m")
                    let b = try ONNXWriter.write(it.model, tensorScales: plan.tensorScales, filterScales: plan.filterScales, form: form, name: "m")
                    #expect(a == b && a.count > 100)
                    // The graph names every IntRS tensor t0 ... tL (graph input and outputs).
                    let text = String(decoding: a, as: UTF8.self)
                    for k in 0...it.model.layers.count { #expect(text.contains("t\(k)")) }
                }
            }
        }
    }
}
