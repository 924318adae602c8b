import Testing
import IntRSExact
@testable import IntRSReference

/// Small exact laws on a window (tail 0) for brute-force comparison.
enum ExactTestLaws {
    /// P[k] proportional to q^(k^2) on [-K, K]: a truncated "discrete Gaussian" with rational base,
    /// log-concave.
    static func gaussianLike(q: Rational, K: Int) -> [Rational] {
        let w = (-K ... K).map { q.power($0 * $0) }
        let z = w.reduce(Rational(0), +)
        return w.map { $0 / z }
    }
    static func enclosed(_ masses: [Rational], offset: Int) -> EnclosedLaw {
        EnclosedLaw(offset: offset, masses: masses.map { Interval(exactly: $0) }, tailMass: Rational(0))
    }
    /// All noise vectors of the nonzero coordinates with clean/shifted probabilities.
    static func points(_ masses: [Rational], offset: Int, delta: [Int]) -> [(q0: Rational, q1: Rational)] {
        let parts = delta.filter { $0 != 0 }
        let lo = offset, hi = offset + masses.count - 1
        func p(_ e: Int) -> Rational { e >= lo && e <= hi ? masses[e - lo] : Rational(0) }
        var out: [(Rational, Rational)] = []
        func rec(_ i: Int, _ q0: Rational, _ q1: Rational) {
            if i == parts.count { if !(q0.isZero && q1.isZero) { out.append((q0, q1)) }; return }
            // z ranges over both windows
            for z in min(lo, lo + parts[i]) ... max(hi, hi + parts[i]) {
                rec(i + 1, q0 * p(z), q1 * p(z - parts[i]))
            }
        }
        rec(0, Rational(1), Rational(0) + 1)
        return out
    }
    /// Brute force: min over all tests with at most one fractional point (which contains an optimum of
    /// the fractional knapsack LP) of the shifted mass, subject to clean mass >= p.
    static func bruteWorstA(_ pts: [(q0: Rational, q1: Rational)], p: Rational) -> Rational {
        let n = pts.count
        precondition(n <= 14)
        var best = Rational(1)
        for mask in 0 ..< (1 << n) {
            var s0 = Rational(0), s1 = Rational(0)
            for i in 0 ..< n where mask & (1 << i) != 0 { s0 += pts[i].q0; s1 += pts[i].q1 }
            if s0 >= p { best = Rational.min(best, s1); continue }
            for j in 0 ..< n where mask & (1 << j) == 0 && pts[j].q0.signum > 0 {
                let theta = (p - s0) / pts[j].q0
                if theta <= 1 { best = Rational.min(best, s1 + theta * pts[j].q1) }
            }
        }
        return best
    }
    /// Point-level Neyman–Pearson (fractional knapsack): take points in increasing order of the
    /// likelihood ratio q1/q0 (exact rationals, independent of the layer machinery).
    static func greedyWorstA(_ pts: [(q0: Rational, q1: Rational)], p: Rational) -> Rational {
        let sorted = pts.sorted { a, b in a.q1 * b.q0 < b.q1 * a.q0 || (a.q1 * b.q0 == b.q1 * a.q0 && a.q0 > b.q0) }
        var s0 = Rational(0), s1 = Rational(0)
        for x in sorted where x.q0.signum > 0 {
            if s0 + x.q0 >= p { return s1 + (p - s0) / x.q0 * x.q1 }
            s0 += x.q0; s1 += x.q1
        }
        return Rational(1)
    }
    /// The exact law of T = <delta, eps> by enumeration.
    static func lawOfT(_ masses: [Rational], offset: Int, delta: [Int]) -> [Int: Rational] {
        var law: [Int: Rational] = [0: Rational(1)]
        for k in delta where k != 0 {
            var next: [Int: Rational] = [:]
            for (t, m) in law { for (i, q) in masses.enumerated() { next[t + k * (offset + i), default: 0] += m * q } }
            law = next
        }
        return law
    }
}

