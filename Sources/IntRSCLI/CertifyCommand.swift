import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSRun

/// `intrs certify`: Cohen et al.'s CERTIFY on the int8 runtime with integer noise and integer certificates.
struct CertifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certify",
        abstract: "Certify a data set with integer-only randomized smoothing (no arguments: the shipped digits model and test set).",
        discussion: """
        For each example: N0 selection samples (streams example/0/i) pick a class, N estimation samples \
        (streams example/1/i) count it (nA), and an integer certificate table built exactly for this \
        configuration (noise law, sigma2, sampler with its total-variation bound, d, N, alpha, radius mode) \
        turns nA into n*: "robust for every integer delta with |delta|^2 < n*" (grid units). Abstain when the \
        Clopper-Pearson lower bound is not above 1/2. No floating point touches the decision.

        Units: grid units (one input level; 1/16 real units on the digits); real units = grid units x gridScale.
        The radius printed is sqrt(n*) grid units. --sigma2 is in grid units squared, --sigma in real units.
        Outputs (default under --output-dir): certify.jsonl (one intrs-run-record per example, \
        Vectors/run-record-format.md), certify.tsv (Cohen's format, radius in real units), certify.svg, \
        and with the float baseline certify-float.jsonl (intrs-float-baseline-record lines, for `intrs merge`) and \
        certify-float.tsv. Progress goes to stderr.
        The default radius mode (binary) for discrete-gaussian noise is the binary closed form, sound for N_Z by \
        CF-2 (Proofs/CF-2.md); --radius-mode tight gives the exact (never smaller) radius.
        """)

    @OptionGroup var options: SmoothingOptions
    @Flag(inversion: .prefixedNo, help: "Also run the float32 baseline (Cohen's procedure in doubles with continuous Gaussian noise) and report both side by side with the time ratio.")
    var floatBaseline = true

    func validate() throws { try options.validate(procedure: .certify, floatBaseline: floatBaseline) }

    func run() throws {
        try SmoothingCommandRunner.run(procedure: .certify, options: options, floatBaseline: floatBaseline)
    }
}

/// `intrs predict`: Cohen et al.'s PREDICT with the exact two-sided binomial test.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with the smoothed int8 classifier; abstain unless an exact two-sided binomial test rejects at alpha.",
        discussion: """
        For each example: N samples (streams example/2/i), the top two counts nA >= nB, and the exact \
        two-sided binomial test of nA successes in nA + nB trials against 1/2 (p-value <= alpha answers, \
        otherwise abstain; the p-value is decided exactly with integers). The answer is correct with \
        probability >= 1 - alpha whenever the smoothed classifier has a strict top class.
        Units and outputs as for `intrs certify` (predict.jsonl; predict.tsv in Cohen's predict.py format: idx, label, predict, correct, time).
        """)

    @OptionGroup var options: SmoothingOptions

    func validate() throws { try options.validate(procedure: .predict, floatBaseline: false) }

    func run() throws {
        try SmoothingCommandRunner.run(procedure: .predict, options: options, floatBaseline: false)
    }
}
