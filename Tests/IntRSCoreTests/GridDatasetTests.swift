import Foundation
import Testing
@testable import IntRSCore

/// The shipped test set, located from this source file (tests run inside a checkout).
let shippedDigitsTestURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/IntRSCLI/Resources/digits-test.v1.json")

/// A small valid dataset text: 2 examples of shape [2, 2, 1]. `edit` rewrites the header fields or
/// examples before they are serialised.
private func tinyDataset(header: [String: String] = [:], examples: [String]? = nil) -> Data {
    var h: [String: String] = [
        "format": "\"intrs-grid-dataset\"", "version": "1", "name": "\"tiny\"",
        "provenance": "{\"source\": \"hand-made test fixture\", \"split\": \"all\", \"seed\": 7}",
        "shape": "[2, 2, 1]", "layout": "\"HWC\"", "gridMin": "0", "gridMax": "16", "gridScale": "\"1/16\"",
        "numberOfClasses": "3", "numberOfExamples": "2",
    ]
    for (k, v) in header { h[k] = v }
    let ex = examples ?? [
        "{\"index\": 0, \"sourceIndex\": 4, \"label\": 2, \"grid\": [0, 16, 3, 4]}",
        "{\"index\": 1, \"label\": 0, \"grid\": [1, 2, 3, 5]}",
    ]
    var s = "{\n"
    for k in h.keys.sorted() where h[k] != "DELETE" { s += "  \"\(k)\": \(h[k]!),\n" }
    s += "  \"examples\": [\n    " + ex.joined(separator: ",\n    ") + "\n  ]\n}\n"
    return Data(s.utf8)
}

@Suite("GridDataset")
struct GridDatasetTests {
    @Test("the shipped digits test set loads and matches its documented header")
    func shippedDigits() throws {
        let d = try GridDataset.load(from: shippedDigitsTestURL)
        #expect(d.name == "digits-test")
        #expect(d.shape == [8, 8, 1])
        #expect(d.elementCount == 64)
        #expect(d.gridMin == 0 && d.gridMax == 16)
        #expect(d.gridScaleFraction == (1, 16))
        #expect(d.numberOfClasses == 10)
        #expect(d.examples.count == 360)
        #expect(d.provenance.seed == 20261126)
        #expect(d.provenance.sourceLibrary == "scikit-learn")
        #expect(d.provenance.loader == "sklearn.datasets.load_digits")
        // Stratified split: 36 (+-1) examples of each class; both grey-level extremes occur.
        var counts = [Int](repeating: 0, count: 10)
        for e in d.examples { counts[e.label] += 1 }
        #expect(counts.allSatisfy { (35...37).contains($0) }, "class counts \(counts)")
        let all = d.examples.flatMap(\.grid)
        #expect(all.min() == 0 && all.max() == 16)
        // Source indices strictly increasing (sorted split) and within load_digits' 1,797 rows.
        let src = d.examples.compactMap(\.sourceIndex)
        #expect(src.count == 360 && zip(src, src.dropFirst()).allSatisfy { $0 < $1 } && src.last! < 1797)
        #expect(d.grid(0).count == 64)
    }

    @Test("a tiny valid file decodes")
    func tinyValid() throws {
        let d = try GridDataset.decode(tinyDataset(), file: "tiny.json")
        #expect(d.examples.count == 2)
        #expect(d.examples[0].sourceIndex == 4 && d.examples[1].sourceIndex == nil)
        #expect(d.grid(0) == [0, 16, 3, 4])
        #expect(d.provenance.seed == 7)
        try d.checkCompatible(inputShape: [2, 2, 1], file: "tiny.json")
        try d.checkCompatible(inputShape: [4], file: "tiny.json")
        #expect(throws: GridDatasetError.self) { try d.checkCompatible(inputShape: [8, 8, 1], file: "tiny.json") }
    }

