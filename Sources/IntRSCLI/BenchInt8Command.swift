import ArgumentParser
import Dispatch
import Foundation
import IntRSCore
import IntRSRuntime
#if canImport(Glibc)
import Glibc
#endif

/// `intrs bench int8`: noisy inferences per second and GMAC/s per core, int8-fast vs float32, 1 and 2 threads.
struct BenchInt8Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "int8",
        abstract: "int8-fast vs float32 inference speed on the benchmark CNN (release build!).",
        discussion: """
        Runs the fast int8 evaluator and the float32 baseline side by side on the same noisy inputs \
        (an 8-bit image plus integer noise in grid units), with 1 and 2 threads, alternating the two \
        implementations in rounds and reporting the median round. Units: inferences per second (one \
        inference = one noisy input classified), GMAC/s per core = 1e9 multiply-adds per second divided by \
        the thread count, peak memory = getrusage ru_maxrss (KiB, whole process). Build with \
        `swift build -c release` (optionally `-Xswiftc -target-cpu -Xswiftc znver2` for AVX2).
        """)

    @Option(help: "The model file (default: Benchmarks/cifar-cnn.model.json; generated in memory with seed 1 if missing).")
    var model: String = "Benchmarks/cifar-cnn.model.json"
    @Option(help: "Inputs per batch call.") var batch: Int = 256
    @Option(help: "Rounds per configuration (each round times one batch of each implementation).") var rounds: Int = 5
    @Option(help: "Thread counts to measure (repeatable).") var threads: [Int] = [1, 2]
    @Option(help: "Noise standard deviation in grid units (integer noise, rounded Gaussian from a fixed seed).") var sigma: Double = 32
    @Flag(help: "Print the result as JSON.") var json = false

    struct Row: Encodable {
        var threads: Int
        var int8InferencesPerSecond: Double
        var float32InferencesPerSecond: Double
        var int8GMACPerSecondPerCore: Double
        var float32GMACPerSecondPerCore: Double
        var ratio: Double
        var agreement: Double
    }

    func run() throws {
        guard batch >= 1, rounds >= 1, threads.allSatisfy({ $0 >= 1 }), sigma >= 0 else {
            throw ValidationError("--batch, --rounds, --threads must be >= 1 and --sigma >= 0")
        }
        let m: Int8Model
        if FileManager.default.fileExists(atPath: model) {
            do { m = try Int8ModelFile.load(from: URL(fileURLWithPath: model)) } catch { throw ValidationError("--model: \(error)") }
        } else {
            m = Int8BenchmarkModel.cifarCNN(seed: 1)
        }
        let net = try m.validated(file: model)
        let macs = Double(Int8BenchmarkModel.multiplyAdds(net).reduce(0, +))
        let d = net.inputCount
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
        var rows: [Row] = []
        for t in threads {
            let fast = FastInt8Evaluator(network: net, threads: t)
            let flt = try FloatEvaluator(network: net, threads: t)
            var ci = [Int32](repeating: 0, count: batch), cf = [Int32](repeating: 0, count: batch)
            var ti: [Double] = [], tf: [Double] = []
            for _ in 0..<rounds {
                let a = DispatchTime.now().uptimeNanoseconds
                grid.withUnsafeBufferPointer { g in ci.withUnsafeMutableBufferPointer { fast.classify(grid: g, batch: batch, classes: $0) } }
                let b = DispatchTime.now().uptimeNanoseconds
                gridF.withUnsafeBufferPointer { g in cf.withUnsafeMutableBufferPointer { flt.classify(grid: g, batch: batch, classes: $0) } }
                let c = DispatchTime.now().uptimeNanoseconds
                ti.append(Double(b - a) / 1e9); tf.append(Double(c - b) / 1e9)
            }
            let mi = ti.sorted()[ti.count / 2], mf = tf.sorted()[tf.count / 2]
            let agree = Double(zip(ci, cf).filter { $0 == $1 }.count) / Double(batch)
            rows.append(Row(threads: t, int8InferencesPerSecond: Double(batch) / mi, float32InferencesPerSecond: Double(batch) / mf,
                            int8GMACPerSecondPerCore: Double(batch) * macs / mi / 1e9 / Double(t),
                            float32GMACPerSecondPerCore: Double(batch) * macs / mf / 1e9 / Double(t),
                            ratio: mf / mi, agreement: agree))
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakKiB = Int(usage.ru_maxrss)
        if json {
            struct Out: Encodable { var model: String; var multiplyAddsPerInference: Int; var batch: Int; var rounds: Int; var sigma: Double; var rows: [Row]; var peakMemoryKiB: Int }
            print(try CanonicalJSON.line(Out(model: model, multiplyAddsPerInference: Int(macs), batch: batch, rounds: rounds, sigma: sigma, rows: rows, peakMemoryKiB: peakKiB)))
            return
        }
        print("model \(model): \(Int(macs)) multiply-adds per inference; batch \(batch), \(rounds) rounds (median), noise sigma \(sigma) grid units")
        print("threads | int8 inf/s | float32 inf/s | int8 GMAC/s/core | float32 GMAC/s/core | int8/float32 | class agreement")
        for x in rows {
            print(String(format: "%7d | %10.1f | %13.1f | %16.2f | %19.2f | %11.2fx | %.3f", x.threads, x.int8InferencesPerSecond, x.float32InferencesPerSecond,
                         x.int8GMACPerSecondPerCore, x.float32GMACPerSecondPerCore, x.ratio, x.agreement))
        }
        print("peak memory (ru_maxrss): \(peakKiB) KiB")
    }
}
