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
        abstract: "int8 kernel paths vs float32 inference speed on the benchmark CNN (release build!).",
        discussion: """
        Runs the fast int8 evaluator on every kernel path this CPU supports (portable C, AVX2, AVX-512 VNNI) and the \
        float32 baseline side by side on the same noisy inputs (an 8-bit image plus integer noise in grid \
        units), interleaved: each round times one batch of every contender in turn; the median round is \
        reported. Units: inferences per second (wall clock), GMAC/s per CPU-second = 1e9 multiply-adds per \
        second of process CPU time (CLOCK_PROCESS_CPUTIME_ID; with t threads this is the per-thread rate, \
        which is what a shared machine can measure honestly), and the share of this CPU's limit: \
        multiply-adds per cycle (16 products per 256-bit vpmaddwd times the vpmaddwd instructions per cycle \
        that the command measures with 8 independent chains: 8 on AMD Zen 1, 32 on Zen 4; --mac-per-cycle \
        overrides; for the AVX-512 VNNI row the larger of 32 products per vpdpbusd ymm and 64 per vpdpbusd zmm \
        times its measured rate: on AMD Zen 4 a zmm instruction runs as two 256-bit halves, so both give about \
        64 per cycle) times the clock, which is measured by timing a chain of dependent integer additions \
        (1 cycle each) on the thread's CPU clock. The int8 \
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
    @Flag(help: "Print the result as JSON.") var json = false

    struct Row: Encodable {
        var contender: String
        var threads: Int
        var inferencesPerSecond: Double
        var gmacPerCPUSecond: Double
        var gmacPerSecondPerCore: Double
        var shareOfLimit: Double
        var speedupOverPortable: Double?
        var ratioToFloat32: Double?
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

    /// The instructions whose throughput bounds a kernel path.
    enum Probe { case vpmaddwd, vpdpbusdYmm, vpdpbusdZmm }

    /// Instructions per cycle of `probe` (8 independent chains), median of 5; nil when the CPU lacks it.
    static func measurePerCycle(clockHz: Double, _ probe: Probe = .vpmaddwd) -> Double? {
        var rates: [Double] = []
        for _ in 0..<5 {
            let t0 = threadCPUSeconds()
            let n: UInt64
            switch probe {
            case .vpmaddwd: n = CPUThroughputProbe.vpmaddwdBurst(iterations: 20_000_000)
            case .vpdpbusdYmm: n = CPUThroughputProbe.vpdpbusdBurst(iterations: 20_000_000)
            case .vpdpbusdZmm: n = CPUThroughputProbe.vpdpbusd512Burst(iterations: 10_000_000)
            }
            let t1 = threadCPUSeconds()
            if n == 0 { return nil }
            rates.append(Double(n) / (t1 - t0) / clockHz)
        }
        return rates.sorted()[2]
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
    }

    func run() throws {
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
        let vpmaddwd = clockHz.flatMap { Self.measurePerCycle(clockHz: $0) }
        let vpdpbusd = clockHz.flatMap { Self.measurePerCycle(clockHz: $0, .vpdpbusdYmm) }
        let vpdpbusd512 = clockHz.flatMap { Self.measurePerCycle(clockHz: $0, .vpdpbusdZmm) }
        let macPerCycle = self.macPerCycle ?? vpmaddwd.map { ($0 * 16).rounded() } ?? 8
        // The VNNI path's own limit: 32 multiply-adds per vpdpbusd ymm (8 lanes x 4 products), 64 per zmm;
        // the larger measured rate counts.
        let vnniMacPerCycle = vpdpbusd.map { max($0 * 32, (vpdpbusd512 ?? 0) * 64).rounded() }
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
        var rows: [Row] = []
        var agreement: [Int: Double] = [:]
        for t in threads {
            let evaluators = paths.map { FastInt8Evaluator(network: net, threads: t, kernel: $0) }
            let flt = noFloat ? nil : try FloatEvaluator(network: net, threads: t)
            let names = paths.map { "int8-\($0.rawValue)" } + (flt == nil ? [] : ["float32-\(FloatKernelPath.selected.rawValue)"])
            var wall = [[Double]](repeating: [], count: names.count), cpu = wall
            var logits = [[Int8]](repeating: [Int8](repeating: 0, count: batch * net.classCount), count: paths.count)
            var cf = [Int32](repeating: 0, count: batch)
            for _ in 0..<rounds {
                for (i, e) in evaluators.enumerated() {
                    let c0 = Self.processCPUSeconds(), w0 = DispatchTime.now().uptimeNanoseconds
                    grid.withUnsafeBufferPointer { g in logits[i].withUnsafeMutableBufferPointer { e.logits(grid: g, batch: batch, logits: $0) } }
                    let w1 = DispatchTime.now().uptimeNanoseconds, c1 = Self.processCPUSeconds()
                    wall[i].append(Double(w1 - w0) / 1e9); cpu[i].append(c1 - c0)
                }
                if let flt {
                    let i = paths.count
                    let c0 = Self.processCPUSeconds(), w0 = DispatchTime.now().uptimeNanoseconds
                    gridF.withUnsafeBufferPointer { g in cf.withUnsafeMutableBufferPointer { flt.classify(grid: g, batch: batch, classes: $0) } }
                    let w1 = DispatchTime.now().uptimeNanoseconds, c1 = Self.processCPUSeconds()
                    wall[i].append(Double(w1 - w0) / 1e9); cpu[i].append(c1 - c0)
                }
            }
            for i in 1..<max(paths.count, 1) where logits[i] != logits[0] {
                throw ValidationError("int8 kernel paths \(paths[0].rawValue) and \(paths[i].rawValue) disagree: a kernel defect")
            }
            if flt != nil {
                let k = net.classCount
                var same = 0
                for b in 0..<batch {
                    let row = logits[0][(b * k)..<((b + 1) * k)]
                    var best = row.startIndex
                    for j in row.indices where row[j] > row[best] { best = j }
                    if Int32(best - row.startIndex) == cf[b] { same += 1 }
                }
                agreement[t] = Double(same) / Double(batch)
            }
            let median = { (xs: [Double]) in xs.sorted()[xs.count / 2] }
            let perCPU = cpu.map { xs in median(xs.map { Double(batch) * macs / $0 / 1e9 }) }
            let inf = wall.map { Double(batch) / median($0) }
            for i in names.indices {
                // float32 rows: 16 multiply-adds per cycle (two 8-lane FMA per cycle, as on Zen 2-4 and Intel since
                // Haswell; assumed, not measured).
                let perCycle = i >= paths.count ? 16 : paths[i] == .avx512vnni ? (vnniMacPerCycle ?? macPerCycle) : macPerCycle
                let limit = (clockHz ?? 0) * perCycle / 1e9
                rows.append(Row(contender: names[i], threads: t, inferencesPerSecond: inf[i], gmacPerCPUSecond: perCPU[i],
                                gmacPerSecondPerCore: inf[i] * macs / 1e9 / Double(t),
                                shareOfLimit: limit > 0 ? perCPU[i] / limit : 0,
                                speedupOverPortable: i < paths.count ? perCPU[i] / perCPU[0] : nil,
                                ratioToFloat32: flt != nil && i < paths.count ? perCPU[i] / perCPU[paths.count] : nil))
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
                var loadAverageBefore: String; var loadAverageAfter: String; var rows: [Row]; var peakMemoryKiB: Int
            }
            print(try CanonicalJSON.line(Out(model: model, multiplyAddsPerInference: Int(macs), batch: batch, rounds: rounds, sigma: sigma,
                                             selectedKernel: Int8KernelPath.selected.rawValue, clockGHz: clockHz.map { $0 / 1e9 },
                                             vpmaddwdPerCycle: vpmaddwd, vpdpbusdPerCycle: vpdpbusd, vpdpbusd512PerCycle: vpdpbusd512,
                                             limitGMACPerCore: clockHz.map { $0 * macPerCycle / 1e9 },
                                             vnniLimitGMACPerCore: clockHz.flatMap { hz in vnniMacPerCycle.map { hz * $0 / 1e9 } },
                                             loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, rows: rows, peakMemoryKiB: peakKiB)))
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
        } else {
            print("clock not measured on this CPU; no share of the limit")
        }
        print("contender         | threads | inf/s (wall) | GMAC/s per CPU-s | GMAC/s/core (wall) | of limit | vs portable | int8 / float32")
        for x in rows {
            let sp = x.speedupOverPortable.map { String(format: "%10.2fx", $0) } ?? String(repeating: " ", count: 11)
            let rf = x.ratioToFloat32.map { String(format: "%13.2fx", $0) } ?? ""
            let name = x.contender.padding(toLength: 17, withPad: " ", startingAt: 0)
            print(name + String(format: " | %7d | %12.1f | %16.2f | %18.2f | %7.0f%% | ", x.threads, x.inferencesPerSecond,
                                x.gmacPerCPUSecond, x.gmacPerSecondPerCore, 100 * x.shareOfLimit) + sp + " | " + rf)
        }
        for (t, a) in agreement.sorted(by: { $0.key < $1.key }) { print(String(format: "class agreement int8 / float32 (%d threads): %.3f", t, a)) }
        print("int8 paths agree bit for bit on all \(batch * net.classCount) logits; peak memory (ru_maxrss): \(peakKiB) KiB")
    }
}
