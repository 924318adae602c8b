import Foundation
import IntRSCore
import IntRSExact

/// Adds the decimal rendering for people to every enclosure of an encoded report.
///
/// Reference types encode an ``Interval`` as `{"lo": "p/q", "hi": "p/q"}` (exact, the machine-readable
/// truth). The CLI convention adds `"decimal"` beside them; this walks the encoded JSON and adds it to every
/// object whose keys are exactly `lo` and `hi` with exact-rational strings, leaving everything else as is.
/// Display only: nothing reads the decimals back.
enum JSONEnclosureDecimals {
    static func encode<T: Encodable>(_ value: T, digits: Int = 12) throws -> Data {
        let raw = try CanonicalJSON.encode(value)
        let object = try JSONSerialization.jsonObject(with: raw, options: [.fragmentsAllowed])
        let annotated = annotate(object, digits: digits)
        var out = try JSONSerialization.data(withJSONObject: annotated,
                                             options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        out.append(0x0A)
        return out
    }

    static func annotate(_ object: Any, digits: Int) -> Any {
        if let array = object as? [Any] { return array.map { annotate($0, digits: digits) } }
        guard var dict = object as? [String: Any] else { return object }
        if Set(dict.keys) == ["lo", "hi"], let lo = dict["lo"] as? String, let hi = dict["hi"] as? String,
           let l = try? Rational(parsing: lo), let h = try? Rational(parsing: hi) {
            dict["decimal"] = l == h ? l.decimalString(digits: digits)
                : "[\(l.decimalString(digits: digits)), \(h.decimalString(digits: digits))]"
            return dict
        }
        for (k, v) in dict { dict[k] = annotate(v, digits: digits) }
        return dict
    }
}
