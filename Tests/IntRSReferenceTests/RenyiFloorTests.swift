import Testing
import IntRSExact
@testable import IntRSReference

/// REN-1: the Rényi floor n_R against the exact Neyman–Pearson analysis (Proofs/REN-1.md).
@Suite struct RenyiFloorTests {
    /// A small deterministic generator (xorshift64*), seed printed on failure.
    struct Gen {
        var s: UInt64
        mutating func next() -> UInt64 { s ^= s >> 12; s ^= s << 25; s ^= s >> 27; return s &* 2685821657736338717 }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static func dg(_ s2: Rational) -> ShiftAnalyzer { ShiftAnalyzer(noise: try! CertificationNoise.discreteGaussian(sigma2: s2)) }

    /// Every pattern with norm <= n_R (up to d parts) is certified by the exact analysis. This FAILS if the
    /// rule claims too much (e.g. with the factor alpha dropped).
    @Test("n_R is consistent with the exact analysis (random sigma2, pA, pB; seed 0x5EED4E1)")
    func consistentWithExact() {
        var g = Gen(s: 0x5EED4E1)
        var checked = 0, twoClassChecked = 0
        for trial in 0 ..< 24 {
            let s2 = Rational(1 + g.below(12), 1 + g.below(3)) // 1/3 ... 12
            let binary = trial % 3 != 2
            // pA in (0.55, 0.9999): 1 - 10^-(0.35 ... 4)
            let pA = Rational(1) - Rational(1 + g.below(45), 100).power(1 + g.below(3)) * Rational(1, 1 + g.below(2) * 9)
            guard pA > Rational(11, 20), pA < Rational(1) else { continue }
            let pB: Rational? = binary ? nil : (Rational(1) - pA) * Rational(1 + g.below(9), 10)
            let r = RenyiFloor.floor(sigma2: s2, pA: pA, pB: pB)
            // The returned conditions must themselves prove n_R (REN-1 (a)/(b) premises).
            if r.nR > 0 {
                #expect(r.conditionA.map { RenyiFloor.holds($0, norm2: r.nR, sigma2: s2) && $0.p == pA } == true, "trial \(trial): condition A")
                if let pB {
                    #expect(pB < r.t && r.t < pA, "trial \(trial): t \(r.t) outside (pB, pA)")
                    #expect(r.conditionB.map { RenyiFloor.holds($0, norm2: r.nR, sigma2: s2) && $0.p == pB && $0.t == r.t } == true,
                            "trial \(trial): condition B does not prove n_R = \(r.nR)")
                } else { #expect(r.t == Rational(1, 2) && r.conditionB == nil) }
            }
            let a = Self.dg(s2)
            let limit = min(r.nR, 24)
            guard limit >= 1 else { continue }
            for p in TightRadiusTests.allPatterns(limit: limit, d: 5) {
                let n2 = p.reduce(0) { $0 + $1 * $1 }
                let x = a.analyse(delta: p, pA: pA, pB: pB)
                #expect(x.decision == .certified,
                        "trial \(trial): sigma2 \(s2) pA \(pA.decimalString(digits: 8)) pB \(pB?.decimalString(digits: 8) ?? "-"): n_R = \(r.nR) but pattern \(p) (norm \(n2)) is \(x.decision.rawValue), margin \(x.margin)")
                checked += 1
                if pB != nil { twoClassChecked += 1 }
            }
        }
        #expect(checked > 200 && twoClassChecked > 20, "too few patterns checked: \(checked) (two-class \(twoClassChecked))")
        print("RenyiFloorTests.consistentWithExact: \(checked) patterns checked, \(twoClassChecked) two-class")
    }

