/// A closed interval `[lo, hi]` of rationals: a rigorous enclosure of a real number.
///
/// Contract: a function that returns an `Interval` for a real quantity `x` guarantees
/// `lo <= x <= hi`. Arithmetic here is exact on the endpoints (no rounding), so it keeps that
/// guarantee; enclosure functions may round endpoints *outward* to dyadics to keep them short.
public struct Interval: Sendable, Hashable, CustomStringConvertible {
    public let lo: Rational
    public let hi: Rational

    /// `[lo, hi]`; traps if `lo > hi`.
    public init(lo: Rational, hi: Rational) {
        precondition(lo <= hi, "Interval: lo > hi (\(lo) > \(hi))")
        self.lo = lo
        self.hi = hi
    }

    /// The degenerate interval `[x, x]`.
    public init(exactly x: Rational) { self.lo = x; self.hi = x }

    public var width: Rational { hi - lo }
    public var midpoint: Rational { (lo + hi) / 2 }
    public var isExact: Bool { lo == hi }
    public func contains(_ x: Rational) -> Bool { lo <= x && x <= hi }
    public func contains(_ other: Interval) -> Bool { lo <= other.lo && other.hi <= hi }

    /// -1 or 1 when the whole interval lies strictly below or above zero; nil when it straddles
    /// or touches zero (undecided). Use ``compare(with:)`` for a general threshold.
    public var decidedSign: Int? {
        if lo.signum > 0 { return 1 }
        if hi.signum < 0 { return -1 }
        if lo.isZero && hi.isZero { return 0 }
        return nil
    }

    /// -1 if every point is `< x`, 1 if every point is `> x`, 0 if the interval is exactly `[x, x]`,
    /// nil if undecided.
    public func compare(with x: Rational) -> Int? {
        if hi < x { return -1 }
        if lo > x { return 1 }
        if lo == x && hi == x { return 0 }
        return nil
    }

    /// Outward rounding of both endpoints to dyadics with denominator `2^bits`.
    public func roundedOutward(bits: Int) -> Interval {
        Interval(lo: lo.roundedDown(bits: bits), hi: hi.roundedUp(bits: bits))
    }

    public var description: String { "[\(lo), \(hi)]" }
}

extension Interval {
    public static func + (a: Interval, b: Interval) -> Interval { Interval(lo: a.lo + b.lo, hi: a.hi + b.hi) }
    public static func - (a: Interval, b: Interval) -> Interval { Interval(lo: a.lo - b.hi, hi: a.hi - b.lo) }
    public static prefix func - (a: Interval) -> Interval { Interval(lo: -a.hi, hi: -a.lo) }
    public static func * (a: Interval, b: Interval) -> Interval {
        let p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
        return Interval(lo: p.min()!, hi: p.max()!)
    }
    public static func * (a: Interval, k: Rational) -> Interval {
        k.signum >= 0 ? Interval(lo: a.lo * k, hi: a.hi * k) : Interval(lo: a.hi * k, hi: a.lo * k)
    }
    /// Quotient; traps if `b` contains zero.
    public static func / (a: Interval, b: Interval) -> Interval {
        precondition(b.lo.signum > 0 || b.hi.signum < 0, "Interval: division by an interval containing zero")
        return a * Interval(lo: b.hi.reciprocal, hi: b.lo.reciprocal)
    }
    /// Smallest interval containing both.
    public func hull(_ o: Interval) -> Interval {
        Interval(lo: Rational.min(lo, o.lo), hi: Rational.max(hi, o.hi))
    }
    /// Intersection, or nil when disjoint.
    public func intersection(_ o: Interval) -> Interval? {
        let l = Rational.max(lo, o.lo), h = Rational.min(hi, o.hi)
        return l <= h ? Interval(lo: l, hi: h) : nil
    }
}

extension Interval: Codable {
    private enum CodingKeys: String, CodingKey { case lo, hi }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let l = try c.decode(Rational.self, forKey: .lo), h = try c.decode(Rational.self, forKey: .hi)
        guard l <= h else {
            throw DecodingError.dataCorruptedError(forKey: .hi, in: c, debugDescription: "interval with lo > hi: [\(l), \(h)]")
        }
        self.init(lo: l, hi: h)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lo, forKey: .lo)
        try c.encode(hi, forKey: .hi)
    }
}
