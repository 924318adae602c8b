import Testing
import IntRSCore
import IntRSExact
import IntRSReference

@Suite struct NoiseLawTests {
    static func r(_ s: String) -> Rational { Rational(s)! }
    static func dec(_ s: String) -> Rational { try! Rational(parsing: s) }

    @Test("discrete Gaussian masses: enclosures contain a total of 1, symmetric, tail <= 2^-bits")
    func masses() throws {
        for s in ["1/100", "1", "4", "65025/16"] {
            let law = try DiscreteGaussianLaw(sigma2: Self.r(s)).enclosed(bits: 40)
            var lo = Rational(0), hi = law.tailMass
            for m in law.masses { lo += m.lo; hi += m.hi }
            #expect(lo <= Rational(1) && Rational(1) <= hi, "sigma2 \(s)")
            #expect(hi - lo < Rational(1, 1 << 30), "sigma2 \(s): total width \(hi - lo)")
            #expect(law.tailMass <= Rational(1).timesPowerOfTwo(-40) * Rational(2))
            #expect(law.mass(at: 1) == law.mass(at: -1))
            #expect(law.support.lowerBound == -(law.support.upperBound - 1))
        }
    }

    @Test("N_Z(0, 1): P[0] = 1 / theta, with theta = sum exp(-k^2/2) = 2.50662827463100... (sqrt(2 pi) + 2 sqrt(2 pi) e^{-2 pi^2} + ...)")
    func knownValue() throws {
        let law = try DiscreteGaussianLaw(sigma2: Rational(1)).enclosed(bits: 50)
        // 1/sqrt(2 pi) = 0.3989422804014327; the discrete value is lower by about 2 e^{-2 pi^2}/sqrt(2pi) = 2.1e-9.
        let p0 = law.mass(at: 0)
        #expect(p0.lo > Self.dec("0.398942278") && p0.hi < Self.dec("0.398942280"), "P[0] = \(p0.lo.decimalString(digits: 15))")
    }

    @Test("variance enclosure: below sigma2 (CKS 2020, Corollary on Var < sigma2) and close to it for sigma >= 1")
    func variance() throws {
        for s in ["1", "4", "100", "65025/16"] {
            let v = try DiscreteGaussianLaw(sigma2: Self.r(s)).variance(bits: 40)
            #expect(v.hi < Self.r(s) || v.contains(Self.r(s)), "sigma2 \(s): \(v)")
            #expect(v.lo > Self.r(s) - Rational(1, 1000), "sigma2 \(s): \(v)")
            #expect(v.width < Rational(1, 1 << 20))
        }
        // Small sigma2: Var = 2 e^{-1/(2 s2)} / Z; for s2 = 1/100, 2 e^{-50} ~ 3.9e-22.
        let v = try DiscreteGaussianLaw(sigma2: Self.r("1/100")).variance(bits: 90)
        #expect(v.lo > Self.dec("3.8e-22") && v.hi < Self.dec("3.9e-22"))
    }

    @Test("table law: exact floors, masses sum to exactly 1, within 2^-b of the ideal masses, TV bound small and rigorous", arguments: ["1/100", "1", "4", "100"])
    func tableLaw(_ s: String) throws {
        for bits in [32, 64] {
            let t = try TableLaw(family: .discreteGaussian, sigma2: Self.r(s), bits: bits)
            let q = t.masses
            #expect(q.reduce(Rational(0), +) == Rational(1))
            #expect(q.allSatisfy { $0.signum >= 0 })
            let law = try DiscreteGaussianLaw(sigma2: Self.r(s))
            let window = law.window(tailBits: bits + 40)
            let ideal = law.cdf(window: window, bits: bits + 40)
            // T_k = floor(2^b F(k)) exactly: F(k) enclosure (much tighter) must sit in [T_k, T_k + 1) / 2^b.
            for (i, tk) in t.thresholds.enumerated() {
                let f = ideal[i + t.minValue + window]
                let scaled = Interval(lo: f.lo.timesPowerOfTwo(bits), hi: f.hi.timesPowerOfTwo(bits))
                #expect(Rational(tk) <= scaled.lo && scaled.hi < Rational(tk + BigInt(1)), "sigma2 \(s) b \(bits) k \(t.minValue + i)")
            }
            let tv = t.totalVariationBound(bits: bits + 24)
            #expect(tv.signum > 0)
            // A rigorous LOWER bound on the true TV from a much tighter ideal enclosure: the bound
            // must lie above it, and not far above (the enclosure slack is ~2^-(b+24) per value).
            let ideal2 = law.enclosed(bits: bits + 48)
            var lower = Rational(0)
            for k in ideal2.support {
                let p = ideal2.mass(at: k)
                let q = (t.minValue...t.maxValue).contains(k) ? t.masses[k - t.minValue] : Rational(0)
                if q < p.lo { lower += p.lo - q } else if q > p.hi { lower += q - p.hi }
            }
            lower = lower / Rational(2)
            #expect(lower <= tv, "TV bound \(tv) below the lower bound \(lower)")
            #expect(tv - lower < Rational(ideal2.masses.count + 4).timesPowerOfTwo(-(bits + 20)), "TV bound loose: \(tv) vs \(lower)")
            #expect(tv < Rational(t.thresholds.count + 2).timesPowerOfTwo(-bits), "TV \(tv.scientificString())")
        }
    }

