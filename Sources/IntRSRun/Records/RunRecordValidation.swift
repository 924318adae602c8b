import Foundation
import IntRSCore
import IntRSExact
import IntRSReference

/// The field checks every reader of run records applies before using a record (`intrs audit` and `intrs merge`
/// both read through ``RunRecordReader``): the documented enumerations and ranges of Vectors/run-record-format.md.
/// A record that fails is a malformed line (an error naming the field and the value), never a trap.
///
/// What is checked here is what a record must satisfy to be read at all: values a later computation could trap
/// on (an example index outside the 32-bit stream ids, counts that overflow when summed, N = 2^63 - 1, a time no
/// TSV can print in microseconds) and configurations that do not determine a sound certificate (an unknown noise, sampler
/// or radius mode; a table sampler without its `tableBits`, so that its total-variation charge cannot be
/// re-derived; the exact sampler for rounded-gaussian noise; tight mode for rounded-gaussian or two-class for
/// discrete-gaussian noise). Whether the record's numbers agree with each other and with the exact reference
/// (counts sum to N, radius = sqrt(n*), the certificate itself) is `intrs audit`'s business
/// (``RecordAudit/check(_:line:notes:cpCache:tightCache:consistencyOnly:)``).
package enum RunRecordValidation {
    /// Largest N and N0: the stream ids are 32-bit (Vectors/stream-spec.md), so one phase has at most 2^32 draws.
    package static let maxSamples = 1 << 32
    /// Largest `time`, seconds (about 31,700 years): the TSV's time column is printed from whole microseconds in a
    /// 64-bit integer (``RunReports/cohenTime(_:)``), which holds up to about 9.2e12 s.
    package static let maxTime = 1e12
    package static let procedures = RunProcedure.allCases.map(\.rawValue)
    package static let noises = NoiseFamily.allCases.map(\.rawValue)
    package static let samplers = SamplerKind.allCases.map(\.rawValue)
    package static let radiusModes = RadiusMode.allCases.map(\.rawValue)
    /// The table sampler's widths (``TableLaw``).
    package static let tableBitsValues = [32, 64, 96, 128]

    /// The first problem of `r` ("field X is V: why"), or nil when the record may be read.
    package static func problem(_ r: RunRecord) -> String? {
        func q(_ s: String) -> String { "\"" + (s.count > 80 ? String(s.prefix(80)) + "..." : s) + "\"" }
        guard procedures.contains(r.procedure) else {
            return "field procedure is \(q(r.procedure)): expected \"certify\" or \"predict\""
        }
        guard r.index >= 0, r.index <= Int(UInt32.max) else {
            return "field index is \(r.index): expected 0 ... 2^32 - 1 (the example is the first word of its 32-bit stream ids)"
        }
        guard r.n >= 1, r.n <= maxSamples else { return "field n is \(r.n): expected 1 ... 2^32 (N draws use 32-bit stream ids)" }
        if let n0 = r.n0, !(1...maxSamples).contains(n0) { return "field n0 is \(n0): expected 1 ... 2^32 (N0 draws use 32-bit stream ids)" }
        guard r.nA >= 0, r.nA <= r.n else { return "field nA is \(r.nA): expected 0 ... n = \(r.n)" }
        if let nB = r.nB, !(0...r.n).contains(nB) { return "field nB is \(nB): expected 0 ... n = \(r.n)" }
        guard !r.counts.isEmpty else { return "field counts is empty: expected one count per class" }
        for (i, c) in r.counts.enumerated() where !(0...r.n).contains(c) {
            return "field counts[\(i)] is \(c): expected 0 ... n = \(r.n)"
        }
        if let sel = r.selectionCounts {
            let n0 = r.n0 ?? 0
            for (i, c) in sel.enumerated() where !(0...max(n0, 0)).contains(c) {
                return "field selectionCounts[\(i)] is \(c): expected 0 ... n0 = \(n0)"
            }
        }
        guard r.dimension >= 1 else { return "field dimension is \(r.dimension): expected >= 1" }
        guard r.certifiedNorm2 >= 0 else { return "field certifiedNorm2 is \(r.certifiedNorm2): expected >= 0" }
        guard r.time.isFinite, r.time >= 0, r.time <= maxTime else {
            return "field time is \(r.time): expected seconds in [0, 1e12] (wall-clock seconds; the TSV prints them in microseconds)"
        }
        guard r.radius.isFinite, r.radiusReal.isFinite else { return "fields radius / radiusReal must be finite" }
        guard noises.contains(r.noise) else {
            return "field noise is \(q(r.noise)): expected \"discrete-gaussian\" or \"rounded-gaussian\" (no other noise law determines a certificate)"
        }
        guard samplers.contains(r.sampler) else {
            return "field sampler is \(q(r.sampler)): expected \"exact\" or \"table\" (an unknown sampler's total-variation charge cannot be re-derived)"
        }
        switch r.sampler {
        case "exact":
            if r.noise != "discrete-gaussian" { return "field sampler is \"exact\" with noise \(q(r.noise)): the exact (CKS) sampler draws discrete-gaussian noise only" }
            if let b = r.tableBits { return "field tableBits is \(b) with sampler \"exact\": only table samplers have table bits" }
        default:
            guard let b = r.tableBits else {
                return "field tableBits is missing with sampler \"table\": the table sampler's total-variation charge (tvBoundPerCoordinate) cannot be re-derived without it"
            }
            guard tableBitsValues.contains(b) else { return "field tableBits is \(b): expected 32, 64, 96 or 128" }
        }
        switch r.procedure {
        case "predict":
            if r.radiusMode != RadiusMode.recordedNone { return "field radiusMode is \(q(r.radiusMode)) in a predict record: expected \"none\"" }
        default:
            guard let mode = RadiusMode(rawValue: r.radiusMode) else {
                return "field radiusMode is \(q(r.radiusMode)): expected \"binary\", \"tight\" or \"two-class\""
            }
            let family = NoiseFamily(rawValue: r.noise)
            if mode == .tight && family.map(mode.isSound(for:)) != true {
                return "field radiusMode is \"tight\" with noise \(q(r.noise)): tight mode is defined for discrete-gaussian noise only"
            }
            if mode == .twoClass && family.map(mode.isSound(for:)) != true {
                return "field radiusMode is \"two-class\" with noise \(q(r.noise)): the two-class closed form is sound for rounded-gaussian noise only (Proofs/theorem-check.md, CF-1)"
            }
        }
        for (name, text) in [("alpha", r.alpha), ("sigma2", r.sigma2), ("gridScale", r.gridScale), ("tvBoundPerCoordinate", r.tvBoundPerCoordinate)] {
            guard let v = try? Rational(parsing: text) else { return "field \(name) is \(q(text)): not an exact rational" }
            if name == "sigma2" {
                do { try Sigma2Domain.check(v) } catch {
                    return "field sigma2 is \(q(text)): outside the domain [1/1024, 65536] grid units^2 of the reference noise laws"
                }
            }
            if name == "tvBoundPerCoordinate" && (v.signum < 0 || v > Rational(1)) { return "field tvBoundPerCoordinate is \(q(text)): expected a total-variation distance in [0, 1]" }
        }
        for s in r.streams where s.count < 0 || s.count > maxSamples { return "field streams: count \(s.count) outside 0 ... 2^32" }
        return nil
    }
}
