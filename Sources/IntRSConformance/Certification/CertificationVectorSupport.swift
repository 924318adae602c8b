import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

/// Shared pieces of the certification vector suites.
enum CertVectors {
    static let sources = [
        "Cohen, Rosenfeld, Kolter, 'Certified Adversarial Robustness via Randomized Smoothing', ICML 2019 (closed-form radii, CERTIFY)",
        "Proofs/neyman-pearson.md (NP-1..NP-4) and Proofs/certificate-tables.md (ENUM-1, TAB-1, TAB-2) of this repository",
    ]
    static func q(_ s: String) -> Rational { Rational(s)! }
    static func noise(_ name: String, _ s2: Rational) throws -> CertificationNoise {
        try CertificationNoise.family(NoiseFamily(rawValue: name)!, sigma2: s2)
    }
    static func encode<T: Encodable>(_ v: T) throws -> Data { try CanonicalJSON.encode(v) }
}

/// A decimal rendering of an enclosure, for people reading the vectors.
func decimalText(_ x: Interval, digits: Int = 12) -> String {
    x.lo == x.hi ? x.lo.decimalString(digits: digits) : "[\(x.lo.decimalString(digits: digits)), \(x.hi.decimalString(digits: digits))]"
}
