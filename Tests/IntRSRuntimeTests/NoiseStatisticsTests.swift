import Foundation
import Testing
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRuntime

/// Statistical conformance of the FAST samplers against the EXACT PMF (the reference samplers are
/// covered by bit-for-bit agreement). Every test states alpha and the sample size.
/// Quick versions run in `swift test`; the long versions (>= 1e8 samples per law) run with
/// `INTRS_LONG_TESTS=1 swift test -c release --filter NoiseStatisticsTests`.
@Suite struct NoiseStatisticsTests {
    static let alpha = 1e-6
    static let long = ProcessInfo.processInfo.environment["INTRS_LONG_TESTS"] == "1"
    static let seed = try! Seed(hex: "57a7157105000000000000000000000000000000000000000000000000000000")

    /// A sampler under test and the exact law it must follow.
    struct Law: Sendable, CustomStringConvertible {
        let description: String
        let pmf: [Int: Double]
        let draw: @Sendable (inout ChaChaStream) -> Int32
    }

    static func exactLaw(_ s2: String) -> [Int: Double] {
        let law = try! DiscreteGaussianLaw(sigma2: Rational(s2)!).enclosed(bits: 60)
        return Dictionary(uniqueKeysWithValues: law.support.map { ($0, law.mass(at: $0).midpoint.doubleApproximation) })
    }

    static func tableLaw(_ fam: NoiseFamily, _ s2: String, _ b: Int) -> (TableLaw, [Int: Double]) {
        let t = try! TableLaw(family: fam, sigma2: Rational(s2)!, bits: b)
        return (t, Dictionary(uniqueKeysWithValues: t.masses.enumerated().map { (t.minValue + $0.offset, $0.element.doubleApproximation) }))
    }

    static func cks(_ s2: String) -> Law {
        let v = Rational(s2)!
        let f = try! FastDiscreteGaussianSampler(sigma2Numerator: UInt64(v.numerator.asInt!), sigma2Denominator: UInt64(v.denominator.asInt!))
        return Law(description: "fast CKS sigma2=\(s2)", pmf: exactLaw(s2), draw: { f.sample(&$0) })
    }

    static func table(_ fam: NoiseFamily, _ s2: String, _ b: Int) -> Law {
        let (t, pmf) = tableLaw(fam, s2, b)
        let f = try! FastTableSampler(table: t.noiseTable)
        return Law(description: "fast table \(fam.rawValue) sigma2=\(s2) b=\(b)", pmf: pmf, draw: { f.sample(&$0) })
    }

    struct Tally { var counts: [Int: Int] = [:]; var n = 0; var sum = 0.0; var sum2 = 0.0; var positive = 0; var negative = 0 }

    /// n samples drawn as consecutive coordinates of streams of 1000 (one noisy input per stream).
    static func tally(_ law: Law, n: Int, phase: UInt32) -> Tally {
        var t = Tally()
        var offsetCounts = [Int](repeating: 0, count: 8193)
        var index: UInt32 = 0
        while t.n < n {
            var s = ChaChaStream(seed: seed, id: StreamID(example: 1, phase: phase, index: index))
            index += 1
            for _ in 0..<min(1000, n - t.n) {
                let x = Int(law.draw(&s))
                if abs(x) <= 4096 { offsetCounts[x + 4096] += 1 } else { t.counts[x, default: 0] += 1 }
                t.n += 1
                let d = Double(x)
                t.sum += d; t.sum2 += d * d
                if x > 0 { t.positive += 1 } else if x < 0 { t.negative += 1 }
            }
        }
        for (i, c) in offsetCounts.enumerated() where c > 0 { t.counts[i - 4096, default: 0] += c }
        return t
    }

    /// G-test (alpha 1e-6), symmetry (two-sided z, alpha 1e-6) and variance (z, alpha 1e-6).
    static func check(_ law: Law, n: Int, phase: UInt32) -> [String] {
        let t = tally(law, n: n, phase: phase)
        var failures: [String] = []
        let g = NoiseStatistics.gTest(counts: t.counts, probabilities: law.pmf, n: t.n)
        if g.pValue < alpha { failures.append("\(law): G-test G = \(g.g), df = \(g.df), p = \(g.pValue) < \(alpha) (n = \(n))") }
        let m = t.positive + t.negative
        if m > 0 {
            let z = Double(t.positive - t.negative) / Double(m).squareRoot()
            if abs(z) > NoiseStatistics.zCritical { failures.append("\(law): symmetry z = \(z) (n+ \(t.positive), n- \(t.negative))") }
        }
        let vz = NoiseStatistics.varianceZ(samples: t.sum2, n: t.n, sum: t.sum, law: law.pmf)
        if abs(vz) > NoiseStatistics.zCritical { failures.append("\(law): variance z = \(vz)") }
        return failures
    }

    // MARK: quick versions (debug build, a few seconds in total)

    /// alpha = 1e-6; n = 20,000 for the CKS sampler (debug speed), 200,000 for tables.
    static let quickLaws: [(String, Int)] = [("cks 4", 20_000), ("cks 1/4", 20_000), ("cks 65025/16", 20_000),
                                             ("table dg 65025/16 64", 200_000), ("table rg 65025/16 64", 200_000),
                                             ("table dg 1 32", 200_000), ("table rg 9/4 64", 200_000)]

    static func law(_ name: String) -> Law {
        let p = name.split(separator: " ").map(String.init)
        if p[0] == "cks" { return cks(p[1]) }
        return table(p[1] == "dg" ? .discreteGaussian : .roundedGaussian, p[2], Int(p[3])!)
    }

