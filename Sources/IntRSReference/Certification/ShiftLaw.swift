import IntRSExact

/// An enclosure of the law of the integer statistic `T = <delta, eps>` (eps i.i.d. from a
/// per-coordinate noise law), kept in FIXED POINT so that convolutions are fast and rigorous.
///
/// Units: every stored number is an integer count of `2^-fractionBits` (`fractionBits <= 62`).
///
/// Semantics ("core + rest", the invariant every operation keeps): the true law `P` of `T` splits as
/// `P = core + rest` into two nonnegative measures on the integers such that
/// - `core` lives on the window `offset ..< offset + lo.count` and
///   `lo[i] * 2^-F <= core(offset + i) <= hi[i] * 2^-F`;
/// - `rest` (anywhere, inside the window too) has total mass `<= tail * 2^-F`.
///
/// An ``EnclosedLaw`` (point masses enclosed on a window, tail bound outside) is of this form with
/// `core = P restricted to the window`. Convolution keeps the form with `tail_T + tail_eps`
/// (`P_T * P_e = core_T * core_e + [rest_T * P_e + core_T * rest_e]`, the bracket having mass
/// `<= |rest_T| + |rest_e|`); rounding lower sums down and upper sums up keeps the bounds; trimming an
/// edge entry moves its core mass into `rest` and adds its upper bound to `tail`.
/// Proofs: NP-1 (Proofs/neyman-pearson.md) uses exactly these facts. Beyond 62 bits the precision ladder
/// continues with ``BigShiftLaw`` (same invariant, BigInt storage; ``Precision/arbitrary``).
public struct ShiftLaw: Sendable, Equatable {
    /// Fixed-point fraction bits F: stored integers are multiples of 2^-F.
    public let fractionBits: Int
    /// The integer that `lo[0]`/`hi[0]` belong to.
    public private(set) var offset: Int
    /// Lower bounds on the core masses (units 2^-F).
    public private(set) var lo: [UInt64]
    /// Upper bounds on the core masses (units 2^-F).
    public private(set) var hi: [UInt64]
    /// Upper bound on the rest mass (units 2^-F).
    public private(set) var tail: UInt64

    /// The largest supported F: masses <= 1 need F+1 bits and products must fit in 128 bits with room
    /// for sums.
    public static let maxFractionBits = 62

    /// The point mass at 0 (the law of T for delta = 0).
    public init(fractionBits: Int = ShiftLaw.maxFractionBits) {
        precondition(fractionBits >= 8 && fractionBits <= ShiftLaw.maxFractionBits)
        self.fractionBits = fractionBits
        offset = 0
        let one = UInt64(1) << UInt64(fractionBits)
        lo = [one]
        hi = [one]
        tail = 0
    }

    /// Rounds an enclosed per-coordinate law outward into fixed point (lower bounds down, upper bounds
    /// and the tail up; upper bounds capped at 1 since no mass exceeds 1).
    public init(_ law: EnclosedLaw, fractionBits: Int = ShiftLaw.maxFractionBits) {
        precondition(fractionBits >= 8 && fractionBits <= ShiftLaw.maxFractionBits)
        self.fractionBits = fractionBits
        let one = UInt64(1) << UInt64(fractionBits)
        func fixed(_ r: Rational, up: Bool) -> UInt64 {
            let scaled = r.timesPowerOfTwo(fractionBits)
            let b = up ? scaled.ceil : scaled.floor
            if b.signum <= 0 { return 0 }
            if let v = b.asInt, v <= Int(one) { return UInt64(v) }
            return one
        }
        offset = law.offset
        lo = law.masses.map { fixed($0.lo, up: false) }
        hi = law.masses.map { fixed($0.hi, up: true) }
        tail = fixed(law.tailMass, up: true)
        trimZeros()
    }

    /// Builds directly from fixed-point data (tests, and the table/vector code). Traps on lo > hi.
    public init(fractionBits: Int, offset: Int, lo: [UInt64], hi: [UInt64], tail: UInt64) {
        precondition(lo.count == hi.count && !lo.isEmpty)
        precondition(zip(lo, hi).allSatisfy { $0 <= $1 }, "ShiftLaw: lo > hi")
        self.fractionBits = fractionBits
        self.offset = offset
        self.lo = lo
        self.hi = hi
        self.tail = tail
    }

    /// The window of integers that carry core mass.
    public var support: Range<Int> { offset ..< offset + lo.count }
    @inlinable public func loAt(_ t: Int) -> UInt64 { let i = t - offset; return i >= 0 && i < lo.count ? lo[i] : 0 }
    @inlinable public func hiAt(_ t: Int) -> UInt64 { let i = t - offset; return i >= 0 && i < hi.count ? hi[i] : 0 }
    /// `2^F`, the fixed-point one.
    public var one: UInt64 { UInt64(1) << UInt64(fractionBits) }

    /// The exact rational value of a fixed-point count.
    public func rational(_ v: UInt64) -> Rational { Rational.dyadic(BigInt(v), exponent: -fractionBits) }
    public func rational(_ v: UInt128) -> Rational { Rational.dyadic(BigInt(Int128(v)), exponent: -fractionBits) }

    /// The enclosure of P[T = t] as rationals: [lo, hi + tail].
    public func mass(at t: Int) -> Interval {
        Interval(lo: rational(loAt(t)), hi: rational(hiAt(t)) + rational(tail))
    }

