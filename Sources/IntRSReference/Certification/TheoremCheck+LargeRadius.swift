import IntRSExact

/// Section (2b) of the theorem check: the binary form near the largest certifiable radius (Proofs: CF-2).
///
/// CF-2 proves gap = Phi(|delta|/sigma) - midCDF_T(|delta|^2) > 0 for every integer delta; the grid of section (2)
/// (|delta|^2 <= 10) does not reach the patterns where the gap is smallest relative to 1 - Phi(|delta|/sigma):
/// independent probes (issue 14) found those at one large part and a small rest, such as (k, 3, 1), with |delta|
/// close to the largest radius the closed form certifies. This sweep takes, for each sigma2, the rests
/// `largeRadiusRests` and the two largest k (k >= the rest's largest part) with
/// k^2 + |rest|^2 < sigma2 PhiInv(largeRadiusPA)^2 (the closed form at pA = largeRadiusPA certifies exactly those
/// norms), and encloses the gap and the relative gap gap / (1 - Phi(|delta|/sigma)).
extension TheoremCheck {
    /// pA whose closed-form radius sets the norms of section (2b): the largest pA of the grid.
    public static let largeRadiusPA = Rational(9999, 10000)
    /// The small rests appended to one large part k.
    public static let largeRadiusRests: [[Int]] = [[], [1], [1, 1], [2, 1], [3, 1], [2, 2, 1], [3, 2, 1], [3, 3, 1]]

    /// The patterns of section (2b) for one sigma2, nonincreasing, without duplicates, by norm.
    public static func largeRadiusPatterns(sigma2: Rational) -> [[Int]] {
        let r = Enclosure.phiInverse(largeRadiusPA, bits: 64)
        // Norms n2 < sigma2 r^2 are certified by the closed form; take the lower end (never overshoots).
        let bound = sigma2 * r.lo * r.lo
        let c = bound.ceil
        guard let ci = c.asInt, ci >= 2 else { return [] }
        let n2max = ci - 1
        var out: [[Int]] = []
        for rest in largeRadiusRests {
            let rn = rest.reduce(0) { $0 + $1 * $1 }
            guard n2max - rn >= 1 else { continue }
            let k = TightRadius.isqrt(n2max - rn)
            for kk in [k, k - 1] where kk >= max(rest.first ?? 1, 1) {
                let p = [kk] + rest
                if !out.contains(p) { out.append(p) }
            }
        }
        return out.sorted { a, b in
            let na = a.reduce(0) { $0 + $1 * $1 }, nb = b.reduce(0) { $0 + $1 * $1 }
            return na != nb ? na < nb : a.lexicographicallyPrecedes(b)
        }
    }

    /// Section (2b) for one noise (meaningful for N_Z, where midCDF is exact by NP-1/NP-3).
    static func largeRadius(noise: CertificationNoise, name: String, sigma2 s2: Rational, bits: Int) -> [BinaryPattern] {
        let analyzer = ShiftAnalyzer(noise: noise)
        var out: [BinaryPattern] = []
        for delta in largeRadiusPatterns(sigma2: s2) {
            let n2 = delta.reduce(0) { $0 + $1 * $1 }
            let law = analyzer.lawOfT(delta, precision: Precision.ladder[1])
            let mid = NeymanPearson.midCDF(law, at: n2)
            let phi = Enclosure.phi(Enclosure.sqrt(Rational(n2) / s2, bits: bits), bits: bits)
            out.append(BinaryPattern(noise: name, sigma2: s2, delta: delta, midCDF: mid, phi: phi, gap: phi - mid,
                                     minGridMargin: nil, minGridMarginPA: nil, exact: true))
        }
        return out
    }
}

extension TheoremCheck.BinaryPattern {
    /// gap / (1 - Phi(|delta|/sigma)), enclosed (1 - Phi > 0 always).
    public var relativeGap: Interval {
        let tail = Interval(lo: Rational(1) - phi.hi, hi: Rational(1) - phi.lo)
        guard tail.lo.signum > 0 else { return Interval(lo: Rational(-1), hi: Rational(1)) }
        return gap / tail
    }
}
