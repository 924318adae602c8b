import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The ONNX Runtime peer of `intrs bench int8`: `PYTHON tools/onnx_peer/bench_onnxruntime.py --serve ...`, started
/// once per run. It exports the benchmark model to ONNX (int8 QDQ per-channel and float32), loads it, then times
/// one batch per request, so that its rounds interleave with the IntRS rows on the same inputs. Protocol (one
/// JSON object per line; the script's `serve` documents it): the peer answers {"ready": true, "onnxruntime":
/// version, "contenders": [...]} or {"error": ...}; requests {"threads": t} -> {"ok": true} and {"run": name} ->
/// {"cpu": s, "wall": s, "classes": [...]}. CPU seconds are the peer process's own (`time.process_time`).
///
/// Every failure (no interpreter, onnxruntime not installed, a model the exporter cannot express, a crash, a
/// silent peer past `timeout`) is a `Failure` whose message names the cause (with the peer's last stderr
/// line); the caller prints it as a note and goes on without the peer's rows. Not a test dependency: the
/// tests drive this type with a fake peer script.
final class OnnxRuntimePeer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Timing: Equatable {
        var cpu: Double
        var wall: Double
        var classes: [Int]
    }

    private(set) var version = "unknown"
    private(set) var contenders: [String] = []
    private let process: Process
    private let toPeer: Int32
    private let fromPeer: Int32
    private let stderrURL: URL
    private let timeout: Double
    private var buffer: [UInt8] = []
    private var closed = false

    /// Starts the peer and waits (up to `timeout` seconds) for its ready line. `python` is a path, or a bare
    /// name looked up in PATH (through /usr/bin/env). `input`: `batch` inputs as raw little-endian float32,
    /// HWC, real units.
    init(python: String, script: String, model: String, batch: Int, input: URL, timeout: Double = 600) throws {
        signal(SIGPIPE, SIG_IGN)  // a dead peer must give EPIPE (an error we report), not kill intrs
        guard FileManager.default.fileExists(atPath: script) else {
            throw Failure(description: "peer script \(script) not found (run from the repository root, or give --onnxruntime-script)")
        }
        self.timeout = timeout
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-ort-peer-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).stderr")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)   // a failure throws below, at FileHandle(forWritingTo:)
        let p = Process()
        let args = [script, "--serve", "--model", model, "--batch", String(batch), "--input", input.path]
        if python.contains("/") {
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = args
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [python] + args
        }
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = try FileHandle(forWritingTo: stderrURL)
        do { try p.run() } catch {
            try? FileManager.default.removeItem(at: stderrURL)
            throw Failure(description: "cannot start \(python): \(error.localizedDescription)")
        }
        process = p
        toPeer = inPipe.fileHandleForWriting.fileDescriptor
        fromPeer = outPipe.fileHandleForReading.fileDescriptor
        // Keep the pipe objects' descriptors open for our lifetime (Pipe closes them on deinit).
        pipes = (inPipe, outPipe)
        let ready: [String: Any]
        do { ready = try readAnswer(what: "start-up (loading onnxruntime and the model)") } catch {
            close()
            throw error
        }
        version = ready["onnxruntime"] as? String ?? "unknown"
        contenders = ready["contenders"] as? [String] ?? []
        if ready["ready"] as? Bool != true || contenders.isEmpty {
            close()
            throw Failure(description: "peer start-up answer without contenders: \(ready)")
        }
    }

    private var pipes: (Pipe, Pipe)?

    /// New sessions with `threads` intra-op threads (one warm-up run each).
    func setThreads(_ threads: Int) throws {
        _ = try request(["threads": threads], what: "threads \(threads)")
    }

    /// One timed batch of `contender`.
    func run(_ contender: String) throws -> Timing {
        let a = try request(["run": contender], what: "run \(contender)")
        guard let cpu = (a["cpu"] as? NSNumber)?.doubleValue, let wall = (a["wall"] as? NSNumber)?.doubleValue,
              cpu.isFinite, wall.isFinite, cpu >= 0, wall > 0 else {
            throw Failure(description: "peer answer to run \(contender) lacks cpu / wall seconds: \(a)")
        }
        return Timing(cpu: cpu, wall: wall, classes: (a["classes"] as? [NSNumber])?.map(\.intValue) ?? [])
    }

    /// Ends the peer: closes its input (it exits at end of input), waits up to 5 s, then terminates it.
    func close() {
        if closed { return }
        closed = true
        Glibc.close(toPeer)
        pipes = nil
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: stderrURL)
    }

    deinit { close() }

    private func request(_ obj: [String: Any], what: String) throws -> [String: Any] {
        guard !closed else { throw Failure(description: "peer already closed") }
        var line = try JSONSerialization.data(withJSONObject: obj)
        line.append(0x0A)
        let ok = line.withUnsafeBytes { b -> Bool in
            var off = 0
            while off < b.count {
                let n = write(toPeer, b.baseAddress! + off, b.count - off)
                if n <= 0 { return false }
                off += n
            }
            return true
        }
        if !ok { throw Failure(description: "peer stopped accepting requests (\(what))\(stderrTail())") }
        return try readAnswer(what: what)
    }

    /// The next line from the peer as a JSON object; an {"error": ...} answer, end of output or a silent peer
    /// past the timeout is a Failure.
    private func readAnswer(what: String) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let data = Data(buffer[..<nl])
                buffer.removeSubrange(...nl)
                guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                    throw Failure(description: "peer answered \(what) with a line that is not a JSON object: \(String(decoding: data.prefix(200), as: UTF8.self))")
                }
                if let e = obj["error"] { throw Failure(description: "peer error at \(what): \(e)") }
                return obj
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { throw Failure(description: "peer silent for \(Int(timeout)) s at \(what)") }
            var pfd = pollfd(fd: fromPeer, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, Int32(min(left, 1) * 1000))
            if r < 0 && errno != EINTR { throw Failure(description: "poll on the peer's output failed (errno \(errno))") }
            if r == 0 && !process.isRunning {
                throw Failure(description: "peer ended at \(what) (exit status \(process.terminationStatus))\(stderrTail())")
            }
            if r <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = read(fromPeer, &chunk, chunk.count)
            if n <= 0 {
                usleep(100_000)
                let status = process.isRunning ? "" : " (exit status \(process.terminationStatus))"
                throw Failure(description: "peer ended at \(what)\(status)\(stderrTail())")
            }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// "; stderr: <last non-empty line>" or "".
    private func stderrTail() -> String {
        guard let s = try? String(contentsOf: stderrURL, encoding: .utf8),
              let last = s.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return "" }
        return "; stderr: " + String(last.prefix(300))
    }
}
