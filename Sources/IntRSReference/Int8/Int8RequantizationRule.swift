import IntRSCore

/// A requantization rule: how a runtime turns an int32 accumulator into the int8 output's offset from its
/// zero point. IntRS itself uses `doubleRounding` or `singleRounding` (the model's `rounding`); the other
/// rules are what other runtimes do, so that `intrs conform` can name the rule a runtime follows.
///
/// Every rule is evaluated EXACTLY (no tolerance):
/// - the integer rules on mathematical integers (`Int`, no overflow possible: |v * M0| < 2^62);
/// - the floating-point rules with Swift's `Float` / `Double`, whose +, *, / and Int-to-float conversions
///   are IEEE 754 binary32 / binary64 operations rounded to nearest, ties to even (the default and only
///   rounding mode Swift uses), and whose `rounded(_:)` is exact. These are the same deterministic operations
///   the runtimes perform in C (FLT_EVAL_METHOD = 0 on x86-64 SSE and AArch64: no extended precision and no
///   fused multiply-add in the formulas below), so the result is the runtime's bit for bit.
///   `Int8RequantizationRuleTests` re-checks the float32 product against a binary64 evaluation (exact,
///   then rounded once).
///
/// The result is the rounded value BEFORE the output zero point is added and before the activation clamp;
/// rounding then clamping equals clamping then rounding for every rule here (rounding is monotone and fixes
/// integers), so the order in which a runtime clamps does not matter.
public enum Int8RequantizationRule: String, CaseIterable, Codable, Sendable {
    /// gemmlowp / TFLite reference kernels (default build): SaturatingRoundingDoublingHighMul, then
    /// RoundingDivideByPOT; TOSA RESCALE `double_round = true`. Uses (M0, shift).
    case doubleRounding = "double-rounding"
    /// TFLITE_SINGLE_ROUNDING and TOSA RESCALE `double_round = false`: floor((v*M0 + 2^(s-1)) / 2^s), s = 31 - shift,
    /// i.e. the exact value v * M0 / 2^s rounded half UP (toward +infinity). Uses (M0, shift).
    case singleRounding = "single-rounding"
    /// The exact value v * M0 / 2^s rounded half AWAY from zero (a round-half variant of single rounding, as in
    /// kernels that round the exact product symmetrically). Uses (M0, shift).
    case exactHalfAway = "exact-half-away"
    /// The exact value v * M0 / 2^s rounded half to EVEN. Uses (M0, shift).
    case exactHalfEven = "exact-half-even"
    /// LiteRT 2.3's reference FULLY_CONNECTED (measured, /work notes int8.md): in binary64,
    /// m = double(S_in) * double(S_w[c]) / double(S_out), then round(double(acc) * m) with ties away from zero
    /// (std::round). Uses the float32 scales.
    case float64HalfAway = "float64-half-away"
    /// XNNPACK's fp32 requantization and ONNX Runtime's (MLAS) requantization: in binary32,
    /// scale = S_in * S_w[c] / S_out (XNNPACK src/operators/convolution-nhwc.c, fully-connected-nc.c:
    /// `input_scale * kernel_scale[c] / output_scale`; ONNX Runtime qlinearconv.cc:
    /// `X_scale_value * W_scale_data[i] / Y_scale_value`), then float(acc) * scale rounded to the nearest
    /// integer, ties to even (XNNPACK lrintf or the 1.5*2^23 "magic bias"; MLAS `_mm_cvtepi32_ps`,
    /// `_mm_mul_ps`, `_mm_cvtps_epi32` in the default MXCSR mode). Uses the float32 scales.
    case float32HalfEven = "float32-half-even"

    /// Whether the rule reads (M0, shift) (integer rules) or the float32 scales (float rules).
    public var usesScales: Bool { self == .float64HalfAway || self == .float32HalfEven }

    /// One line for people: who follows the rule.
    public var summary: String {
        switch self {
        case .doubleRounding: return "gemmlowp / TFLite reference kernels / TOSA double_round: SRDHM then rounding divide by 2^k"
        case .singleRounding: return "TFLITE_SINGLE_ROUNDING / TOSA single round: exact v*M0/2^s, ties toward +infinity"
        case .exactHalfAway: return "exact v*M0/2^s, ties away from zero"
        case .exactHalfEven: return "exact v*M0/2^s, ties to even"
        case .float64HalfAway: return "LiteRT reference FULLY_CONNECTED: round(double(acc) * (double(S_in)*double(S_w)/double(S_out))), ties away"
        case .float32HalfEven: return "XNNPACK fp32 / ONNX Runtime MLAS: rint(float(acc) * (S_in*S_w/S_out in float32)), ties to even"
        }
    }
}

/// The float32 scales of one output channel, as a model file (.tflite, ONNX) stores them.
public struct Int8ChannelScales: Sendable, Equatable, Codable {
    public var input: Float
    public var filter: Float
    public var output: Float
    public init(input: Float, filter: Float, output: Float) {
        self.input = input; self.filter = filter; self.output = output
    }
}

