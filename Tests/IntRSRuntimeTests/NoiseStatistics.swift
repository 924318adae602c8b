import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Goodness-of-fit helpers for the statistical conformance tests. Floating point is fine here:
/// these are statistical tests of samplers, not certified decisions.
enum NoiseStatistics {
    /// Regularized upper incomplete gamma Q(s, x) (series for x < s + 1, Lentz continued fraction
    /// otherwise; Numerical Recipes 6.2). Accurate to ~1e-12 relative in the range used.
    static func gammaQ(_ s: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        let lg: Double = Glibc.lgamma(s)
        if x < s + 1 {
            var sum = 1 / s, term = 1 / s, a = s
            for _ in 0..<100_000 { a += 1; term *= x / a; sum += term; if term < sum * 1e-15 { break } }
            return 1 - sum * exp(-x + s * log(x) - lg)
        }
        var b = x + 1 - s, c = 1 / 1e-300, d = 1 / b, h = d
        for i in 1..<100_000 {
            let an = -Double(i) * (Double(i) - s)
            b += 2
            d = an * d + b; if abs(d) < 1e-300 { d = 1e-300 }
            c = b + an / c; if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-15 { break }
        }
        return exp(-x + s * log(x) - lg) * h
    }

    /// Chi-square survival function P[chi2_df > x].
    static func chiSquareSurvival(_ x: Double, df: Int) -> Double { gammaQ(Double(df) / 2, x / 2) }

    struct GTest { let g: Double; let df: Int; let pValue: Double; let bins: Int }

    /// G-test of observed counts against expected probabilities (over the same keys). Bins whose
    /// expected count is < 5 are pooled from each end inward (lower tail and upper tail bins).
    static func gTest(counts: [Int: Int], probabilities: [Int: Double], n: Int) -> GTest {
        let keys = Set(counts.keys).union(probabilities.keys).sorted()
        var bins: [(o: Double, e: Double)] = []
        var accO = 0.0, accE = 0.0
        for k in keys {
            accO += Double(counts[k] ?? 0); accE += Double(n) * (probabilities[k] ?? 0)
            if accE >= 5 { bins.append((accO, accE)); accO = 0; accE = 0 }
        }
        if accO > 0 || accE > 0 {
            if bins.isEmpty { bins.append((accO, accE)) } else { bins[bins.count - 1].o += accO; bins[bins.count - 1].e += accE }
        }
        // An observation where the law puts (essentially) no mass is an immediate failure.
        var g = 0.0
        for b in bins where b.o > 0 {
            if b.e <= 0 { return GTest(g: .infinity, df: max(bins.count - 1, 1), pValue: 0, bins: bins.count) }
            g += 2 * b.o * log(b.o / b.e)
        }
        let df = max(bins.count - 1, 1)
        return GTest(g: g, df: df, pValue: chiSquareSurvival(g, df: df), bins: bins.count)
    }

    /// z-statistic of the sample variance against the exact variance (normal approximation with
    /// the exact fourth central moment).
    static func varianceZ(samples sum2: Double, n: Int, sum: Double, law: [Int: Double]) -> Double {
        var mu2 = 0.0, mu4 = 0.0
        for (k, p) in law { let x = Double(k); mu2 += x * x * p; mu4 += x * x * x * x * p }
        let mean = sum / Double(n)
        let s2 = sum2 / Double(n) - mean * mean
        let sd = ((mu4 - mu2 * mu2) / Double(n)).squareRoot()
        return sd > 0 ? (s2 - mu2) / sd : (s2 == mu2 ? 0 : .infinity)
    }

    /// Two-sided critical |z| for alpha = 1e-6.
    static let zCritical = 4.8916
}