@Suite struct NeymanPearsonTests {
    static let laws: [(String, [Rational], Int)] = [
        ("q=1/2,K=3", ExactTestLaws.gaussianLike(q: Rational(1, 2), K: 3), -3),
        ("q=3/4,K=4", ExactTestLaws.gaussianLike(q: Rational(3, 4), K: 4), -4),
        ("log-concave asymmetric", [Rational(1, 10), Rational(3, 10), Rational(4, 10), Rational(2, 10)], -1),
    ]

    @Test("the fixed-point law of T encloses the exact law", arguments: [[1], [2], [1, 1], [2, -1], [1, 1, 1], [3, 1]])
    func lawEnclosure(delta: [Int]) {
        for (name, masses, off) in Self.laws {
            let law = ShiftLaw.ofShift(delta, noise: ShiftLaw(ExactTestLaws.enclosed(masses, offset: off), fractionBits: 50))
            let exact = ExactTestLaws.lawOfT(masses, offset: off, delta: delta)
            for (t, m) in exact {
                #expect(law.mass(at: t).contains(m), "\(name) delta=\(delta) t=\(t)")
                #expect(law.mass(at: t).width < Rational(1, 1 << 40))
            }
        }
    }

    @Test("worstA encloses the brute-force optimum for one nonzero coordinate (exact by log-concavity)",
          arguments: [1, 2, 3])
    func worstAOneCoordinate(k: Int) {
        for (name, masses, off) in Self.laws {
            let law = ShiftLaw.ofShift([k], noise: ShiftLaw(ExactTestLaws.enclosed(masses, offset: off)))
            let pts = ExactTestLaws.points(masses, offset: off, delta: [k])
            for p in [Rational(1, 3), Rational(1, 2), Rational(7, 10), Rational(9, 10), Rational(99, 100), Rational(1)] {
                let brute = ExactTestLaws.bruteWorstA(pts, p: p)
                #expect(brute == ExactTestLaws.greedyWorstA(pts, p: p) || p == 1)
                let w = NeymanPearson.worstA(law, shift: k * k, p: p)
                #expect(w.contains(brute), "\(name) k=\(k) p=\(p): \(w) vs brute \(brute)")
                // p = 1 needs the exact support (the lower masses never sum to 1): only containment.
                #expect(p == 1 || w.width < Rational(1, 1 << 30), "\(name) k=\(k) p=\(p): \(w.lo.doubleApproximation) \(w.hi.doubleApproximation) brute \(brute.doubleApproximation)")
            }
        }
    }

    @Test("a law enclosed on a short window with a large tail bound still encloses the exact worst case")
    func largeTail() {
        let masses = ExactTestLaws.gaussianLike(q: Rational(3, 4), K: 6)
        // Keep only [-2, 2]; everything else becomes tail mass (about 0.03).
        let inner = Array(masses[4 ... 8])
        let tail = masses.reduce(Rational(0), +) - inner.reduce(Rational(0), +)
        let enclosed = EnclosedLaw(offset: -2, masses: inner.map { Interval(exactly: $0) }, tailMass: tail)
        for k in [1, 2] {
            let law = ShiftLaw.ofShift([k], noise: ShiftLaw(enclosed))
            let pts = ExactTestLaws.points(masses, offset: -6, delta: [k])
            for p in [Rational(1, 3), Rational(1, 2), Rational(7, 10), Rational(9, 10)] {
                let exact = ExactTestLaws.greedyWorstA(pts, p: p)
                let w = NeymanPearson.worstA(law, shift: k * k, p: p)
                #expect(w.contains(exact), "k=\(k) p=\(p): \(w.lo.doubleApproximation)...\(w.hi.doubleApproximation) vs \(exact.doubleApproximation)")
            }
            let mid = NeymanPearson.midCDF(law, at: k * k)
            var m = Rational(0)
            for (t, q) in ExactTestLaws.lawOfT(masses, offset: -6, delta: [k]) { if t < k * k { m += q } else if t == k * k { m += q / 2 } }
            #expect(mid.contains(m))
        }
    }

