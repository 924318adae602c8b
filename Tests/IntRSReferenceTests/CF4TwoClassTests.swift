import Testing
import IntRSCore
import IntRSExact
import IntRSReference

/// CF-4 (Proofs/closed-forms.md): under N_Z, for pA > 1/2, every integer delta with 2 |delta| <= -sigma PhiInv(pB) has
/// worstA(pA) > bestB(pB). Checked against the exact two-class Neyman–Pearson analysis (NP-1, NP-4: `ShiftAnalyzer`)
/// on every pattern with |delta|^2 <= 8 for a grid of sigma2, pA, pB. The closed-form side is decided conservatively by
/// enclosures (PhiInv(pB)'s upper end, the one nearest 0); every case it claims must be certified by the exact
/// analysis. The brute force in tools/cf4_check.py (mpmath) covers a larger grid.
@Suite struct CF4TwoClassTests {
    @Test("CF-4: every (sigma2, delta, pA, pB) the sound two-class closed form certifies is certified by the exact analysis")
    func soundOnGrid() throws {
        let sigma2s = ["1/4", "1/2", "1", "3", "9"].map { Rational($0)! }
        let pAs = ["0.51", "0.6", "0.75", "0.9"].map { try! Rational(parsing: $0) }
        let pBs = ["0.0001", "0.001", "0.01", "0.05", "0.2"].map { try! Rational(parsing: $0) }
        let patterns = TheoremCheck.patterns(maxNorm2: 8)
        var claimed = 0, beyondBinary = 0
        for s2 in sigma2s {
            let analyzer = ShiftAnalyzer(noise: try CertificationNoise.discreteGaussian(sigma2: s2))
            for pB in pBs {
                let z = Enclosure.phiInverse(pB, bits: 80)
                guard z.hi.signum < 0 else { continue }
                for delta in patterns {
                    let n2 = delta.reduce(0) { $0 + $1 * $1 }
                    // 2 |delta| <= -sigma PhiInv(pB)  <=>  4 n2 <= sigma2 PhiInv(pB)^2 (PhiInv(pB) < 0); z.hi^2 is the smallest.
                    guard Rational(4 * n2) <= s2 * z.hi * z.hi else { continue }
                    for pA in pAs where pA + pB <= 1 {
                        claimed += 1
                        let a = analyzer.analyse(delta: delta, pA: pA, pB: pB)
                        #expect(a.decision == .certified, "sigma2 \(s2), delta \(delta), pA \(pA), pB \(pB): exact margin \(a.margin)")
                        // Does the binary closed form already certify it? (pA > Phi(|delta|/sigma), decided by enclosures.)
                        let phi = Enclosure.phi(Enclosure.sqrt(Rational(n2) / s2, bits: 80), bits: 80)
                        if !(pA > phi.hi) { beyondBinary += 1 }
                    }
                }
            }
        }
        #expect(claimed > 100, "too few cases claimed by CF-4 (\(claimed)) for the test to mean anything")
        #expect(beyondBinary > 50, "CF-4 should certify many cases the binary form does not (\(beyondBinary))")
    }
}
