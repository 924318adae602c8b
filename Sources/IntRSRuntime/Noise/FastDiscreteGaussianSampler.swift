import IntRSCore

/// The exact CKS discrete Gaussian sampler N_Z(0, sigma2) on fixed-width integers.
///
/// Equals `ReferenceDiscreteGaussianSampler.sample` (IntRSReference): the same samples and the
/// same words consumed, for every stream (Vectors/stream-spec.md §6; tested on vectors and random
/// (sigma2, seed)).
///
/// **Parameter domain** (checked by `init`, which throws `NoiseError.outsideFastDomain` outside it):
/// with sigma2 = P/Q in lowest terms, `P < 2^32`, `Q < 2^32` and `P/Q <= 2^24` (sigma <= 4096 grid
/// units). Inside it no intermediate overflows (Proofs/noise.md, NOISE-4):
/// - t = floor(sqrt(P/Q)) + 1 <= 4097 < 2^13.
/// - The stream has 2^36 words (bit-words included; stream-spec version 2). In a Bernoulli(exp(-g))
///   loop every increment of K consumes at least one word, except at most two: K = 1 -> 2 when x = y
///   (no draw) and the one K with y K = 2x (a Bernoulli(1/2): one bit); so K <= 2^36 + 3. A success of
///   Bernoulli(exp(-1)) takes one bit (K = 2) and at least one word (K = 3), so V <= 2^36.
/// - Laplace: t K < 2^13 (2^36 + 4) < 2^50; X = U + t V < 2^13 (2^36 + 1) < 2^50 (UInt64).
/// - Acceptance: y = 2 P Q t^2 < 2 * 2^64 * 2^24.001 < 2^90 and y K < 2^127 (UInt128);
///   |Y| Q t < 2^50 * 2^45 = 2^95 (UInt128); D = |Y| Q t - P: if |D| >= 2^64 then x = D^2 >= 2^128
///   and floor(x / y) > 2^38, more Bernoulli(exp(-1)) successes than the stream can supply, so the
///   proposal is rejected at the first failure exactly as in the reference (or both trap on stream
///   exhaustion); otherwise x = D^2 < 2^128 (UInt128).
/// - Output: an accepted Y has floor(x/y) <= 2^36, so |Y| < sigma2/t + sigma sqrt(2^37 + 2)
///   < sigma (1 + 370729) < 2^12 * 2^19 = 2^31: it fits Int32.
public struct FastDiscreteGaussianSampler: Sendable {
    /// sigma2 = p/q in lowest terms.
    public let p: UInt64, q: UInt64
    /// Laplace scale t = floor(sqrt(p/q)) + 1.
    public let t: UInt64
    @usableFromInline let qt: UInt128
    @usableFromInline let y: UInt128
    /// q t (< 2^45, always fits) and y when y < 2^64, else 0 (the UInt64 fast path is then off).
    @usableFromInline let qt64: UInt64
    @usableFromInline let y64: UInt64

    /// The bounds of the domain, for messages and docs.
    public static let domainDescription =
        "the fast CKS sampler accepts sigma2 = P/Q (lowest terms) with P < 2^32, Q < 2^32 and P/Q <= 2^24 (sigma <= 4096); use --impl reference for other values"

    public init(sigma2Numerator: UInt64, sigma2Denominator: UInt64) throws(NoiseError) {
        guard sigma2Numerator > 0, sigma2Denominator > 0 else {
            throw .nonPositiveSigma2("\(sigma2Numerator)/\(sigma2Denominator)")
        }
        var a = sigma2Numerator, b = sigma2Denominator
        while b != 0 { (a, b) = (b, a % b) }
        let p = sigma2Numerator / a, q = sigma2Denominator / a
        guard p < 1 << 32, q < 1 << 32, p <= q << 24 else {
            throw .outsideFastDomain("sigma2 = \(q == 1 ? "\(p)" : "\(p)/\(q)") is outside the fast sampler's domain: " + Self.domainDescription)
        }
        self.p = p
        self.q = q
        let f = p / q                                    // <= 2^24
        var r: UInt64 = 0
        var step: UInt64 = 1 << 12
        while step > 0 { if (r + step) * (r + step) <= f { r += step }; step >>= 1 }
        t = r + 1
        qt = UInt128(q) * UInt128(t)
        y = 2 * UInt128(p) * UInt128(q) * UInt128(t) * UInt128(t)
        qt64 = q * t
        y64 = y >> 64 == 0 ? UInt64(y) : 0
    }

