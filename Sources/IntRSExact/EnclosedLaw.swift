/// A probability law on the integers, enclosed: the hand-off between the noise laws and the
/// certification mathematics.
///
/// `masses[i]` encloses `P[X = offset + i]` for `i in 0..<masses.count` (the *window*), and
/// `tailMass` is a rigorous upper bound on `P[X outside the window]`. A law known exactly (a table
/// law, whose masses are multiples of 2^-b) has degenerate intervals and may have `tailMass == 0`.
public struct EnclosedLaw: Sendable, Hashable {
    /// The integer that `masses[0]` belongs to.
    public let offset: Int
    /// Enclosures of the point masses on `offset ..< offset + masses.count`.
    public let masses: [Interval]
    /// An upper bound on the total mass outside the window (>= 0).
    public let tailMass: Rational

    public init(offset: Int, masses: [Interval], tailMass: Rational) {
        precondition(tailMass.signum >= 0, "EnclosedLaw: negative tail bound")
        precondition(masses.allSatisfy { $0.lo.signum >= 0 }, "EnclosedLaw: negative mass")
        self.offset = offset
        self.masses = masses
        self.tailMass = tailMass
    }

    /// The window of integers whose masses are enclosed.
    public var support: Range<Int> { offset ..< offset + masses.count }

    /// The enclosure of `P[X = k]`: the stored one inside the window, `[0, tailMass]` outside.
    public func mass(at k: Int) -> Interval {
        support.contains(k) ? masses[k - offset] : Interval(lo: Rational(0), hi: tailMass)
    }
}
