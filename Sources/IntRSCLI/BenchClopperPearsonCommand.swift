import ArgumentParser
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import IntRSCore
import IntRSExact
import IntRSReference

/// `intrs bench clopper-pearson`: time the sound Clopper–Pearson lower bound at n = 100,000.
/// CPU time of the calling thread in nanoseconds (CLOCK_THREAD_CPUTIME_ID).
func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

struct BenchClopperPearsonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clopper-pearson",
        abstract: "Time the sound Clopper–Pearson bound for n = 100,000 at several k and alpha (release build!).",
        discussion: """
        For each (k, alpha) the exact lower bound (64 bits) is computed --repeats times; the median time \
        per bound is reported in milliseconds, both wall-clock and CPU time of the calling thread (the \
        machine is shared: CPU time is the steadier number). Build with `swift build -c release`.
        """)

    @Option(parsing: .unconditional, help: "Trials n (10 ... 2^31).") var trials: Int = 100_000
    @Option(parsing: .unconditional, help: "Repetitions per case (median reported).") var repeats: Int = 5
    @Option(parsing: .unconditional, help: "Bits of the bound (1...4096).") var bits: Int = 64
    @Flag(help: "Print the result as JSON.") var json = false

    struct Row: Encodable {
        var successes: Int
        var trials: Int
        var alpha: String
        var milliseconds: Double
        var cpuMilliseconds: Double
        var lowerBound: String
    }

    func validate() throws {
        guard trials >= 10, trials <= 1 << 31 else { throw ValidationError("--trials \(trials): must be in 10 ... 2^31") }
        guard repeats >= 1 else { throw ValidationError("--repeats \(repeats): must be >= 1") }
        guard (1...4096).contains(bits) else { throw ValidationError("--bits \(bits): must be in 1...4096") }
    }

    func run() throws {
        let n = trials
        let fractions = [Rational(1, 1000), Rational(1, 2), Rational(9, 10), Rational(99, 100), Rational(999, 1000), Rational(1)]
        let alphas = [Rational(1, 1000), Rational(1, 1_000_000), Rational(1, 10)]
        var rows: [Row] = []
        for a in alphas {
            for f in fractions {
                let k = Swift.max(1, (f * Rational(n)).floor.asInt!)
                var times: [Double] = [], cpu: [Double] = []
                var value = Rational(0)
                for _ in 0..<repeats {
                    let t0 = DispatchTime.now().uptimeNanoseconds, c0 = threadCPUNanoseconds()
                    value = try ClopperPearson.lowerBound(successes: k, trials: n, alpha: a, bits: bits)
                    cpu.append(Double(threadCPUNanoseconds() - c0) / 1e6)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                }
                times.sort(); cpu.sort()
                rows.append(Row(successes: k, trials: n, alpha: a.decimalString(digits: 6), milliseconds: times[times.count / 2],
                                cpuMilliseconds: cpu[cpu.count / 2], lowerBound: value.decimalString(digits: 15)))
            }
        }
        if json {
            FileHandle.standardOutput.write(try CanonicalJSON.encode(rows))
        } else {
            print("Clopper–Pearson lower bound, n = \(n), \(bits) bits, median of \(repeats)")
            print("k\talpha\twall ms\tcpu ms\tbound")
            for r in rows {
                print("\(r.successes)\t\(r.alpha)\t\(String(format: "%.2f", r.milliseconds))\t\(String(format: "%.2f", r.cpuMilliseconds))\t\(r.lowerBound)")
            }
        }
    }
}
