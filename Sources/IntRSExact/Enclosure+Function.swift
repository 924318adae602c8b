/// The enclosed functions by name, with their domains checked by a throwing entry point (for
/// command lines and vector files, where a bad argument must be an error, not a trap).
public enum EnclosureFunction: String, CaseIterable, Sendable, Codable {
    case exp, log, sqrt, phi
    case phiInverse = "phi-inverse"

    /// Why `x` is outside the domain, or nil when it is inside.
    public func domainError(at x: Rational) -> String? {
        switch self {
        case .exp: return x.magnitude <= Rational(1 << 24) ? nil : "exp needs |x| <= 2^24 (got \(x))"
        case .log: return x.signum > 0 ? nil : "log needs x > 0 (got \(x))"
        case .sqrt: return x.signum >= 0 ? nil : "sqrt needs x >= 0 (got \(x))"
        case .phi: return nil
        case .phiInverse: return x.signum > 0 && x < Rational(1) ? nil : "phi-inverse needs 0 < x < 1 (got \(x))"
        }
    }

    /// The enclosure of this function at `x` (see ``Enclosure``), or ``EnclosureDomainError``.
    public func enclose(_ x: Rational, bits: Int) throws(EnclosureDomainError) -> Interval {
        if let e = domainError(at: x) { throw EnclosureDomainError(message: e) }
        guard bits >= 0 else { throw EnclosureDomainError(message: "bits = \(bits) must be >= 0") }
        switch self {
        case .exp: return Enclosure.exp(x, bits: bits)
        case .log: return Enclosure.log(x, bits: bits)
        case .sqrt: return Enclosure.sqrt(x, bits: bits)
        case .phi: return Enclosure.phi(x, bits: bits)
        case .phiInverse: return Enclosure.phiInverse(x, bits: bits)
        }
    }

    /// The documented width target at `x` given the enclosure `e` (a sufficient check that uses the
    /// lower endpoint, which is <= the true value): `hi - lo` must not exceed this.
    public func widthTarget(at x: Rational, bits: Int, enclosure e: Interval) -> Rational {
        let abs = Rational(1).timesPowerOfTwo(-bits)
        switch self {
        case .exp: return (x.signum < 0 || x > Rational(64)) ? e.lo.timesPowerOfTwo(-bits) : abs
        case .phi:
            if x.signum >= 0 { return abs }
            return Rational.max(e.lo, Rational(1).timesPowerOfTwo(-2048)).timesPowerOfTwo(-bits)
        default: return abs
        }
    }
}

/// An argument outside a function's domain.
public struct EnclosureDomainError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
