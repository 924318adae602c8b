import Foundation

/// A readable one-line account of a `DecodingError`: the coding path (the field) and what was wrong.
public func describeDecodingError(_ error: any Error) -> String {
    guard let e = error as? DecodingError else { return "\(error)" }
    func path(_ p: [any CodingKey]) -> String {
        p.isEmpty ? "(top level)" : p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch e {
    case .typeMismatch(let t, let c): return "field \(path(c.codingPath)): expected \(t): \(c.debugDescription)"
    case .valueNotFound(let t, let c): return "field \(path(c.codingPath)): missing \(t) value"
    case .keyNotFound(let k, let c): return "field \(path(c.codingPath + [k])): missing"
    case .dataCorrupted(let c): return "field \(path(c.codingPath)): \(c.debugDescription)"
    @unknown default: return "\(error)"
    }
}
