import IntRSExact

/// The arbitrary-precision rungs of the precision ladder: the same enclosure of the law of
/// `T = <delta, eps>` as ``ShiftLaw``, with ``BigInt`` fixed-point storage at any `F >= 8` fraction bits
/// (the ladder uses F = 128, 256, 512; ``Precision/arbitrary``).
///
/// Units: every stored number is an integer count of `2^-fractionBits`.
///
/// Semantics: exactly ``ShiftLaw``'s "core + rest" invariant (Proofs: NP-1, NP-4): the true law
/// `P = core + rest` with `lo[i] 2^-F <= core(offset + i) <= hi[i] 2^-F` on the window and the rest's total
/// mass `<= tail 2^-F`. Every operation is ``ShiftLaw``'s, written with exact `BigInt` sums instead of 128-bit
/// registers: conversion from an ``EnclosedLaw`` rounds lower bounds down, upper bounds and the tail up (upper
/// bounds capped at 1); convolution sums products exactly, then floors the lower sums and ceils the upper
/// ones, and adds the tails; trimming moves edge entries (at most `trimBudget` units per edge) into the tail.
/// At `F <= 62` it therefore equals ``ShiftLaw`` bit for bit (`BigShiftLawTests` checks this).
///
/// This is the reference, for near-ties only: clear and slow (`O(window_T * window_eps)` GMP multiply-adds per
/// part). It never overflows; its cost grows with F (wider windows, longer integers).
public struct BigShiftLaw: Sendable, Equatable {
    /// Fixed-point fraction bits F: stored integers are multiples of 2^-F.
    public let fractionBits: Int
    /// The integer that `lo[0]`/`hi[0]` belong to.
    public private(set) var offset: Int
    /// Lower bounds on the core masses (units 2^-F).
    public private(set) var lo: [BigInt]
    /// Upper bounds on the core masses (units 2^-F).
    public private(set) var hi: [BigInt]
    /// Upper bound on the rest mass (units 2^-F).
    public private(set) var tail: BigInt

    /// The point mass at 0 (the law of T for delta = 0).
    public init(fractionBits: Int) {
        precondition(fractionBits >= 8, "BigShiftLaw: fractionBits must be >= 8")
        self.fractionBits = fractionBits
        offset = 0
        lo = [BigInt(1) << fractionBits]
        hi = [BigInt(1) << fractionBits]
        tail = BigInt(0)
    }

    /// Rounds an enclosed per-coordinate law outward into fixed point (lower bounds down, upper bounds and
    /// the tail up; upper bounds capped at 1 since no mass exceeds 1). Same as ``ShiftLaw/init(_:fractionBits:)``.
    public init(_ law: EnclosedLaw, fractionBits: Int) {
        precondition(fractionBits >= 8, "BigShiftLaw: fractionBits must be >= 8")
        self.fractionBits = fractionBits
        let one = BigInt(1) << fractionBits
        func fixed(_ r: Rational, up: Bool) -> BigInt {
            let scaled = r.timesPowerOfTwo(fractionBits)
            let b = up ? scaled.ceil : scaled.floor
            if b.signum <= 0 { return BigInt(0) }
            return b < one ? b : one
        }
        offset = law.offset
        lo = law.masses.map { fixed($0.lo, up: false) }
        hi = law.masses.map { fixed($0.hi, up: true) }
        tail = fixed(law.tailMass, up: true)
        trimZeros()
    }

    /// The same enclosure as a ``ShiftLaw`` (exact: same F, same integers).
    public init(exactly law: ShiftLaw) {
        fractionBits = law.fractionBits
        offset = law.offset
        lo = law.lo.map { BigInt($0) }
        hi = law.hi.map { BigInt($0) }
        tail = BigInt(law.tail)
    }

    /// Builds directly from fixed-point data (tests). Traps on lo > hi or negative entries.
    public init(fractionBits: Int, offset: Int, lo: [BigInt], hi: [BigInt], tail: BigInt) {
        precondition(lo.count == hi.count && !lo.isEmpty)
        precondition(zip(lo, hi).allSatisfy { $0.signum >= 0 && $0 <= $1 }, "BigShiftLaw: lo > hi or lo < 0")
        precondition(tail.signum >= 0, "BigShiftLaw: negative tail")
        self.fractionBits = fractionBits
        self.offset = offset
        self.lo = lo
        self.hi = hi
        self.tail = tail
    }

    /// The window of integers that carry core mass.
    public var support: Range<Int> { offset ..< offset + lo.count }
    public func loAt(_ t: Int) -> BigInt { let i = t - offset; return i >= 0 && i < lo.count ? lo[i] : BigInt(0) }
    public func hiAt(_ t: Int) -> BigInt { let i = t - offset; return i >= 0 && i < hi.count ? hi[i] : BigInt(0) }