    /// (description, header edits, examples or nil, expected field, a substring of the message)
    static let badCases: [(String, [String: String], [String]?, String, String)] = [
        ("grid value above gridMax", [:], ["{\"index\": 0, \"label\": 2, \"grid\": [0, 17, 3, 4]}",
                                           "{\"index\": 1, \"label\": 0, \"grid\": [1, 2, 3, 5]}"],
         "examples[0].grid[1]", "= 17: grid value outside"),
        ("negative grid value", [:], ["{\"index\": 0, \"label\": 2, \"grid\": [0, 1, 3, 4]}",
                                      "{\"index\": 1, \"label\": 0, \"grid\": [1, 2, -1, 5]}"],
         "examples[1].grid[2]", "= -1"),
        ("too few grid values (wrong shape)", [:], ["{\"index\": 0, \"label\": 2, \"grid\": [0, 1, 3]}",
                                                    "{\"index\": 1, \"label\": 0, \"grid\": [1, 2, 3, 5]}"],
         "examples[0].grid", "3 values: wrong shape"),
        ("label out of range", [:], ["{\"index\": 0, \"label\": 3, \"grid\": [0, 1, 3, 4]}",
                                     "{\"index\": 1, \"label\": 0, \"grid\": [1, 2, 3, 5]}"],
         "examples[0].label", "= 3: bad label"),
        ("negative label", [:], ["{\"index\": 0, \"label\": -1, \"grid\": [0, 1, 3, 4]}",
                                 "{\"index\": 1, \"label\": 0, \"grid\": [1, 2, 3, 5]}"],
         "examples[0].label", "= -1"),
        ("label not an integer", [:], ["{\"index\": 0, \"label\": \"two\", \"grid\": [0, 1, 3, 4]}",
                                       "{\"index\": 1, \"label\": 0, \"grid\": [1, 2, 3, 5]}"],
         "examples[0].label", "expected"),
        ("index out of order", [:], ["{\"index\": 0, \"label\": 1, \"grid\": [0, 1, 3, 4]}",
                                     "{\"index\": 5, \"label\": 0, \"grid\": [1, 2, 3, 5]}"],
         "examples[1].index", "= 5"),
        ("unknown example field", [:], ["{\"index\": 0, \"label\": 1, \"grid\": [0, 1, 3, 4], \"lable\": 1}",
                                        "{\"index\": 1, \"label\": 0, \"grid\": [1, 2, 3, 5]}"],
         "examples[0].lable", "unknown field"),
        ("missing grid", [:], ["{\"index\": 0, \"label\": 1}", "{\"index\": 1, \"label\": 0, \"grid\": [1, 2, 3, 5]}"],
         "examples[0].grid", "missing"),
        ("shape with two dimensions", ["shape": "[2, 2]"], nil, "shape", "[2, 2]"),
        ("shape with a zero dimension", ["shape": "[2, 0, 1]"], nil, "shape[1]", "= 0"),
        ("shape that does not match the grids", ["shape": "[3, 3, 1]"], nil, "examples[0].grid", "wrong shape"),
        ("wrong format", ["format": "\"intrs-int8-model\""], nil, "format", "intrs-int8-model"),
        ("unsupported version", ["version": "2"], nil, "version", "= 2"),
        ("bad layout", ["layout": "\"CHW\""], nil, "layout", "CHW"),
        ("gridMax below gridMin", ["gridMin": "5", "gridMax": "4"], nil, "gridMax", "= 4"),
        ("gridMin outside Int32", ["gridMin": "-3000000000"], nil, "gridMin", "-3000000000"),
        ("grid scale zero", ["gridScale": "\"0/16\""], nil, "gridScale", "0/16"),
        ("grid scale not a rational", ["gridScale": "\"0.0625\""], nil, "gridScale", "0.0625"),
        ("grid scale a number", ["gridScale": "0.0625"], nil, "gridScale", "expected"),
        ("no classes", ["numberOfClasses": "0"], nil, "numberOfClasses", "= 0"),
        ("class names of wrong length", ["classNames": "[\"a\", \"b\"]"], nil, "classNames", "2 names"),
        ("example count mismatch", ["numberOfExamples": "3"], nil, "numberOfExamples", "= 3"),
        ("missing provenance", ["provenance": "DELETE"], nil, "provenance", "missing"),
        ("provenance without split", ["provenance": "{\"source\": \"x\"}"], nil, "provenance.split", "missing"),
        ("empty split rule", ["provenance": "{\"source\": \"x\", \"split\": \"\"}"], nil, "provenance.split", "split rule"),
        ("unknown top-level field", ["exmaples": "[]"], nil, "exmaples", "unknown field"),
        ("no examples", ["numberOfExamples": "0"], [], "examples", "at least one"),
    ]

