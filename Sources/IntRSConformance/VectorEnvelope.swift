import Foundation
import IntRSCore

/// Whether a vector's input must be accepted (and produce the expected output) or rejected.
public enum VectorResult: String, Codable, Sendable {
    case valid
    case invalid
}

/// Who made a vector file: the generating command and the IntRS version.
public struct VectorGenerator: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public init(name: String = "intrs vectors generate", version: String = IntRSVersion.string) {
        self.name = name
        self.version = version
    }
}

/// One case of a vector file. Every case has an id unique within its file and a result.
public protocol VectorCase: Codable, Sendable {
    var id: Int { get }
    var result: VectorResult { get }
}

/// A group of cases that share parameters (Wycheproof style).
public struct VectorGroup<Parameters: Codable & Sendable, Case: VectorCase>: Codable, Sendable {
    public var description: String
    public var parameters: Parameters
    public var cases: [Case]
    public init(description: String, parameters: Parameters, cases: [Case]) {
        self.description = description
        self.parameters = parameters
        self.cases = cases
    }
}

/// The envelope every vector file shares. See Vectors/README.md for the conventions.
public struct VectorFile<Parameters: Codable & Sendable, Case: VectorCase>: Codable, Sendable {
    /// Always "intrs-vectors".
    public var format: String
    /// The suite name, e.g. "clopper-pearson".
    public var suite: String
    /// The format version of this suite; part of the file name (`<suite>.v<version>.json`).
    public var version: Int
    /// The JSON Schema file beside this one that describes it.
    public var schema: String
    public var generator: VectorGenerator
    public var description: String
    /// The seed (hex) used to draw any random parameters, or nil if none were drawn.
    public var seed: String?
    /// Citations for facts from outside that the file contains (RFC test vectors, published values).
    public var sources: [String]
    public var numberOfCases: Int
    public var groups: [VectorGroup<Parameters, Case>]

    public init(suite: String, version: Int, description: String, seed: String?, sources: [String] = [],
                groups: [VectorGroup<Parameters, Case>]) {
        self.format = "intrs-vectors"
        self.suite = suite
        self.version = version
        self.schema = "\(suite).v\(version).schema.json"
        self.generator = VectorGenerator()
        self.description = description
        self.seed = seed
        self.sources = sources
        self.numberOfCases = groups.reduce(0) { $0 + $1.cases.count }
        self.groups = groups
    }

    public var fileName: String { "\(suite).v\(version).json" }

    /// Decodes a file and checks the envelope: format tag, unique case ids, the case count.
    public static func decode(_ data: Data, file: String) throws -> Self {
        let f: Self
        do { f = try JSONDecoder().decode(Self.self, from: data) } catch {
            throw VectorError.malformed(file: file, detail: describeDecodingError(error))
        }
        guard f.format == "intrs-vectors" else {
            throw VectorError.malformed(file: file, detail: "field format is \"\(f.format)\", expected \"intrs-vectors\"")
        }
        var seen = Set<Int>()
        for g in f.groups { for c in g.cases where !seen.insert(c.id).inserted {
            throw VectorError.malformed(file: file, detail: "duplicate case id \(c.id)")
        } }
        guard seen.count == f.numberOfCases else {
            throw VectorError.malformed(file: file, detail: "field numberOfCases is \(f.numberOfCases) but the file has \(seen.count) cases")
        }
        return f
    }

    /// All cases with their group, in file order.
    public var allCases: [(group: VectorGroup<Parameters, Case>, case: Case)] {
        groups.flatMap { g in g.cases.map { (g, $0) } }
    }
}

/// No group parameters.
public struct NoParameters: Codable, Sendable, Equatable { public init() {} }

public enum VectorError: Error, CustomStringConvertible {
    case malformed(file: String, detail: String)
    case mismatch(file: String, caseID: Int?, detail: String)
    case missing(file: String)

    public var description: String {
        switch self {
        case .malformed(let f, let d): return "\(f): malformed vector file: \(d)"
        case .mismatch(let f, let id, let d):
            return "\(f): " + (id.map { "case \($0): " } ?? "") + d
        case .missing(let f): return "\(f): missing (run `intrs vectors generate`)"
        }
    }
}

