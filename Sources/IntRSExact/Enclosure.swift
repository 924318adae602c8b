/// Rigorous enclosures of elementary real functions at rational arguments (Proofs: ENC-1).
///
/// Every function returns an ``Interval`` `[lo, hi]` with **dyadic** endpoints (denominators are
/// powers of two) such that `lo <= f(x) <= hi` for the true real value `f(x)`. No floating point is
/// used anywhere in the computation. The method (Proofs/ENC-1.md):
///
/// 1. the argument is reduced exactly (or into an exact interval) to a range where a series converges
///    quickly;
/// 2. a truncated series is summed in fixed point at a working precision of `w` bits, every term
///    rounded *outward* (lower bounds with floor, upper bounds with ceil), and a rigorous bound on
///    the neglected tail is added to the upper side (and subtracted from the lower side);
/// 3. the reductions are undone with exact interval arithmetic followed by outward rounding;
/// 4. if the resulting width misses the requested target, `w` is raised and the computation is
///    repeated ("precision raised until decided"). Correctness never depends on the guessed `w`;
///    only the running time does.
///
/// Widths: each function documents its own target; all reach it for every argument in their domain.
public enum Enclosure {}

// MARK: - Fixed-point helpers shared by the enclosure files

extension Rational {
    /// `floor(self * 2^b)` for any integer `b` (negative `b` allowed).
    func floorScaled(_ b: Int) -> BigInt { timesPowerOfTwo(b).floor }
    /// `ceil(self * 2^b)` for any integer `b`.
    func ceilScaled(_ b: Int) -> BigInt { timesPowerOfTwo(b).ceil }

    /// An integer `e` with `2^(e-1) < |self| < 2^(e+1)` for `self != 0` (cheap, from bit widths).
    var approximateLog2: Int { numerator.magnitude.bitWidth - denominator.bitWidth }
}

extension Interval {
    /// Outward rounding to the dyadic grid `2^-b`, for any integer `b` (negative `b` gives a coarser
    /// grid). The result contains `self`; each endpoint moves by less than `2^-b`.
    func outward(_ b: Int) -> Interval {
        Interval(lo: Rational.dyadic(lo.floorScaled(b), exponent: -b),
                 hi: Rational.dyadic(hi.ceilScaled(b), exponent: -b))
    }

    /// `[lo * 2^k, hi * 2^k]`, exact.
    func timesPowerOfTwo(_ k: Int) -> Interval {
        Interval(lo: lo.timesPowerOfTwo(k), hi: hi.timesPowerOfTwo(k))
    }

    /// The fixed-point interval `[lo, hi] * 2^-scale`.
    static func fixed(_ lo: BigInt, _ hi: BigInt, scale: Int) -> Interval {
        Interval(lo: Rational.dyadic(lo, exponent: -scale), hi: Rational.dyadic(hi, exponent: -scale))
    }
}

extension Enclosure {
    /// `atanh(z) = sum_{j>=0} z^(2j+1) / (2j+1)` for an exact rational `z` with `|z| <= 1/3`,
    /// enclosed with absolute width about `(number of terms + 3) * 2^-w`.
    ///
    /// Error analysis: every term is summed with floor (lower sum) and ceil (upper sum) at scale
    /// `2^-w`. Stopping after the terms `j < N`, the tail is
    /// `sum_{j>=N} |z|^(2j+1)/(2j+1) <= |z|^(2N+1)/(2N+1) * 1/(1 - z^2) <= (9/8) |z|^(2N+1)/(2N+1)`,
    /// added to the upper sum (using an upper bound of `|z|^(2N+1)`). `atanh` is odd, so negative
    /// `z` is handled by symmetry.
    static func atanhSeries(_ z: Rational, precision w: Int) -> Interval {
        precondition(z.magnitude * 3 <= 1, "atanhSeries: |z| must be <= 1/3")
        if z.isZero { return Interval(exactly: 0) }
        let a = z.magnitude.numerator, b = z.magnitude.denominator
        let a2 = a * a, b2 = b * b
        // Bounds on 2^w * |z|^(2j+1), starting at j = 0.
        var pLo = (a << w).floorDiv(b), pHi = (a << w).ceilDiv(b)
        var sumLo = BigInt(0), sumHi = BigInt(0)
        var j = 0
        while true {
            let d = BigInt(2 * j + 1)
            if pHi <= 1 && j > 0 {
                // Tail bound (9/8) * |z|^(2j+1) / (2j+1) on the terms j, j+1, ...
                sumHi += (pHi * 9).ceilDiv(d * 8)
                break
            }
            sumLo += pLo.floorDiv(d)
            sumHi += pHi.ceilDiv(d)
            pLo = (pLo * a2).floorDiv(b2)
            pHi = (pHi * a2).ceilDiv(b2)
            j += 1
        }
        let r = Interval.fixed(sumLo, sumHi, scale: w)
        return z.signum < 0 ? -r : r
    }

    /// ln 2 = 2 atanh(1/3), enclosed with width below `2^-(w-8)` or so. Precisions up to
    /// ``cachedConstantBits`` - 16 are served by outward rounding of a cached enclosure (computed once,
    /// thread-safely, on first use); outward rounding only enlarges, so this is as rigorous.
    static func ln2(precision w: Int) -> Interval {
        if w + 16 <= cachedConstantBits { return cachedLn2.outward(w + 8) }
        return ln2Series(precision: w)
    }

    static func ln2Series(precision w: Int) -> Interval {
        atanhSeries(Rational(1, 3), precision: w + 8) * Rational(2)
    }

    /// Precision of the cached constants (bits).
    static let cachedConstantBits = 4096
    static let cachedLn2: Interval = ln2Series(precision: cachedConstantBits + 16)
    static let cachedPi: Interval = piSeries(precision: cachedConstantBits + 16)

    /// `arctan(1/m)` for an integer `m >= 2`: the alternating series
    /// `sum_j (-1)^j / ((2j+1) m^(2j+1))`, whose terms decrease in magnitude, so the error after
    /// any partial sum is at most the first omitted term (added on both sides).
    static func arctanReciprocal(_ m: Int, precision w: Int) -> Interval {
        precondition(m >= 2)
        let mm = BigInt(m), m2 = mm * mm
        var pow = mm // m^(2j+1)
        var sumLo = BigInt(0), sumHi = BigInt(0)
        var j = 0
        let one = BigInt(1) << w
        while true {
            let d = pow * BigInt(2 * j + 1)
            let tLo = one.floorDiv(d), tHi = one.ceilDiv(d)
            if tHi <= 1 {
                // |error| <= this (omitted) term <= tHi.
                sumLo -= tHi; sumHi += tHi
                break
            }
            if j % 2 == 0 { sumLo += tLo; sumHi += tHi } else { sumLo -= tHi; sumHi -= tLo }
            pow *= m2
            j += 1
        }
        return Interval.fixed(sumLo, sumHi, scale: w)
    }

    /// pi by Machin's formula `pi = 16 arctan(1/5) - 4 arctan(1/239)`, width below `2^-(w-8)`
    /// (served from a cached enclosure by outward rounding for `w + 16 <= cachedConstantBits`).
    static func pi(precision w: Int) -> Interval {
        if w + 16 <= cachedConstantBits { return cachedPi.outward(w + 8) }
        return piSeries(precision: w)
    }

    static func piSeries(precision w: Int) -> Interval {
        let g = w + 8
        return arctanReciprocal(5, precision: g) * Rational(16) - arctanReciprocal(239, precision: g) * Rational(4)
    }
}