    @Test("table format round trip and validation errors name the field")
    func tableFormat() throws {
        let t = try TableLaw(family: .discreteGaussian, sigma2: Rational(4), bits: 64)
        let table = t.noiseTable
        let back = try TableLaw(table: table)
        #expect(back.thresholds == t.thresholds && back.minValue == t.minValue)
        var bad = table
        bad.thresholds[3] = "xyz"
        #expect(throws: NoiseError.self) { try bad.validatedWords() }
        bad = table
        bad.thresholds.swapAt(2, 5)
        do { _ = try bad.validatedWords(); Issue.record("unsorted accepted") } catch { #expect(error.description.contains("thresholds[3]")) }
        bad = table
        bad.bits = 48
        #expect(throws: NoiseError.self) { try bad.validatedWords() }
        #expect(throws: NoiseError.self) { try TableLaw(family: .discreteGaussian, sigma2: Rational(4), bits: 40) }
        #expect(throws: NoiseError.self) { try TableLaw(family: .discreteGaussian, sigma2: Rational(0), bits: 64) }
        #expect(table.runtimeMemoryBytes <= NoiseTable.maxMemoryBytes)
    }
}

@Suite struct RoundedGaussianLawTests {
    @Test("rounded Gaussian masses: enclosures total 1, symmetric, match Phi differences; variance near sigma2 + 1/12")
    func masses() throws {
        for s in ["1/100", "1", "4", "65025/16"] {
            let l = try RoundedGaussianLaw(sigma2: Rational(s)!)
            let law = l.enclosed(bits: 40)
            var lo = Rational(0), hi = law.tailMass
            for m in law.masses { lo += m.lo; hi += m.hi }
            #expect(lo <= Rational(1) && Rational(1) <= hi, "sigma2 \(s)")
            #expect(hi - lo < Rational(1, 1 << 28), "sigma2 \(s)")
            #expect(law.mass(at: 1) == law.mass(at: -1))
            // Sheppard: Var(round(N(0, s2))) is close to s2 + 1/12 for s2 >= 1.
            let v = l.variance(bits: 40)
            if Rational(s)! >= Rational(1) {
                let target = Rational(s)! + Rational(1, 12)
                #expect((v.midpoint - target).magnitude < Rational(1, 1000), "sigma2 \(s): variance \(v)")
            }
        }
        // sigma2 = 1: P[0] = 2 Phi(1/2) - 1 = 0.38292492254802624 (float value from erf; display check).
        let p0 = try RoundedGaussianLaw(sigma2: Rational(1)).enclosed(bits: 50).mass(at: 0)
        let a = try Rational(parsing: "0.3829249225480"), b = try Rational(parsing: "0.3829249225481")
        #expect(p0.lo > a && p0.hi < b)
    }

    @Test("rounded-Gaussian table law: exact masses sum to 1 and the TV bound is small", arguments: ["1/4", "4", "65025/16"])
    func table(_ s: String) throws {
        let t = try TableLaw(family: .roundedGaussian, sigma2: Rational(s)!, bits: 64)
        #expect(t.masses.reduce(Rational(0), +) == Rational(1))
        let tv = t.totalVariationBound(bits: 88)
        #expect(tv.signum > 0 && tv < Rational(t.thresholds.count + 2).timesPowerOfTwo(-64))
    }
}