    @Test("bad files are rejected naming file, field and value", arguments: 0..<badCases.count)
    func badFile(_ i: Int) throws {
        let (what, header, examples, field, fragment) = GridDatasetTests.badCases[i]
        let data = tinyDataset(header: header, examples: examples)
        do {
            _ = try GridDataset.decode(data, file: "bad.json")
            Issue.record("\(what): accepted")
        } catch let e as GridDatasetError {
            #expect(e.field == field, "\(what): \(e)")
            #expect(e.description.hasPrefix("bad.json: "), "\(what): \(e)")
            #expect(e.description.contains(fragment), "\(what): \(e)")
        }
    }

    @Test("not JSON, a JSON array, and a missing file are clear errors")
    func unreadable() throws {
        #expect(throws: GridDatasetError.self) { try GridDataset.decode(Data("{\"format\": ".utf8), file: "x.json") }
        do {
            _ = try GridDataset.decode(Data("[1, 2]".utf8), file: "arr.json")
            Issue.record("array accepted")
        } catch let e as GridDatasetError {
            #expect(e.description.contains("arr.json") && e.description.contains("JSON object"))
        }
        let missing = URL(fileURLWithPath: "/nonexistent/intrs/no-such-dataset.json")
        do {
            _ = try GridDataset.load(from: missing)
            Issue.record("missing file accepted")
        } catch let e as GridDatasetError {
            guard case .unreadable(let f, _) = e else { Issue.record("wrong case \(e)"); return }
            #expect(f == missing.path)
        }
    }

    @Test("encoding a loaded dataset and decoding it again gives the same dataset")
    func roundTrip() throws {
        let d = try GridDataset.decode(tinyDataset(), file: "tiny.json")
        let again = try GridDataset.decode(try CanonicalJSON.encode(d), file: "re.json")
        #expect(again == d)
    }

    @Test("the JSON Schema and the loader agree on the field names and required fields")
    func schemaAgreesWithLoader() throws {
        let url = shippedDigitsTestURL.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors/dataset.v1.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let props = try #require(schema["properties"] as? [String: Any])
        #expect(Set(props.keys) == GridDataset.topLevelKeys)
        let prov = try #require(props["provenance"] as? [String: Any])
        #expect(Set(try #require(prov["properties"] as? [String: Any]).keys) == GridDataset.provenanceKeys)
        #expect(Set(try #require(prov["required"] as? [String])) == ["source", "split"])
        let items = try #require((props["examples"] as? [String: Any])?["items"] as? [String: Any])
        #expect(Set(try #require(items["properties"] as? [String: Any]).keys) == GridDataset.exampleKeys)
        #expect(Set(try #require(items["required"] as? [String])) == ["index", "label", "grid"])
        // Every top-level field the schema requires is non-optional in the Swift type: deleting it fails.
        for key in try #require(schema["required"] as? [String]) where key != "examples" {
            #expect(throws: GridDatasetError.self, "\(key)") {
                try GridDataset.decode(tinyDataset(header: [key: "DELETE"]), file: "t.json")
            }
        }
    }
}

