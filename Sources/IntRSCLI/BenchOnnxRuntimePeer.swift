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
        do {
            (version, contenders) = try Answers.ready(try readAnswer(what: Answers.startUp))
        } catch {
            close()
            throw error
        }
    }

    private var pipes: (Pipe, Pipe)?

    /// New sessions with `threads` intra-op threads (one warm-up run each).
    func setThreads(_ threads: Int) throws {
        _ = try request(["threads": threads], what: "threads \(threads)")
    }

    /// One timed batch of `contender`.
    func run(_ contender: String) throws -> Timing {
        try Answers.timing(try request(["run": contender], what: "run \(contender)"), contender: contender)
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
            if let line = try Answers.takeLine(&buffer, what: what) { return try Answers.object(line, what: what) }
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

extension OnnxRuntimePeer {
    /// The reading of the peer's output, apart from the process: the peer is outside input (another program, in
    /// another language, on the other end of a pipe), so every function here refuses what it does not expect with
    /// a `Failure` naming the request and the value, and never traps. The fuzz target `onnx-peer`
    /// (Fuzz/Harness/FuzzTargets.swift) feeds these functions arbitrary bytes as a peer's whole output.
    enum Answers {
        /// The longest answer line accepted (bytes, without its newline). A run answer holds one class per input of
        /// the batch (at most 65,536 inputs: a few hundred KiB); a peer that writes more without a newline is broken.
        static let maxLineBytes = 4 << 20
        /// The most contenders a start-up answer may name, and the longest name (they become table rows).
        static let maxContenders = 64, maxContenderBytes = 64
        /// What the start-up answer is called in messages.
        static let startUp = "start-up (loading onnxruntime and the model)"

        /// Removes the first complete line (up to its newline, which is dropped) from `buffer` and returns it; nil when
        /// `buffer` holds no newline yet. A line (or an unfinished one) longer than ``maxLineBytes`` is a failure.
        static func takeLine(_ buffer: inout [UInt8], what: String) throws -> Data? {
            guard let nl = buffer.firstIndex(of: 0x0A) else {
                if buffer.count > maxLineBytes { throw Failure(description: "peer answer to \(what) is longer than \(maxLineBytes) bytes without a line end") }
                return nil
            }
            guard nl <= maxLineBytes else { throw Failure(description: "peer answer to \(what) is a line of \(nl) bytes (at most \(maxLineBytes))") }
            let line = Data(buffer[..<nl])
            buffer.removeSubrange(...nl)
            return line
        }

        /// One answer line as a JSON object; an {"error": ...} answer is a failure carrying the peer's message.
        static func object(_ line: Data, what: String) throws -> [String: Any] {
            guard let obj = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
                throw Failure(description: "peer answered \(what) with a line that is not a JSON object: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
            if let e = obj["error"] { throw Failure(description: "peer error at \(what): \(String(describing: e).prefix(300))") }
            return obj
        }

        /// The start-up answer {"ready": true, "onnxruntime": version, "contenders": [names]}: the version ("unknown"
        /// when absent) and the contenders (1 ... ``maxContenders`` distinct names of 1 ... ``maxContenderBytes``
        /// printable ASCII characters: they name table rows and are sent back in run requests).
        static func ready(_ obj: [String: Any]) throws -> (version: String, contenders: [String]) {
            let contenders = obj["contenders"] as? [String] ?? []
            guard obj["ready"] as? Bool == true, !contenders.isEmpty else {
                throw Failure(description: "peer start-up answer without contenders: \(String(describing: obj).prefix(300))")
            }
            guard contenders.count <= maxContenders, Set(contenders).count == contenders.count,
                  contenders.allSatisfy({ name in
                      !name.isEmpty && name.utf8.count <= maxContenderBytes && name.utf8.allSatisfy { (0x21...0x7E).contains($0) }
                  }) else {
                throw Failure(description: "peer start-up answer: contenders must be 1 ... \(maxContenders) distinct names of 1 ... \(maxContenderBytes) printable ASCII characters without spaces: \(String(describing: contenders).prefix(300))")
            }
            let version = (obj["onnxruntime"] as? String).map { String($0.prefix(100)) } ?? "unknown"
            return (version, contenders)
        }

        /// A run answer {"cpu": s, "wall": s, "classes": [...]}: finite seconds, cpu >= 0, wall > 0; the classes
        /// (argmax per input; none when absent) as integers, each in Int32's range (a class index), else a failure.
        static func timing(_ a: [String: Any], contender: String) throws -> Timing {
            guard let cpu = (a["cpu"] as? NSNumber)?.doubleValue, let wall = (a["wall"] as? NSNumber)?.doubleValue,
                  cpu.isFinite, wall.isFinite, cpu >= 0, wall > 0 else {
                throw Failure(description: "peer answer to run \(contender) lacks cpu / wall seconds: \(String(describing: a).prefix(300))")
            }
            var classes: [Int] = []
            if let list = a["classes"] {
                guard let numbers = list as? [NSNumber] else {
                    throw Failure(description: "peer answer to run \(contender): classes is not a list of numbers")
                }
                classes.reserveCapacity(numbers.count)
                for (i, n) in numbers.enumerated() {
                    let d = n.doubleValue
                    guard d.isFinite, d == d.rounded(), d >= Double(Int32.min), d <= Double(Int32.max) else {
                        throw Failure(description: "peer answer to run \(contender): classes[\(i)] = \(n) is not a class index")
                    }
                    classes.append(Int(d))
                }
            }
            return Timing(cpu: cpu, wall: wall, classes: classes)
        }
    }
}
