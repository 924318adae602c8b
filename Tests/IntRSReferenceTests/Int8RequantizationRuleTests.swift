import Foundation
import Testing
import IntRSCore
import IntRSReference

@Suite("int8 requantization rules")
struct Int8RequantizationRuleTests {
    typealias R = Int8RequantizationRule

    static func channel(_ m: Int, _ shift: Int) -> Int8ChannelRequantization {
        // Float32-exact scales for a multiple of 2^7: S_in = S_out = 1, S_w = M0 * 2^(shift - 31).
        Int8ChannelRequantization(multiplier: m, shift: shift,
                                  scales: Int8ChannelScales(input: 1, filter: Float(Double(m) * pow(2, Double(shift - 31))), output: 1))
    }

    /// Hand-computed ties: M0 = 2^30, shift 0 (s = 31): v / 2 exactly.
    @Test func tiesFollowEachRule() {
        let c = Self.channel(1 << 30, 0)
        // v: [double, single, away, even, float64 away, float32 even]
        let table: [(Int, [Int])] = [
            (1, [1, 1, 1, 0, 1, 0]),        //  0.5
            (-1, [0, 0, -1, 0, -1, 0]),     // -0.5
            (3, [2, 2, 2, 2, 2, 2]),        //  1.5
            (-3, [-1, -1, -2, -2, -2, -2]), // -1.5
            (5, [3, 3, 3, 2, 3, 2]),        //  2.5
            (-5, [-2, -2, -3, -2, -3, -2]), // -2.5
        ]
        for (v, want) in table {
            let got = R.allCases.map { Int8Requantization.apply($0, v, c)! }
            #expect(got == want, "v = \(v)")
        }
        // Double rounding with s > 31 rounds twice: v = -3, M0 = 2^30 + 2^29 (0.75), shift -1 (s = 32):
        // exact -3 * 0.75 / 2 = -1.125 -> every single-rounding rule gives -1; gemmlowp's SRDHM gives
        // floor((-3 * 0.75 * 2^31 + 2^30) / 2^31) = -2 (-2.25 + 0.5 floored), then RDBPOT(-2, 1) = -1.
        let c2 = Self.channel(3 << 29, -1)
        #expect(Int8Requantization.apply(.doubleRounding, -3, c2) == -1)
        // A case where the two integer TOSA rules differ: v = -1, M0 = 2^30, shift -1: -0.25 exact,
        // double: SRDHM(-1, 2^30) = floor((-2^30 + 2^30) / 2^31) = 0 -> 0; single: floor((-2^30 + 2^31) / 2^32) = 0.
        #expect(Int8Requantization.apply(.singleRounding, -1, Self.channel(1 << 30, -1)) == 0)
        // v = -3 * 2^29... the generated int8-rules suite covers every pair; here one known double/single split:
        // s = 33 (shift -2), M0 = 2^30, v = -6: exact -6 * 2^30 / 2^33 = -0.75; both give -1. v = -2 * 2: -0.5:
        // single (ties up) 0, double (SRDHM(-4, 2^30) = -2, RDBPOT(-2, 2) = -1 away) -1.
        #expect(Int8Requantization.apply(.singleRounding, -4, Self.channel(1 << 30, -2)) == 0)
        #expect(Int8Requantization.apply(.doubleRounding, -4, Self.channel(1 << 30, -2)) == -1)
    }