/// Everything any rule needs to requantize one output channel: the integer multiplier (M0, shift) and the
/// float32 scales it was derived from.
public struct Int8ChannelRequantization: Sendable, Equatable {
    /// M0 in [2^30, 2^31).
    public var multiplier: Int
    /// In [-31, 29]: the real multiplier is M0 * 2^(shift - 31).
    public var shift: Int
    public var scales: Int8ChannelScales
    public init(multiplier: Int, shift: Int, scales: Int8ChannelScales) {
        self.multiplier = multiplier; self.shift = shift; self.scales = scales
    }
}

public enum Int8Requantization {
    /// TFLite `QuantizeMultiplier(double_multiplier)` restricted to what IntRS can represent: (M0, e) of
    /// `TFLiteQuantizeMultiplier.quantize` (IntRSCore; the one implementation, checked against the integer-only
    /// `ReferenceTFLiteQuantizeMultiplier` by the tflite-quantize-multiplier vectors) in our convention (real
    /// multiplier M0 * 2^(e - 31), M0 in [2^30, 2^31)), or nil when d <= 0, d is not finite, or the result is
    /// not representable: TFLite's flush of multipliers below about 2^-32 to M0 = 0 (every subnormal d among
    /// them), or e outside IntRS's [-31, 29]. The same refusal as the importer's (`TFLiteImporter`), which
    /// names the reason instead of returning nil.
    public static func quantizeMultiplier(_ d: Double) -> (multiplier: Int, shift: Int)? {
        guard let (m, e) = TFLiteQuantizeMultiplier.quantize(d), m != 0, (-31...29).contains(e) else { return nil }
        return (Int(m), e)
    }

    /// The multiplier TFLite derives from float32 scales: QuantizeMultiplier(double(S_in) * double(S_w) / double(S_out)).
    public static func tfliteMultiplier(_ s: Int8ChannelScales) -> (multiplier: Int, shift: Int)? {
        quantizeMultiplier(Double(s.input) * Double(s.filter) / Double(s.output))
    }

    /// The binary32 requantization scale of XNNPACK and ONNX Runtime: S_in * S_w / S_out, each operation
    /// rounded to binary32 (left to right, as the C expression `a * b / c` evaluates).
    public static func float32Scale(_ s: Int8ChannelScales) -> Float { s.input * s.filter / s.output }

    /// The binary64 multiplier of LiteRT's reference FULLY_CONNECTED: double(S_in) * double(S_w) / double(S_out).
    public static func float64Multiplier(_ s: Int8ChannelScales) -> Double {
        Double(s.input) * Double(s.filter) / Double(s.output)
    }

    /// Rounds n / 2^s (s >= 1) to an integer with the given tie rule, exactly.
    static func roundDivideByPowerOfTwo(_ n: Int, _ s: Int, _ rule: FloatingPointRoundingRule) -> Int {
        let q = n >> s                      // floor
        let r = n - (q << s)                // in [0, 2^s)
        let half = 1 << (s - 1)
        if r < half { return q }
        if r > half { return q + 1 }
        switch rule {
        case .toNearestOrAwayFromZero: return n >= 0 ? q + 1 : q
        case .toNearestOrEven: return q & 1 == 0 ? q : q + 1
        default: return q + 1               // half up
        }
    }

    /// The requantized value of accumulator `v` under `rule`, before the zero point and the clamp.
    /// Returns nil when an integer rule's input violates TOSA's precondition (|v| < 2^(s-1)) or the
    /// parameters are outside their domain, or when a float rule's result is not finite.
    public static func apply(_ rule: Int8RequantizationRule, _ v: Int, _ c: Int8ChannelRequantization) -> Int? {
        // Any Int may arrive here from a file: the shift is range-checked before it is used in arithmetic.
        let s = (-31...29).contains(c.shift) ? 31 - c.shift : 0
        if !rule.usesScales && s == 0 { return nil }
        switch rule {
        case .doubleRounding, .singleRounding:
            return ReferenceInt8Rescale.applyScale32(value: v, multiplier: c.multiplier, shift: s, doubleRound: rule == .doubleRounding)
        case .exactHalfAway, .exactHalfEven:
            // Same domain as TOSA so that every integer rule reads the same inputs.
            guard ReferenceInt8Rescale.applyScale32(value: v, multiplier: c.multiplier, shift: s, doubleRound: false) != nil else { return nil }
            return roundDivideByPowerOfTwo(v * c.multiplier, s, rule == .exactHalfAway ? .toNearestOrAwayFromZero : .toNearestOrEven)
        case .float64HalfAway:
            let x = (Double(v) * float64Multiplier(c.scales)).rounded(.toNearestOrAwayFromZero)
            return x.isFinite && abs(x) < 9e15 ? Int(x) : nil
        case .float32HalfEven:
            let x = (Float(v) * float32Scale(c.scales)).rounded(.toNearestOrEven)
            return x.isFinite && abs(x) < 9e15 ? Int(x) : nil
        }
    }
}
