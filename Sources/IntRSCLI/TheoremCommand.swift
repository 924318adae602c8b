import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

struct TheoremCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theorem",
        abstract: "Check Cohen et al.'s closed-form radii against the exact Neyman–Pearson worst case on a grid.",
        discussion: """
        Sweeps sigma2 (grid units squared), every integer shift pattern with |delta|^2 <= --max-norm2 (grid units squared), and a fixed grid of (pA, pB). Reports (1) every two-class counterexample under discrete Gaussian noise with its witness and enclosed margin, (2) the smallest binary-form gap under discrete Gaussian noise (CF-2 proves it > 0; this checks it), (2b) the smallest relative binary gap on patterns (k) + small rest near the largest radius the closed form certifies at pA = 0.9999, (3) the same for rounded-Gaussian noise (a control: no counterexample can exist). The text output lists the first 20 counterexamples; --json and --markdown list all.

        The committed report is regenerated with: intrs theorem --markdown Proofs/theorem-check.md
        """)

    @Option(parsing: .unconditional, help: "Comma-separated sigma2 values, exact rationals (default: 1/8,1/4,1/2,3/4,1,5/4,3/2,2,9/4,3,4,6,9,16,25,64).") var sigma2: String?
    @Option(name: .customLong("max-norm2"), parsing: .unconditional, help: "Largest |delta|^2 (grid units squared) in the sweep, 1...64 (default 10).") var maxNorm2: Int = 10
    @Option(help: "Write the Markdown report to this file.") var markdown: String?
    @Flag(help: "Print the full report as JSON.") var json = false

    /// The checks that read only the options (argument-parser runs this before `run`).
    func validate() throws {
        _ = try sigma2List()
        guard maxNorm2 >= 1 && maxNorm2 <= 64 else { throw ValidationError("--max-norm2 \(maxNorm2): must be in 1...64") }
    }

    /// --sigma2 as a list of exact sigma2 values (nil: the standard grid's).
    func sigma2List() throws -> [Rational]? {
        var s2s: [Rational]? = nil
        if let sigma2 {
            let parts = sigma2.split(separator: ",", omittingEmptySubsequences: false)
            if parts.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw ValidationError("--sigma2 \"\(sigma2)\": empty entry in the comma-separated list")
            }
            s2s = try parts.map { try CertArgs.sigma2(String($0)) }
            if s2s!.isEmpty { throw ValidationError("--sigma2 \"\(sigma2)\": empty list") }
        }
        return s2s
    }

    func run() throws {
        if let markdown { try CertArgs.checkWritable(markdown, option: "--markdown") }
        let s2s = try sigma2List()
        let grid = TheoremCheck.Grid.standard(sigma2s: s2s, maxNorm2: maxNorm2)
        let start = Date()
        let report = try TheoremCheck.run(grid: grid, noises: [
            ("discrete-gaussian", { try CertificationNoise.discreteGaussian(sigma2: $0) }),
            ("rounded-gaussian", { try CertificationNoise.roundedGaussian(sigma2: $0) }),
        ], progress: { FileHandle.standardError.write(Data(("theorem: " + $0 + "\n").utf8)) })
        let seconds = Date().timeIntervalSince(start)
        var command = "intrs theorem"
        if let sigma2 { command += " --sigma2 \(sigma2)" }
        if maxNorm2 != 10 { command += " --max-norm2 \(maxNorm2)" }
        if let markdown { command += " --markdown \(markdown)" }
        let md = report.markdown(command: command, seconds: nil)
        if let markdown {
            do { try Data(md.utf8).write(to: URL(fileURLWithPath: markdown), options: .atomic) } catch {
                throw ValidationError("--markdown \(markdown): cannot write: \(fileWriteFailureReason(path: markdown, error))")
            }
        }
        if json { FileHandle.standardOutput.write(try JSONEnclosureDecimals.encode(report)); return }
        let c = report.twoClassCounterexamples
        print("two-class counterexamples: \(c.filter { $0.noise == "discrete-gaussian" }.count) under N_Z, \(c.filter { $0.noise == "rounded-gaussian" }.count) under rounded Gaussian")
        let cap = 20
        for (i, x) in c.prefix(cap).enumerated() {
            let w = x.witness.map { "A: layer < \($0.tauA) + \($0.thetaA) of layer \($0.tauA)" + ($0.tauB.map { t in "; B: layer > \(t) + \(x.witness!.thetaB!) of layer \(t)" } ?? "") } ?? "-"
            print("  [\(i + 1)] \(x.noise) sigma2 = \(x.sigma2), delta = \(x.delta), pA = \(x.pA), pB = \(x.pB), "
                  + "margin = [\(x.margin.lo.scientificString()), \(x.margin.hi.scientificString())], witness \(w) (\(x.witnessCheck))")
        }
        if c.count > cap { print("  ... \(c.count - cap) more (all of them: --json or --markdown FILE)") }
        print("binary-form counterexamples: \(report.binaryCounterexamples.count)")
        for b in report.binaryCounterexamples.prefix(cap) {
            print("  \(b.noise) sigma2 = \(b.sigma2), delta = \(b.delta), gap = [\(b.gap.lo.scientificString()), \(b.gap.hi.scientificString())]")
        }
        if report.binaryCounterexamples.count > cap { print("  ... \(report.binaryCounterexamples.count - cap) more (--json or --markdown FILE)") }
        for noise in ["discrete-gaussian", "rounded-gaussian"] {
            if let m = report.binary.filter({ $0.noise == noise }).min(by: { $0.gap.lo < $1.gap.lo }) {
                print("smallest binary gap (\(noise)): \(m.gap.lo.scientificString()) at sigma2 = \(m.sigma2), delta = \(m.delta)")
            }
        }
        if let m = report.binaryLargeRadius.min(by: { $0.relativeGap.lo < $1.relativeGap.lo }) {
            print("smallest relative binary gap near the largest certifiable radius (discrete-gaussian): "
                  + "\(m.relativeGap.lo.scientificString()) at sigma2 = \(m.sigma2), delta = \(m.delta) (CF-2: always > 0)")
        }
        print(String(format: "%.1f s", seconds) + (markdown.map { "; report written to \($0)" } ?? ""))
    }
}