    /// The exact rational value of a fixed-point count.
    public func rational(_ v: BigInt) -> Rational { Rational.dyadic(v, exponent: -fractionBits) }

    /// The enclosure of P[T = t] as rationals: [lo, hi + tail].
    public func mass(at t: Int) -> Interval {
        Interval(lo: rational(loAt(t)), hi: rational(hiAt(t) + tail))
    }

    /// The law of `T + k * eps` where `eps` has the (per-coordinate) law `noise`, k != 0.
    /// Negative k uses the reflected noise law. `trimBudget`: at most this many units 2^-F of core mass are
    /// moved into the tail from each edge. Same arithmetic as ``ShiftLaw/adding(part:of:trimBudget:)``.
    public func adding(part k: Int, of noise: BigShiftLaw, trimBudget: BigInt = BigInt(16)) -> BigShiftLaw {
        adding(part: k, of: noise, trimBudget: trimBudget, stop: nil)!
    }

    /// ``adding(part:of:trimBudget:)`` that can be interrupted: `stop` is asked before each row of the convolution
    /// (one noise value times the whole law, about `lo.count` products), and nil is returned as soon as it says
    /// true. At 512 bits and large sigma2 one convolution can take many seconds; a time budget holds to one row.
    public func adding(part k: Int, of noise: BigShiftLaw, trimBudget: BigInt = BigInt(16), stop: (() -> Bool)?) -> BigShiftLaw? {
        precondition(k != 0, "BigShiftLaw.adding: zero part")
        precondition(noise.fractionBits == fractionBits, "BigShiftLaw.adding: mixed fraction bits")
        var nlo = noise.lo, nhi = noise.hi
        var noff = noise.offset
        if k < 0 { nlo.reverse(); nhi.reverse(); noff = -(noise.offset + noise.lo.count - 1) }
        let step = abs(k)
        let outCount = (lo.count - 1) + step * (nlo.count - 1) + 1
        // out[i + step*j] += T[i] * e[j], exact.
        var accLo = (0 ..< outCount).map { _ in BigInt(0) }
        var accHi = (0 ..< outCount).map { _ in BigInt(0) }
        for j in 0 ..< nlo.count {
            let el = nlo[j], eh = nhi[j]
            if eh.isZero { continue }
            if let stop, stop() { return nil }
            for i in 0 ..< lo.count {
                let s = i + step * j
                if !el.isZero && !lo[i].isZero { accLo[s].addProduct(lo[i], el) }
                if !hi[i].isZero { accHi[s].addProduct(hi[i], eh) }
            }
        }
        let F = fractionBits
        var out = BigShiftLaw(fractionBits: F, offset: offset + step * noff,
                              lo: accLo.map { $0 >> F },
                              hi: accHi.map { $0.ceilShiftRight(F) },
                              tail: tail + noise.tail)
        out.trim(budget: trimBudget)
        return out
    }

    /// Drops edge entries whose upper bound is zero (their core mass is exactly zero).
    mutating func trimZeros() {
        while lo.count > 1, hi.last!.isZero { lo.removeLast(); hi.removeLast() }
        var drop = 0
        while drop < lo.count - 1, hi[drop].isZero { drop += 1 }
        if drop > 0 { lo.removeFirst(drop); hi.removeFirst(drop); offset += drop }
    }

    /// Moves edge entries into the tail, at most `budget` units from each edge in total.
    mutating func trim(budget: BigInt) {
        trimZeros()
        var spent = BigInt(0)
        while lo.count > 1, spent + hi[lo.count - 1] <= budget {
            spent += hi.removeLast(); lo.removeLast()
        }
        var drop = 0
        var spentLow = BigInt(0)
        while drop < lo.count - 1, spentLow + hi[drop] <= budget { spentLow += hi[drop]; drop += 1 }
        if drop > 0 { lo.removeFirst(drop); hi.removeFirst(drop); offset += drop }
        tail += spent + spentLow
    }

    /// The law of T = <delta, eps> for eps i.i.d. with per-coordinate law `noise`
    /// (zero entries of delta contribute nothing).
    public static func ofShift(_ delta: [Int], noise: BigShiftLaw, trimBudget: BigInt = BigInt(16)) -> BigShiftLaw {
        var t = BigShiftLaw(fractionBits: noise.fractionBits)
        for k in delta where k != 0 { t = t.adding(part: k, of: noise, trimBudget: trimBudget) }
        return t
    }
}
