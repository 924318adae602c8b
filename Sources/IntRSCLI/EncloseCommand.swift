import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact

/// `intrs enclose <function>`: rigorous enclosures from the command line (Proofs: ENC-1).
struct EncloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enclose",
        abstract: "Rigorous enclosures [lo, hi] of exp, log, sqrt, Phi and PhiInv at an exact rational (Proofs: ENC-1).",
        discussion: """
        FUNCTION is one of: exp, log, sqrt, phi (standard normal CDF), phi-inverse (its inverse). \
        --x is an exact rational (decimal such as 0.975 or 1e-6, or a fraction p/q); it is a plain real \
        number (for phi: in standard deviations; for phi-inverse: a probability in (0, 1)). Domains: log \
        needs x > 0, sqrt x >= 0, phi-inverse 0 < x < 1. The endpoints are dyadic rationals printed exactly \
        as "p/q", and lo <= f(x) <= hi for the true value. Width: at most 2^-bits (exp: relative 2^-bits for \
        x <= 0 and x > 64; phi: relative 2^-bits in the lower tail down to 2^-2048). Decimals are for people.
        """)

    @Argument(help: "exp | log | sqrt | phi | phi-inverse") var function: String
    @Option(parsing: .unconditional, help: "The argument: an exact decimal or p/q (negative values work: --x -10).") var x: String
    @Option(parsing: .unconditional, help: "Precision: the width target is 2^-bits (0...4096).") var bits: Int = 64
    @Option(parsing: .unconditional, help: "Digits after the point in the decimal rendering.") var digits: Int = 30
    @Flag(help: "Print the result as JSON.") var json = false

    struct Output: Encodable {
        var function: String
        var x: String
        var bits: Int
        var lo: String
        var hi: String
        var loDecimal: String
        var hiDecimal: String
    }

    func validate() throws {
        guard (0...4096).contains(bits) else { throw ValidationError("--bits \(bits): must be in 0...4096") }
        guard (0...2000).contains(digits) else { throw ValidationError("--digits \(digits): must be in 0...2000") }
        _ = try parseRationalOption("--x", x)
        guard EnclosureFunction(rawValue: function) != nil else {
            throw ValidationError("function \"\(function)\": expected exp, log, sqrt, phi or phi-inverse")
        }
    }

    func run() throws {
        let v = try parseRationalOption("--x", x)
        guard let f = EnclosureFunction(rawValue: function) else {
            throw ValidationError("function \"\(function)\": expected exp, log, sqrt, phi or phi-inverse")
        }
        let r: Interval
        do { r = try f.enclose(v, bits: bits) } catch { throw ValidationError("--x \(x): \(error)") }
        let out = Output(function: function, x: v.description, bits: bits, lo: r.lo.description, hi: r.hi.description,
                         loDecimal: render(r.lo), hiDecimal: render(r.hi))
        if json {
            FileHandle.standardOutput.write(try CanonicalJSON.encode(out))
        } else {
            print("\(function)(\(v)) in [lo, hi]:")
            print("lo: \(out.lo)")
            print("hi: \(out.hi)")
            print("lo ≈ \(out.loDecimal)")
            print("hi ≈ \(out.hiDecimal)")
        }
    }

    /// Fixed decimals for ordinary magnitudes, scientific for tiny ones (display only).
    func render(_ q: Rational) -> String {
        if !q.isZero && q.magnitude < Rational(1, 1000) { return q.scientificString(significant: Swift.min(digits, 17)) }
        return q.decimalString(digits: digits)
    }
}
