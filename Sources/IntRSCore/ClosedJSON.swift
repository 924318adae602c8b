import Foundation

/// The shape of a closed JSON object (a format whose schema says `"additionalProperties": false`): the keys
/// it defines and what each holds. JSONDecoder silently ignores unknown keys, so a misspelt key ("bais" for
/// "bias") would be read as absent; every closed format (model files, data sets) checks its parsed JSON
/// against its shape before decoding, with `firstUnknownKey`.
///
/// JSONDecoder also reports a number that does not fit an integer field (1.5, 1e30, 2^63) only as "The given
/// data was not valid JSON", with no field; `firstIntegerProblem` names the field and the value instead.
///
/// Shapes are derived by reflection from a blank instance (`init(reflecting:)`), so a stored property added
/// to a format type is a defined key at once, with no list to keep in step.
public struct ClosedJSONObject: Sendable {
    /// What a key holds.
    public indirect enum Value: Sendable {
        /// A JSON integer (a Swift `Int` field).
        case integer
        /// A closed object.
        case object(ClosedJSONObject)
        /// An array whose elements have this shape.
        case array(Value)
        /// Anything else (strings, doubles, enums): left to the decoder.
        case other
    }

    /// Every key the object defines, with what it holds.
    public var fields: [String: Value]

    public init(fields: [String: Value]) { self.fields = fields }

    /// The shape of a type with synthesized Codable (no custom CodingKeys): one key per stored property of
    /// `blank` (an instance of the type), each with the shape its declared type provides (`ClosedJSONShaped`;
    /// `.other` for types that do not conform). `overrides` replaces or adds keys.
    public init(reflecting blank: Any, overrides: [String: Value] = [:]) {
        var f: [String: Value] = [:]
        for child in Mirror(reflecting: blank).children {
            guard let label = child.label else { continue }
            f[label] = (type(of: child.value) as? any ClosedJSONShaped.Type)?.closedJSONShape ?? .other
        }
        for (k, v) in overrides { f[k] = v }
        self.fields = f
    }

    /// The path of the first key (depth first, keys in sorted order) that the shape does not define, e.g.
    /// `layers[2].bais`, or nil. Values of the wrong JSON type are skipped (the decoder reports them).
    public func firstUnknownKey(in json: Any) -> String? {
        Self.walk(json, .object(self), path: "", integers: false)?.field
    }

    /// The first integer field holding a number that is not an integer or does not fit 64 bits, with the
    /// value as written, e.g. ("layers[0].outputZeroPoint", "1.5", "not an integer"), or nil.
    public func firstIntegerProblem(in json: Any) -> (field: String, value: String, problem: String)? {
        guard let p = Self.walk(json, .object(self), path: "", integers: true) else { return nil }
        return (p.field, p.value, p.problem)
    }

    private static func walk(_ json: Any, _ shape: Value, path: String, integers: Bool) -> (field: String, value: String, problem: String)? {
        switch shape {
        case .other: return nil
        case .integer:
            guard integers, !(json is String), !(json is [Any]), !(json is [String: Any]), !(json is NSNull) else { return nil }
            let text = "\(json)"
            if Int(text) != nil { return nil }
            if let d = Double(text), d.isFinite, d == d.rounded(), Swift.abs(d) < 9.2e18 { return nil }
            let integral = Double(text).map { $0.isFinite && $0 == $0.rounded() } ?? false
            return (path.isEmpty ? "(top level)" : path, text, integral ? "outside the 64-bit integer range" : "not an integer")
        case .array(let element):
            guard let a = json as? [Any] else { return nil }
            for (i, e) in a.enumerated() {
                if let p = walk(e, element, path: path + "[\(i)]", integers: integers) { return p }
            }
            return nil
        case .object(let o):
            guard let d = json as? [String: Any] else { return nil }
            for key in d.keys.sorted() {
                let field = path.isEmpty ? key : path + "." + key
                guard let s = o.fields[key] else {
                    if integers { continue }
                    return (field, "", "unknown field")
                }
                if let p = walk(d[key]!, s, path: field, integers: integers) { return p }
            }
            return nil
        }
    }
}

/// A type whose JSON shape `ClosedJSONObject(reflecting:)` can see through (integers, arrays and optionals
/// of shaped types, and the closed format types).
public protocol ClosedJSONShaped {
    static var closedJSONShape: ClosedJSONObject.Value { get }
}

extension Int: ClosedJSONShaped { public static var closedJSONShape: ClosedJSONObject.Value { .integer } }
extension Optional: ClosedJSONShaped where Wrapped: ClosedJSONShaped {
    public static var closedJSONShape: ClosedJSONObject.Value { Wrapped.closedJSONShape }
}
extension Array: ClosedJSONShaped where Element: ClosedJSONShaped {
    public static var closedJSONShape: ClosedJSONObject.Value { .array(Element.closedJSONShape) }
}

/// Reading JSON text for a closed format, with messages that say what is wrong and where.
public enum ClosedJSONText {
    /// The parsed JSON (JSONSerialization), or a message for people: the parser's own reason with the line
    /// and column ("Invalid value around character 5" -> "... (line 1, column 6)"), or, for a number beyond
    /// the range of a double (1e400), the number and its line.
    public static func parse(_ data: Data) -> Result<Any, ClosedJSONTextError> {
        do { return .success(try JSONSerialization.jsonObject(with: data)) } catch {
            return .failure(ClosedJSONTextError(description: describe(error, data)))
        }
    }

    static func describe(_ error: any Error, _ data: Data) -> String {
        if let (token, line) = firstNonFiniteNumber(data) {
            return "not valid JSON: the number \(PrintedValue.abbreviated(token)) on line \(line) is beyond the range of a double"
        }
        let debug = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
        guard !debug.isEmpty else { return "not valid JSON" }
        var where_ = ""
        if let r = debug.range(of: "character "), let n = Int(debug[r.upperBound...].prefix(while: { $0.isNumber })) {
            let bytes = [UInt8](data.prefix(n))
            let line = bytes.filter { $0 == 10 }.count + 1
            let column = n - (bytes.lastIndex(of: 10).map { $0 + 1 } ?? 0) + 1
            where_ = " (line \(line), column \(column))"
        }
        return "not valid JSON: \(debug.hasSuffix(".") ? String(debug.dropLast()) : debug)\(where_)"
    }

    /// The first number token (outside strings) whose value is not a finite double, with its line.
    static func firstNonFiniteNumber(_ data: Data) -> (String, Int)? {
        var line = 1, inString = false, escaped = false
        var token = ""
        func check() -> (String, Int)? {
            defer { token = "" }
            if !token.isEmpty, let d = Double(token), !d.isFinite { return (token, line) }
            return nil
        }
        for b in data {
            if inString {
                if escaped { escaped = false } else if b == 92 { escaped = true } else if b == 34 { inString = false }
                if b == 10 { line += 1 }
                continue
            }
            switch b {
            case 48...57, 43, 45, 46, 69, 101: token.append(Character(UnicodeScalar(b)))
            default:
                if let r = check() { return r }
                if b == 34 { inString = true }
                if b == 10 { line += 1 }
            }
        }
        return check()
    }
}

/// A JSON text that could not be parsed; `description` says why and where.
public struct ClosedJSONTextError: Error, CustomStringConvertible {
    public var description: String
}
