import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun

/// The end-to-end bad-input property of issue 16: for mutated input files (truncations, type swaps, huge numbers,
/// unknown keys, bytes that are not text), every command that reads them either succeeds or exits non-zero with
/// a message naming the file, never by a signal; it never changes its input; and when it fails it leaves the
/// outputs of an earlier run untouched. Runs the built `intrs` executable (next to this test bundle) as a
/// separate process, so a trap is a test failure and not the end of the test run. A few seconds.
@Suite("bad input property: succeed, or fail naming the file; never a signal; earlier outputs kept")
struct BadInputPropertyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `intrs` in the build products directory of this test bundle.
    static let intrs: URL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("intrs")

    struct Outcome { var status: Int32; var signalled: Bool; var output: String }

    static func run(_ args: [String]) throws -> Outcome {
        let p = Process()
        p.executableURL = intrs
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
                       output: String(decoding: out, as: UTF8.self))
    }

    // MARK: mutations

    /// Named mutations of a JSON document (a top-level object) or a JSON Lines file (its first line).
    static func jsonMutations(_ data: Data, lines: Bool = false) throws -> [(name: String, data: Data)] {
        var out: [(String, Data)] = textMutations(data)
        let text = String(decoding: data, as: UTF8.self)
        let first = lines ? String(text.split(separator: "\n")[0]) : text
        let rest = lines ? text.split(separator: "\n").dropFirst().map { String($0) + "\n" }.joined() : ""
        guard let obj = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any] else {
            Issue.record("not a JSON object"); return out
        }
        func emit(_ name: String, _ o: [String: Any]) throws {
            var d = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
            if lines { d.append(0x0a); d.append(Data(rest.utf8)) }
            out.append((name, d))
        }
        var o = obj; o["zzUnknownKey"] = 1
        try emit("unknown-key", o)
        let keys = obj.keys.sorted()
        // The first numeric and the first string field: swapped type, huge and negative huge numbers.
        if let k = keys.first(where: { obj[$0] is NSNumber && !($0 == "format") }) {
            o = obj; o[k] = "seven"; try emit("type-swap-\(k)", o)
            o = obj; o[k] = 1e300; try emit("huge-\(k)", o)
            o = obj; o[k] = -1.5; try emit("fraction-\(k)", o)
        }
        if let k = keys.first(where: { obj[$0] is String && $0 != "format" }) {
            o = obj; o[k] = 12; try emit("type-swap-\(k)", o)
            o = obj; o[k] = String(repeating: "9", count: 400); try emit("long-\(k)", o)
        }
        if let k = keys.first(where: { obj[$0] is [Any] }) {
            o = obj; o[k] = [String: Any](); try emit("array-to-object-\(k)", o)
            o = obj; o[k] = [Any](); try emit("empty-\(k)", o)
        }
        o = obj; o.removeValue(forKey: keys[keys.count / 2]); try emit("missing-\(keys[keys.count / 2])", o)
        return out
    }

    /// Byte-level mutations that need no structure: truncations, an empty file, bytes that are not UTF-8.
    static func textMutations(_ data: Data) -> [(name: String, data: Data)] {
        [("truncated-third", data.prefix(data.count / 3)), ("truncated-last-byte", data.prefix(data.count - 2)),
         ("empty", Data()), ("binary", Data((0..<256).map { UInt8(($0 * 97 + 13) % 256) }))]
    }

    // MARK: the check

    /// Runs `command(file)` on each mutation of `original` (written to DIR/KIND-MUTATION.EXT). `outputs`: files
    /// the command would write, pre-filled with an "earlier run" marker that a failed run must leave as is.
    static func check(kind: String, ext: String, original: Data, mutations: [(name: String, data: Data)],
                      outputs: [String] = [], _ command: (String, String) -> [String]) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-badinput-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outDir = dir.appendingPathComponent("out")
        for (name, data) in mutations {
            let file = dir.appendingPathComponent("\(kind)-\(name).\(ext)")
            try data.write(to: file)
            try? FileManager.default.removeItem(at: outDir)
            try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
            let marker = Data("earlier run's output\n".utf8)
            for o in outputs { try marker.write(to: outDir.appendingPathComponent(o)) }
            let args = command(file.path, outDir.path)
            let r = try run(args)
            let what = "intrs \(args.joined(separator: " ")) on \(kind)-\(name)"
            #expect(!r.signalled, "\(what): killed by signal \(r.status)\n\(r.output.suffix(600))")
            if r.status != 0 && !r.signalled {
                #expect(r.output.contains(file.lastPathComponent), "\(what): exit \(r.status), message does not name the file:\n\(r.output.suffix(600))")
                for o in outputs {
                    let now = try? Data(contentsOf: outDir.appendingPathComponent(o))
                    #expect(now == marker, "\(what): failed and changed the earlier output \(o)")
                }
            }
            #expect((try? Data(contentsOf: file)) == data, "\(what): changed its input file")
        }
    }

    static func ensureBuilt() -> Bool {
        if FileManager.default.isExecutableFile(atPath: intrs.path) { return true }
        Issue.record("\(intrs.path) not built: run `swift build --build-tests` (scripts/test does) before `swift test --skip-build`")
        return false
    }

    static var digitsModel: URL { root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-cnn.v1.json") }
    static var smallData: URL { root.appendingPathComponent("Fuzz/corpus/dataset/digits-3.json") }
    static let certifyArgs = ["--limit", "1", "--n", "100", "--n0", "10", "--every", "1", "--no-float-baseline", "--quiet", "--threads", "1"]
    static let certifyOutputs = ["certify.jsonl", "certify.tsv", "certify.svg"]

    @Test("model files: model describe, infer, certify")
    func models() throws {
        guard Self.ensureBuilt() else { return }
        let original = try Data(contentsOf: Self.digitsModel)
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-badinput-input-\(UUID().uuidString).json")
        try Data(#"{"shape": [8, 8, 1], "grid": [\#((0..<64).map { String($0 % 17) }.joined(separator: ","))]}"#.utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let mutations = try Self.jsonMutations(original)
        try Self.check(kind: "model", ext: "json", original: original, mutations: mutations) { f, _ in ["model", "describe", "--model", f] }
        try Self.check(kind: "model", ext: "json", original: original, mutations: mutations) { f, _ in ["infer", "--model", f, "--input", input.path] }
        try Self.check(kind: "model", ext: "json", original: original, mutations: mutations, outputs: Self.certifyOutputs) { f, o in
            ["certify", "--model", f, "--data", Self.smallData.path, "--output-dir", o] + Self.certifyArgs
        }
    }

    @Test(".tflite models: model describe, model import")
    func tflite() throws {
        guard Self.ensureBuilt() else { return }
        let original = try Data(contentsOf: Self.root.appendingPathComponent("Sources/IntRSCLI/Resources/digits-cnn.v1.tflite"))
        var mutations = Self.textMutations(original)
        // Offsets pointing outside the file: the root table offset, and words in the middle.
        for at in [0, 8, original.count / 2, original.count - 8] {
            var d = original
            for i in 0..<4 { d[at + i] = 0xff }
            mutations.append(("word-\(at)-ffffffff", d))
        }
        var headerKept = original.prefix(8) + Data((8..<original.count).map { UInt8(($0 * 31) % 251) })
        headerKept[4] = 0x54  // keep the "TFL3" identifier so the importer, not the JSON reader, sees it
        mutations.append(("garbage-after-header", headerKept))
        try Self.check(kind: "tflite", ext: "tflite", original: original, mutations: mutations) { f, _ in ["model", "describe", "--model", f] }
        try Self.check(kind: "tflite", ext: "tflite", original: original, mutations: mutations, outputs: ["model.json"]) { f, o in
            ["model", "import", f, "-o", o + "/model.json"]
        }
    }

    @Test("data sets: certify")
    func datasets() throws {
        guard Self.ensureBuilt() else { return }
        let original = try Data(contentsOf: Self.smallData)
        try Self.check(kind: "data", ext: "json", original: original, mutations: try Self.jsonMutations(original),
                       outputs: Self.certifyOutputs) { f, o in ["certify", "--data", f, "--output-dir", o] + Self.certifyArgs }
    }

    @Test("run records and their TSV: audit, merge, audit --cohen-tsv")
    func runRecords() throws {
        guard Self.ensureBuilt() else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-badinput-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let made = try Self.run(["certify", "--data", Self.smallData.path, "--output-dir", dir.path, "--limit", "2", "--n", "100",
                                 "--n0", "10", "--every", "1", "--no-float-baseline", "--quiet", "--threads", "1"])
        try #require(made.status == 0, "the run that makes the records failed: \(made.output)")
        let jsonl = try Data(contentsOf: dir.appendingPathComponent("certify.jsonl"))
        let mutations = try Self.jsonMutations(jsonl, lines: true)
        try Self.check(kind: "records", ext: "jsonl", original: jsonl, mutations: mutations) { f, _ in ["audit", f] }
        try Self.check(kind: "records", ext: "jsonl", original: jsonl, mutations: mutations, outputs: Self.certifyOutputs) { f, o in
            ["merge", f, "--output-dir", o]
        }
        let tsv = try Data(contentsOf: dir.appendingPathComponent("certify.tsv"))
        var tsvMutations = Self.textMutations(tsv)
        let t = String(decoding: tsv, as: UTF8.self)
        let lines = t.split(separator: "\n").map(String.init)
        func edit(_ name: String, _ column: Int, _ value: String) {
            var cols = lines[1].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            cols[column] = value
            tsvMutations.append((name, Data(([lines[0], cols.joined(separator: "\t")] + lines.dropFirst(2)).joined(separator: "\n").utf8)))
        }
        edit("radius-huge", 3, "1e300")
        edit("radius-text", 3, "seven")
        edit("index-huge", 0, "99999999999999999999")
        edit("label-negative", 1, "-9223372036854775808")
        tsvMutations.append(("missing-column", Data(lines.map { $0.split(separator: "\t").dropLast().joined(separator: "\t") }.joined(separator: "\n").utf8)))
        try Self.check(kind: "tsv", ext: "tsv", original: tsv, mutations: tsvMutations) { f, _ in
            ["audit", "--cohen-tsv", f, "--sigma", "4", "--n", "100", "--alpha", "0.001", "--radius-format", "floor:6"]
        }
    }

    @Test("noise tables: sample --table; certificate tables: certify --certificate-table")
    func tables() throws {
        guard Self.ensureBuilt() else { return }
        let noise = try Data(contentsOf: Self.root.appendingPathComponent("Fuzz/corpus/noise-table/vec-3.json"))
        try Self.check(kind: "noise-table", ext: "json", original: noise, mutations: try Self.jsonMutations(noise)) { f, _ in
            ["sample", "--sampler", "table", "--table", f, "--count", "3", "--seed", String(repeating: "0", count: 64)]
        }
        let tables = Self.root.appendingPathComponent("Sources/IntRSCLI/Resources/certificate-tables")
        let name = try FileManager.default.contentsOfDirectory(atPath: tables.path).filter { $0.hasSuffix(".json") }.sorted()[0]
        let cert = try Data(contentsOf: tables.appendingPathComponent(name))
        try Self.check(kind: "certificate-table", ext: "json", original: cert, mutations: try Self.jsonMutations(cert),
                       outputs: Self.certifyOutputs) { f, o in
            ["certify", "--data", Self.smallData.path, "--certificate-table", f, "--output-dir", o] + Self.certifyArgs
        }
    }
}
