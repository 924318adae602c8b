import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSRuntime

/// Reading and writing noise table files (`intrs-noise-table` v1, Vectors/noise-table-format.md) for
/// `intrs sample --table` and `intrs noise --write-table`.
enum NoiseTableFile {
    /// Reads and fully validates a noise table file. Every error names the option, the file, the field
    /// and the offending value: unreadable file, not JSON, a missing or mistyped field, wrong
    /// format/version/bits, thresholds that are not b/4 lower-case hex digits or that decrease, a
    /// table over 64 KiB, sigma2 that is not a positive "P/Q" in lowest terms, a support outside Int32.
    /// Returns the table and its exact sigma2.
    static func load(_ path: String) throws -> (table: NoiseTable, sigma2: Rational) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("--table \(path): cannot read the file (\(fileReadFailureReason(path: path, error)))")
        }
        let table: NoiseTable
        do { table = try JSONDecoder().decode(NoiseTable.self, from: data) } catch {
            throw ValidationError("--table \(path): not a noise table file: \(describeDecodingErrorForCLI(error)) (format: Vectors/noise-table-format.md)")
        }
        do { _ = try FastTableSampler(table: table) } catch {
            throw ValidationError("--table \(path): \(error)")
        }
        guard let s2 = Rational(table.sigma2), s2.signum > 0 else {
            throw ValidationError("--table \(path): invalid noise table: field sigma2 is \"\(table.sigma2)\"; expected a positive exact \"P/Q\" (grid units squared)")
        }
        guard table.sigma2 == s2.description || table.sigma2 == "\(s2.numerator)/\(s2.denominator)" else {
            throw ValidationError("--table \(path): invalid noise table: field sigma2 is \"\(table.sigma2)\"; write it in lowest terms, \"\(s2.description)\"")
        }
        return (table, s2)
    }

    /// Writes `table` as canonical JSON, atomically (a temporary file renamed into place: a failed
    /// write leaves no partial file).
    static func write(_ table: NoiseTable, to path: String) throws {
        do {
            try CanonicalJSON.encode(table).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ValidationError("--write-table \(path): cannot write the file (\(fileWriteFailureReason(path: path, error)))")
        }
    }
}
