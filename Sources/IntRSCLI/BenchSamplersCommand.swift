import ArgumentParser
import Foundation
import IntRSConformance
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

/// `intrs bench samplers`: noise samples per second on one core, fast vs reference, side by side.
struct BenchSamplersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samplers",
        abstract: "Noise sampler speed on one core: fast table, fast CKS, reference (release build!).",
        discussion: """
        Measures samples per second of CPU time (CLOCK_THREAD_CPUTIME_ID, i.e. per core, so the
        numbers hold on a shared machine; the wall-clock rate is printed too; one sample = one
        integer noise coordinate in grid units) on one thread, each sampler drawing from consecutive streams of a fixed seed, in one run so the ratios
        are comparable. Also reports ChaCha20 words per second, mean words per sample and table memory
        (bytes per law). --rounds N alternates the selected rows N times (medians and every round printed).
        Goals: fast table >= 1e8/s (< 3e7/s is a defect; batched on the AVX2 or AVX-512 ChaCha20 kernel
        >= 3e8/s), fast CKS >= 1e7/s at
        sigma2 = 4 and 65025/16. Build with `swift build -c release`.
        """)

    @Option(parsing: .unconditional, help: "CPU seconds per fast measurement (default 1).") var seconds: Double = 1
    @Option(parsing: .unconditional, help: "Samples per reference measurement (default 20000).") var referenceSamples: Int = 20_000
    @Option(help: ArgumentHelp(
        "Only the rows whose full name contains this text (case-sensitive; repeat for several; --list prints the names).",
        discussion: "E.g. --only 'avx2 ChaCha20' for the batched table rows on the AVX2 kernel, --only 'fast CKS', or a whole row name for that row alone."))
    var only: [String] = []
    @Option(parsing: .unconditional, help: "Measure the selected rows this many times, alternating (round-robin), and report each row's median and every round (default 1).")
    var rounds: Int = 1
    @Flag(help: "Print the names of the rows (after --only) without measuring.") var list = false
    @Flag(help: "Print the result as JSON.") var json = false

    /// The rows `--only` selects, in order: every name that contains at least one of `only` (a plain, case-sensitive
    /// substring test on the row's full name, as printed; no `only` selects all). Throws a ValidationError naming
    /// each `--only` value that matches no row, so that a typo cannot silently measure nothing.
    static func selectedRows(_ names: [String], only: [String]) throws -> [String] {
        guard !only.isEmpty else { return names }
        let unmatched = only.filter { o in !names.contains { $0.contains(o) } }
        guard unmatched.isEmpty else {
            throw ValidationError("--only \(unmatched.map { "'\($0)'" }.joined(separator: ", ")): matches no row (intrs bench samplers --list prints the names)")
        }
        return names.filter { n in only.contains { n.contains($0) } }
    }

    struct Row: Encodable {
        var name: String
        /// Samples per second of CPU time of the measuring thread (the per-core rate).
        var samplesPerSecond: Double
        var wordsPerSample: Double
        /// Samples per wall-clock second (lower than samplesPerSecond when the machine is shared).
        var wallSamplesPerSecond: Double
        var tableBytes: Int?
        /// With --rounds > 1: the per-CPU-second rate of every round (samplesPerSecond is their median).
        var roundRates: [Double]?
    }

    static let seed = try! Seed(hex: "62656e6368000000000000000000000000000000000000000000000000000001")

    /// Runs `body` on stream after stream until `seconds` of this thread's CPU time pass; returns
    /// (samples per CPU second, words/sample, samples per wall-clock second). CPU time
    /// (CLOCK_THREAD_CPUTIME_ID) is the per-core rate even when other processes share the cores;
    /// the wall-clock rate is also kept (it drops under load).
    func measure(_ seconds: Double, samplesPerStream: Int = 1024, _ body: (inout ChaChaStream) -> Int32) -> (Double, Double, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = threadCPUNanoseconds()
        var n = 0, words: UInt64 = 0, check: Int64 = 0, index: UInt32 = 0
        while true {
            var s = ChaChaStream(seed: Self.seed, id: StreamID(example: 0, phase: 9, index: index))
            for _ in 0..<samplesPerStream { check &+= Int64(body(&s)) }
            words += s.wordsConsumed
            n += samplesPerStream
            index &+= 1
            let cpu = Double(threadCPUNanoseconds() - cpuStart) * 1e-9
            if cpu >= seconds {
                let el = clock.now - start
                let wall = Double(el.components.seconds) + Double(el.components.attoseconds) * 1e-18
                if check == Int64.min { print("") }   // keep the work observable
                return (Double(n) / cpu, Double(words) / Double(n), Double(n) / wall)
            }
        }
    }

    /// Like ``measure(_:samplesPerStream:_:)`` for batch forms: `body(id, out)` writes `samplesPerStream` samples
    /// of stream `id` into `out`. Returns (samples per CPU second, samples per wall-clock second).
    func measureBatch(_ seconds: Double, samplesPerStream: Int = 1024,
                      _ body: (StreamID, UnsafeMutablePointer<Int32>) -> Void) -> (Double, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = threadCPUNanoseconds()
        let out = UnsafeMutablePointer<Int32>.allocate(capacity: samplesPerStream)
        defer { out.deallocate() }
        var n = 0, check: Int64 = 0, index: UInt32 = 0
        while true {
            // The thread's CPU clock is a system call (no vDSO for CLOCK_THREAD_CPUTIME_ID): read it once per
            // 16 streams so that it costs well under 1% of the samples' time.
            for _ in 0..<16 {
                body(StreamID(example: 0, phase: 9, index: index), out)
                check &+= Int64(out[samplesPerStream - 1])
                n += samplesPerStream
                index &+= 1
            }
            let cpu = Double(threadCPUNanoseconds() - cpuStart) * 1e-9
            if cpu >= seconds {
                let el = clock.now - start
                let wall = Double(el.components.seconds) + Double(el.components.attoseconds) * 1e-18
                if check == Int64.min { print("") }
                return (Double(n) / cpu, Double(n) / wall)
            }
        }
    }

    func validate() throws {
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds \(seconds): must be in (0, 3600]") }
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds \(rounds): must be in 1 ... 100") }
        guard referenceSamples >= 100 else { throw ValidationError("--reference-samples \(referenceSamples): must be >= 100") }
    }

    func run() throws {
        // The plan: every row's name and how to measure it, so that --only selects on full names before anything runs.
        var plan: [(name: String, measure: () throws -> Row)] = []
        // ChaCha20 words per second.
        plan.append(("chacha20 words (fast stream)", {
            let (wps, _, wwps) = measure(seconds, samplesPerStream: 4096) { s in Int32(truncatingIfNeeded: s.nextWord()) }
            return Row(name: "chacha20 words (fast stream)", samplesPerSecond: wps, wordsPerSample: 1, wallSamplesPerSecond: wwps)
        }))
        // ChaCha20 words from the kernels of CIntRSKernels (FastChaCha20), one stream, on each kernel path.
        for path in Int8KernelPath.supported {
            let name = "chacha20 words (\(path.rawValue) kernel)"
            plan.append((name, {
                let key = Self.seed.keyWords
                let buf = UnsafeMutablePointer<UInt32>.allocate(capacity: 4096)
                defer { buf.deallocate() }
                let (wps, wwps) = measureBatch(seconds, samplesPerStream: 1) { id, out in
                    FastChaCha20.words(key: key, nonce: id.nonceWords, fromBlock: 0, count: 4096, path: path, into: buf)
                    out[0] = Int32(truncatingIfNeeded: buf[4095])
                }
                return Row(name: name, samplesPerSecond: wps * 4096, wordsPerSample: 1, wallSamplesPerSecond: wwps * 4096)
            }))
        }
        for (fam, s2) in [(NoiseFamily.discreteGaussian, "4"), (.discreteGaussian, "65025/16"), (.roundedGaussian, "65025/16")] {
            let law = { try TableLaw(family: fam, sigma2: Rational(s2)!, bits: 64) }
            let name = "fast table \(fam.rawValue) sigma2=\(s2) b=64"
            plan.append((name, {
                let law = try law()
                let fast = try FastTableSampler(table: law.noiseTable)
                let (r, w, rw) = measure(seconds) { fast.sample(&$0) }
                return Row(name: name, samplesPerSecond: r, wordsPerSample: w, wallSamplesPerSecond: rw, tableBytes: law.noiseTable.runtimeMemoryBytes)
            }))
            // A row of the batch sampler: `form` names it, `fill` draws 1024 samples of one stream into `out` (one word
            // per sample unless a word ties, probability < 2^-20 at b = 64).
            func batchRow(_ form: String, _ path: Int8KernelPath,
                          _ fill: @escaping (FastTableSampler, SIMD8<UInt32>, StreamID, UnsafeMutablePointer<Int32>) -> Void) {
                let name = "fast table \(form) (\(path.rawValue) ChaCha20) \(fam.rawValue) sigma2=\(s2) b=64"
                plan.append((name, {
                    let law = try law()
                    let fast = try FastTableSampler(table: law.noiseTable)
                    let key = Self.seed.keyWords
                    let (br, brw) = measureBatch(seconds) { id, out in fill(fast, key, id, out) }
                    return Row(name: name, samplesPerSecond: br, wordsPerSample: 1, wallSamplesPerSecond: brw,
                               tableBytes: law.noiseTable.runtimeMemoryBytes)
                }))
            }
            // The batch form: the table sampler fused with the ChaCha20 kernel of each path (intrs_table_fill).
            for path in Int8KernelPath.supported {
                batchRow("batched", path) { $0.fill(seed: Self.seed, key: $1, id: $2, count: 1024, path: path, into: $3) }
            }
            // The previous two-pass form (words into a buffer, then the loop), for the side-by-side ratio.
            for path in Int8KernelPath.supported where path != .portable {
                batchRow("two-pass", path) { $0.fillTwoPass(seed: Self.seed, key: $1, id: $2, count: 1024, path: path, into: $3) }
            }
            if s2 == "65025/16" && fam == .discreteGaussian {
                let rname = "reference table \(fam.rawValue) sigma2=\(s2) b=64"
                plan.append((rname, {
                    let ref = ReferenceTableSampler(law: try law())
                    let (rr, rw, rrw) = measure(seconds / 2, samplesPerStream: 256) { Int32(ref.sample(&$0)) }
                    return Row(name: rname, samplesPerSecond: rr, wordsPerSample: rw, wallSamplesPerSecond: rrw)
                }))
            }
        }
        for s2 in ["4", "65025/16"] {
            let v = Rational(s2)!
            let fastName = "fast CKS discrete-gaussian sigma2=\(s2)", refName = "reference CKS discrete-gaussian sigma2=\(s2)"
            plan.append((fastName, {
                let fast = try FastDiscreteGaussianSampler(sigma2Numerator: UInt64(v.numerator.asInt!), sigma2Denominator: UInt64(v.denominator.asInt!))
                let (r, w, rw) = measure(seconds) { fast.sample(&$0) }
                return Row(name: fastName, samplesPerSecond: r, wordsPerSample: w, wallSamplesPerSecond: rw)
            }))
            plan.append((refName, {
                let ref = try ReferenceDiscreteGaussianSampler(sigma2: v)
                let (rr, rw, rrw) = measure(seconds / 2, samplesPerStream: 128) { Int32(ref.sample(&$0).asInt!) }
                return Row(name: refName, samplesPerSecond: rr, wordsPerSample: rw, wallSamplesPerSecond: rrw)
            }))
        }
        let chosen = Set(try Self.selectedRows(plan.map(\.name), only: only))
        if list {
            for p in plan where chosen.contains(p.name) { print(p.name) }
            return
        }
        // Round-robin: every selected row once per round, so that a change in the machine's load hits all rows alike.
        let chosenPlan = plan.filter { chosen.contains($0.name) }
        var measured: [[Row]] = Array(repeating: [], count: chosenPlan.count)
        for _ in 0..<rounds {
            for (i, p) in chosenPlan.enumerated() { measured[i].append(try p.measure()) }
        }
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
        let rows: [Row] = measured.map { rs in
            var r = rs[0]
            guard rs.count > 1 else { return r }
            r.samplesPerSecond = median(rs.map(\.samplesPerSecond))
            r.wallSamplesPerSecond = median(rs.map(\.wallSamplesPerSecond))
            r.wordsPerSample = median(rs.map(\.wordsPerSample))
            r.roundRates = rs.map(\.samplesPerSecond)
            return r
        }
        if json {
            FileHandle.standardOutput.write(try CanonicalJSON.encode(rows))
            return
        }
        print("sampler\tsamples/s (per CPU second\(rounds > 1 ? ", median" : ""))\tsamples/s (wall)\twords/sample\ttable bytes\(rounds > 1 ? "\tper CPU second, each round" : "")")
        for r in rows {
            let each = r.roundRates.map { "\t" + $0.map { String(format: "%.3g", $0) }.joined(separator: " ") } ?? ""
            print("\(r.name)\t\(String(format: "%.3g", r.samplesPerSecond))\t\(String(format: "%.3g", r.wallSamplesPerSecond))\t\(String(format: "%.2f", r.wordsPerSample))\t\(r.tableBytes.map(String.init) ?? "-")\(each)")
        }
        // Fused / two-pass table sampler, per path and law, from the same run.
        for f in rows where f.name.hasPrefix("fast table batched (") {
            let twoPass = f.name.replacingOccurrences(of: "fast table batched (", with: "fast table two-pass (")
            if let t = rows.first(where: { $0.name == twoPass }) {
                print("ratio \(f.name) / two-pass: \(String(format: "%.2f", f.samplesPerSecond / t.samplesPerSecond))x")
            }
        }
        let cksFast = rows.filter { $0.name.hasPrefix("fast CKS") }, cksRef = rows.filter { $0.name.hasPrefix("reference CKS") }
        for (f, r) in zip(cksFast, cksRef) { print("ratio fast/reference (\(f.name.dropFirst(9))): \(String(format: "%.0f", f.samplesPerSecond / r.samplesPerSecond))x") }
        if let table = rows.first(where: { $0.name.hasPrefix("fast table discrete-gaussian sigma2=65025/16") }) {
            for f in cksFast { print("ratio fast table (sigma2=65025/16) / \(f.name): \(String(format: "%.1f", table.samplesPerSecond / f.samplesPerSecond))x") }
        }
    }
}
