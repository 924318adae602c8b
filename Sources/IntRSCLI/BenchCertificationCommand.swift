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
        discussion: "Reports CPU time (the machine may be shared) and wall time. Cases are (sigma2 in grid units squared, pA, binary form, d = 1000, limit on |delta|^2). Use a release build.")

    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Only the quick cases.") var quick = false

    struct Row: Codable { var sigma2: String; var pA: String; var maxNorm2: Int; var nStar: Int?; var patterns: Int; var seconds: Double; var cpuSeconds: Double; var patternsPerSecond: Double }

    func run() throws {
        var cases: [(String, String, Int)] = [("4", "0.999", 400), ("10", "0.999", 400), ("64", "0.99", 100)]
        if !quick { cases += [("16", "0.999", 400)] }
        var rows: [Row] = []
        for (s, p, limit) in cases {
            let analyzer = ShiftAnalyzer(noise: try CertificationNoise.discreteGaussian(sigma2: Rational(s)!))
            let start = Date()
            let c0 = clock()
            let r = TightRadius.search(analyzer: analyzer, pA: Rational(p)!, pB: nil, dimension: 1000, maxNorm2: limit)
            let cpu = Double(clock() - c0) / Double(CLOCKS_PER_SEC)
            let t = Date().timeIntervalSince(start)
            rows.append(Row(sigma2: s, pA: p, maxNorm2: limit, nStar: r.nStar, patterns: r.patternsVisited, seconds: t,
                            cpuSeconds: cpu, patternsPerSecond: Double(r.patternsVisited) / cpu))
            if !json {
                print("sigma2 \(s), pA \(p), d 1000, limit \(limit): n* = \(r.nStar.map(String.init) ?? "> \(limit)"), "
                      + "\(r.patternsVisited) patterns in \(String(format: "%.2f", cpu)) s CPU, \(String(format: "%.2f", t)) s wall (\(String(format: "%.0f", Double(r.patternsVisited) / cpu)) patterns/CPU-s)")
            }
        }
        if json { try CertArgs.printJSON(rows) }
    }
}
