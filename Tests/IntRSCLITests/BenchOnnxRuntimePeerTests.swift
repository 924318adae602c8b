import Foundation
import Testing
@testable import IntRSCLI

/// `intrs bench int8`'s ONNX Runtime peer protocol, driven by fake peers written in sh (no Python, no
/// onnxruntime: the real peer is optional and never a test dependency).
@Suite("bench int8: the ONNX Runtime peer process")
struct BenchOnnxRuntimePeerTests {
    /// Writes an sh script into a fresh temporary directory and returns its path.
    static func script(_ body: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-peer-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("peer.sh")
        try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let ready = #"echo '{"ready": true, "onnxruntime": "fake-1.0", "contenders": ["ort-int8-qdq", "ort-float32"]}'"#

    /// A well-behaved peer: answers threads and run requests, an error for anything else.
    static let goodPeer = ready + """

    while IFS= read -r line; do
      case "$line" in
        *threads*) echo '{"ok": true}' ;;
        *ort-float32*) echo '{"cpu": 0.25, "wall": 0.5, "classes": [1, 2]}' ;;
        *) echo '{"error": "unknown contender"}' ;;
      esac
    done
    """

    static func start(_ body: String, timeout: Double = 60) throws -> OnnxRuntimePeer {
        try OnnxRuntimePeer(python: "/bin/sh", script: try script(body), model: "m.json", batch: 2,
                            input: URL(fileURLWithPath: "/dev/null"), timeout: timeout)
    }

    @Test("a peer that follows the protocol: version, contenders, threads, timed runs; close ends it")
    func goodPeerRuns() throws {
        let p = try Self.start(Self.goodPeer)
        #expect(p.version == "fake-1.0")
        #expect(p.contenders == ["ort-int8-qdq", "ort-float32"])
        try p.setThreads(1)
        #expect(try p.run("ort-float32") == OnnxRuntimePeer.Timing(cpu: 0.25, wall: 0.5, classes: [1, 2]))
        #expect(try p.run("ort-float32").cpu == 0.25)
        p.close()
        #expect(throws: OnnxRuntimePeer.Failure.self) { try p.run("ort-float32") }
    }

    @Test("the peer's error answer is passed on with its message")
    func errorAnswer() throws {
        let p = try Self.start(Self.goodPeer)
        try p.setThreads(2)
        let e = try #require(throws: OnnxRuntimePeer.Failure.self) { try p.run("ort-int8-qdq") }
        #expect(e.description.contains("peer error at run ort-int8-qdq: unknown contender"), "\(e)")
        // An error answer to a request whose success carries no data (threads) is a failure too.
        let q = try Self.start(Self.ready + "\nread line\necho '{\"error\": \"no such provider\"}'\n")
        let f = try #require(throws: OnnxRuntimePeer.Failure.self) { try q.setThreads(1) }
        #expect(f.description.contains("peer error at threads 1: no such provider"), "\(f)")
    }

    @Test("onnxruntime missing: the start-up failure names the cause from the peer's stderr")
    func missingModule() throws {
        let e = try #require(throws: OnnxRuntimePeer.Failure.self) {
            try Self.start("echo \"ModuleNotFoundError: No module named 'onnxruntime'\" >&2\nexit 1\n")
        }
        #expect(e.description.contains("No module named 'onnxruntime'") && e.description.contains("start-up"), "\(e)")
    }

    @Test("a peer that dies after start-up: the next request fails with a message, intrs goes on")
    func diesMidway() throws {
        let p = try Self.start(Self.ready + "\nread line\necho 'boom: killed' >&2\nexit 3\n")
        let e = try #require(throws: OnnxRuntimePeer.Failure.self) { try p.setThreads(1) }
        #expect(e.description.contains("peer ended") && e.description.contains("boom: killed"), "\(e)")
        #expect(throws: OnnxRuntimePeer.Failure.self) { try p.run("ort-float32") }
    }

