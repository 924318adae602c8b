import Testing
import IntRSCore
import IntRSRuntime

@Suite struct CertificateLookupTests {
    static func table(_ steps: [(Int, Int)], n: Int) -> CertificateTable {
        CertificateTable(configuration: CertificateConfiguration(noise: "discrete-gaussian", sigma2: "1", sampler: "exact", eta: "0",
                                                                 samplerBits: nil, dimension: 1, estimationSamples: n, alpha: "1/1000",
                                                                 form: "binary", mode: "tight"),
                         steps: steps.map { CertificateStep(minCount: $0.0, norm2Bound: $0.1) }, basis: "test", generator: "test")
    }

    @Test("binary-search lookup equals a linear scan of the steps (random tables, seed 0x5eed)")
    func lookupMatchesLinearScan() {
        var rng = CertLookupRNG(seed: 0x5eed)
        for trial in 0 ..< 200 {
            let n = 1 + Int(rng.next() % 300)
            var steps: [(Int, Int)] = []
            var k = Int(rng.next() % 50), norm = 1
            while k <= n && steps.count < 40 {
                steps.append((k, norm))
                k += 1 + Int(rng.next() % 20); norm += 1 + Int(rng.next() % 5)
            }
            let t = Self.table(steps, n: n)
            #expect(t.problems().isEmpty)
            for nA in 0 ... n {
                let linear = steps.last(where: { $0.0 <= nA })?.1
                #expect(t.certifiedNorm2Bound(nA: nA) == linear, "trial \(trial) nA \(nA)")
            }
        }
    }

    @Test("malformed tables are reported with the field")
    func problems() {
        let t = Self.table([(5, 3), (4, 4)], n: 10)
        #expect(t.problems().contains { $0.contains("steps[1]") })
        let u = Self.table([(11, 1)], n: 10)
        #expect(u.problems().contains { $0.contains("steps[0].minCount") })
    }
}

/// CertLookupRNG64, a tiny deterministic generator for property tests.
struct CertLookupRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
