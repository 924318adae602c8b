import Foundation
import IntRSExact
import IntRSReference

/// `radius-closed-form`: enclosures of R = sigma PhiInv(pA) and R = sigma/2 (PhiInv(pA) - PhiInv(pB)) in grid units.
public enum RadiusClosedFormSuite: VectorSuite {
    public static let name = "radius-closed-form"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var sigma2: String
        public var pA: String
        public var pB: String?
        /// Enclosure bits requested (each factor enclosed to about 2^-bits).
        public var bits: Int
        /// The radius enclosure (grid units); nil for invalid inputs.
        public var radius: Interval?
        public var radiusDecimal: String?
        /// Why an invalid input is rejected.
        public var error: String?
    }

    public static func generate() throws -> Data {
        var id = 0
        func next() -> Int { id += 1; return id }
        let s2s = ["1/4", "1", "2", "4", "16", "65025/16"]
        let pAs = ["0.51", "0.6", "0.7", "0.9", "0.99", "0.999", "0.99999"]
        var binary: [Case] = [], two: [Case] = [], invalid: [Case] = []
        for s in s2s { for a in pAs {
            let r = ClosedFormRadius.radius(sigma2: CertVectors.q(s), pA: CertVectors.q(a), pB: nil, bits: 64)
            binary.append(Case(id: next(), result: .valid, sigma2: s, pA: a, pB: nil, bits: 64, radius: r, radiusDecimal: decimalText(r)))
        } }
        for s in ["1", "9/4", "4"] { for (a, b) in [("0.7", "0.07"), ("0.6", "0.3"), ("0.9", "0.05"), ("0.99", "0.001")] {
            let r = ClosedFormRadius.radius(sigma2: CertVectors.q(s), pA: CertVectors.q(a), pB: CertVectors.q(b), bits: 64)
            two.append(Case(id: next(), result: .valid, sigma2: s, pA: a, pB: b, bits: 64, radius: r, radiusDecimal: decimalText(r)))
        } }
        for (s, a, b, e) in [("1", "0", nil, "pA must lie strictly between 0 and 1"), ("1", "1", nil, "pA must lie strictly between 0 and 1"),
                             ("1", "0.3", "0.4", "pA must be greater than pB"), ("0", "0.7", nil, "sigma2 must be > 0"),
                             ("1", "1.2", nil, "a probability must lie in [0, 1]")] as [(String, String, String?, String)] {
            invalid.append(Case(id: next(), result: .invalid, sigma2: s, pA: a, pB: b, bits: 64, radius: nil, radiusDecimal: nil, error: e))
        }
        let file = VectorFile<NoParameters, Case>(
            suite: name, version: version,
            description: "Closed-form radii enclosed with dyadic endpoints, grid units (sigma = sqrt(sigma2)). Binary: R = sigma PhiInv(pA); two-class: R = sigma/2 (PhiInv(pA) - PhiInv(pB)). Another implementation must produce an enclosure that intersects this one.",
            seed: nil, sources: CertVectors.sources,
            groups: [VectorGroup(description: "binary form", parameters: NoParameters(), cases: binary),
                     VectorGroup(description: "two-class form", parameters: NoParameters(), cases: two),
                     VectorGroup(description: "invalid inputs (must be rejected)", parameters: NoParameters(), cases: invalid)])
        return try CertVectors.encode(file)
    }
}
