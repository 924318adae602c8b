import Foundation

/// Floating-point statistics of Cohen et al.'s CERTIFY, in doubles, for the float32 BASELINE only.
/// Nothing here touches an integer certificate: the baseline exists to compare against, as the paper does.
/// Like every floating-point Clopper–Pearson routine it can be off by an ulp or so (theory.md), which is
/// one of the things the integer pipeline fixes.
public enum FloatBaselineMath {
    /// Cohen's `proportion_confint(k, n, alpha=2*alpha, method="beta")[0]` = beta.ppf(alpha, k, n-k+1):
    /// the p with P[Bin(n, p) >= k] = alpha, by bisection on the regularized incomplete beta function
    /// (P[Bin(n, p) >= k] = I_p(k, n - k + 1)). k = 0 gives 0; k = n gives alpha^(1/n).
    public static func clopperPearsonLower(successes k: Int, trials n: Int, alpha: Double) -> Double {
        precondition(n >= 1 && k >= 0 && k <= n && alpha > 0 && alpha < 1)
        if k == 0 { return 0 }
        if k == n { return Foundation.pow(alpha, 1 / Double(n)) }
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid <= lo || mid >= hi { break }
            if regularizedIncompleteBeta(x: mid, a: Double(k), b: Double(n - k + 1)) < alpha { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// I_x(a, b) by the continued fraction (modified Lentz), with the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
    /// where it converges faster.
    public static func regularizedIncompleteBeta(x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Foundation.log(x) + b * Foundation.log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return Foundation.exp(lnFront) * continuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - Foundation.exp(lnFront) * continuedFraction(x: 1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...100_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-16 { break }
        }
        return h
    }

    /// Phi(x), the standard normal CDF, in doubles.
    public static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// PhiInv(p) in doubles (what scipy's norm.ppf computes): Acklam's rational approximation refined by
    /// two Newton steps on erfc. p in (0, 1).
    public static func phiInverse(_ p: Double) -> Double {
        precondition(p > 0 && p < 1)
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let pLow = 0.02425
        var x: Double
        if p < pLow {
            let q = (-2 * Foundation.log(p)).squareRoot()
            x = (((((c[0]*q + c[1])*q + c[2])*q + c[3])*q + c[4])*q + c[5]) / ((((d[0]*q + d[1])*q + d[2])*q + d[3])*q + 1)
        } else if p <= 1 - pLow {
            let q = p - 0.5, r = q * q
            x = (((((a[0]*r + a[1])*r + a[2])*r + a[3])*r + a[4])*r + a[5]) * q / (((((b[0]*r + b[1])*r + b[2])*r + b[3])*r + b[4])*r + 1)
        } else {
            let q = (-2 * Foundation.log1p(-p)).squareRoot()
            x = -(((((c[0]*q + c[1])*q + c[2])*q + c[3])*q + c[4])*q + c[5]) / ((((d[0]*q + d[1])*q + d[2])*q + d[3])*q + 1)
        }
        for _ in 0..<2 {
            // Newton on Phi(x) - p, using the upper tail where p is close to 1 to keep precision.
            let density = Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
            let err = p > 0.5 ? (0.5 * erfc(x / 2.0.squareRoot()) - (1 - p)) * -1 : phi(x) - p
            x -= err / density
        }
        return x
    }

    /// Cohen's CERTIFY radius in doubles: sigma * PhiInv(pA_lower) (grid units when sigma is), or nil to
    /// abstain when pA_lower < 1/2.
    public static func cohenRadius(nA: Int, n: Int, alpha: Double, sigma: Double) -> Double? {
        let p = clopperPearsonLower(successes: nA, trials: n, alpha: alpha)
        if p < 0.5 { return nil }
        return sigma * phiInverse(p)
    }
}