    /// The law of `T + k * eps` where `eps` has the (per-coordinate) law `noise`, k != 0.
    /// Negative k uses the reflected noise law (for a symmetric law that changes nothing).
    /// `trimBudget`: at most this many units 2^-F of core mass are moved into the tail from each edge.
    public func adding(part k: Int, of noise: ShiftLaw, trimBudget: UInt64 = 16) -> ShiftLaw {
        adding(part: k, of: noise, trimBudget: trimBudget, stop: { false })!
    }

    /// Output rows of ``adding(part:of:trimBudget:stop:)`` between two questions to `stop`.
    public static let rowsPerStopCheck = 256

    /// ``adding(part:of:trimBudget:)`` that can be interrupted (a time budget): `stop` is asked before every
    /// ``rowsPerStopCheck`` output entries of the convolution (each one sum over the noise window, so one question per
    /// about `256 * window_eps` multiply-adds: well under a millisecond), and nil is returned as soon as it says true.
    /// Not stopped, the result is bit for bit the uninterrupted one.
    public func adding(part k: Int, of noise: ShiftLaw, trimBudget: UInt64 = 16, stop: () -> Bool) -> ShiftLaw? {
        precondition(k != 0, "ShiftLaw.adding: zero part")
        precondition(noise.fractionBits == fractionBits, "ShiftLaw.adding: mixed fraction bits")
        var nlo = noise.lo, nhi = noise.hi
        var noff = noise.offset
        if k < 0 { nlo.reverse(); nhi.reverse(); noff = -(noise.offset + noise.lo.count - 1) }
        let step = abs(k)
        let outCount = (lo.count - 1) + step * (nlo.count - 1) + 1
        // Output-major ("gather") convolution: out[s] = sum_j T[s - step*j] * e[j], accumulated exactly in
        // 128-bit registers (each product < 2^126 and the sums of lower/upper bounds stay < 2^127) and
        // stored once.
        var accLo = [UInt128](repeating: 0, count: outCount)
        var accHi = [UInt128](repeating: 0, count: outCount)
        let nT = lo.count, nE = nlo.count
        var stopped = false
        lo.withUnsafeBufferPointer { tL in hi.withUnsafeBufferPointer { tH in
        nlo.withUnsafeBufferPointer { eL in nhi.withUnsafeBufferPointer { eH in
        accLo.withUnsafeMutableBufferPointer { aL in accHi.withUnsafeMutableBufferPointer { aH in
            for s in 0 ..< outCount {
                if s % Self.rowsPerStopCheck == 0, stop() { stopped = true; return }
                // j with 0 <= s - step*j < nT and 0 <= j < nE
                let jMax = min(nE - 1, s / step)
                let over = s - (nT - 1)
                let jMin = over <= 0 ? 0 : (over + step - 1) / step
                if jMin > jMax { continue }
                var sl: UInt128 = 0, sh: UInt128 = 0
                var i = s - step * jMin
                for j in jMin ... jMax {
                    sl &+= UInt128(tL[i]) &* UInt128(eL[j])
                    sh &+= UInt128(tH[i]) &* UInt128(eH[j])
                    i -= step
                }
                aL[s] = sl
                aH[s] = sh
            }
        } }
        } }
        } }
        if stopped { return nil }
        let f = UInt128(fractionBits)
        let mask = (UInt128(1) << f) - 1
        var out = ShiftLaw(fractionBits: fractionBits, offset: offset + step * noff,
                           lo: accLo.map { UInt64($0 >> f) },
                           hi: accHi.map { UInt64(($0 >> f) + (($0 & mask) != 0 ? 1 : 0)) },
                           tail: tail &+ noise.tail)
        precondition(out.tail >= tail, "ShiftLaw: tail overflow")
        out.trim(budget: trimBudget)
        return out
    }

    /// Drops edge entries whose upper bound is zero (their core mass is exactly zero).
    mutating func trimZeros() {
        while lo.count > 1, hi.last == 0 { lo.removeLast(); hi.removeLast() }
        var drop = 0
        while drop < lo.count - 1, hi[drop] == 0 { drop += 1 }
        if drop > 0 { lo.removeFirst(drop); hi.removeFirst(drop); offset += drop }
    }

    /// Moves edge entries into the tail, at most `budget` units from each edge in total.
    mutating func trim(budget: UInt64) {
        trimZeros()
        var spent: UInt64 = 0
        while lo.count > 1, spent + hi[lo.count - 1] <= budget {
            spent += hi.removeLast(); lo.removeLast()
        }
        var drop = 0
        var spentLow: UInt64 = 0
        while drop < lo.count - 1, spentLow + hi[drop] <= budget { spentLow += hi[drop]; drop += 1 }
        if drop > 0 { lo.removeFirst(drop); hi.removeFirst(drop); offset += drop }
        tail += spent + spentLow
    }

    /// The law of T = <delta, eps> for eps i.i.d. with per-coordinate law `noise`
    /// (zero entries of delta contribute nothing).
    public static func ofShift(_ delta: [Int], noise: ShiftLaw, trimBudget: UInt64 = 16) -> ShiftLaw {
        var t = ShiftLaw(fractionBits: noise.fractionBits)
        for k in delta where k != 0 { t = t.adding(part: k, of: noise, trimBudget: trimBudget) }
        return t
    }
}
