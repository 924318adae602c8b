import ArgumentParser
import Foundation
import IntRSCore
import IntRSRun
import IntRSExact
import IntRSReference
import IntRSFloatBaseline
import IntRSRuntime

/// `intrs bench smoothing`: noisy inferences per second of the smoothing engine (noise + int8 votes) on a
/// model, for the CKS and table samplers, 1 and 2 threads, and the float32 baseline (Box–Muller noise +
/// FloatEvaluator), measured side by side in one run.
struct BenchSmoothingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoothing",
        abstract: "Noisy inferences per second of the smoothing engine (int8 vs float32 baseline; CKS vs table noise).")

    @Option(help: "Model file (default: the shipped digits CNN).")
    var model: String?
    @Option(parsing: .unconditional, help: "Noise variance in grid units squared (an exact rational, in [1/1024, 65536]).")
    var sigma2: String = "16"
    @Option(parsing: .unconditional, help: "Noisy inputs per measurement (1 ... 2^31).")
    var samples: Int = 100_000
    @Flag(help: "Print the results as JSON.")
    var json = false

    struct Result: Codable {
        var name: String; var threads: Int; var seconds: Double; var perSecond: Double
        /// Noisy inferences per second of process CPU time (all threads): the per-core rate, which holds on a
        /// shared machine where the wall-clock rate does not.
        var perCPUSecond: Double
    }

    /// CPU time of the whole process (all threads), nanoseconds.
    static func processCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// The checks that read only the options (argument-parser runs this before `run`).
    func validate() throws {
        guard samples >= 1 && samples <= 1 << 31 else { throw ValidationError("--samples \(samples): must be in 1 ... 2^31") }
        _ = try parsedSigma2()
    }

    /// --sigma2, exact and inside `Sigma2Domain`.
    func parsedSigma2() throws -> Rational {
        let s2: Rational
        do { s2 = try Rational(parsing: sigma2) } catch {
            throw ValidationError("--sigma2 \"\(sigma2)\": not an exact decimal or rational (grid units squared)")
        }
        do { try Sigma2Domain.check(s2) } catch { throw ValidationError("\(error)") }
        return s2
    }

    func run() throws {
        let s2 = try parsedSigma2()
        let cks: FastDiscreteGaussianSampler
        do {
            guard let p = s2.numerator.asInt, let q = s2.denominator.asInt, p > 0, q > 0 else {
                throw CLIError("numerator or denominator too large")
            }
            cks = try FastDiscreteGaussianSampler(sigma2Numerator: UInt64(p), sigma2Denominator: UInt64(q))
        } catch { throw ValidationError("--sigma2 \(s2): not accepted by the fast CKS sampler: \(error)") }
        let path = try SmoothingCommandRunner.shippedPath(model, resource: SmoothingDefaults.modelResource, option: "--model")
        let m = try Int8ModelFile.decode(try SmoothingParts.readFile(path, what: "model"), file: path)
        let eval = try FastInt8Evaluator(model: m, threads: 1, file: path)
        let seed = try Seed(hex: SmoothingDefaults.seedHex)
        let law = try TableLaw(family: .discreteGaussian, sigma2: s2, bits: 64)
        let table = try FastTableSampler(table: law.noiseTable)
        let x = [Int32](repeating: 8, count: eval.inputCount)
        var results: [Result] = []
        func time(_ name: String, threads: Int, _ body: () -> Void) {
            let t0 = DispatchTime.now()
            let c0 = Self.processCPUNanoseconds()
            body()
            let s = Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
            let cpu = Double(Self.processCPUNanoseconds() - c0) / 1e9
            results.append(Result(name: name, threads: threads, seconds: s, perSecond: Double(samples) / s,
                                  perCPUSecond: Double(samples) / max(cpu, 1e-9)))
            FileHandle.standardError.write(Data(String(format: "%@ (%d threads): %.0f noisy inferences/s, %.0f per CPU second\n", name, threads, Double(samples) / s, Double(samples) / max(cpu, 1e-9)).utf8))
        }
        for t in [1, 2] {
            time("int8 + CKS noise", threads: t) {
                _ = VoteCounter(classifier: eval, noise: StreamNoiseSource(seed: seed, sampler: cks), threads: t).count(input: x, example: 0, phase: 1, samples: samples)
            }
            time("int8 + table noise", threads: t) {
                _ = VoteCounter(classifier: eval, noise: StreamNoiseSource(seed: seed, sampler: table), threads: t).count(input: x, example: 0, phase: 1, samples: samples)
            }
            time("table noise only", threads: t) {
                _ = VoteCounter(classifier: ClosureClassifier(inputCount: eval.inputCount, classCount: 1) { _ in 0 },
                                noise: StreamNoiseSource(seed: seed, sampler: table), threads: t).count(input: x, example: 0, phase: 1, samples: samples)
            }
            time("int8 only (zero noise)", threads: t) {
                _ = VoteCounter(classifier: eval, noise: ZeroNoise(), threads: t).count(input: x, example: 0, phase: 1, samples: samples)
            }
            if let fc = try SmoothingModel.floatClassifier(m, file: path, warn: SmoothingCommandRunner.printWarning) {
                time("float32 + Box-Muller noise", threads: t) {
                    _ = FloatSmoothing(classifier: fc, noise: GaussianStreamNoiseSource(seed: seed, sigma: Float(s2.doubleApproximation.squareRoot())), threads: t)
                        .count(input: x.map { Float($0) }, example: 0, phase: 1, samples: samples)
                }
            }
        }
        if json { print(String(decoding: try CanonicalJSON.encode(results), as: UTF8.self), terminator: "") }
        else {
            print("kernel path (int8 and ChaCha20): \(Int8KernelPath.selected.rawValue)")
            for r in results {
                print(String(format: "%-28@ threads %d  %9.0f /s wall  %9.0f /s per CPU second  (%.2f s)", r.name as NSString, r.threads, r.perSecond, r.perCPUSecond, r.seconds))
            }
        }
    }
}

/// No noise: isolates the classifier's cost in `intrs bench smoothing`.
struct ZeroNoise: GridNoiseSource {
    func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Int32>) {
        for i in 0..<out.count { out[i] = 0 }
    }
}
