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
        discussion: "Reports CPU time (the machine may be shared) and wall time. Cases are (sigma2 in grid units squared, pA, binary form, dimension d, limit on |delta|^2). Each case runs side by side in one process: with the lattice collapse (COL-1) and the fast 31-bit first rung (the default search), without the collapse (exhaustive exact search, fast rung), and without either (52-bit first rung); it reports the CPU-time ratios. The large-sigma2 cases (not with --quick) run the exhaustive variants under a 60 s budget: they do not finish, which is the point. --sigma2/--pa/--dimension/--max-norm2/--max-patterns run one custom case instead. Use a release build.")

    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Only the quick cases.") var quick = false
    @Option(parsing: .unconditional, help: "Custom case: sigma2 (grid units squared).") var sigma2: String?
    @Option(name: .customLong("pa"), parsing: .unconditional, help: "Custom case: pA (binary form).") var pa: String = "0.99"
    @Option(parsing: .unconditional, help: "Custom case: dimension d (>= 1).") var dimension: Int = 1000
    @Option(name: .customLong("max-norm2"), parsing: .unconditional, help: "Custom case: limit on |delta|^2 (grid units squared, >= 1).") var maxNorm2: Int = 400
    @Option(name: .customLong("max-patterns"), parsing: .unconditional, help: "Pattern budget, a count >= 0 (same work for every variant; every case, or the custom one).") var maxPatterns: Int?

    struct Row: Codable { var sigma2: String; var pA: String; var dimension: Int; var maxNorm2: Int; var collapse: Bool; var fastRung: Bool; var nStar: Int?; var complete: Bool; var maxCertifiedNorm2: Int; var renyiFloor: Int; var patterns: Int; var collapsedPatterns: Int; var searchedByClass: Bool; var seconds: Double; var cpuSeconds: Double; var patternsPerSecond: Double }

    /// The checks that read only the options (argument-parser runs this before `run`).
    func validate() throws {
        guard dimension >= 1 else { throw ValidationError("--dimension \(dimension): must be >= 1") }
        guard maxNorm2 >= 1 else { throw ValidationError("--max-norm2 \(maxNorm2): must be >= 1 (grid units squared)") }
        if let p = maxPatterns, p < 0 { throw ValidationError("--max-patterns \(p): must be >= 0 (a number of shift patterns)") }
        if let sigma2 {
            guard let s = try? Rational(parsing: sigma2), s.signum > 0 else { throw ValidationError("--sigma2 \"\(sigma2)\": expected a positive rational") }
            guard let p = try? Rational(parsing: pa), p > Rational(1, 2), p < Rational(1) else { throw ValidationError("--pa \"\(pa)\": expected a probability in (1/2, 1)") }
            _ = (s, p)
        }
    }

    func run() throws {
        // (sigma2, pA, d, limit, budget seconds for the exhaustive variants)
        var cases: [(String, String, Int, Int, Double?)] = [("4", "0.999", 1000, 400, nil), ("10", "0.999", 1000, 400, nil),
                                                            ("64", "0.99", 1000, 100, nil), ("256", "0.734", 1000, 100, nil)]
        if !quick {
            cases += [("16", "0.999", 1000, 400, 60), ("65025/16", "0.575", 64, 150, 60), ("65536", "0.5156", 1000, 100, 60), ("4064", "0.7", 1000, 3000, 60)]
        }
        if let sigma2 {
            cases = [(sigma2, pa, dimension, maxNorm2, nil)]
        }
        var rows: [Row] = []
        for (s, p, dim, limit, exhaustiveBudget) in cases {
            var cpus: [Double] = []
            for (collapse, fast) in [(true, true), (false, true), (false, false)] {
                let analyzer = ShiftAnalyzer(noise: try CertificationNoise.discreteGaussian(sigma2: try Rational(parsing: s)))
                let start = Date()
                let c0 = clock()
                let r = TightRadius.search(analyzer: analyzer, pA: try Rational(parsing: p), pB: nil, dimension: dim, maxNorm2: limit,
                                           budget: .init(maxPatterns: maxPatterns, maxSeconds: collapse ? nil : exhaustiveBudget),
                                           fastRung: fast, collapse: collapse)
                let cpu = Double(clock() - c0) / Double(CLOCKS_PER_SEC)
                cpus.append(cpu)
                let t = Date().timeIntervalSince(start)
                rows.append(Row(sigma2: s, pA: p, dimension: dim, maxNorm2: limit, collapse: collapse, fastRung: fast, nStar: r.nStar,
                                complete: r.complete, maxCertifiedNorm2: r.certifiedNorm2, renyiFloor: r.renyiFloor, patterns: r.patternsVisited,
                                collapsedPatterns: r.collapsedPatterns, searchedByClass: r.searchedByClass, seconds: t, cpuSeconds: cpu,
                                patternsPerSecond: Double(r.patternsVisited) / max(cpu, 1e-9)))
                if !json {
                    let variant = collapse ? "collapse + fast rung" : (fast ? "exhaustive, fast 31-bit rung" : "exhaustive, 52-bit first rung")
                    let answer = r.complete ? "n* = \(r.nStar.map(String.init) ?? "> \(limit)")" : "stopped, certified |delta|^2 <= \(r.certifiedNorm2)"
                    print("sigma2 \(s), pA \(p), d \(dim), limit \(limit), \(variant): \(answer), n_R = \(r.renyiFloor), "
                          + (r.searchedByClass ? "class by class: \(r.patternsVisited) classes and single parts, no pattern enumerated, in"
                                               : "\(r.patternsVisited) patterns (\(r.collapsedPatterns) decided by class) in")
                          + " \(String(format: "%.2f", cpu)) s CPU, \(String(format: "%.2f", t)) s wall")
                }
            }
            if !json {
                print("  CPU ratios: exhaustive fast / collapse = \(String(format: "%.2f", cpus[1] / max(cpus[0], 1e-9)))"
                      + ", exhaustive 52-bit / exhaustive fast = \(String(format: "%.2f", cpus[2] / max(cpus[1], 1e-9)))"
                      + (exhaustiveBudget != nil ? " (exhaustive variants under a \(Int(exhaustiveBudget!)) s budget)" : ""))
            }
        }
        if json { try CertArgs.printJSON(rows) }
    }
}