    /// Parameters read from a file may be anything: out-of-domain shifts are refused (nil), never trapped on.
    @Test func hostileParametersAreRefused() {
        let sc = Int8ChannelScales(input: 1, filter: 0.5, output: 1)
        for shift in [Int.min, Int.max, -32, 30] {
            let c = Int8ChannelRequantization(multiplier: 1 << 30, shift: shift, scales: sc)
            for r in R.allCases where !r.usesScales { #expect(Int8Requantization.apply(r, 5, c) == nil) }
            #expect(Int8Requantization.apply(.float32HalfEven, 5, c) == 2)
        }
        let c = Int8ChannelRequantization(multiplier: Int.max, shift: 0, scales: Int8ChannelScales(input: .infinity, filter: .nan, output: 0))
        for r in R.allCases { #expect(Int8Requantization.apply(r, Int.max, c) == nil) }
    }

    /// The integer rules agree with TOSA apply_scale_32 and the project's rescale where they should.
    @Test func integerRulesMatchTheRescaleDefinition() {
        var r = Int8SplitMix64(seed: 0xC0DE)
        for _ in 0..<20_000 {
            let shift = r.int(-31...29)
            let m = r.int((1 << 30)...((1 << 31) - 1))
            let lim = shift >= 0 ? 1 << (30 - shift) : 1 << 31
            let v = r.int(-lim...(lim - 1))
            let c = Int8ChannelRequantization(multiplier: m, shift: shift, scales: Int8ChannelScales(input: 1, filter: 1, output: 1))
            for (rule, rounding) in [(R.doubleRounding, RescaleRounding.double), (R.singleRounding, .single)] {
                #expect(Int8Requantization.apply(rule, v, c) == ReferenceInt8Rescale.rescale(v, multiplier: Int32(m), shift: Int32(shift), rounding: rounding))
            }
            // The exact rules differ from single rounding only on exact ties.
            let n = v * m, s = 31 - shift
            let tie = ((n % (1 << s)) + (1 << s)) % (1 << s) == 1 << (s - 1)
            let single = Int8Requantization.apply(.singleRounding, v, c)!
            if !tie {
                #expect(Int8Requantization.apply(.exactHalfAway, v, c) == single)
                #expect(Int8Requantization.apply(.exactHalfEven, v, c) == single)
            }
        }
    }

    /// The float32 rule's product is the correctly rounded binary32 product: re-derived through binary64
    /// (exact for 24-bit by 24-bit significands), rounded once to binary32.
    @Test func float32ProductIsCorrectlyRounded() {
        var r = Int8SplitMix64(seed: 0xF32)
        for _ in 0..<20_000 {
            let v = r.int(Int(Int32.min)...Int(Int32.max))
            let scale = Float(bitPattern: UInt32(r.int(0x2F00_0000...0x4300_0000)))
            let fv = Float(Double(v))             // v is exact in binary64; one rounding to binary32
            let viaDouble = Float(Double(fv) * Double(scale))
            #expect(Float(v) == fv)
            #expect(Float(v) * scale == viaDouble)
            let c = Int8ChannelRequantization(multiplier: 1 << 30, shift: 0, scales: Int8ChannelScales(input: 1, filter: scale, output: 1))
            if abs(viaDouble) < 1e15 {
                #expect(Int8Requantization.apply(.float32HalfEven, v, c) == Int(viaDouble.rounded(.toNearestOrEven)))
            }
        }
    }

    /// TFLite QuantizeMultiplier: known values and the round trip of float32-exact multipliers.
    @Test func quantizeMultiplierMatchesTFLite() {
        #expect(Int8Requantization.quantizeMultiplier(0.5)! == (1 << 30, 0))
        #expect(Int8Requantization.quantizeMultiplier(1.0)! == (1 << 30, 1))
        #expect(Int8Requantization.quantizeMultiplier(0.75)! == (1_610_612_736, 0))
        // 1 - 2^-40 rounds up to 2^31 and renormalises.
        #expect(Int8Requantization.quantizeMultiplier(1 - pow(2, -40))! == (1 << 30, 1))
        #expect(Int8Requantization.quantizeMultiplier(0) == nil)
        #expect(Int8Requantization.quantizeMultiplier(pow(2, -40)) == nil)
        var r = Int8SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let m = r.int((1 << 23)...((1 << 24) - 1)) << 7, shift = r.int(-31...29)
            let c = Self.channel(m, shift)
            #expect(Int8Requantization.tfliteMultiplier(c.scales)! == (m, shift))
        }
    }

    /// The plan's QuantizeMultiplier is TFLite's (the integer-only reference on the double's bits) with IntRS's
    /// refusal (M0 = 0 after TFLite's flush, or a shift outside [-31, 29]), on random doubles of every binade,
    /// subnormals, powers of two and the flush and shift edges.
    @Test func quantizeMultiplierIsTFLitesWithIntRSRefusal() {
        var r = Int8SplitMix64(seed: 0x51F7)
        var xs: [Double] = [0.5, 1, 2, pow(2, -31), pow(2, -32), pow(2, -33), pow(2, 28), pow(2, 29), pow(2, 30),
                            .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 0, -1, .nan, .infinity]
        for _ in 0..<20_000 {
            let exponent = UInt64(r.int(0...2046)), fraction = UInt64(r.int(0...(1 << 52) - 1))
            xs.append(Double(bitPattern: exponent << 52 | fraction))
        }
        for _ in 0..<2_000 { xs.append(Double(r.int(1...(1 << 40))) * pow(2, Double(r.int(-80...40)))) }
        for x in xs {
            let reference = ReferenceTFLiteQuantizeMultiplier.quantize(bits: x.bitPattern)
            let expected = reference.flatMap { $0.multiplier != 0 && (-31...29).contains($0.shift) ? $0 : nil }
            let got = Int8Requantization.quantizeMultiplier(x)
            #expect(got?.multiplier == expected?.multiplier && got?.shift == expected?.shift, "x = \(x)")
        }
    }

    /// The rule evaluator with the TOSA rules and the model's multipliers is the reference evaluator.
    @Test func ruleEvaluatorEqualsTheReference() throws {
        var r = Int8SplitMix64(seed: 0xE7A1)
        for k in 0..<40 {
            for rounding in RescaleRounding.allCases {
                let m = Int8ModelGenerator.randomModel(seed: UInt64(500 + k), rounding: rounding)
                let net = try m.validated(file: "random")
                let plan = try Int8RequantizationPlan(net, multipliers: .model)
                let grid = Int8ModelGenerator.randomGrid(&r, model: m)
                let want = try ReferenceInt8Evaluator.evaluate(net, grid: grid).tensors
                let got = try Int8RuleEvaluator.evaluate(net, quantizedInput: Int8RuleEvaluator.quantize(net, grid: grid),
                                                         rule: rounding == .double ? .doubleRounding : .singleRounding, plan: plan)
                #expect(got == want, "model seed \(500 + k), \(rounding)")
            }
        }
    }
}
