/// The multipliers LiteRT's int8 ADD derives from the three float32 scales (tensorflow/lite/kernels/add.cc,
/// PrepareGeneralSubOp / the int8 path of Prepare, at the commit `TFLiteSchema` cites):
///
///     left_shift = 20
///     twice_max_input_scale = 2 * max(double(S_a), double(S_b))
///     real_input_k = double(S_k) / twice_max_input_scale
///     real_output  = twice_max_input_scale / ((1 << 20) * double(S_out))
///     each (M0, shift) = QuantizeMultiplier(real)   (`TFLiteQuantizeMultiplier`)
///
/// The one implementation: `TFLiteImporter` derives an imported ADD's multipliers with it; `Int8RequantizationPlan(.fromScales)` uses it for the expected outputs
/// of an exported ADD (the model's own multipliers are not in the file).
public enum TFLiteAddMultipliers {
    public static let leftShift = 20

    /// The real multipliers (input a, input b, output) as doubles.
    public static func reals(a: Float, b: Float, output: Float) -> (a: Double, b: Double, output: Double) {
        let twiceMax = 2 * Double(max(a, b))
        return (Double(a) / twiceMax, Double(b) / twiceMax, twiceMax / (Double(1 << leftShift) * Double(output)))
    }
}