    /// Convenience for sigma2 given as "P/Q" or an integer (no decimals here; the CLI parses exactly).
    public init(sigma2: (numerator: UInt64, denominator: UInt64)) throws(NoiseError) {
        try self.init(sigma2Numerator: sigma2.numerator, sigma2Denominator: sigma2.denominator)
    }

    /// Discrete Laplace with scale t (CKS Algorithm 2). Equals `ReferenceDraws.discreteLaplace`.
    @inlinable
    public func discreteLaplace(_ s: inout ChaChaStream) -> Int64 {
        while true {
            let u = s.uniform(t)
            if !s.bernoulliExpSmall(u, t) { continue }
            let v = s.bernoulliExpMinusOneSuccesses(upTo: .max)   // while Bernoulli(exp(-1)) { V += 1 }
            let x = u + t * v
            let negative = s.bernoulliHalf()             // = bernoulli(1, 2): one bit of the bit-word
            if negative && x == 0 { continue }
            return negative ? -Int64(x) : Int64(x)
        }
    }

    /// One sample (CKS Algorithm 3). Equals `ReferenceDiscreteGaussianSampler.sample`.
    ///
    /// The acceptance Bernoulli(exp(-x/y)) runs in UInt64 when x < 2^64 and y < 2^64 (at
    /// sigma2 = 4 and 65025/16 nearly always): one hardware division for floor(x/y), x mod y, and the
    /// UInt64 `BexpSmall`. Otherwise the UInt128 path of Proofs/noise.md NOISE-4. Same words either way.
    @inlinable
    public func sample(_ s: inout ChaChaStream) -> Int32 {
        while true {
            let candidate = discreteLaplace(&s)
            let magnitude = candidate.magnitude            // < 2^50
            if y64 != 0 {
                let (a, overflow) = magnitude.multipliedReportingOverflow(by: qt64)
                if !overflow {
                    let d = a >= p ? a - p : p - a
                    if d >> 32 == 0 {
                        let x = d * d                      // < 2^64
                        if accept64(x, &s) { return Int32(candidate) }
                        continue
                    }
                }
            }
            if accept128(magnitude, &s) { return Int32(candidate) }
        }
    }

    /// Bernoulli(exp(-x/y)) with x, y < 2^64 (y = ``y64``): stream-spec §4 in UInt64.
    @inlinable @inline(__always)
    func accept64(_ x: UInt64, _ s: inout ChaChaStream) -> Bool {
        if x <= y64 { return s.bernoulliExpSmall(x, y64) }
        let (f, r) = x.quotientAndRemainder(dividingBy: y64)
        if s.bernoulliExpMinusOneSuccesses(upTo: f) < f { return false }
        return s.bernoulliExpSmall(r, y64)
    }

    /// Bernoulli(exp(-x/y)) for x = (|Y| Q t - P)^2 in UInt128 (Proofs/noise.md NOISE-4 (4)).
    @usableFromInline
    func accept128(_ magnitude: UInt64, _ s: inout ChaChaStream) -> Bool {
        let a = UInt128(magnitude) * qt
        let d = a >= UInt128(p) ? a - UInt128(p) : UInt128(p) - a
        if d >> 64 != 0 {
            // floor(x/y) > 2^37: reject at the first failing Bernoulli(exp(-1)) (see the proof).
            while s.bernoulliExpMinusOne() {}
            return false
        }
        let x = d * d
        if x <= y { return s.bernoulliExpSmall(x, y) }
        let (f, r) = x.quotientAndRemainder(dividingBy: y)
        var i: UInt128 = 0
        while i < f {
            if !s.bernoulliExpMinusOne() { return false }
            i += 1
        }
        return s.bernoulliExpSmall(r, y)
    }
}
