import IntRSExact

/// How a TSV printed its radii, and the exact set of values a printed radius can stand for.
///
/// - `python(P)`: Python's `format(x, ".P")` of a float (Cohen et al.'s certify.py prints `"{:.3}"`): the
///   float's exact value rounded half-to-even to P significant digits; fixed notation with trailing zeros
///   removed but at least one digit after the point when the decimal exponent e satisfies -4 <= e < P - 1
///   ("0.953", "12.3", "1.0", "0.000123"), otherwise scientific with a signed two-digit exponent ("1.23e+02",
///   "1e-05"); zero prints "0.0".
/// - `floor(D)`: D decimals rounded down (`intrs certify`'s own TSVs, `RunReports.radiusText`).
package enum PrintedRadiusFormat: Equatable, Sendable, CustomStringConvertible {
    case python(Int)
    case floor(Int)

    /// "cohen" (= "python:3"), "python:P" (1 <= P <= 17), "floor:D" (0 <= D <= 17).
    package static func parse(_ s: String) -> PrintedRadiusFormat? {
        if s == "cohen" { return .python(3) }
        let p = s.split(separator: ":")
        guard p.count == 2, let v = Int(p[1]) else { return nil }
        switch p[0] {
        case "python" where (1...17).contains(v): return .python(v)
        case "floor" where (0...17).contains(v): return .floor(v)
        default: return nil
        }
    }

    package var description: String {
        switch self {
        case .python(let p): return p == 3 ? "Python \"{:.3}\" (Cohen et al.)" : "Python \"{:.\(p)}\""
        case .floor(let d): return "\(d) decimals rounded down"
        }
    }

    /// The closed interval of reals that print as `text` (closed even where the rounding is half-open or a tie
    /// goes to even: wider is the conservative side for an audit), or nil when `text` is not something this
    /// format prints (then the caller reports the line as malformed).
    package func interval(of text: String) -> (value: Rational, lo: Rational, hi: Rational)? {
        guard let v = try? Rational(parsing: text), v.signum >= 0 else { return nil }
        switch self {
        case .floor(let d):
            guard PrintedRadiusFormat.fixed(v, decimals: d) == text else { return nil }
            return (v, v, v + PrintedRadiusFormat.tenPower(-d))
        case .python(let p):
            if v.isZero { return text == "0.0" ? (v, v, v) : nil }
            let e = PrintedRadiusFormat.decimalExponent(v)
            let unit = PrintedRadiusFormat.tenPower(e - p + 1)   // one unit in the P-th significant digit
            let m = v / unit
            guard m.isInteger, PrintedRadiusFormat.python(v, precision: p) == text else { return nil }
            let half = unit / Rational(2)
            // Just below a power of ten the digits are one place finer: "1.0" stands for [0.9995, 1.005].
            let lo = m == Rational(BigInt(10).power(p - 1)) ? v - half / Rational(10) : v - half
            return (v, lo, v + half)
        }
    }

    /// How this format prints the exact value x >= 0 (Python: round half to even at the P-th significant
    /// digit; floor: round down). Python applies this to a float's exact binary value; given the exact real,
    /// this is what an error-free producer would print.
    package func render(_ x: Rational) -> String {
        switch self {
        case .floor(let d):
            return PrintedRadiusFormat.fixed(Rational((x * PrintedRadiusFormat.tenPower(d)).floor) / PrintedRadiusFormat.tenPower(d), decimals: d)
        case .python(let p):
            if x.isZero { return "0.0" }
            var e = PrintedRadiusFormat.decimalExponent(x)
            let scaled = x / PrintedRadiusFormat.tenPower(e - p + 1)
            var m = scaled.floor
            let frac = scaled - Rational(m)
            if frac > Rational(1, 2) || (frac == Rational(1, 2) && m.isOdd) { m += BigInt(1) }
            if m == BigInt(10).power(p) { m = BigInt(10).power(p - 1); e += 1 }
            return PrintedRadiusFormat.python(Rational(m) * PrintedRadiusFormat.tenPower(e - p + 1), precision: p)
        }
    }

    /// 10^e for any integer e.
    package static func tenPower(_ e: Int) -> Rational {
        e >= 0 ? Rational(BigInt(10).power(e)) : Rational(1) / Rational(BigInt(10).power(-e))
    }

    /// The e with 10^e <= v < 10^(e+1), v > 0.
    package static func decimalExponent(_ v: Rational) -> Int {
        var e = Int((Double(v.numerator.bitWidth - v.denominator.bitWidth) * 0.30103).rounded(.down))
        while tenPower(e) > v { e -= 1 }
        while tenPower(e + 1) <= v { e += 1 }
        return e
    }

    /// v (a multiple of 10^-d) with exactly d decimals.
    package static func fixed(_ v: Rational, decimals d: Int) -> String {
        let scaled = v * tenPower(d)
        guard scaled.isInteger else { return "" }
        var digits = scaled.numerator.toString()
        if d == 0 { return digits }
        while digits.count <= d { digits = "0" + digits }
        return String(digits.dropLast(d)) + "." + String(digits.suffix(d))
    }

    /// Python's `format(v, ".P")` for a v > 0 that already has at most P significant digits (no rounding).
    package static func python(_ v: Rational, precision p: Int) -> String {
        let e = decimalExponent(v)
        let m = (v / tenPower(e - p + 1)).numerator        // P digits, the first nonzero
        var digits = Array(m.toString())
        if -4 <= e && e < p - 1 {
            // Fixed: digits placed around the point, trailing zeros stripped, at least one after the point.
            var s = e >= 0 ? String(digits[0...e]) + "." + String(digits[(e + 1)...])
                           : "0." + String(repeating: "0", count: -e - 1) + String(digits)
            while s.hasSuffix("0") && !s.hasSuffix(".0") { s.removeLast() }
            return s
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        let mantissa = digits.count == 1 ? String(digits) : String(digits[0]) + "." + String(digits[1...])
        let exp = String(abs(e))
        return mantissa + "e" + (e < 0 ? "-" : "+") + (exp.count < 2 ? "0" + exp : exp)
    }
}