    @Test("garbage instead of JSON, a silent peer past the timeout, a missing interpreter or script")
    func otherFailures() throws {
        let garbage = try #require(throws: OnnxRuntimePeer.Failure.self) { try Self.start("echo 'Traceback (most recent call last):'\n") }
        #expect(garbage.description.contains("not a JSON object"), "\(garbage)")
        let silent = try #require(throws: OnnxRuntimePeer.Failure.self) { try Self.start("sleep 30\n", timeout: 1) }
        #expect(silent.description.contains("silent"), "\(silent)")
        let noPython = try #require(throws: OnnxRuntimePeer.Failure.self) {
            try OnnxRuntimePeer(python: "/nonexistent/python3", script: try Self.script(Self.goodPeer), model: "m", batch: 1,
                                input: URL(fileURLWithPath: "/dev/null"))
        }
        #expect(noPython.description.contains("/nonexistent/python3"), "\(noPython)")
        let noScript = try #require(throws: OnnxRuntimePeer.Failure.self) {
            try OnnxRuntimePeer(python: "/bin/sh", script: "/nonexistent/peer.py", model: "m", batch: 1, input: URL(fileURLWithPath: "/dev/null"))
        }
        #expect(noScript.description.contains("/nonexistent/peer.py"), "\(noScript)")
    }

    @Test("which interpreter: --onnxruntime, then INTRS_ONNXRUNTIME_PYTHON, then the tools venv; none says why")
    func interpreterChoice() {
        let venv = "tools/onnx_peer/.venv/bin/python"
        #expect(BenchInt8Command.peerPython(option: "/x/python", environment: ["INTRS_ONNXRUNTIME_PYTHON": "/y"], fileExists: { _ in true }).python == "/x/python")
        #expect(BenchInt8Command.peerPython(option: "none", environment: [:], fileExists: { _ in true }).python == nil)
        #expect(BenchInt8Command.peerPython(option: nil, environment: ["INTRS_ONNXRUNTIME_PYTHON": "/y"], fileExists: { _ in true }).python == "/y")
        #expect(BenchInt8Command.peerPython(option: nil, environment: [:], fileExists: { $0 == venv }).python == venv)
        let none = BenchInt8Command.peerPython(option: nil, environment: [:], fileExists: { _ in false })
        #expect(none.python == nil && none.why.contains("requirements.txt"))
    }
    @Test("the answer reader refuses what it does not expect: long lines, bad contenders, classes that are not class indices")
    func answerReader() throws {
        typealias A = OnnxRuntimePeer.Answers
        var buffer = Array("{\"ok\": true}\n{\"ok\"".utf8)
        #expect(try A.takeLine(&buffer, what: "t") == Data("{\"ok\": true}".utf8))
        #expect(try A.takeLine(&buffer, what: "t") == nil && buffer == Array("{\"ok\"".utf8))
        var long = [UInt8](repeating: 0x20, count: A.maxLineBytes + 1)
        #expect(throws: OnnxRuntimePeer.Failure.self) { try A.takeLine(&long, what: "t") }
        let ready = { (c: Any) in try A.ready(["ready": true, "contenders": c]) }
        #expect(try ready(["ort-float32"]).contenders == ["ort-float32"])
        for bad: Any in [[String](), ["a", "a"], [""], ["has space"], [String(repeating: "x", count: 65)], [1]] {
            #expect(throws: OnnxRuntimePeer.Failure.self, "\(bad)") { try ready(bad) }
        }
        let run = { (classes: Any) in try A.timing(["cpu": 0.1, "wall": 0.2, "classes": classes], contender: "c") }
        #expect(try run([1, 2]).classes == [1, 2])
        #expect(try A.timing(["cpu": 0.1, "wall": 0.2], contender: "c").classes == [])
        for bad: Any in [[1.5], [1e300], [-3e9], ["1"], "1, 2"] {
            #expect(throws: OnnxRuntimePeer.Failure.self, "\(bad)") { try run(bad) }
        }
        let e = try #require(throws: OnnxRuntimePeer.Failure.self) { try A.object(Data("{\"error\": \"boom\"}".utf8), what: "run x") }
        #expect(e.description == "peer error at run x: boom")
    }
}