    @Test("for several coordinates the layer walk is a feasible test: its upper end is >= the brute-force optimum")
    func worstATwoCoordinates() {
        let masses = ExactTestLaws.gaussianLike(q: Rational(1, 2), K: 1)
        for delta in [[1, 1], [1, -1], [2, 1]] {
            let law = ShiftLaw.ofShift(delta, noise: ShiftLaw(ExactTestLaws.enclosed(masses, offset: -1)))
            let n2 = delta.reduce(0) { $0 + $1 * $1 }
            let pts = ExactTestLaws.points(masses, offset: -1, delta: delta)
            for p in [Rational(1, 2), Rational(4, 5)] {
                let brute = ExactTestLaws.greedyWorstA(pts, p: p)
                #expect(NeymanPearson.worstA(law, shift: n2, p: p).hi >= brute)
            }
        }
    }

    @Test("bestB(p) = 1 - worstA(1 - p) and the margins are consistent")
    func bestBAndMargins() {
        let masses = ExactTestLaws.gaussianLike(q: Rational(1, 2), K: 3)
        let law = ShiftLaw.ofShift([1], noise: ShiftLaw(ExactTestLaws.enclosed(masses, offset: -3)))
        let pts = ExactTestLaws.points(masses, offset: -3, delta: [1])
        let pB = Rational(1, 10)
        let brute = Rational(1) - ExactTestLaws.bruteWorstA(pts, p: Rational(9, 10))
        #expect(NeymanPearson.bestB(law, shift: 1, p: pB).contains(brute))
        let m = NeymanPearson.margin(law, shift: 1, pA: Rational(7, 10), pB: pB)
        let bruteM = ExactTestLaws.bruteWorstA(pts, p: Rational(7, 10)) - brute
        #expect(m.contains(bruteM))
    }

    @Test("midCDF encloses P[T < n] + P[T = n]/2 of the exact law")
    func midCDF() {
        let masses = ExactTestLaws.gaussianLike(q: Rational(2, 3), K: 4)
        for delta in [[1], [1, 1], [2, 1, 1]] {
            let law = ShiftLaw.ofShift(delta, noise: ShiftLaw(ExactTestLaws.enclosed(masses, offset: -4)))
            let exact = ExactTestLaws.lawOfT(masses, offset: -4, delta: delta)
            let n2 = delta.reduce(0) { $0 + $1 * $1 }
            var m = Rational(0)
            for (t, q) in exact { if t < n2 { m += q } else if t == n2 { m += q / 2 } }
            let e = NeymanPearson.midCDF(law, at: n2)
            #expect(e.contains(m))
            #expect(e.width < Rational(1, 1 << 40))
        }
    }

    @Test("a non-positive margin yields a witness that the independent enumeration confirms")
    func witness() throws {
        // Two-class: a law where delta = (1) with pA = 0.7, pB = 0.07 is not certified.
        let masses = ExactTestLaws.gaussianLike(q: Rational(1, 2), K: 3)
        let noise = ExactTestLaws.enclosed(masses, offset: -3)
        let law = ShiftLaw.ofShift([1], noise: ShiftLaw(noise))
        let pA = Rational(7, 10), pB = Rational(7, 100)
        let m = NeymanPearson.margin(law, shift: 1, pA: pA, pB: pB)
        #expect(Decision(positive: m) == .notCertified, "margin \(m)")
        let w = try #require(ShiftWitness.build(delta: [1], law: law, pA: pA, pB: pB))
        let c = try #require(w.check(noise: noise, pA: pA, pB: pB))
        #expect(c.valid, "\(c)")
        // The shifted masses from the enumeration agree with the NP enclosures.
        #expect(c.shiftedA.hi >= NeymanPearson.worstA(law, shift: 1, p: pA).lo)
        // A witness for a certified case must fail the check.
        let pA2 = Rational(95, 100)
        #expect(Decision(positive: NeymanPearson.margin(law, shift: 1, pA: pA2, pB: Rational(1, 100))) == .certified)
        let w2 = try #require(ShiftWitness.build(delta: [1], law: law, pA: pA2, pB: Rational(1, 100)))
        #expect(try #require(w2.check(noise: noise, pA: pA2, pB: Rational(1, 100))).valid == false)
    }
}
