import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

/// Parses an exact rational CLI argument, or throws a ValidationError naming the option and value.
func parseRationalOption(_ option: String, _ text: String) throws -> Rational {
    do { return try Rational(parsing: text) } catch {
        // A well-formed decimal whose exponent is beyond what Rational(parsing:) accepts (|e| <= 100000):
        // say so instead of "malformed number".
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let exp = text[text.index(after: e)...]
            let digits = exp.first == "+" || exp.first == "-" ? exp.dropFirst() : exp[...]
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), Int(exp).map({ abs($0) > 100_000 }) ?? true {
                throw ValidationError("\(option) \"\(text)\": the exponent \(exp) is out of range (|exponent| <= 100000)")
            }
        }
        throw ValidationError("\(option) \"\(text)\": \(error)")
    }
}

/// Parses an integer count CLI argument: "not an integer" for non-integers, "out of range" for integers that
/// do not fit in Int (64-bit).
func parseIntegerOption(_ option: String, _ text: String) throws -> Int {
    if let v = Int(text) { return v }
    let body = text.first == "+" || text.first == "-" ? text.dropFirst() : text[...]
    if !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) {
        throw ValidationError("\(option) \"\(text)\": out of range (min \(Int.min), max \(Int.max))")
    }
    throw ValidationError("\(option) \"\(text)\": not an integer")
}

/// `intrs clopper-pearson`: the exact one-sided Clopper–Pearson bound.
struct ClopperPearsonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clopper-pearson",
        abstract: "The one-sided (1 - alpha) Clopper–Pearson lower (or --upper) bound, sound and exact (Proofs: CP-1).",
        discussion: """
        Units: --successes K and --trials N are counts (integers, 0 <= K <= N, N >= 1); --alpha is a \
        probability in (0, 1), given exactly as a decimal (0.001, 1e-6) or a fraction (1/1000). The lower \
        bound is the p with P[Bin(N, p) >= K] = alpha (0 when K = 0; alpha^(1/N) when K = N); the upper bound \
        is the p with P[Bin(N, p) <= K] = alpha (1 when K = N). The result is a dyadic rational m/2^B \
        printed exactly as "p/q", never above the true lower bound (never below the true upper bound) and \
        within 2^-B of it. The decimal is for people (rounded to 20 places).
        """)

    @Option(parsing: .unconditional, help: "K: the number of successes (integer, 0 <= K <= N).") var successes: String
    @Option(parsing: .unconditional, help: "N: the number of trials (integer >= 1).") var trials: String
    @Option(parsing: .unconditional, help: "alpha in (0, 1): exact decimal or p/q (e.g. 0.001).") var alpha: String
    @Option(parsing: .unconditional, help: "B: the bound is a multiple of 2^-B, within 2^-B of the true bound (1...4096).") var bits: Int = 64
    @Flag(help: "Compute the upper bound instead of the lower bound.") var upper = false
    @Flag(help: "Print the result as JSON.") var json = false

    struct Output: Encodable {
        var successes: Int
        var trials: Int
        var alpha: String
        var bits: Int
        var side: String
        var lowerBound: String?
        var upperBound: String?
        var decimal: String
    }

    /// The checks that read only the options (argument-parser runs this before `run`): the numbers parse, and their
    /// ranges (0 <= k <= n, alpha in (0, 1), bits) hold: the library's `ClopperPearson.InputError`, with the option
    /// and its value named (``usageError(_:)``).
    func validate() throws {
        let k = try parseIntegerOption("--successes", successes)
        let n = try parseIntegerOption("--trials", trials)
        let a = try parseRationalOption("--alpha", alpha)
        do { try ClopperPearson.validate(successes: k, trials: n, alpha: a, bits: bits) } catch { throw usageError(error) }
    }

    /// A library input error as a usage error that starts with the option and the value given.
    func usageError(_ e: ClopperPearson.InputError) -> ValidationError {
        let option: String
        switch e {
        case .negativeSuccesses, .successesExceedTrials: option = "--successes \(successes)"
        case .nonPositiveTrials: option = "--trials \(trials)"
        case .alphaOutOfRange: option = "--alpha \(alpha)"
        case .bitsOutOfRange: option = "--bits \(bits)"
        }
        return ValidationError("\(option): \(e)")
    }

    func run() throws {
        let k = try parseIntegerOption("--successes", successes)
        let n = try parseIntegerOption("--trials", trials)
        let a = try parseRationalOption("--alpha", alpha)
        let value: Rational
        do {
            value = upper
                ? try ClopperPearson.upperBound(successes: k, trials: n, alpha: a, bits: bits)
                : try ClopperPearson.lowerBound(successes: k, trials: n, alpha: a, bits: bits)
        } catch let e as ClopperPearson.InputError {
            throw usageError(e)
        }
        let decimal = value.decimalString(digits: 20)
        if json {
            let out = Output(successes: k, trials: n, alpha: a.description, bits: bits, side: upper ? "upper" : "lower",
                             lowerBound: upper ? nil : value.description, upperBound: upper ? value.description : nil,
                             decimal: decimal)
            FileHandle.standardOutput.write(try CanonicalJSON.encode(out))
        } else {
            print("\(upper ? "upper" : "lower") bound: \(value)")
            print("decimal: \(decimal)")
        }
    }
}
