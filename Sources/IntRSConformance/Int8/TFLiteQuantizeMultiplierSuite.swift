import Foundation
import IntRSCore
import IntRSReference

/// `tflite-quantize-multiplier` v1: TFLite's QuantizeMultiplier, the conversion of a real multiplier (a double)
/// into (M0, shift) that every imported `.tflite` multiplier goes through (Proofs/int8-rescale.md, "Importing
/// TFLite multipliers"). Expected values from the integer reference `ReferenceTFLiteQuantizeMultiplier`; `conform`
/// runs the importer's `TFLiteQuantizeMultiplier.quantize` and, for the cases derived from stored float32 scales,
/// the importer's per-op formula for the double.
public enum TFLiteQuantizeMultiplierSuite: VectorSuite {
    public static let name = "tflite-quantize-multiplier"
    public static let version = 1

    public struct Case: VectorCase {
        public var id: Int
        public var result: VectorResult
        public var comment: String
        /// The real multiplier: the IEEE-754 bits of the double, 16 hex digits (the input), and its shortest
        /// decimal form (for people).
        public var realBits: String
        public var real: String
        /// For a multiplier derived from stored float32 scales: the op whose formula gives the double
        /// (conv: S_in * S_w / S_out in double; mul: S_a * S_b / S_out in float32, then widened; mean: S_in / S_out in
        /// double; addInput: S_k / (2 max(S_a, S_b)); addOutput: 2 max(S_a, S_b) / (2^20 S_out)), and the float32
        /// scales' bits (8 hex digits each) in the formula's order.
        public var derivation: String?
        public var float32Scales: [String]?
        /// TFLite's result.
        public var multiplier: Int
        public var shift: Int
        /// Whether IntRS accepts the pair in a model (M0 in [2^30, 2^31) and shift in [-31, 29]); the importer
        /// refuses the operator otherwise.
        public var representable: Bool
    }
    typealias File = VectorFile<NoParameters, Case>

    static func hex64(_ x: Double) -> String { String(x.bitPattern, radix: 16).leftPadded(16) }
    static func hex32(_ x: Float) -> String { String(x.bitPattern, radix: 16).leftPadded(8) }

    /// The double an op's formula gives from float32 scales (the importer's formulas, TFLiteImporter).
    static func derive(_ op: String, _ s: [Float]) -> Double? {
        switch (op, s.count) {
        case ("conv", 3): return Double(s[0]) * Double(s[1]) / Double(s[2])
        case ("mul", 3): return Double(s[0] * s[1] / s[2])
        case ("mean", 2): return Double(s[0]) / Double(s[1])
        case ("addInput", 3): return Double(s[0]) / (2 * Double(max(s[1], s[2])))
        case ("addOutput", 3): return 2 * Double(max(s[0], s[1])) / (Double(1 << 20) * Double(s[2]))
        default: return nil
        }
    }