    @Test("the Rényi floor is tight enough to matter and below the closed-form n* (binary form)",
          arguments: [(Rational(1), Rational(99, 100)), (Rational(64), Rational(99, 100)), (Rational(65025, 16), Rational(99, 100)),
                      (Rational(4), Rational(6, 10)), (Rational(16), Rational(999_999, 1_000_000)),
                      (Rational(4), Rational(1) - Rational(1, 10).power(20))])
    func belowClosedForm(s2: Rational, pA: Rational) {
        let r = RenyiFloor.floor(sigma2: s2, pA: pA, pB: nil)
        let cf = ClosedFormRadius.norm2Bound(sigma2: s2, pA: pA, pB: nil)!
        // n_R certifies |delta|^2 <= n_R; the closed form |delta|^2 < cf, about sigma2 PhiInv(pA)^2.
        #expect(r.nR < cf, "sigma2 \(s2) pA \(pA): n_R \(r.nR) >= closed form \(cf)")
        #expect(Double(r.nR) >= 0.5 * Double(cf) - 2, "sigma2 \(s2) pA \(pA): n_R \(r.nR) far below closed form \(cf)")
        if let c = r.conditionA { #expect(RenyiFloor.holds(c, norm2: r.nR, sigma2: s2)) }
    }

    @Test("n_R is nondecreasing in pA and nonincreasing in pB")
    func monotone() {
        let s2 = Rational(50)
        var last = -1
        for k in [51, 55, 60, 70, 80, 90, 95, 99, 999, 9999] {
            let pA = k < 100 ? Rational(k, 100) : Rational(k, k + 1)
            let n = RenyiFloor.floor(sigma2: s2, pA: pA, pB: nil).nR
            #expect(n >= last, "pA \(pA): n_R \(n) < \(last)")
            last = n
        }
        var lastB = Int.max
        for k in [1, 2, 5, 10, 20, 30] {
            let n = RenyiFloor.floor(sigma2: s2, pA: Rational(9, 10), pB: Rational(k, 100)).nR
            #expect(n <= lastB, "pB \(k)/100: n_R \(n) > \(lastB)")
            lastB = n
        }
    }

    @Test("integer alpha: the exact-rational decision agrees with the exp/log enclosure of S")
    func exactMatchesEnclosure() {
        for (x, y) in [(Rational(99, 100), Rational(1, 2)), (Rational(1, 2), Rational(99, 100)), (Rational(3, 10), Rational(7, 10))] {
            for a in [2, 3, 5] {
                let s = x.power(a) * y.power(1 - a) + (Rational(1) - x).power(a) * (Rational(1) - y).power(1 - a)
                let e = RenyiFloor.term(x, y, Rational(a)) + RenyiFloor.term(Rational(1) - x, Rational(1) - y, Rational(a))
                #expect(e.contains(s), "x \(x) y \(y) alpha \(a)")
            }
        }
    }

    @Test("the search with the Rényi floor finds the same n* as without it")
    func searchAgrees() {
        for (s2, pA, pB) in [(Rational(1), Rational(99, 100), nil), (Rational(2), Rational(9, 10), nil),
                             (Rational(1), Rational(9, 10), Rational(5, 100)) as (Rational, Rational, Rational?)] {
            let with = TightRadius.search(analyzer: Self.dg(s2), pA: pA, pB: pB, dimension: 4, maxNorm2: 40)
            let law = try! DiscreteGaussianLaw(sigma2: s2)
            let plain = ShiftAnalyzer(noise: CertificationNoise(name: "dg-no-renyi", sigma2: s2, likelihoodRatioIsLayered: true,
                                                                enclosed: { law.enclosed(bits: $0) }))
            let without = TightRadius.search(analyzer: plain, pA: pA, pB: pB, dimension: 4, maxNorm2: 40)
            #expect(with.renyiFloor > 0 && without.renyi == nil)
            #expect(with.nStar == without.nStar, "sigma2 \(s2) pA \(pA): \(String(describing: with.nStar)) vs \(String(describing: without.nStar))")
            #expect(with.patternsVisited <= without.patternsVisited)
            if let n = with.nStar { #expect(n > with.renyiFloor) }
        }
        // Limit below n_R: instant, no pattern examined.
        let r = TightRadius.search(analyzer: Self.dg(Rational(65025, 16)), pA: Rational(99, 100), pB: nil, dimension: 64, maxNorm2: 100)
        #expect(r.patternsVisited == 0 && r.complete && r.nStar == nil && r.certifiedNorm2 == 100)
        #expect(r.statement.contains("REN-1"))
    }

    @Test("a stopped search gives a sound partial certificate (budgets 0, 4, 8, ..., made-up layered law, n* = 40)")
    func budgetIsSound() {
        let a = TightRadiusTests.analyzer(q: Rational(3, 4), K: 8)
        let pA = Rational(999_999, 1_000_000), d = 8, limit = 80
        let full = TightRadius.search(analyzer: a, pA: pA, pB: nil, dimension: d, maxNorm2: limit)
        #expect(full.complete)
        let truth = full.nStar ?? (limit + 1)
        var sawPositive = false
        for budget in stride(from: 0, through: full.patternsVisited, by: 4) {
            var examined = Set<[Int]>()
            let r = TightRadius.search(analyzer: a, pA: pA, pB: nil, dimension: d, maxNorm2: limit, budget: .init(maxPatterns: budget),
                                       progress: { _, _, p in examined.insert(p) })
            if r.complete {
                #expect(r.nStar == full.nStar)
            } else {
                #expect(r.certifiedNorm2 < truth, "budget \(budget): claims \(r.certifiedNorm2) but n* = \(truth)")
                // The claim rests on enumeration: every pattern up to it must have been examined (no Rényi floor here).
                for p in TightRadiusTests.allPatterns(limit: r.certifiedNorm2, d: d) {
                    #expect(examined.contains(p), "budget \(budget): claims \(r.certifiedNorm2) but pattern \(p) was never examined")
                }
                #expect(r.statement.hasPrefix("NOT the tight answer"))
                if let u = r.nStarUpperBound { #expect(u >= truth) }
                if r.certifiedNorm2 > 0 { sawPositive = true }
            }
        }
        #expect(sawPositive)
    }
}
