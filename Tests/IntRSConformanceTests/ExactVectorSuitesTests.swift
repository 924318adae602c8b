import Foundation
import Testing
import IntRSConformance
import IntRSCore
import IntRSExact

/// The clopper-pearson and enclosures suites regenerate byte for byte, conform, and a tampered
/// value is reported with its case id.
@Suite struct ExactVectorSuitesTests {
    static func checkedIn(_ fileName: String) throws -> Data {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Vectors").appendingPathComponent(fileName)
        return try Data(contentsOf: url)
    }

    @Test("clopper-pearson and enclosures: deterministic and conforming",
          arguments: [ClopperPearsonSuite.name, EnclosuresSuite.name])
    func suite(_ name: String) throws {
        let s = VectorSuites.all.first { $0.name == name }!
        let a = try s.generate()
        #expect(a == (try Self.checkedIn(s.fileName)), "\(s.fileName) is stale: run intrs vectors generate")
        #expect(try s.conform(a) == [])
        #expect(a.count < 200_000)
    }

    @Test("a bound one grid step too high (unsound) or too low (not tight) is reported with its case id")
    func tamperedBound() throws {
        let data = try ClopperPearsonSuite.generate()
        let f = try VectorFile<NoParameters, ClopperPearsonSuite.Case>.decode(data, file: "x")
        // The n = 100,000, k = 99,000 case (certification size) and a small exact case.
        for c in f.allCases.map(\.case) where (c.trials == 100_000 && c.successes == 99_000) || (c.trials == 10 && c.successes == 5 && c.alpha == "0.05") {
            let b = Rational(c.bound!)!
            // Direct check of the property on moved bounds.
            for delta in [1, -1] {
                var moved = c
                moved.bound = (b + Rational(delta).timesPowerOfTwo(-c.bits)).description
                let file = VectorFile<NoParameters, ClopperPearsonSuite.Case>(
                    suite: ClopperPearsonSuite.name, version: 1, description: "tampered", seed: nil,
                    groups: [VectorGroup(description: "one", parameters: NoParameters(), cases: [moved])])
                let problems = try ClopperPearsonSuite.conform(try CanonicalJSON.encode(file))
                #expect(problems.count == 1 && problems[0].contains("case \(c.id)"), "\(problems)")
                #expect(problems.first?.contains(delta > 0 ? "unsound" : "not tight") == true, "\(problems)")
            }
        }
    }

    @Test("an enclosure that misses the value is reported with its case id")
    func tamperedEnclosure() throws {
        let data = try EnclosuresSuite.generate()
        let f = try VectorFile<NoParameters, EnclosuresSuite.Case>.decode(data, file: "x")
        for c in f.allCases.map(\.case) where c.result == .valid && ["1", "-10"].contains(c.x) && c.bits == 64 {
            var moved = c
            let e = c.enclosure!
            let shift = e.width * 2 + Rational(1).timesPowerOfTwo(-80) * (e.lo.magnitude + e.hi.magnitude + 1)
            moved.enclosure = Interval(lo: e.lo + shift, hi: e.hi + shift).roundedOutward(bits: 1200)
            let file = VectorFile<NoParameters, EnclosuresSuite.Case>(
                suite: EnclosuresSuite.name, version: 1, description: "tampered", seed: nil,
                groups: [VectorGroup(description: "one", parameters: NoParameters(), cases: [moved])])
            let problems = try EnclosuresSuite.conform(try CanonicalJSON.encode(file))
            #expect(problems.count == 1 && problems[0].contains("case \(c.id)"), "\(c.function)(\(c.x)): \(problems)")
        }
    }
}
