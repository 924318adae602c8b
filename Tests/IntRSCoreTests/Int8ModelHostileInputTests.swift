import Foundation
import Testing
@testable import IntRSCore

/// Issue 16: model files that passed validation and then trapped or were silently misread.
@Suite("Int8 model format: hostile input (issue 16)")
struct Int8ModelHostileInputTests {
    static func averagePool(_ kh: Int, _ kw: Int) -> Int8Model {
        var pool = Int8Layer(op: "averagePool2d", outputShape: [1, 1, 1], outputZeroPoint: 0)
        pool.poolSize = [kh, kw]
        pool.padding = "valid"
        return Int8Model(rounding: .double, input: Int8InputSpec(shape: [kh, kw, 1], zeroPoint: 0, gridMultiplier: 1),
                         layers: [pool])
    }

    @Test("an average pool of 2^24 taps is rejected (its int32 sum overflows); 2^23 taps pass")
    func averagePoolTaps() throws {
        do {
            _ = try Self.averagePool(4096, 4096).validated(file: "m.json")
            Issue.record("a 4096x4096 average pool passed validation")
        } catch let e as Int8ModelError {
            #expect(e.field == "layers[0].poolSize", "\(e)")
            #expect("\(e)".contains("2^23"), "\(e)")
        }
        _ = try Self.averagePool(2048, 4096).validated(file: "m.json")
    }
}

/// Issue 16: unknown keys and unrepresentable numbers in model and data set files are named.
@Suite("closed JSON formats: unknown keys and numbers (issue 16)")
struct ClosedJSONFormatTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelText = try! String(contentsOf: root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-cnn.v1.json"), encoding: .utf8)
    static let dataText = try! String(contentsOf: root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-test.v1.json"), encoding: .utf8)

    static func model(_ mutate: (inout [String: Any]) -> Void) throws -> Data {
        var m = try #require(try JSONSerialization.jsonObject(with: Data(modelText.utf8)) as? [String: Any])
        mutate(&m)
        return try JSONSerialization.data(withJSONObject: m)
    }

    static func layer0(_ m: inout [String: Any], _ mutate: (inout [String: Any]) -> Void) {
        var layers = m["layers"] as! [[String: Any]]
        mutate(&layers[0])
        m["layers"] = layers
    }

    static func modelError(_ data: Data) -> Int8ModelError? {
        do { _ = try Int8Model.decode(data, file: "m.json"); return nil } catch { return error as? Int8ModelError }
    }

    @Test("the shipped model decodes (the closed shape accepts every key it uses)")
    func shippedModelDecodes() throws {
        _ = try Int8Model.decode(Data(Self.modelText.utf8), file: "m.json")
    }

    @Test("unknown keys are rejected with their path: top level, input, layer, tensor")
    func unknownKeys() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("layers[0].bais", { m in Self.layer0(&m) { $0["bais"] = $0.removeValue(forKey: "bias") } }),
            ("layers[0].dilations", { m in Self.layer0(&m) { $0["dilations"] = [2, 2] } }),
            ("layers[0].filter.zeroPoint", { m in Self.layer0(&m) { var f = $0["filter"] as! [String: Any]; f["zeroPoint"] = 3; $0["filter"] = f } }),
            ("input.gridmultiplier", { m in var i = m["input"] as! [String: Any]; i["gridmultiplier"] = 2; m["input"] = i }),
            ("extra", { m in m["extra"] = true }),
        ]
        for (field, mutate) in cases {
            let e = try #require(Self.modelError(try Self.model(mutate)), "\(field) accepted")
            #expect(e.field == field, "\(e)")
            #expect("\(e)".contains("unknown field"), "\(e)")
        }
    }

    @Test("a number that does not fit an integer field names the field and the value")
    func integerFields() throws {
        let base = Self.modelText
        for (bad, value) in [("1.5", "1.5"), ("1e30", "1e+30"), ("9223372036854775808", "9223372036854775808")] {
            let text = base.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : \(bad)")
            let e = try #require(Self.modelError(Data(text.utf8)), "\(bad) accepted")
            #expect(e.field == "version", "\(e)")
            #expect("\(e)".contains("= \(value)"), "\(e)")
        }
        let shift = try Self.model { m in Self.layer0(&m) { $0["shift"] = [1.5] } }
        #expect(Self.modelError(shift)?.field == "layers[0].shift[0]")
        let e400 = base.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 1e400")
        #expect("\(Self.modelError(Data(e400.utf8)).map { "\($0)" } ?? "accepted")".contains("1e400 on line"))
    }

    @Test("the model format's keys (by reflection) are exactly the schema's")
    func modelKeysMatchSchema() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.root.appendingPathComponent("Vectors/model.v1.schema.json"))) as? [String: Any])
        func keys(_ o: [String: Any]?) -> Set<String> { Set((o?["properties"] as? [String: Any])?.keys ?? [:].keys) }
        let props = schema["properties"] as? [String: Any]
        let defs = schema["$defs"] as? [String: Any]
        #expect(keys(schema) == Set(Int8Model.closedShape.fields.keys))
        #expect(keys(props?["input"] as? [String: Any]) == Set(Int8InputSpec.closedShape.fields.keys))
        #expect(keys(defs?["layer"] as? [String: Any]) == Set(Int8Layer.closedShape.fields.keys))
        #expect(keys(defs?["tensor"] as? [String: Any]) == Set(Int8Tensor.closedShape.fields.keys))
    }

    @Test("data sets: a non-integer grid value names its field and value")
    func datasetIntegers() throws {
        var d = try #require(try JSONSerialization.jsonObject(with: Data(Self.dataText.utf8)) as? [String: Any])
        var ex = d["examples"] as! [[String: Any]]
        var g = ex[1]["grid"] as! [Any]
        g[5] = 2.5
        ex[1]["grid"] = g
        d["examples"] = ex
        do {
            _ = try GridDataset.decode(try JSONSerialization.data(withJSONObject: d), file: "d.json")
            Issue.record("accepted")
        } catch let e as GridDatasetError {
            #expect(e.field == "examples[1].grid[5]" && "\(e)".contains("2.5: not an integer"), "\(e)")
        }
    }
}
