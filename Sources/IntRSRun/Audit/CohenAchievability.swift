import Foundation
import IntRSExact
import IntRSReference
import IntRSFloatBaseline
import IntRSRuntime

/// Which radii Cohen et al.'s CERTIFY can print (Proofs: AUD-1).
///
/// With N estimation samples, alpha, and sigma, CERTIFY answers with radius
/// r(k) = sigma * PhiInv(p_L(k)) where p_L(k) is the one-sided (1 - alpha) Clopper–Pearson lower bound of
/// the count k (`proportion_confint(k, N, alpha=2*alpha, method="beta")[0]`), when p_L(k) >= 1/2. So the
/// printable radii are the finitely many r(k), increasing in k, up to r(N) = sigma * PhiInv(alpha^(1/N)).
///
/// A printed radius stands for a closed interval [lo, hi] of values (`PrintedRadiusFormat`), widened by a
/// slack eps for floating-point error in the producer. Since Phi is increasing, r(k) lies in
/// [lo - eps, hi + eps] iff p_L(k) lies in [Phi((lo - eps)/sigma), Phi((hi + eps)/sigma)]. The window's ends
/// are enclosed and rounded OUTWARD to dyadics A <= Phi(x_lo), B > Phi(x_hi); comparisons of p_L(k) with
/// a dyadic are exact (`ClopperPearson.lowerBoundIsBelow`). With kA the least k with p_L(k) >= A:
/// - no such k (p_L(N) < A): the radius is above every achievable radius: "unreachable";
/// - p_L(kA) >= B: every k < kA has r(k) < lo - eps and every k >= kA has r(k) >= hi + eps: "unachievable";
/// - otherwise the line is not flagged: "justified" when the count kA or kA + 1 is proven inside the INNER
///   window (ends rounded inward), else "undecided" (within 2^-bits of an end; never flagged).
/// Floating point is used only to guess where to probe (a Wilson-score estimate of kA); decisions are exact.
package final class CohenAchievability {
    package enum Verdict: Equatable {
        /// The count k gives a radius that prints as the value.
        case justified(k: Int)
        /// Not flagged: the enclosures could not separate the count k from a window end.
        case undecided(k: Int)
        /// No count: k - 1 gives a radius below the value's interval and k one above it (k = 0: none below).
        case unachievable(k: Int)
        /// Above r(N), the largest achievable radius.
        case unreachable
    }

    package let sigma: Rational
    package let n: Int
    package let alpha: Rational
    /// Precision of the Phi enclosures and of the dyadic window ends.
    package let bits: Int
    /// Relative slack: eps = slack * (hi + sigma).
    package let slack: Rational
    /// Exact tail decisions per window end x (cleared when it holds `cacheLimit` ends).
    private var below: [Rational: [Int: Bool]] = [:]
    /// Most window ends kept in the decision cache.
    package static let cacheLimit = 4096
    private(set) var tailDecisions = 0
    private let alphaDouble: Double
    private let zAlpha: Double

    package init(sigma: Rational, n: Int, alpha: Rational, bits: Int, slack: Rational) {
        self.sigma = sigma; self.n = n; self.alpha = alpha; self.bits = bits; self.slack = slack
        alphaDouble = alpha.doubleApproximation
        zAlpha = FloatBaselineMath.phiInverse(1 - alphaDouble)
    }

    /// Exact: p_L(k) < x, x a dyadic in (0, 1) (cached per x).
    package func isBelow(_ k: Int, _ x: Rational) throws -> Bool {
        if let v = below[x]?[k] { return v }
        tailDecisions += 1
        let v = try ClopperPearson.lowerBoundIsBelow(successes: k, trials: n, alpha: alpha, dyadic: x)
        // Bounded memory on files with many distinct radii (each adds two window ends): start afresh.
        if below.count >= Self.cacheLimit && below[x] == nil { below.removeAll() }
        below[x, default: [:]][k] = v
        return v
    }

    /// The least k in 0...N with p_L(k) >= x, or nil when p_L(N) < x. x a dyadic in (0, 1).
    package func leastCount(atLeast x: Rational) throws -> Int? {
        if try isBelow(n, x) { return nil }
        // Invariant: p_L(lo) < x <= p_L(hi). p_L(0) = 0 < x.
        var lo = 0, hi = n
        // Probe around a floating-point guess first (choice of probes only), galloping outward.
        let g = min(max(guess(x.doubleApproximation), 1), n)
        if try isBelow(g, x) {
            lo = g
            var step = 1
            while lo + step < hi {
                if try isBelow(lo + step, x) { lo += step; step *= 2 } else { hi = lo + step; break }
            }
        } else {
            hi = g
            var step = 1
            while hi - step > lo {
                if try isBelow(hi - step, x) { lo = hi - step; break } else { hi -= step; step *= 2 }
            }
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if try isBelow(mid, x) { lo = mid } else { hi = mid }
        }
        return hi
    }

    /// A floating-point estimate of the least k with p_L(k) >= p (Wilson score bound; probes only).
    package func guess(_ p: Double) -> Int {
        let z = zAlpha, nn = Double(n)
        func wilson(_ k: Int) -> Double {
            let ph = Double(k) / nn
            let centre = ph + z * z / (2 * nn)
            let spread = z * (ph * (1 - ph) / nn + z * z / (4 * nn * nn)).squareRoot()
            return (centre - spread) / (1 + z * z / nn)
        }
        var lo = 0, hi = n
        while hi - lo > 1 { let mid = lo + (hi - lo) / 2; if wilson(mid) < p { lo = mid } else { hi = mid } }
        return hi
    }

    /// The window [A, B] (outer, dyadic) and [Ain, Bin] (inner) in pA for radius values [lo, hi].
    package func window(lo: Rational, hi: Rational) -> (outer: (Rational, Rational), inner: (Rational, Rational)) {
        let eps = slack * (hi + sigma)
        let pa = Enclosure.phi((lo - eps) / sigma, bits: bits)
        let pb = Enclosure.phi((hi + eps) / sigma, bits: bits)
        let w = bits + 8
        // B is one grid step above the rounded-up end, so B > Phi(x_hi) strictly (AUD-1, step 6).
        let b = pb.hi.roundedUp(bits: w) + Rational.dyadic(BigInt(1), exponent: -w)
        return ((pa.lo.roundedDown(bits: w), b), (pa.hi.roundedUp(bits: w), pb.lo.roundedDown(bits: w)))
    }

    /// The verdict for a value printed as the closed interval [lo, hi] (radius units).
    package func verdict(lo: Rational, hi: Rational) throws -> Verdict {
        let ((a, b), (ain, bin)) = window(lo: lo, hi: hi)
        let one = Rational(1)
        guard a < one else { return .unreachable }   // p_L(N) < 1 <= A
        guard a > Rational(0) else { return .undecided(k: 0) }
        guard let kA = try leastCount(atLeast: a) else { return .unreachable }
        // p_L(kA) >= B: the value falls strictly between r(kA - 1) and r(kA).
        if b < one, !(try isBelow(kA, b)) { return .unachievable(k: kA) }
        if ain > Rational(0), ain < bin, bin < one {
            for k in [kA, kA + 1] where k <= n {
                if !(try isBelow(k, ain)), try isBelow(k, bin) { return .justified(k: k) }
            }
        }
        return .undecided(k: kA)
    }

    /// r(k) = sigma * PhiInv(p_L(k)) for display, with p_L(k) from the exact 64-bit bound (nil: abstains).
    package func radius(_ k: Int) throws -> (lo: Rational, hi: Rational)? {
        let p = try ClopperPearson.lowerBound(successes: k, trials: n, alpha: alpha, bits: 64)
        var pHi = p + Rational.dyadic(BigInt(1), exponent: -64)
        if pHi <= Rational(1, 2) { return nil }
        if pHi >= Rational(1) { pHi = p }               // display only: p_L within 2^-64 of 1
        let z = Enclosure.phiInverse(Interval(lo: Rational.max(p, Rational(1, 2)), hi: pHi), bits: bits)
        return (Rational.max(Rational(0), z.lo * sigma), z.hi * sigma)
    }
}
