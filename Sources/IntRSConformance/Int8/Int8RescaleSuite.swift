import Foundation
import IntRSCore
import IntRSReference
import IntRSRuntime

/// `int8-rescale` v1: rescale(v; M0, shift) edge cases for both rounding variants, computed by the
/// reference (TOSA apply_scale_32); invalid cases are outside the domain (M0 range, shift range, TOSA
/// precondition). `conform` runs `FastInt8Rescale`.
public enum Int8RescaleSuite: VectorSuite {
    public static let name = "int8-rescale"
    public static let version = 1

    public struct Parameters: Codable, Sendable { public var rounding: String }
    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var comment: String
        /// The int32 accumulator.
        public var value: Int
        public var multiplier: Int
        public var shift: Int
        /// rescale(value) for valid cases.
        public var expected: Int?
        /// For invalid cases: which requirement fails ("multiplier", "shift" or "value").
        public var error: String?
    }
    typealias File = VectorFile<Parameters, Case>

    static func cases(_ rounding: RescaleRounding, startID: Int) -> [Case] {
        var out: [Case] = []
        var id = startID
        let ms: [Int] = [1 << 30, 1_518_500_250, (1 << 31) - 2, (1 << 31) - 1]
        let shifts = [-31, -20, -9, -1, 0, 1, 10, 29]
        for s in shifts {
            let lim = s >= 0 ? (1 << (30 - s)) : (1 << 31)
            var vs = [0, 1, -1, 2, -2, 3, -3, lim - 1, -lim, lim / 2, -lim / 2, lim / 2 + 1, -lim / 2 - 1]
            if s <= 0 {
                // Powers of two at the right-shift boundary, and the int32 edges.
                vs += [1 << min(29, -s), -(1 << min(29, -s)), (1 << min(29, -s)) + 1, -(1 << min(29, -s)) - 1]
                vs += [Int(Int32.min), Int(Int32.min) + 1, Int(Int32.max), Int(Int32.max) - 1, 12345, -12345, 3 << 20, -(3 << 20)]
            }
            for v in Set(vs).sorted() where v >= -lim && v < lim && v >= Int(Int32.min) && v <= Int(Int32.max) {
                for m in ms {
                    let r = ReferenceInt8Rescale.rescale(v, multiplier: Int32(m), shift: Int32(s), rounding: rounding)!
                    out.append(Case(id: id, result: .valid, comment: "", value: v, multiplier: m, shift: s, expected: r, error: nil))
                    id += 1
                }
            }
        }
        // Ties: M0 = 2^30 (multiplier 0.5 * 2^shift), v odd/even so that the exact result is k + 1/2.
        for s in [-1, -2, -5] {
            for v in [-7, -6, -5, -3, -2, -1, 1, 2, 3, 5, 6, 7] {
                let r = ReferenceInt8Rescale.rescale(v, multiplier: 1 << 30, shift: Int32(s), rounding: rounding)!
                out.append(Case(id: id, result: .valid, comment: "tie region", value: v, multiplier: 1 << 30, shift: s, expected: r, error: nil))
                id += 1
            }
        }
        let invalid: [(Int, Int, Int, String, String)] = [
            (5, (1 << 30) - 1, -3, "multiplier", "M0 below 2^30"),
            (5, 1 << 31, -3, "multiplier", "M0 = 2^31"),
            (5, 0, -3, "multiplier", "M0 = 0 (TFLite's tiny-scale convention, not allowed)"),
            (5, 1 << 30, 30, "shift", "shift 30: TOSA shift 1 < 2"),
            (5, 1 << 30, -32, "shift", "shift -32: TOSA shift 63 > 62"),
            (1 << 20, 1 << 30, 10, "value", "v = 2^20 = 2^(30 - shift): left shift would overflow"),
            (-(1 << 20) - 1, 1 << 30, 10, "value", "v = -2^20 - 1"),
            (2, 1 << 30, 29, "value", "shift 29 allows only v in [-2, 2)"),
            (Int(Int32.max) + 1, 1 << 30, 0, "value", "v outside int32"),
        ]
        for (v, m, s, e, c) in invalid {
            precondition(ReferenceInt8Rescale.rescale(v, multiplier: Int32(truncatingIfNeeded: m), shift: Int32(s), rounding: rounding) == nil
                         || e == "multiplier")
            out.append(Case(id: id, result: .invalid, comment: c, value: v, multiplier: m, shift: s, expected: nil, error: e))
            id += 1
        }
        return out
    }

    public static func generate() throws -> Data {
        let d = cases(.double, startID: 1)
        let s = cases(.single, startID: d.count + 1)
        let file = File(suite: name, version: version,
                        description: "Rescale rounding edge cases: rescale(v) = apply_scale_32(v, M0, 31 - shift, double_round) (TOSA RESCALE), for both variants; invalid cases lie outside the domain. See Vectors/model-format.md, Rescale.",
                        seed: nil,
                        sources: ["TOSA specification, RESCALE operator, apply_scale_32 (https://www.mlplatform.org/tosa/tosa_spec.html)",
                                  "gemmlowp fixedpoint.h SaturatingRoundingDoublingHighMul and RoundingDivideByPOT; TFLite MultiplyByQuantizedMultiplier (tensorflow/lite/kernels/internal/common.h)"],
                        groups: [VectorGroup(description: "double rounding (TFLite default, TOSA double_round = true)", parameters: Parameters(rounding: "double"), cases: d),
                                 VectorGroup(description: "single rounding (TFLITE_SINGLE_ROUNDING, TOSA double_round = false)", parameters: Parameters(rounding: "single"), cases: s)])
        return try CanonicalJSON.encode(file)
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try File.decode(data, file: fileName)
        var problems: [String] = []
        for (g, c) in f.allCases {
            guard let rounding = RescaleRounding(rawValue: g.parameters.rounding) else { problems.append("case \(c.id): unknown rounding"); continue }
            let ok = FastInt8Rescale.accepts(Int64(c.value), multiplier: Int64(c.multiplier), shift: Int64(c.shift))
            switch c.result {
            case .invalid:
                if ok { problems.append("case \(c.id): fast runtime accepts an input outside the domain (\(c.error ?? ""))") }
            case .valid:
                guard ok else { problems.append("case \(c.id): fast runtime rejects a valid input"); continue }
                let r = FastInt8Rescale.rescale(Int32(c.value), multiplier: Int32(c.multiplier), shift: Int32(c.shift), rounding: rounding)
                if Int(r) != c.expected { problems.append("case \(c.id): fast rescale \(r) != expected \(c.expected.map { "\($0)" } ?? "nil")") }
            }
        }
        return problems
    }
}
