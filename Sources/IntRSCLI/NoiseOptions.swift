import ArgumentParser
import IntRSCore
import IntRSExact

extension NoiseFamily: ExpressibleByArgument {}

/// Parses --sigma2 exactly; rejects non-positive and malformed values with the option named.
func parseSigma2(_ text: String) throws -> Rational {
    let v: Rational
    do { v = try Rational(parsing: text) } catch {
        throw ValidationError("--sigma2 \"\(text)\": \(error); give the variance in grid units squared as an integer, p/q or exact decimal, e.g. 4 or 65025/16")
    }
    guard v.signum > 0 else { throw ValidationError("--sigma2 \"\(text)\": must be positive (it is the noise variance in grid units squared)") }
    return v
}

/// An enclosure as {"lo": "p/q", "hi": "p/q"} plus decimal renderings for people.
struct EnclosureJSON: Encodable {
    let lo: String, hi: String, loDecimal: String, hiDecimal: String
    init(_ i: Interval) {
        lo = i.lo.description; hi = i.hi.description
        loDecimal = i.lo.scientificString(significant: 12); hiDecimal = i.hi.scientificString(significant: 12)
    }
}

/// Writes a line to standard error.
func printError(_ s: String) {
    var e = StandardErrorStream()
    print(s, to: &e)
}

struct StandardErrorStream: TextOutputStream {
    mutating func write(_ s: String) {
        if let d = s.data(using: .utf8) { FileHandleWrapper.stderrWrite(d) }
    }
}

import Foundation
enum FileHandleWrapper { static func stderrWrite(_ d: Data) { FileHandle.standardError.write(d) } }
