import Foundation
import IntRSCore
import IntRSExact

/// `enclosures` (v1): rigorous enclosures of exp, log, sqrt, Phi and PhiInv (Proofs: ENC-1).
///
/// Each valid case gives (function, x, bits) and an enclosure {"lo", "hi"} with dyadic endpoints.
/// Another implementation must produce an enclosure that intersects it (it need not reproduce the
/// endpoints). `conform` re-checks each case: dyadic endpoints, the documented width target, overlap
/// with a fresh enclosure at 32 more bits, and an inverse identity (log(e) contains x for exp,
/// exp(e) contains x for log, e^2 contains x for sqrt, Phi(e) contains p for phi-inverse, and
/// PhiInv(e) contains x for phi when the enclosure is inside (0, 1)). Invalid cases must be rejected.
public enum EnclosuresSuite: VectorSuite {
    public static let name = "enclosures"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        /// exp | log | sqrt | phi | phi-inverse
        public var function: String
        /// The argument, exact "p/q" (or integer).
        public var x: String
        public var bits: Int
        /// The enclosure [lo, hi] of f(x), dyadic endpoints; nil for invalid cases.
        public var enclosure: Interval?
        /// lo and hi rounded for people (display only).
        public var decimal: String?
        public var error: String?
    }

    static let arguments: [(EnclosureFunction, [String])] = [
        (.exp, ["1", "-1", "1/3", "-800", "100", "-7/2", "1e-9"]),
        (.log, ["2", "1/1000", "10", "123456789/1000", "1"]),
        (.sqrt, ["2", "9/4", "1/3", "65025/16", "0"]),
        (.phi, ["0", "1", "-1", "-3", "-10", "-40", "2.5", "5", "-1/3"]),
        (.phiInverse, ["0.975", "0.5", "1e-6", "0.999", "1e-300", "0.01"]),
    ]

    public static func generate() throws -> Data {
        var id = 0
        func next() -> Int { id += 1; return id }
        var groups: [VectorGroup<NoParameters, Case>] = []
        for (f, xs) in arguments {
            var cases: [Case] = []
            for xt in xs {
                let x = Rational(xt)!
                for bits in [64, 128] {
                    let e = try f.enclose(x, bits: bits)
                    cases.append(Case(id: next(), result: .valid, function: f.rawValue, x: x.description, bits: bits,
                                      enclosure: e, decimal: "[\(render(e.lo)), \(render(e.hi))]", error: nil))
                }
            }
            groups.append(VectorGroup(description: "\(f.rawValue)", parameters: NoParameters(), cases: cases))
        }
        var invalid: [Case] = []
        for (f, xt) in [(EnclosureFunction.log, "0"), (.log, "-1"), (.sqrt, "-1/4"), (.phiInverse, "0"), (.phiInverse, "1"),
                        (.phiInverse, "3/2"), (.exp, "33554432")] {
            let x = Rational(xt)!
            invalid.append(Case(id: next(), result: .invalid, function: f.rawValue, x: x.description, bits: 64,
                                enclosure: nil, decimal: nil, error: f.domainError(at: x)!))
        }
        groups.append(VectorGroup(description: "arguments outside the domain (must be rejected)", parameters: NoParameters(), cases: invalid))
        let file = VectorFile<NoParameters, Case>(
            suite: name, version: version,
            description: "Rigorous enclosures [lo, hi] (dyadic endpoints, lo <= f(x) <= hi) of exp, log, sqrt, the standard normal CDF phi and its inverse phi-inverse at exact rational x. Width <= 2^-bits, except: exp is relative (hi - lo <= 2^-bits e^x) for x <= 0 and x > 64; phi is relative (<= 2^-bits max(Phi(x), 2^-2048)) for x < 0. Another implementation must produce an intersecting enclosure.",
            seed: nil,
            sources: ["Proofs/ENC-1.md of this repository (method and error analysis)"],
            groups: groups)
        return try CanonicalJSON.encode(file)
    }

    static func render(_ q: Rational) -> String {
        if !q.isZero && q.magnitude < Rational(1, 1000) { return q.scientificString(significant: 17) }
        return q.decimalString(digits: 30)
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try VectorFile<NoParameters, Case>.decode(data, file: fileName)
        var problems: [String] = []
        for (_, c) in f.allCases {
            guard let fn = EnclosureFunction(rawValue: c.function) else { problems.append("case \(c.id): unknown function \"\(c.function)\""); continue }
            guard let x = Rational(c.x) else { problems.append("case \(c.id): x \"\(c.x)\" is not a rational"); continue }
            if c.result == .invalid {
                if fn.domainError(at: x) == nil { problems.append("case \(c.id): invalid argument was accepted") }
                continue
            }
            guard let e = c.enclosure else { problems.append("case \(c.id): missing enclosure"); continue }
            if let p = check(fn, x, c.bits, e) { problems.append("case \(c.id): \(fn.rawValue)(\(x)): \(p)") }
        }
        return problems
    }

    /// nil when the enclosure passes every re-check.
    static func check(_ fn: EnclosureFunction, _ x: Rational, _ bits: Int, _ e: Interval) -> String? {
        if !(e.lo.isDyadic && e.hi.isDyadic) { return "endpoints are not dyadic" }
        if e.width > fn.widthTarget(at: x, bits: bits, enclosure: e) { return "wider than the documented target" }
        guard let fresh = try? fn.enclose(x, bits: bits + 32) else { return "the argument is rejected" }
        if fresh.intersection(e) == nil { return "disjoint from a fresh enclosure at \(bits + 32) bits \(fresh)" }
        let b = bits + 16
        switch fn {
        case .exp:
            if e.lo.signum > 0, !Enclosure.log(e, bits: b).contains(x) { return "log of the enclosure misses x" }
        case .log:
            if x.magnitude <= 1_000_000, !Enclosure.exp(e, bits: b).contains(x) { return "exp of the enclosure misses x" }
        case .sqrt:
            if !(e * e).contains(x) { return "the square of the enclosure misses x" }
        case .phiInverse:
            if !Enclosure.phi(e, bits: b).contains(x) { return "Phi of the enclosure misses p" }
        case .phi:
            if e.lo.signum > 0, e.hi < 1, !Enclosure.phiInverse(e, bits: b).contains(x) { return "PhiInv of the enclosure misses x" }
        }
        return nil
    }
}
