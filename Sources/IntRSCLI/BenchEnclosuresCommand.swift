import ArgumentParser
import Dispatch
import Foundation
import IntRSCore
import IntRSExact

/// `intrs bench enclosures`: cost per call of the rigorous enclosures (exp, log, sqrt, phi, phi-inverse).
struct BenchEnclosuresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enclosures",
        abstract: "Time the rigorous enclosures exp, log, sqrt, phi, phi-inverse per call (release build!).",
        discussion: """
        Each (function, x) is evaluated --repeats times at --bits; the median CPU time of the calling thread \
        per call is reported in microseconds. Build with `swift build -c release`.
        """)

    @Option(parsing: .unconditional, help: "Precision in bits (1...4096).") var bits: Int = 64
    @Option(parsing: .unconditional, help: "Repetitions per case (median reported).") var repeats: Int = 20
    @Flag(help: "Print the result as JSON.") var json = false

    struct Row: Encodable {
        var function: String
        var x: String
        var bits: Int
        var cpuMicroseconds: Double
    }

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats \(repeats): must be >= 1") }
        guard (1...4096).contains(bits) else { throw ValidationError("--bits \(bits): must be in 1...4096") }
    }

    func run() throws {
        let cases: [(EnclosureFunction, String)] = [
            (.exp, "1/3"), (.exp, "-800"), (.log, "123/7"), (.sqrt, "65025/16"),
            (.phi, "1"), (.phi, "-3"), (.phi, "-10"), (.phi, "-40"), (.phi, "5"),
            (.phiInverse, "0.975"), (.phiInverse, "0.999"), (.phiInverse, "1e-6"), (.phiInverse, "1e-300"),
        ]
        var rows: [Row] = []
        for (f, xt) in cases {
            let x = Rational(xt)!
            _ = try f.enclose(x, bits: bits) // warm-up (constant caches)
            var cpu: [Double] = []
            for _ in 0..<repeats {
                let c0 = threadCPUNanoseconds()
                _ = try f.enclose(x, bits: bits)
                cpu.append(Double(threadCPUNanoseconds() - c0) / 1e3)
            }
            cpu.sort()
            rows.append(Row(function: f.rawValue, x: xt, bits: bits, cpuMicroseconds: cpu[cpu.count / 2]))
        }
        if json {
            FileHandle.standardOutput.write(try CanonicalJSON.encode(rows))
        } else {
            print("Enclosures at \(bits) bits, median CPU time per call of \(repeats)")
            print("function\tx\tcpu µs")
            for r in rows { print("\(r.function)\t\(r.x)\t\(String(format: "%.1f", r.cpuMicroseconds))") }
        }
    }
}
