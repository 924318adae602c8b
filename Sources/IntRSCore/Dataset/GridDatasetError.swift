import Foundation

/// A dataset file problem: the file, the field (a path such as `examples[3].grid[12]`), the offending
/// value and what is wrong.
public enum GridDatasetError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(file: String, detail: String)
    /// Not JSON, or a field is missing, unknown or of the wrong JSON type.
    case malformed(file: String, field: String, detail: String)
    /// Well-formed JSON that breaks a rule of Vectors/dataset-format.md.
    case invalid(file: String, field: String, value: String, problem: String)

    public var description: String {
        switch self {
        case .unreadable(let f, let d): return "\(f): cannot read dataset file: \(d)"
        case .malformed(let f, let field, let d):
            return field.isEmpty ? "\(f): malformed dataset file: \(d)" : "\(f): malformed dataset file: field \(field): \(d)"
        case .invalid(let f, let field, let v, let p): return "\(f): field \(field) = \(v): \(p)"
        }
    }

    /// The field named by the error ("" when none).
    public var field: String {
        switch self {
        case .unreadable: return ""
        case .malformed(_, let f, _): return f
        case .invalid(_, let f, _, _): return f
        }
    }

    static func path(_ p: [any CodingKey]) -> String {
        var s = ""
        for k in p {
            if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
        }
        return s
    }

    static func describe(_ e: DecodingError) -> (field: String, detail: String) {
        switch e {
        case .typeMismatch(let t, let c): return (path(c.codingPath), "expected \(t)")
        case .valueNotFound(let t, let c): return (path(c.codingPath), "missing \(t) value (null)")
        case .keyNotFound(let k, let c): return (path(c.codingPath + [k]), "missing")
        case .dataCorrupted(let c):
            let under = (c.underlyingError as NSError?).map { " (\($0.localizedDescription))" } ?? ""
            return (path(c.codingPath), c.debugDescription + under)
        @unknown default: return ("", "\(e)")
        }
    }
}
