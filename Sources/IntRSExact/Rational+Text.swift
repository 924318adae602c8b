import CGMP

extension Rational: CustomStringConvertible, CustomDebugStringConvertible, LosslessStringConvertible {
    /// Exact text: `"p/q"`, or `"p"` when the value is an integer. This is the form used in all JSON.
    public var description: String {
        isInteger ? numerator.description : "\(numerator)/\(denominator)"
    }

    public var debugDescription: String { "Rational(\(description))" }

    /// Lossless parse of ``description``; see ``init(parsing:)`` for the accepted forms.
    public init?(_ description: String) {
        guard let r = try? Rational(parsing: description) else { return nil }
        self = r
    }

    /// Parses an exact rational from text. Accepted forms (surrounding whitespace is ignored):
    /// - an integer: `42`, `-7`, `+3`;
    /// - a fraction: `p/q` with integer p and q, `q != 0` (for example `65025/16`);
    /// - a decimal, with an optional exponent: `0.001`, `-1.5`, `.5`, `2.`, `1e-6`, `2.5E+3`.
    /// Decimals are exact: `"0.001"` is `1/1000`, not the nearest double.
    ///
    /// - Throws: ``ExactError/malformedNumber(_:)`` for anything else, and
    ///   ``ExactError/divisionByZero(_:)`` for `p/0`.
    public init(parsing raw: String) throws(ExactError) {
        let text = raw.trimmingWhitespace()
        if let slash = text.firstIndex(of: "/") {
            let p = String(text[..<slash]), q = String(text[text.index(after: slash)...])
            guard let n = BigInt(p), let d = BigInt(q) else { throw .malformedNumber(raw) }
            if d.isZero { throw .divisionByZero(raw) }
            self.init(n, d)
            return
        }
        if let n = BigInt(text) { self.init(n); return }
        // Decimal with optional exponent.
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            let expText = String(text[text.index(after: e)...])
            guard let ev = Int(expText), abs(ev) <= 100_000 else { throw .malformedNumber(raw) }
            exponent = ev
        }
        var negative = false
        if let f = mantissa.first, f == "-" || f == "+" {
            negative = f == "-"
            mantissa = mantissa.dropFirst()
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw .malformedNumber(raw) }
        let intPart = String(parts[0])
        let fracPart = parts.count == 2 ? String(parts[1]) : ""
        guard !(intPart.isEmpty && fracPart.isEmpty),
              (intPart + fracPart).allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw .malformedNumber(raw) }
        let digits = BigInt(intPart + fracPart) ?? BigInt(0)
        var value = Rational(digits, BigInt(10).power(fracPart.count))
        if exponent >= 0 { value *= Rational(BigInt(10).power(exponent)) }
        else { value /= Rational(BigInt(10).power(-exponent)) }
        self = negative ? -value : value
    }

    /// A decimal rendering for people, with `digits` digits after the point, rounded to nearest
    /// (ties away from zero). Display only.
    public func decimalString(digits: Int = 12) -> String {
        precondition(digits >= 0)
        let scale = BigInt(10).power(digits)
        let scaled = magnitude * Rational(scale)
        // round half up on the magnitude
        let rounded = (scaled + Rational(1, 2)).floor
        let (ip, fp) = rounded.floorDivMod(scale)
        var s = ip.description
        if digits > 0 {
            var f = fp.description
            while f.count < digits { f = "0" + f }
            s += "." + f
        }
        if signum < 0 && !rounded.isZero { s = "-" + s }
        return s
    }

    /// Scientific rendering with `significant` significant digits, for people. Display only.
    public func scientificString(significant: Int = 6) -> String {
        if isZero { return "0" }
        let d = doubleApproximation
        if d != 0 && d.isFinite && abs(d) >= 1e-300 {
            return formatSignificant(d, significant)
        }
        // Extremely small or large: fall back to the exponent of the numerator/denominator sizes.
        let e = numerator.bitWidth - denominator.bitWidth
        return "~2^\(e)"
    }
}

func formatSignificant(_ d: Double, _ sig: Int) -> String {
    // A small, locale-free formatter: mantissa with `sig` digits and a decimal exponent.
    var x = abs(d)
    var e = 0
    while x >= 10 { x /= 10; e += 1 }
    while x < 1 { x *= 10; e -= 1 }
    var digits = ""
    var m = x
    for i in 0..<sig {
        let dgt = Int(m)
        digits += String(min(max(dgt, 0), 9))
        if i == 0 && sig > 1 { digits += "." }
        m = (m - Double(dgt)) * 10
    }
    let sign = d < 0 ? "-" : ""
    return e == 0 ? sign + digits : "\(sign)\(digits)e\(e)"
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