    public static func generate() throws -> Data {
        var id = 1
        func make(_ x: Double, _ comment: String, derivation: String? = nil, scales: [Float]? = nil) -> Case {
            let (m, s) = ReferenceTFLiteQuantizeMultiplier.quantize(bits: x.bitPattern)!
            defer { id += 1 }
            return Case(id: id, result: .valid, comment: comment, realBits: hex64(x), real: "\(x)", derivation: derivation,
                        float32Scales: scales.map { $0.map(hex32) }, multiplier: m, shift: s,
                        representable: Int8Model.multiplierRange.contains(m) && Int8Model.shiftRange.contains(s))
        }
        // Worked by hand (Proofs/int8-rescale.md, the table under "Importing TFLite multipliers").
        let worked: [(Double, String)] = [
            (1.0, "frexp(1) = 0.5 * 2^1"), (0.5, ""), (0.75, "0.75 * 2^31"),
            (0.5 + 0x1p-32, "q * 2^31 = 2^30 + 1/2: ties away from zero"), (0.5 + 0x1p-33, "2^30 + 1/4 rounds down"),
            (1 - 0x1p-40, "rounds to 2^31: carried into the next binade"), (0x1p-32, "the smallest shift IntRS accepts"),
            (0x1p-33, "shift -32: TFLite flushes to (0, 0); the importer refuses"), (3.0, ""), (0.0011, ""),
        ]
        let g1 = worked.map { make($0.0, $0.1) }
        // Edges: powers of two across the whole exponent range, carries and ties in several binades, the largest
        // shift IntRS accepts and beyond, subnormal and huge doubles.
        var g2: [Case] = []
        for e in stride(from: -40, through: 40, by: 1) { g2.append(make(Double(sign: .plus, exponent: e, significand: 1), "2^\(e)")) }
        for e in [-31, -20, -1, 0, 5, 28, 29] {
            let b = Double(sign: .plus, exponent: e, significand: 1)
            g2.append(make(b * (1 + 0x1p-31), "2^\(e) (1 + 2^-31): a tie, rounds up"))
            g2.append(make(b * (1 + 0x1p-31).nextDown, "just below that tie"))
            g2.append(make(b * (2 - 0x1p-32), "2^\(e) (2 - 2^-32): a tie at the top, carries"))
            g2.append(make(b * (2 - 0x1p-32).nextDown, "just below: no carry"))
        }
        g2 += [make(.leastNonzeroMagnitude, "the least subnormal"), make(.leastNormalMagnitude, "the least normal"),
               make(.greatestFiniteMagnitude, "the greatest double (shift 1024; IntRS refuses)")]
        // Derived from stored float32 scales, as the importer derives them (TFLiteImporter).
        var r = Int8SplitMix64(seed: 0x1A78_0017)
        func scale() -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: 0x3800_0000 + r.int(0...0x0800_0000))) } // about [2^-15, 2^1)
        var g3: [Case] = []
        for op in ["conv", "mul", "mean", "addInput", "addOutput"] {
            for _ in 0..<12 {
                let s = op == "mean" ? [scale(), scale()] : [scale(), scale(), scale()]
                g3.append(make(derive(op, s)!, op, derivation: op, scales: s))
            }
        }
        // MUL in float32 differs from the same formula in double: a case where the two doubles differ.
        var found = 0
        while found < 4 {
            let s = [scale(), scale(), scale()]
            let f = derive("mul", s)!, d = Double(s[0]) * Double(s[1]) / Double(s[2])
            if let a = ReferenceTFLiteQuantizeMultiplier.quantize(bits: f.bitPattern), let b = ReferenceTFLiteQuantizeMultiplier.quantize(bits: d.bitPattern), a != b {
                g3.append(make(f, "mul: float32 arithmetic gives another (M0, shift) than double arithmetic would (M0 \(b.multiplier))", derivation: "mul", scales: s))
                found += 1
            }
        }
        // Random doubles in [2^-34, 2^34).
        var g4: [Case] = []
        for _ in 0..<60 {
            let x = Double(sign: .plus, exponent: r.int(-34...33), significand: 1 + Double(r.next() >> 11) * 0x1p-53)
            g4.append(make(x, "random"))
        }
        let file = File(suite: name, version: version,
                        description: "TFLite's QuantizeMultiplier: a real multiplier (the double, given by its IEEE-754 bits) as (M0, shift) with real ~= M0 * 2^(shift - 31); representable says whether IntRS accepts the pair. Cases derived from stored float32 scales give the op's formula. See Proofs/int8-rescale.md, Importing TFLite multipliers.",
                        seed: "1a780017",
                        sources: ["google-ai-edge/LiteRT, tflite/kernels/internal/quantization_util.cc, QuantizeMultiplier (default double-rounding build): frexp, q_fixed = TfLiteRound(q * 2^31), q_fixed == 2^31 -> (2^30, shift + 1), shift < -31 -> (0, 0)",
                                  "google-ai-edge/LiteRT, tflite/kernels/conv.cc, mul.cc, add.cc, reduce.cc: the real multipliers each op forms from its float32 scales"],
                        groups: [VectorGroup(description: "worked by hand (Proofs/int8-rescale.md)", parameters: NoParameters(), cases: g1),
                                 VectorGroup(description: "edges: powers of two, ties, carries, subnormal and huge doubles", parameters: NoParameters(), cases: g2),
                                 VectorGroup(description: "derived from float32 scales by the importer's per-op formula", parameters: NoParameters(), cases: g3),
                                 VectorGroup(description: "random doubles in [2^-34, 2^34)", parameters: NoParameters(), cases: g4)])
        return try CanonicalJSON.encode(file)
    }

    public static func conform(_ data: Data) throws -> [String] {
        let f = try File.decode(data, file: fileName)
        var problems: [String] = []
        for (_, c) in f.allCases {
            guard let bits = UInt64(c.realBits, radix: 16) else { problems.append("case \(c.id): field realBits = \(c.realBits) is not 16 hex digits"); continue }
            let x = Double(bitPattern: bits)
            if let op = c.derivation {
                let scales = (c.float32Scales ?? []).compactMap { UInt32($0, radix: 16).map(Float.init(bitPattern:)) }
                guard scales.count == (c.float32Scales ?? []).count, let d = derive(op, scales) else {
                    problems.append("case \(c.id): derivation \(op) with scales \(c.float32Scales ?? []) cannot be evaluated"); continue
                }
                if d.bitPattern != bits { problems.append("case \(c.id): the importer's \(op) formula gives \(hex64(d)), the file \(c.realBits)") }
            }
            guard let (m, s) = TFLiteQuantizeMultiplier.quantize(x) else { problems.append("case \(c.id): quantize(\(x)) refused"); continue }
            if Int(m) != c.multiplier || s != c.shift { problems.append("case \(c.id): quantize(\(x)) = (\(m), \(s)), expected (\(c.multiplier), \(c.shift))") }
        }
        return problems
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