    @Test("quick G-test, symmetry and variance against the exact PMF (alpha = 1e-6)", arguments: quickLaws)
    func quick(_ c: (String, Int)) {
        let failures = Self.check(Self.law(c.0), n: c.1, phase: 11)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Bernoulli(exp(-(a+b))) ~ Bernoulli(exp(-a)) AND Bernoulli(exp(-b)), and both ~ exp(-(a+b)):
    /// two-proportion and one-proportion z-tests at alpha = 1e-6, n = 100,000 each (10^7 long).
    @Test("factorisation identity Bernoulli(exp(-(a+b))) ~ Bernoulli(exp(-a)) AND Bernoulli(exp(-b)) (alpha = 1e-6)",
          arguments: [(12, 35, 28), (1, 1, 1), (40, 3, 7), (0, 5, 3)])
    func factorisation(_ c: (UInt64, UInt64, UInt64)) {
        let (a, b, y) = c   // a/y and b/y
        let n = Self.long ? 10_000_000 : 100_000
        var s1 = ChaChaStream(seed: Self.seed, id: StreamID(example: 2, phase: 0, index: UInt32(a * 1000 + b)))
        var s2 = ChaChaStream(seed: Self.seed, id: StreamID(example: 2, phase: 1, index: UInt32(a * 1000 + b)))
        var k1 = 0, k2 = 0
        for _ in 0..<n {
            if s1.bernoulliExp(a + b, y) { k1 += 1 }
            let x = s2.bernoulliExp(a, y)
            let z = s2.bernoulliExp(b, y)   // both always drawn: independent, identically specified
            if x && z { k2 += 1 }
        }
        let p = exp(-Double(a + b) / Double(y))
        let p1 = Double(k1) / Double(n), p2 = Double(k2) / Double(n)
        let pooled = Double(k1 + k2) / Double(2 * n)
        let zTwo = pooled > 0 && pooled < 1 ? (p1 - p2) / (pooled * (1 - pooled) * 2 / Double(n)).squareRoot() : 0
        let sd = (p * (1 - p) / Double(n)).squareRoot()
        #expect(abs(zTwo) <= NoiseStatistics.zCritical, "two-proportion z = \(zTwo): \(p1) vs \(p2)")
        #expect(sd == 0 || abs(p1 - p) / sd <= NoiseStatistics.zCritical, "Bexp(a+b) frequency \(p1) vs exp = \(p)")
        #expect(sd == 0 || abs(p2 - p) / sd <= NoiseStatistics.zCritical, "product frequency \(p2) vs exp = \(p)")
    }

    /// A deliberately biased sampler (lives in the test target): the CKS acceptance step computes
    /// gamma = x / (y - 1) instead of x / y, a rational-division bug like the one OpenDP shipped.
    /// The same G-test at the same alpha and n must reject it.
    struct BiasedCKS {
        let inner: FastDiscreteGaussianSampler
        func sample(_ s: inout ChaChaStream) -> Int32 {
            let y = 2 * inner.p * inner.q * inner.t * inner.t
            while true {
                let c = inner.discreteLaplace(&s)
                let d = Int64(c.magnitude * inner.q * inner.t) - Int64(inner.p)
                if s.bernoulliExp(UInt64(d * d), y - 1) { return Int32(c) }
            }
        }
    }

    @Test("the quick suite catches a sampler whose rational division is off by one (alpha = 1e-6, n = 20,000)")
    func catchesBiasedSampler() {
        let f = try! FastDiscreteGaussianSampler(sigma2Numerator: 1, sigma2Denominator: 1)
        let biased = BiasedCKS(inner: f)
        let law = Law(description: "biased CKS sigma2=1", pmf: Self.exactLaw("1"), draw: { biased.sample(&$0) })
        let failures = Self.check(law, n: 20_000, phase: 12)
        #expect(!failures.isEmpty, "the biased sampler passed every test")
        // And the correct sampler at the same size and streams passes.
        #expect(Self.check(Self.cks("1"), n: 20_000, phase: 12).isEmpty)
    }

    /// Power is finite: a shift of 5% of P[0] (0.01 of total mass) from 1 to 0 is caught at the quick
    /// size; a 1% shift is not (G ~ 11 on ~20 degrees of freedom) and needs the long run.
    @Test("the quick suite catches a table with 5% too much mass at 0 (alpha = 1e-6, n = 200,000)")
    func catchesBiasedTable() {
        let (t, pmf) = Self.tableLaw(.discreteGaussian, "4", 32)
        var table = t.noiseTable
        // Move 5% of the mass of 0 from 1 to 0: raise the threshold of 0.
        let i0 = -t.minValue
        let p0 = pmf[0]!
        let shift = UInt64(p0 * 0.05 * 4294967296.0)
        let old = UInt64(table.thresholds[i0], radix: 16)!
        let new = String(old + shift, radix: 16)
        table.thresholds[i0] = String(repeating: "0", count: 8 - new.count) + new
        let f = try! FastTableSampler(table: table)
        let law = Law(description: "biased table", pmf: pmf, draw: { f.sample(&$0) })
        #expect(!Self.check(law, n: 200_000, phase: 13).isEmpty)
    }

    // MARK: long versions (INTRS_LONG_TESTS=1, release: >= 1e8 samples per law)

    static let longLaws = ["cks 4", "cks 65025/16", "cks 1/4", "table dg 4 64", "table dg 65025/16 64",
                           "table rg 4 64", "table rg 65025/16 64"]

    @Test("long G-test, symmetry and variance, 1e8 samples per law (alpha = 1e-6)",
          .enabled(if: ProcessInfo.processInfo.environment["INTRS_LONG_TESTS"] == "1"), arguments: longLaws)
    func longRun(_ name: String) {
        let failures = Self.check(Self.law(name), n: 100_000_000, phase: 20)
        #expect(failures.isEmpty, "\(failures)")
    }
}
