/// How user-supplied values appear in error messages: a value can be a 1000-digit number (`--sigma2 1e1000`
/// becomes an exact integer), and printing it in full buries the message. Long runs of digits are shortened
/// to their first and last digits with the count of digits left out; nothing else changes.
public enum PrintedValue {
    /// Runs of more than this many decimal digits are abbreviated. Large enough for every exact value a
    /// message legitimately shows in full (a 64-hex-digit seed, a 2^-128 total-variation bound: 39 digits).
    public static let maxDigits = 100

    /// `text` with every run of more than `maxDigits` decimal digits shortened to its first 20 and last 8
    /// digits around "...(N digits)...", e.g. "10000000000000000000...(961 digits)...00000000".
    public static func abbreviatingLongNumbers(in text: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            if run.count > maxDigits {
                out += run.prefix(20) + "...(\(run.count - 28) digits)..." + run.suffix(8)
            } else {
                out += run
            }
            run = ""
        }
        for ch in text {
            if ch.isASCII && ch.isNumber { run.append(ch) } else { flush(); out.append(ch) }
        }
        flush()
        return out
    }

    /// A value's text for a message (`abbreviatingLongNumbers`, and any text over 200 characters cut to
    /// its first 160 and last 20 characters).
    public static func abbreviated(_ value: String) -> String {
        let s = abbreviatingLongNumbers(in: value)
        guard s.count > 200 else { return s }
        return s.prefix(160) + "...(\(s.count - 180) characters)..." + s.suffix(20)
    }
}
