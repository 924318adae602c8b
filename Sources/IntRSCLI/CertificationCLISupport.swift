import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

/// An enclosure for JSON: exact endpoints as "p/q" strings plus a decimal rendering for people.
struct CertEnclosureJSON: Codable {
    var lo: String
    var hi: String
    var decimal: String
    init(_ x: Interval, digits: Int = 12) {
        lo = x.lo.description; hi = x.hi.description
        decimal = x.lo == x.hi ? x.lo.decimalString(digits: digits) : "[\(x.lo.decimalString(digits: digits)), \(x.hi.decimalString(digits: digits))]"
    }
}

/// Exact parsing of CLI numbers with errors naming the option.
enum CertArgs {
    static func rational(_ text: String, option: String) throws -> Rational {
        do { return try Rational(parsing: text) } catch {
            throw ValidationError("\(option) \"\(text)\": \(error)")
        }
    }
    static func probability(_ text: String, option: String, open: Bool = true) throws -> Rational {
        let p = try rational(text, option: option)
        if open && (p.signum <= 0 || p >= 1) {
            throw ValidationError("\(option) \"\(text)\": must lie strictly between 0 and 1 (PhiInv is infinite at 0 and 1)")
        }
        if p.signum < 0 || p > 1 { throw ValidationError("\(option) \"\(text)\": a probability must lie in [0, 1]") }
        return p
    }
    static func sigma2(_ text: String) throws -> Rational {
        let s = try rational(text, option: "--sigma2")
        if s.signum <= 0 { throw ValidationError("--sigma2 \"\(text)\": must be > 0 (grid units squared)") }
        // The reference laws' domain, checked here so that a usage error exits 64 before any output.
        do { try Sigma2Domain.check(s) } catch { throw ValidationError("\(error)") }
        return s
    }
    static func delta(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var out: [Int] = []
        for p in parts {
            guard let v = Int(p) ?? (BigInt(p).map { _ in Int.max }) else {
                throw ValidationError("--delta \"\(text)\": entry \"\(p)\" is not an integer (grid steps, |entry| <= 10^6)")
            }
            guard abs(v) <= 1_000_000 else {
                throw ValidationError("--delta \"\(text)\": entry \"\(p)\" is out of range (grid steps, |entry| <= 10^6)")
            }
            out.append(v)
        }
        if out.allSatisfy({ $0 == 0 }) { throw ValidationError("--delta \"\(text)\": the zero shift needs no certificate") }
        return out
    }
    /// Fails early (before any computation) when `path` cannot be written: its directory is missing, is not a
    /// directory or is not writable, or `path` itself is a directory. The write itself still reports its own errors.
    static func checkWritable(_ path: String, option: String) throws {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw ValidationError("\(option) \(path): is a directory (nothing was computed)")
        }
        guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(option) \(path): the directory \(dir) does not exist (nothing was computed)")
        }
        guard fm.isWritableFile(atPath: dir) else {
            throw ValidationError("\(option) \(path): the directory \(dir) is not writable (nothing was computed)")
        }
    }
    static func printJSON<T: Encodable>(_ value: T) throws {
        FileHandle.standardOutput.write(try CanonicalJSON.encode(value))
    }
}
