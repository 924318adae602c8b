import Testing
import IntRSCore
import IntRSExact
import IntRSReference

/// CF-2, step 1 (Proofs/CF-2.md, Lemma 1.2) on the project's exact laws: with T = <delta, eps>,
/// eps ~ N_Z(0, sigma2)^d, n2 = |delta|^2 and b = 1/sigma2,
///
///     1 - midCDF_T(n2) = P[T > n2] + P[T = n2]/2 = (1/2) e^{-n2/(2 sigma2)} E[e^{-b|T|}],
///
/// and the conclusion of steps 2 and 3, E[e^{-b|T|}] > E[e^{-b|Y|}] = 2 e^{n2/(2 sigma2)} Phi(-|delta|/sigma)
/// (Y ~ N(0, sigma2 n2)), i.e. Phi(|delta|/sigma) - midCDF_T(n2) > 0.
///
/// The law of T is built here by exact rational interval convolution of `DiscreteGaussianLaw.enclosed` (IntRSExact
/// intervals; it shares nothing with `ShiftLaw`), with the rest mass (noise outside the window) carried as a total
/// bound m * tail. Both sides are enclosures of the same number, so they must overlap; they are narrow (relative width
/// < 2^-20), so a wrong identity is refuted: the test also requires that a wrong exponent (e^{-n2/sigma2}) and a dropped half weight
/// (P[T > n2] alone) are disjoint from the tilted side. Independent numerics: tools/cf2_check.py (mpmath).
@Suite struct CF2TiltingTests {
    static let bits = 48

    /// Enclosed law of T = sum a_i eps_i: masses on offset ..< offset + count, plus a total rest bound.
    static func lawOfT(_ pattern: [Int], sigma2: Rational) throws -> (offset: Int, masses: [Interval], rest: Rational) {
        let one = try DiscreteGaussianLaw(sigma2: sigma2).enclosed(bits: bits)
        var offset = 0
        var masses = [Interval(exactly: Rational(1))]
        for a in pattern {
            let newOffset = offset + a * one.offset
            var next = [Interval](repeating: Interval(exactly: Rational(0)), count: masses.count + a * (one.masses.count - 1))
            for (i, m) in masses.enumerated() where m.hi.signum > 0 {
                for (j, q) in one.masses.enumerated() {
                    next[i + a * j] = next[i + a * j] + m * q
                }
            }
            // Keep the rationals short: outward rounding keeps every enclosure valid.
            masses = next.map { $0.roundedOutward(bits: bits + 20) }
            offset = newOffset
        }
        // P[some coordinate outside its window] <= m * tail; that mass is missing from the core sums.
        return (offset, masses, Rational(pattern.count) * one.tailMass)
    }

    /// Enclosures of 1 - midCDF_T(n2), of P[T > n2] alone, of E[e^{-b|T|}].
    static func sides(_ pattern: [Int], sigma2: Rational) throws -> (upper: Interval, strict: Interval, e: Interval) {
        let n2 = pattern.reduce(0) { $0 + $1 * $1 }
        let law = try lawOfT(pattern, sigma2: sigma2)
        let r = Enclosure.exp(-sigma2.reciprocal, bits: bits + 20)      // e^{-b}
        var upLo = Rational(0), upHi = Rational(0), stLo = Rational(0), stHi = Rational(0)
        var eLo = Rational(0), eHi = Rational(0)
        var pow = [Interval(exactly: Rational(1))]                        // r^k
        for (i, m) in law.masses.enumerated() {
            let t = law.offset + i
            if t > n2 { upLo += m.lo; upHi += m.hi; stLo += m.lo; stHi += m.hi }
            if t == n2 { upLo += m.lo / 2; upHi += m.hi / 2 }
            while pow.count <= abs(t) { pow.append((pow[pow.count - 1] * r).roundedOutward(bits: bits + 20)) }
            let w = pow[abs(t)] * m
            eLo += w.lo; eHi += w.hi
        }
        // The rest mass (weights <= 1 on it) can only add.
        return (Interval(lo: upLo, hi: upHi + law.rest), Interval(lo: stLo, hi: stHi + law.rest),
                Interval(lo: eLo, hi: eHi + law.rest))
    }

    static let cases: [([Int], String)] = [
        ([1], "1/2"), ([1], "1"), ([1], "9"), ([2], "3"), ([1, 1], "1"), ([3, 1], "1/2"), ([3, 1], "3"),
        ([2, 1, 1], "1"), ([5, 3, 1], "3"), ([4, 3, 1], "2"),
    ]

    @Test("Lemma 1.2: 1 - midCDF_T(n2) = (1/2) e^{-n2/(2 sigma2)} E[e^{-|T|/sigma2}], enclosures overlap; wrong variants are refuted",
          arguments: cases)
    func tiltingIdentity(_ c: ([Int], String)) throws {
        let (pattern, s) = c
        let sigma2 = Rational(s)!
        let n2 = pattern.reduce(0) { $0 + $1 * $1 }
        let (upper, strict, e) = try Self.sides(pattern, sigma2: sigma2)
        let factor = Enclosure.exp(-Rational(n2) / (2 * sigma2), bits: Self.bits + 20)
        let tilted = (factor * e) * Rational(1, 2)
        #expect(upper.intersection(tilted) != nil, "\(pattern) sigma2 \(s): 1 - midCDF \(upper) vs tilted \(tilted)")
        // Narrow relative to the value itself (2^-20), so that the refutations below mean something.
        #expect(upper.width < upper.lo.timesPowerOfTwo(-20) && tilted.width < tilted.lo.timesPowerOfTwo(-20),
                "\(pattern) sigma2 \(s): enclosures too wide to refute anything")
        // Negative controls: the test can tell a wrong identity from the right one.
        let wrongExponent = (Enclosure.exp(-Rational(n2) / sigma2, bits: Self.bits + 20) * e) * Rational(1, 2)
        #expect(upper.intersection(wrongExponent) == nil, "\(pattern) sigma2 \(s): e^{-n2/sigma2} not refuted")
        #expect(strict.intersection(tilted) == nil, "\(pattern) sigma2 \(s): dropping the half weight not refuted")
    }

    @Test("CF-2 conclusion: E[e^{-|T|/sigma2}] > E[e^{-|Y|/sigma2}] = 2 e^{n2/(2 sigma2)} Phi(-|delta|/sigma), decided by enclosures",
          arguments: cases)
    func conclusion(_ c: ([Int], String)) throws {
        let (pattern, s) = c
        let sigma2 = Rational(s)!
        let n2 = pattern.reduce(0) { $0 + $1 * $1 }
        let (upper, _, e) = try Self.sides(pattern, sigma2: sigma2)
        let x = Enclosure.sqrt(Rational(n2) / sigma2, bits: Self.bits + 20)           // |delta| / sigma
        let tailY = Enclosure.phi(-x, bits: Self.bits + 20)                               // 1 - Phi(|delta|/sigma)
        let eY = (Enclosure.exp(Rational(n2) / (2 * sigma2), bits: Self.bits + 20) * tailY) * Rational(2)
        #expect(e.lo > eY.hi, "\(pattern) sigma2 \(s): E f(T) \(e.lo.decimalString(digits: 15)) vs E f(Y) \(eY.hi.decimalString(digits: 15))")
        // Equivalently the gap Phi(|delta|/sigma) - midCDF_T(n2) = (1 - midCDF) - (1 - Phi) is proven > 0.
        #expect(upper.lo > tailY.hi, "\(pattern) sigma2 \(s): gap not proven > 0")
    }
}
