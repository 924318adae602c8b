import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import IntRSExact
import IntRSReference

/// `intrs bench tight-radius`: times the tight-radius search (release build, one core).
struct BenchTightRadiusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tight-radius",
        abstract: "Time the exact tight-radius search (shift patterns enumerated by increasing |delta|^2; one core).",
        discussion: "Reports CPU time (the machine may be shared) and wall time. Cases are (sigma2 in grid units squared, pA, binary form, d = 1000, limit on |delta|^2). Each case runs twice, side by side: with the fast 31-bit first rung (ShiftLaw31) and without it (52-bit first rung), and reports the CPU-time ratio. --sigma2/--pa/--dimension/--max-norm2/--max-patterns run one custom case instead (the pattern budget makes both variants do the same work). Use a release build.")

    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Only the quick cases.") var quick = false
    @Option(parsing: .unconditional, help: "Custom case: sigma2 (grid units squared).") var sigma2: String?
    @Option(name: .customLong("pa"), parsing: .unconditional, help: "Custom case: pA (binary form).") var pa: String = "0.99"
    @Option(parsing: .unconditional, help: "Custom case: dimension d.") var dimension: Int = 1000
    @Option(name: .customLong("max-norm2"), parsing: .unconditional, help: "Custom case: limit on |delta|^2.") var maxNorm2: Int = 400
    @Option(name: .customLong("max-patterns"), parsing: .unconditional, help: "Custom case: pattern budget (same work for both variants).") var maxPatterns: Int?

    struct Row: Codable { var sigma2: String; var pA: String; var dimension: Int; var maxNorm2: Int; var fastRung: Bool; var nStar: Int?; var complete: Bool; var certifiedNorm2: Int; var renyiFloor: Int; var patterns: Int; var seconds: Double; var cpuSeconds: Double; var patternsPerSecond: Double }

    func run() throws {
        var cases: [(String, String, Int, Int)] = [("4", "0.999", 1000, 400), ("10", "0.999", 1000, 400), ("64", "0.99", 1000, 100)]
        if !quick { cases += [("16", "0.999", 1000, 400)] }
        if let sigma2 {
            guard let s = try? Rational(parsing: sigma2), s.signum > 0 else { throw ValidationError("--sigma2 \"\(sigma2)\": expected a positive rational") }
            guard let p = try? Rational(parsing: pa), p > Rational(1, 2), p < Rational(1) else { throw ValidationError("--pa \"\(pa)\": expected a probability in (1/2, 1)") }
            guard dimension >= 1, maxNorm2 >= 1 else { throw ValidationError("--dimension and --max-norm2 must be >= 1") }
            _ = (s, p)
            cases = [(sigma2, pa, dimension, maxNorm2)]
        }
        var rows: [Row] = []
        for (s, p, dim, limit) in cases {
            var cpus: [Double] = []
            for fast in [true, false] {
                let analyzer = ShiftAnalyzer(noise: try CertificationNoise.discreteGaussian(sigma2: try Rational(parsing: s)))
                let start = Date()
                let c0 = clock()
                let r = TightRadius.search(analyzer: analyzer, pA: try Rational(parsing: p), pB: nil, dimension: dim, maxNorm2: limit,
                                           budget: .init(maxPatterns: maxPatterns), fastRung: fast)
                let cpu = Double(clock() - c0) / Double(CLOCKS_PER_SEC)
                cpus.append(cpu)
                let t = Date().timeIntervalSince(start)
                rows.append(Row(sigma2: s, pA: p, dimension: dim, maxNorm2: limit, fastRung: fast, nStar: r.nStar, complete: r.complete,
                                certifiedNorm2: r.certifiedNorm2, renyiFloor: r.renyiFloor, patterns: r.patternsVisited, seconds: t,
                                cpuSeconds: cpu, patternsPerSecond: Double(r.patternsVisited) / max(cpu, 1e-9)))
                if !json {
                    let answer = r.complete ? "n* = \(r.nStar.map(String.init) ?? "> \(limit)")" : "stopped, certified |delta|^2 <= \(r.certifiedNorm2)"
                    print("sigma2 \(s), pA \(p), d \(dim), limit \(limit), \(fast ? "fast 31-bit rung" : "52-bit first rung"): \(answer), n_R = \(r.renyiFloor), "
                          + "\(r.patternsVisited) patterns in \(String(format: "%.2f", cpu)) s CPU, \(String(format: "%.2f", t)) s wall (\(String(format: "%.0f", Double(r.patternsVisited) / max(cpu, 1e-9))) patterns/CPU-s)")
                }
            }
            if !json { print("  CPU ratio 52-bit / fast = \(String(format: "%.2f", cpus[1] / max(cpus[0], 1e-9)))") }
        }
        if json { try CertArgs.printJSON(rows) }
    }
}
