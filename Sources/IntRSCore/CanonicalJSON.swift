import Foundation

/// The one JSON encoding used for everything IntRS writes (vectors, tables, models, run records):
/// UTF-8, keys sorted, two-space pretty printing, slashes unescaped, a trailing newline.
/// Exact numbers never travel as JSON numbers: rationals and big integers are strings.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                                    : [.sortedKeys, .withoutEscapingSlashes]
        var d = try e.encode(value)
        if pretty { d.append(0x0A) }
        return d
    }

    /// One-line form (for JSON Lines output).
    public static func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encode(value, pretty: false), as: UTF8.self)
    }
}
