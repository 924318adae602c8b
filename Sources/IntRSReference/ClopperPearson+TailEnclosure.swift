import IntRSExact

extension ClopperPearson {
    /// A rigorous enclosure of `T(p) = P[Bin(n, p) >= k]` at the dyadic point `p = m / 2^bits`
    /// (`0 < m < 2^bits`, `1 <= k <= n`), computed in fixed point at working precision `w`
    /// (Proofs: CP-1, part B).
    ///
    /// Method. Let `f(j) = C(n, j) p^j q^(n-j)` with `q = 1 - p`, and `g(j) = f(j) / f(a)` for the
    /// anchor `a = floor((n+1) p)` (the mode, so `g <= 1`; correctness does not depend on this choice).
    /// The ratios are exact rationals of small integers:
    /// `g(j+1) / g(j) = (n-j) m / ((j+1) (2^bits - m))` and `g(j-1) / g(j) = j (2^bits - m) / ((n-j+1) m)`.
    /// Starting from `g(a) = 1`, the terms are carried outwards as integer bounds at scale `2^-w`
    /// (lower bounds with floor, upper bounds with ceil; nested floor/ceil divisions by positive integers
    /// equal one division by their product). Going up, the ratio `r(j)` decreases in `j`, so once
    /// `r(j) < 1`, `sum_{i>j} g(i) <= g(j) r(j) / (1 - r(j))`; going down, the backward ratio `s(j)`
    /// decreases as `j` decreases, so `sum_{i<j} g(i) <= g(j) s(j) / (1 - s(j))`. Each side stops when
    /// that bound is at most 16 units and adds it to the upper sums (to both `A` and `B` when the
    /// neglected range straddles `k`). With `A = sum_{j>=k} g(j)` and `B = sum_{j<k} g(j)` enclosed,
    /// `T = A / (A + B)` is increasing in `A` and decreasing in `B`, so
    /// `T in [A.lo / (A.lo + B.hi), A.hi / (A.hi + B.lo)]`.
    ///
    /// The width is about `(number of terms) * 2^-w / (A + B)` relative; callers raise `w` until the
    /// enclosure decides what they need.
    public static func tailEnclosure(successes k: Int, trials n: Int, numerator m: BigInt, bits: Int,
                                     precision w: Int) -> Interval {
        precondition(n >= 1 && k >= 1 && k <= n, "tailEnclosure: need 1 <= k <= n")
        let one = BigInt(1) << bits
        precondition(m.signum > 0 && m < one, "tailEnclosure: need 0 < p < 1")
        let qm = one - m // 2^bits * q
        let anchor = Swift.min(n, (((BigInt(n) + BigInt(1)) * m) >> bits).asInt!)   // n + 1 in BigInt: n may be Int.max
        let unit = BigInt(1) << w
        var aLo = BigInt(0), aHi = BigInt(0), bLo = BigInt(0), bHi = BigInt(0)
        func add(_ j: Int, _ lo: BigInt, _ hi: BigInt) {
            if j >= k { aLo.add(lo); aHi.add(hi) } else { bLo.add(lo); bHi.add(hi) }
        }
        let small = BigInt(16)
        add(anchor, unit, unit)

        // Upwards: j = anchor, anchor+1, ..., carrying bounds on g(j).
        var gLo = unit, gHi = unit
        var j = anchor
        while j < n {
            // r(j) = (n-j) m / ((j+1) qm); remainder sum_{i>j} g(i) <= gHi * num / (den - num) if num < den.
            if gHi.bitWidth <= 5 {
                let num = BigInt(n - j) * m, den = BigInt(j + 1) * qm
                if num < den {
                    let bound = (gHi * num).ceilDiv(den - num)
                    if bound <= small {
                        if j + 1 >= k { aHi.add(bound) } else { aHi.add(bound); bHi.add(bound) }
                        break
                    }
                }
            }
            gLo.multiply(by: UInt(n - j)); gLo.multiply(by: m)
            gLo.floorDivide(by: UInt(j + 1)); gLo.floorDivide(by: qm)
            gHi.multiply(by: UInt(n - j)); gHi.multiply(by: m)
            gHi.ceilDivide(by: UInt(j + 1)); gHi.ceilDivide(by: qm)
            j += 1
            add(j, gLo, gHi)
        }

        // Downwards: j = anchor, anchor-1, ..., 1.
        gLo = unit; gHi = unit
        j = anchor
        while j > 0 {
            // s(j) = j qm / ((n-j+1) m); remainder sum_{i<j} g(i) <= gHi * num / (den - num) if num < den.
            if gHi.bitWidth <= 5 {
                let num = BigInt(j) * qm, den = BigInt(n - j + 1) * m
                if num < den {
                    let bound = (gHi * num).ceilDiv(den - num)
                    if bound <= small {
                        if j <= k { bHi.add(bound) } else { aHi.add(bound); bHi.add(bound) }
                        break
                    }
                }
            }
            gLo.multiply(by: UInt(j)); gLo.multiply(by: qm)
            gLo.floorDivide(by: UInt(n - j + 1)); gLo.floorDivide(by: m)
            gHi.multiply(by: UInt(j)); gHi.multiply(by: qm)
            gHi.ceilDivide(by: UInt(n - j + 1)); gHi.ceilDivide(by: m)
            j -= 1
            add(j, gLo, gHi)
        }
        // T in [aLo / (aLo + bHi), aHi / (aHi + bLo)]; the denominators are >= 1 unit (g(anchor) = 1).
        let lo = aLo.isZero ? Rational(0) : Rational(aLo, aLo + bHi)
        let hi = Rational(aHi, aHi + bLo)
        return Interval(lo: lo, hi: hi)
    }
}
