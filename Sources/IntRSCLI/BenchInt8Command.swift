import ArgumentParser
import Dispatch
import Foundation
import IntRSCore
import IntRSFloatBaseline
import IntRSRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `intrs bench int8`: every int8 kernel path and float32 side by side, interleaved rounds, GMAC/s per
/// CPU-second, and how far each is from this CPU's multiply-add limit.
struct BenchInt8Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "int8",
        abstract: "int8 kernel paths vs float32 (and ONNX Runtime) inference speed on the benchmark CNN (release build!).",
        discussion: """
        Runs the fast int8 evaluator on every kernel path this CPU supports (portable C, AVX2, AVX-512 VNNI), the \
        float32 baseline on every vector float kernel path (FMA, AVX-512; portable only when selected by \
        INTRS_FLOAT_KERNEL or the only one) and, when ONNX Runtime is available, \
        ONNX Runtime int8 (QDQ, per-channel weights) and float32 on the same network, side by side on the same \
        noisy inputs (an 8-bit image plus integer noise in grid units), interleaved: each round times one batch \
        of every contender in turn, with the same thread count; the median round is reported. ONNX Runtime runs \
        in a peer process (tools/onnx_peer/bench_onnxruntime.py --serve, started once; its CPU seconds are its \
        own): --onnxruntime PYTHON names the interpreter that has onnxruntime (tools/onnx_peer/requirements.txt); \
        without it, $INTRS_ONNXRUNTIME_PYTHON, else tools/onnx_peer/.venv/bin/python when that exists; \
        --onnxruntime none skips it. An absent or failing peer is a note, never a failure of the run. Units: inferences per second (wall clock), GMAC/s per CPU-second = 1e9 multiply-adds per \
        second of process CPU time (CLOCK_PROCESS_CPUTIME_ID; with t threads this is the per-thread rate, \
        which is what a shared machine can measure honestly), and the share of this CPU's limit: \
        multiply-adds per cycle (16 products per 256-bit vpmaddwd times the vpmaddwd instructions per cycle \
        that the command measures with 8 independent chains: 8 on AMD Zen 1, 32 on Zen 4; --mac-per-cycle \
        overrides; for the AVX-512 VNNI row the larger of 32 products per vpdpbusd ymm and 64 per vpdpbusd zmm \
        times its measured rate: on AMD Zen 4 a zmm instruction runs as two 256-bit halves, so both give about \
        64 per cycle; for the float32 rows, IntRS and ONNX Runtime, the larger of 8 products per vfmadd231ps ymm \
        and 16 per zmm times its measured rate: 16 per cycle on Zen 4) times the clock, which is measured by timing a chain of dependent integer additions \
        (1 cycle each) on the thread's CPU clock. "of round limit" measures the limit again in every round, right \
        before and right after each contender's batch, with the same threads: a short burst (about 4 ms) of the \
        row's limit instruction (vpmaddwd ymm for the portable and AVX2 int8 rows, vpdpbusd for the AVX-512 VNNI \
        row and ONNX Runtime int8, vfmadd231ps for the float32 rows; ymm or zmm, whichever form did more \
        multiply-adds per cycle above), in multiply-adds per CPU-second; each round's rate over the mean of its \
        two probes, median of the rounds. On a shared host whose other tenants take a varying share of the \
        core, this compares each contender with what the core gave to that instruction at that moment; the \
        clock-based "of limit" does not see that. ONNX Runtime runs in another process, so its probes are only \
        near it in time. The int8 \
        paths must give identical logits (checked; the run fails otherwise). INTRS_KERNEL does not \
        restrict the paths measured here.
        """)

    @Option(help: "The model file (default: Benchmarks/cifar-cnn.model.json, or the same model generated in memory with seed 1 when that file is missing). A file given here must exist.")
    var model: String?
    @Option(parsing: .unconditional, help: "Inputs per batch call (1 ... 65536).") var batch: Int = 128
    @Option(parsing: .unconditional, help: "Rounds per configuration (each round times one batch of each contender; 1 ... 10000).") var rounds: Int = 5
    @Option(parsing: .unconditionalSingleValue, help: "Thread counts to measure (repeatable; 1 ... 1024).") var threads: [Int] = [1, 2]
    @Option(parsing: .unconditional, help: "Noise variance in grid units squared, as everywhere in intrs (default 1024: sigma = 32 grid units); integer noise, a rounded Gaussian from a fixed seed; 0 ... 2^32.")
    var sigma2: Double = 1024
    @Option(parsing: .unconditional, help: ArgumentHelp("Not accepted here: elsewhere --sigma is in real units; give --sigma2 in grid units squared.", visibility: .hidden))
    var sigma: String?
    @Option(parsing: .unconditional, help: "Multiply-adds per cycle of this CPU's limit (default: 16 x the measured vpmaddwd ymm instructions per cycle, rounded; 8 when not measurable).") var macPerCycle: Double?
    @Flag(help: "Skip the float32 baseline.") var noFloat = false
    @Option(name: .customLong("onnxruntime"), help: ArgumentHelp("Python interpreter with onnxruntime for the ONNX Runtime rows, or none (default: $INTRS_ONNXRUNTIME_PYTHON, else tools/onnx_peer/.venv/bin/python if it exists, else none).", valueName: "python"))
    var onnxRuntime: String?
    @Option(name: .customLong("onnxruntime-script"), help: "The ONNX Runtime peer script.")
    var onnxRuntimeScript = "tools/onnx_peer/bench_onnxruntime.py"
    @Flag(help: "Print the result as JSON.") var json = false

    struct Row: Encodable {
        var contender: String
        var threads: Int
        var inferencesPerSecond: Double
        var gmacPerCPUSecond: Double
        var gmacPerSecondPerCore: Double
        var shareOfLimit: Double
        /// Median over rounds of (this round's rate) / (the limit probed right before and after its batch).
        var shareOfRoundLimit: Double?
        /// Median over rounds of the probed limit, in GMAC per CPU-second.
        var roundLimitGMACPerCPUSecond: Double?
        var speedupOverPortable: Double?
        var ratioToFloat32: Double?
        /// IntRS float32 rows: / ort-float32; IntRS int8 rows: / ort-int8-qdq (same thread count).
        var ratioToOnnxRuntime: Double?
    }

    /// The interpreter for the ONNX Runtime peer: --onnxruntime, else $INTRS_ONNXRUNTIME_PYTHON, else
    /// tools/onnx_peer/.venv/bin/python when it exists; nil for none, with the reason.
    static func peerPython(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                           fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> (python: String?, why: String) {
        if let o = option { return o == "none" ? (nil, "--onnxruntime none") : (o, "--onnxruntime") }
        if let e = environment["INTRS_ONNXRUNTIME_PYTHON"], !e.isEmpty {
            return e == "none" ? (nil, "INTRS_ONNXRUNTIME_PYTHON=none") : (e, "INTRS_ONNXRUNTIME_PYTHON")
        }
        let venv = "tools/onnx_peer/.venv/bin/python"
        if fileExists(venv) { return (venv, venv) }
        return (nil, "no --onnxruntime, no INTRS_ONNXRUNTIME_PYTHON, no \(venv) (install: tools/onnx_peer/requirements.txt)")
    }

    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Cycles per CPU-second of this thread: a chain of dependent additions (1 cycle each), median of 5.
    static func measureClockHz() -> Double? {
        var hz: [Double] = []
        for _ in 0..<5 {
            let t0 = threadCPUSeconds()
            let cycles = CPUThroughputProbe.dependentAddChain(iterations: 50_000_000)
            let t1 = threadCPUSeconds()
            if cycles == 0 { return nil }
            hz.append(Double(cycles) / (t1 - t0))
        }
        return hz.sorted()[2]
    }

    /// Instructions per cycle of `probe` (8 independent chains, about 40 ms), median of 5; nil when the CPU
    /// lacks it.
    static func measurePerCycle(clockHz: Double, _ probe: LimitProbe) -> Double? {
        var rates: [Double] = []
        for _ in 0..<5 {
            let t0 = threadCPUSeconds()
            let n = probe.burst(iterations: 10 * probe.iterations)
            let t1 = threadCPUSeconds()
            if n == 0 { return nil }
            rates.append(Double(n) / (t1 - t0) / clockHz)
        }
        return rates.sorted()[2]
    }

    /// The instruction whose throughput bounds a row: measured once per run per cycle ("of limit") and
    /// probed again around every batch ("of round limit").
    enum LimitProbe {
        case vpmaddwdYmm, vpdpbusdYmm, vpdpbusdZmm, vfmadd231psYmm, vfmadd231psZmm

        /// Multiply-adds per instruction.
        var multiplyAdds: Double {
            switch self {
            case .vpmaddwdYmm: 16
            case .vpdpbusdYmm: 32
            case .vpdpbusdZmm: 64
            case .vfmadd231psYmm: 8
            case .vfmadd231psZmm: 16
            }
        }

        /// Rounds of 8 instructions: about 4 ms at 3.6 GHz and this CPU's rates (2 ymm or 1 zmm per cycle).
        var iterations: UInt64 {
            switch self {
            case .vpdpbusdZmm, .vfmadd231psZmm: 2_000_000
            default: 4_000_000
            }
        }

        /// Runs 8 x `iterations` instructions (default: about 4 ms) and returns that count, 0 without the instruction.
        func burst(iterations: UInt64? = nil) -> UInt64 {
            let iterations = iterations ?? self.iterations
            return switch self {
            case .vpmaddwdYmm: CPUThroughputProbe.vpmaddwdBurst(iterations: iterations)
            case .vpdpbusdYmm: CPUThroughputProbe.vpdpbusdBurst(iterations: iterations)
            case .vpdpbusdZmm: CPUThroughputProbe.vpdpbusd512Burst(iterations: iterations)
            case .vfmadd231psYmm: CPUThroughputProbe.vfmadd231psBurst(iterations: iterations)
            case .vfmadd231psZmm: CPUThroughputProbe.vfmadd231ps512Burst(iterations: iterations)
            }
        }

        /// Multiply-adds per CPU-second (all `threads` threads run the burst at once, as a batch would);
        /// nil when this CPU lacks the instruction.
        func rate(threads: Int) -> Double? {
            let counts = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: threads)
            defer { counts.deallocate() }
            counts.initialize(repeating: 0)
            let base = UInt(bitPattern: counts.baseAddress)  // each thread writes its own slot
            let c0 = BenchInt8Command.processCPUSeconds()
            DispatchQueue.concurrentPerform(iterations: threads) { UnsafeMutablePointer<UInt64>(bitPattern: base)![$0] = burst() }
            let c1 = BenchInt8Command.processCPUSeconds()
            guard !counts.contains(0), c1 > c0 else { return nil }
            return Double(counts.reduce(0, +)) * multiplyAdds / (c1 - c0)
        }
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
    }

    func validate() throws {
        if let s = sigma {
            throw ValidationError("--sigma \(s): bench int8 takes --sigma2 in grid units squared (--sigma means real units in intrs certify); e.g. --sigma2 1024 for sigma 32 grid units")
        }
        guard (1...65536).contains(batch) else { throw ValidationError("--batch \(batch): must be in 1 ... 65536") }
        guard (1...10_000).contains(rounds) else { throw ValidationError("--rounds \(rounds): must be in 1 ... 10000") }
        if let t = threads.first(where: { !(1...1024).contains($0) }) { throw ValidationError("--threads \(t): must be in 1 ... 1024") }
        // Noisy grid values are Int32; sigma <= 2^16 grid units keeps them far inside it.
        guard sigma2.isFinite, sigma2 >= 0, sigma2 <= 4_294_967_296 else {
            throw ValidationError("--sigma2 \(sigma2): must be in 0 ... 2^32 grid units squared (sigma at most 65536 grid units)")
        }
        if let c = macPerCycle, !(c.isFinite && c > 0) { throw ValidationError("--mac-per-cycle \(c): must be > 0") }
    }

    func run() throws {
        let sigma = sigma2.squareRoot()
        let model = self.model ?? "Benchmarks/cifar-cnn.model.json"
        let m: Int8Model
        if self.model != nil || FileManager.default.fileExists(atPath: model) {
            do { m = try Int8ModelFile.load(from: URL(fileURLWithPath: model)) } catch { throw ValidationError("--model: \(error)") }
        } else {
            m = Int8BenchmarkModel.cifarCNN(seed: 1)
        }
        let net = try m.validated(file: model)
        let macs = Double(Int8BenchmarkModel.multiplyAdds(net).reduce(0, +))
        let d = net.inputCount
        let loadBefore = Self.loadAverage()
        let clockHz = Self.measureClockHz()
        let vpmaddwd = clockHz.flatMap { Self.measurePerCycle(clockHz: $0, .vpmaddwdYmm) }
        let vpdpbusd = clockHz.flatMap { Self.measurePerCycle(clockHz: $0, .vpdpbusdYmm) }
        let vpdpbusd512 = clockHz.flatMap { Self.measurePerCycle(clockHz: $0, .vpdpbusdZmm) }
        let macPerCycle = self.macPerCycle ?? vpmaddwd.map { ($0 * 16).rounded() } ?? 8
        // The VNNI path's own limit: 32 multiply-adds per vpdpbusd ymm (8 lanes x 4 products), 64 per zmm;
        // the larger measured rate counts.
        let vnniMacPerCycle = vpdpbusd.map { max($0 * 32, (vpdpbusd512 ?? 0) * 64).rounded() }
        // The probes of "of round limit": the VNNI and float32 instruction forms (ymm or zmm) that did more
        // multiply-adds per cycle here.
        let vnniProbe: LimitProbe? = vpdpbusd.map { $0 * 32 >= (vpdpbusd512 ?? 0) * 64 ? .vpdpbusdYmm : .vpdpbusdZmm }
        let fmaYmm = clockHz.flatMap { Self.measurePerCycle(clockHz: $0, .vfmadd231psYmm) }
        let fmaZmm = clockHz.flatMap { Self.measurePerCycle(clockHz: $0, .vfmadd231psZmm) }
        let fmaProbe: LimitProbe? = fmaYmm.map { $0 * 8 >= (fmaZmm ?? 0) * 16 ? .vfmadd231psYmm : .vfmadd231psZmm }
        // The float32 rows' limit (IntRS and ONNX Runtime): 8 multiply-adds per vfmadd231ps ymm, 16 per zmm, the
        // larger measured rate; 16 per cycle (two 8-lane fma pipes) assumed where fma is not measurable.
        let floatMacPerCycle = fmaYmm.map { max($0 * 8, (fmaZmm ?? 0) * 16).rounded() } ?? 16
        let int8Probe: LimitProbe? = vpmaddwd != nil ? .vpmaddwdYmm : nil
        // One base image and `batch` noisy copies (rounded Gaussian noise via Box-Muller from SplitMix64;
        // display-only randomness, not the certified sampler).
        var r = Int8SplitMix64(seed: 42)
        let image = (0..<d).map { _ in r.int(0...255) }
        var grid = [Int32](repeating: 0, count: batch * d)
        for i in 0..<(batch * d) {
            let u1 = (Double(r.next() >> 11) + 1) / 9007199254740993.0, u2 = Double(r.next() >> 11) / 9007199254740992.0
            let z = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
            grid[i] = Int32(image[i % d]) + Int32((z * sigma).rounded())
        }
        let gridF = grid.map { Float($0) }
        let paths = Int8KernelPath.supported
        // The float32 rows: every vector float path; `portable` (fmaf, a libm call per product on x86-64 without
        // FMA in the build flags: about 0.4 GMAC/s) only when it is the selected or the only path.
        let floatPaths = noFloat ? [] : FloatKernelPath.supported.filter {
            $0 != .portable || $0 == FloatKernelPath.selected || FloatKernelPath.supported.count == 1
        }
        let selectedFloat = floatPaths.firstIndex(of: FloatKernelPath.selected)
        // The ONNX Runtime peer, on the same inputs in real units (the float baseline's input stage).
        var notes: [String] = []
        var peer: OnnxRuntimePeer?
        var peerVersion: String?
        let (python, why) = Self.peerPython(option: onnxRuntime)
        if let python {
            let z = Float(net.input.zeroPoint), gm = Float(net.input.gridMultiplier)
            if let s0 = net.tensorScales[0] {
                let s = Float(s0)
                let real = gridF.map { s * (min(max(z + gm * $0, -128), 127) - z) }
                let url = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-bench-ort-\(getpid()).f32")
                defer { try? FileManager.default.removeItem(at: url) }
                do {
                    try real.withUnsafeBytes { try Data($0).write(to: url) }
                    peer = try OnnxRuntimePeer(python: python, script: onnxRuntimeScript, model: model, batch: batch, input: url)
                    peerVersion = peer?.version
                } catch {
                    notes.append("ONNX Runtime rows skipped (\(why) = \(python)): \(error)")
                }
            } else {
                notes.append("ONNX Runtime rows skipped: the model has no input scale")
            }
        } else {
            notes.append("ONNX Runtime rows: none (\(why))")
        }
        defer { peer?.close() }
        var rows: [Row] = []
        var agreement: [Int: Double] = [:]
        var peerAgreement: [String] = []
        for t in threads {
            let evaluators = paths.map { FastInt8Evaluator(network: net, threads: t, kernel: $0) }
            let floats = try floatPaths.map { try FloatEvaluator(network: net, threads: t, kernel: $0) }
            var peerNames: [String] = []
            if let p = peer {
                do {
                    try p.setThreads(t)
                    peerNames = p.contenders
                } catch {
                    notes.append("ONNX Runtime rows stopped at \(t) threads: \(error)")
                    p.close(); peer = nil
                }
            }
            let names = paths.map { "int8-\($0.rawValue)" } + floatPaths.map { "float32-\($0.rawValue)" } + peerNames
            var wall = [[Double]](repeating: [], count: names.count), cpu = wall, roundLimit = wall
            // Each contender's limit instruction, probed before and after its batch in every round.
            let probes: [LimitProbe?] = names.indices.map { i in
                if i < paths.count { return paths[i] == .avx512vnni ? vnniProbe : int8Probe }
                if i < paths.count + floatPaths.count || names[i] == "ort-float32" { return fmaProbe }
                return vnniProbe ?? int8Probe
            }
            /// Runs `body` between two probes of contender i's limit and records their mean (nothing if unprobed).
            func probed(_ i: Int, _ body: () throws -> Void) rethrows {
                let before = probes[i]?.rate(threads: t)
                try body()
                if let a = before, let b = probes[i]?.rate(threads: t) { roundLimit[i].append((a + b) / 2) }
            }
            var logits = [[Int8]](repeating: [Int8](repeating: 0, count: batch * net.classCount), count: paths.count)
            var cf = [Int32](repeating: 0, count: batch)
            var peerClasses: [String: [Int]] = [:]
            for _ in 0..<rounds {
                for (i, e) in evaluators.enumerated() {
                    probed(i) {
                        let c0 = Self.processCPUSeconds(), w0 = DispatchTime.now().uptimeNanoseconds
                        grid.withUnsafeBufferPointer { g in logits[i].withUnsafeMutableBufferPointer { e.logits(grid: g, batch: batch, logits: $0) } }
                        let w1 = DispatchTime.now().uptimeNanoseconds, c1 = Self.processCPUSeconds()
                        wall[i].append(Double(w1 - w0) / 1e9); cpu[i].append(c1 - c0)
                    }
                }
                for (j, flt) in floats.enumerated() {
                    let i = paths.count + j
                    var classes = [Int32](repeating: 0, count: batch)
                    probed(i) {
                        let c0 = Self.processCPUSeconds(), w0 = DispatchTime.now().uptimeNanoseconds
                        gridF.withUnsafeBufferPointer { g in classes.withUnsafeMutableBufferPointer { flt.classify(grid: g, batch: batch, classes: $0) } }
                        let w1 = DispatchTime.now().uptimeNanoseconds, c1 = Self.processCPUSeconds()
                        wall[i].append(Double(w1 - w0) / 1e9); cpu[i].append(c1 - c0)
                    }
                    if j == selectedFloat { cf = classes }
                }
                if let p = peer, !peerNames.isEmpty {
                    do {
                        for (j, name) in peerNames.enumerated() {
                            let i = paths.count + floatPaths.count + j
                            try probed(i) {
                                let r = try p.run(name)
                                wall[i].append(r.wall); cpu[i].append(r.cpu)
                                peerClasses[name] = r.classes
                            }
                        }
                    } catch {
                        notes.append("ONNX Runtime rows dropped at \(t) threads: \(error)")
                        p.close(); peer = nil
                    }
                }
            }
            // A peer that failed mid-way leaves no rows for this thread count.
            let kept = names.indices.filter { !wall[$0].isEmpty && wall[$0].count == rounds }
            for i in 1..<max(paths.count, 1) where logits[i] != logits[0] {
                throw ValidationError("int8 kernel paths \(paths[0].rawValue) and \(paths[i].rawValue) disagree: a kernel defect")
            }
            let k = net.classCount
            let int8Classes: [Int] = (0..<batch).map { b in
                let row = logits[0][(b * k)..<((b + 1) * k)]
                var best = row.startIndex
                for j in row.indices where row[j] > row[best] { best = j }
                return best - row.startIndex
            }
            if selectedFloat != nil {
                agreement[t] = Double(zip(int8Classes, cf).filter { $0 == Int($1) }.count) / Double(batch)
            }
            for (name, cls) in peerClasses.sorted(by: { $0.key < $1.key }) where kept.contains(where: { names[$0] == name }) && cls.count == batch {
                let same = zip(int8Classes, cls).filter { $0 == $1 }.count
                peerAgreement.append(String(format: "class agreement int8 / %@ (%d threads): %.3f", name, t, Double(same) / Double(batch)))
            }
            let median = { (xs: [Double]) in xs.sorted()[xs.count / 2] }
            var perCPU = [Double](repeating: 0, count: names.count), inf = perCPU
            var roundShare = [Double?](repeating: nil, count: names.count), roundLimitMedian = roundShare
            for i in kept {
                let rates = cpu[i].map { Double(batch) * macs / max($0, 1e-9) }
                perCPU[i] = median(rates) / 1e9
                inf[i] = Double(batch) / median(wall[i])
                if roundLimit[i].count == rates.count {
                    roundShare[i] = median(zip(rates, roundLimit[i]).map { $0 / $1 })
                    roundLimitMedian[i] = median(roundLimit[i]) / 1e9
                }
            }
            let floatRef = selectedFloat.map { paths.count + $0 }
            let ortInt8 = kept.first { names[$0] == "ort-int8-qdq" }, ortFloat = kept.first { names[$0] == "ort-float32" }
            for i in kept {
                let isInt8 = i < paths.count, isFloat = !isInt8 && i < paths.count + floatPaths.count
                // Limits: int8 rows their instruction's measured rate; float32 rows (IntRS and ONNX Runtime) the
                // measured vfmadd231ps rate; ONNX Runtime int8 the best int8 instruction this CPU has (VNNI when present).
                let perCycle: Double
                if isInt8 { perCycle = paths[i] == .avx512vnni ? (vnniMacPerCycle ?? macPerCycle) : macPerCycle }
                else if isFloat || names[i] == "ort-float32" { perCycle = floatMacPerCycle }
                else { perCycle = vnniMacPerCycle ?? macPerCycle }
                let limit = (clockHz ?? 0) * perCycle / 1e9
                let ort = isInt8 ? ortInt8 : isFloat ? ortFloat : nil
                rows.append(Row(contender: names[i], threads: t, inferencesPerSecond: inf[i], gmacPerCPUSecond: perCPU[i],
                                gmacPerSecondPerCore: inf[i] * macs / 1e9 / Double(t),
                                shareOfLimit: limit > 0 ? perCPU[i] / limit : 0,
                                shareOfRoundLimit: roundShare[i], roundLimitGMACPerCPUSecond: roundLimitMedian[i],
                                speedupOverPortable: isInt8 ? perCPU[i] / perCPU[0] : nil,
                                ratioToFloat32: isInt8 ? floatRef.map { perCPU[i] / perCPU[$0] } : nil,
                                ratioToOnnxRuntime: ort.map { perCPU[i] / perCPU[$0] }))
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakKiB = Int(usage.ru_maxrss)
        let loadAfter = Self.loadAverage()
        if json {
            struct Out: Encodable {
                var model: String; var multiplyAddsPerInference: Int; var batch: Int; var rounds: Int; var sigma: Double
                var selectedKernel: String; var clockGHz: Double?; var vpmaddwdPerCycle: Double?; var vpdpbusdPerCycle: Double?
                var vpdpbusd512PerCycle: Double?; var limitGMACPerCore: Double?; var vnniLimitGMACPerCore: Double?
                var vfmadd231psPerCycle: Double?; var vfmadd231ps512PerCycle: Double?; var floatLimitGMACPerCore: Double?
                var loadAverageBefore: String; var loadAverageAfter: String; var rows: [Row]; var peakMemoryKiB: Int
                var selectedFloatKernel: String; var onnxRuntime: String?; var notes: [String]
            }
            print(try CanonicalJSON.line(Out(model: model, multiplyAddsPerInference: Int(macs), batch: batch, rounds: rounds, sigma: sigma,
                                             selectedKernel: Int8KernelPath.selected.rawValue, clockGHz: clockHz.map { $0 / 1e9 },
                                             vpmaddwdPerCycle: vpmaddwd, vpdpbusdPerCycle: vpdpbusd, vpdpbusd512PerCycle: vpdpbusd512,
                                             limitGMACPerCore: clockHz.map { $0 * macPerCycle / 1e9 },
                                             vnniLimitGMACPerCore: clockHz.flatMap { hz in vnniMacPerCycle.map { hz * $0 / 1e9 } },
                                             vfmadd231psPerCycle: fmaYmm, vfmadd231ps512PerCycle: fmaZmm,
                                             floatLimitGMACPerCore: clockHz.map { $0 * floatMacPerCycle / 1e9 },
                                             loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, rows: rows, peakMemoryKiB: peakKiB,
                                             selectedFloatKernel: FloatKernelPath.selected.rawValue, onnxRuntime: peerVersion, notes: notes)))
            return
        }
        print("model \(model): \(Int(macs)) multiply-adds per inference; batch \(batch), \(rounds) interleaved rounds (median), noise sigma \(sigma) grid units")
        print("load average before / after: \(loadBefore) / \(loadAfter); kernel path selected for this process: \(Int8KernelPath.selected.rawValue) (INTRS_KERNEL or CPU check)")
        if let hz = clockHz {
            let vp = vpmaddwd.map { String(format: "%.2f vpmaddwd ymm per cycle measured (16 multiply-adds each)", $0) } ?? "no AVX2"
            print(String(format: "clock %.2f GHz (dependent-add chain on the thread CPU clock); ", hz / 1e9) + vp
                  + String(format: "; limit %.1f MAC/cycle = %.1f GMAC/s per core", macPerCycle, hz * macPerCycle / 1e9))
            if let v = vpdpbusd, let m = vnniMacPerCycle {
                print(String(format: "AVX-512 VNNI: %.2f vpdpbusd ymm (32 multiply-adds each) and %.2f vpdpbusd zmm (64 each) per cycle measured; the avx512vnni row's limit is %.1f MAC/cycle = %.1f GMAC/s per core",
                             v, vpdpbusd512 ?? 0, m, hz * m / 1e9))
            }
            if let y = fmaYmm {
                print(String(format: "float32: %.2f vfmadd231ps ymm (8 multiply-adds each) and %.2f zmm (16 each) per cycle measured; the float32 rows' limit is %.1f MAC/cycle = %.1f GMAC/s per core",
                             y, fmaZmm ?? 0, floatMacPerCycle, hz * floatMacPerCycle / 1e9))
            }
        } else {
            print("clock not measured on this CPU; no share of the limit")
        }
        if let v = peerVersion { print("ONNX Runtime \(v) in a peer process (\(onnxRuntimeScript) --serve); its CPU seconds are its own") }
        print("of round limit: each round's rate over its limit instruction's rate probed right before and after its batch (median of rounds; the limit in GMAC per CPU-second in brackets)")
        print("contender         | threads | inf/s (wall) | GMAC/s per CPU-s | GMAC/s/core (wall) | of limit | of round limit  | vs portable | int8 / float32 | vs ONNX Runtime")
        for x in rows {
            let sp = x.speedupOverPortable.map { String(format: "%10.2fx", $0) } ?? String(repeating: " ", count: 11)
            let rf = (x.ratioToFloat32.map { String(format: "%13.2fx", $0) } ?? String(repeating: " ", count: 14))
                + (x.ratioToOnnxRuntime.map { String(format: " | %14.2fx", $0) } ?? "")
            let name = x.contender.padding(toLength: 17, withPad: " ", startingAt: 0)
            let round = x.shareOfRoundLimit.map { s in String(format: "%4.0f%% (%6.1f)", 100 * s, x.roundLimitGMACPerCPUSecond ?? 0) }
                ?? String(repeating: " ", count: 15)
            print(name + String(format: " | %7d | %12.1f | %16.2f | %18.2f | %7.0f%% | ", x.threads, x.inferencesPerSecond,
                                x.gmacPerCPUSecond, x.gmacPerSecondPerCore, 100 * x.shareOfLimit) + round + " | " + sp + " | " + rf)
        }
        for (t, a) in agreement.sorted(by: { $0.key < $1.key }) { print(String(format: "class agreement int8 / float32 (%d threads): %.3f", t, a)) }
        for line in peerAgreement { print(line) }
        for n in notes { print("note: " + n) }
        print("int8 paths agree bit for bit on all \(batch * net.classCount) logits; peak memory (ru_maxrss): \(peakKiB) KiB")
    }
}
