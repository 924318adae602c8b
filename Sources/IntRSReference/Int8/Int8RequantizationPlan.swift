import IntRSCore

/// The requantization parameters of every requantizing layer of a network as another runtime sees them:
/// one float32 scale per tensor, and per conv / fully connected output channel the float32 scales
/// (S_in, S_w[c], S_out) and the integer multiplier (M0, shift).
///
/// Scales: when the model states them all (`input.scale`, every layer's `outputScale` or a pool/reshape
/// inheriting it, and `filterScales` of every conv and fully connected layer) they are those values rounded
/// to float32 (what a .tflite or ONNX file stores). Otherwise they are SYNTHESISED, layer by layer from the
/// input's scale 1: conv and fully connected outputs get scale 1, add outputs the larger input scale (so that
/// LiteRT's derived output multiplier stays 2^-19, as with equal scales); pools, reshape, flatten, pad and
/// concatenation keep their (first) input's scale; a mean's output gets float32(S_in / r) and a mul's
/// float32(S_a * S_b / r) (in double, then rounded), r = M0 * 2^(shift - 31) the layer's real multiplier, so
/// that the file's multiplier is close to the model's; channel c's filter scale is
/// float32(M0[c] * 2^(shift[c] - 31) / S_in) (S_out = 1), which is exact when M0[c] is a multiple of 2^7 (24
/// significant bits) and S_in = 1. (A model without mean or mul has every activation scale 1.)
///
/// Multipliers: `.model` keeps the model's (M0, shift) (IntRS's own view); `.fromScales` re-derives them as
/// TFLite does from the float32 scales, QuantizeMultiplier(double(S_in) * double(S_w) / double(S_out)) (what a
/// runtime loading the exported file uses). `rederived` lists the channels where the two differ.
///
/// Add: `.model` keeps the model's parameters; `.fromScales` re-derives them as LiteRT's int8 ADD does from
/// the three float32 scales (`TFLiteAddMultipliers`: left shift 20, then QuantizeMultiplier of each real
/// multiplier), listed in `rederived` as channels 0 (input a), 1 (input b) and 2 (output) when they differ
/// (all three when the model's left shift is not 20).
///
/// Mean and mul: `.fromScales` re-derives the (M0, shift) as `TFLiteImporter` reads the file back (LiteRT's
/// reduce.cc and mul.cc): mean QuantizeMultiplier(double(S_in) / double(S_out)) (the derived rescale of the sum
/// recomputed from it and n), mul QuantizeMultiplier(double(float32(S_a * S_b / S_out))) (float32 arithmetic, as
/// mul.cc's Prepare); listed in `rederived` as channel 0 when they differ.
public struct Int8RequantizationPlan: Sendable {
    public enum Multipliers: String, Sendable { case model, fromScales }

    /// A channel whose re-derived multiplier differs from the model's.
    public struct Rederived: Sendable, Equatable {
        public var layer: Int, channel: Int
        public var model: (multiplier: Int, shift: Int)
        public var derived: (multiplier: Int, shift: Int)
        public static func == (a: Rederived, b: Rederived) -> Bool {
            a.layer == b.layer && a.channel == b.channel && a.model == b.model && a.derived == b.derived
        }
    }

    /// Float32 scale of every tensor (tensor 0 is the quantized input).
    public var tensorScales: [Float]
    /// Per layer, per output channel (empty for layers that do not requantize an accumulator).
    public var channels: [[Int8ChannelRequantization]]
    /// Per layer: the float32 filter scales (empty for layers without weights).
    public var filterScales: [[Float]]
    /// True when the model stated every scale; false when they were synthesised.
    public var statedScales: Bool
    public var multipliers: Multipliers
    public var rederived: [Rederived]
    /// Per layer: the add parameters a runtime uses (nil for other layers).
    public var add: [Int8AddPlan?]
    /// Per layer: the mean parameters a runtime uses (nil for other layers).
    public var mean: [Int8MeanPlan?]
    /// Per layer: the mul parameters a runtime uses (nil for other layers).
    public var mul: [Int8MulPlan?]

    public enum PlanError: Error, CustomStringConvertible {
        case underivable(layer: Int, channel: Int, real: Double)
        public var description: String {
            switch self {
            case .underivable(let l, let c, let r):
                return "layer \(l), channel \(c): the float32 scales give the real multiplier \(r), which has no (M0, shift) with shift in [-31, 29]"
            }
        }
    }

    public init(_ net: Int8Network, multipliers: Multipliers) throws {
        func weights(_ L: Int8NetworkLayer) -> (m: [Int32], s: [Int32], fs: [Double]?)? {
            switch L.kind {
            case .conv(let p): return (p.multiplier, p.shift, p.filterScales)
            case .fullyConnected(let p): return (p.multiplier, p.shift, p.filterScales)
            default: return nil
            }
        }
        let stated = net.tensorScales.allSatisfy { $0 != nil }
            && net.layers.allSatisfy { L in weights(L).map { $0.fs != nil } ?? true }
        func real(_ m: Int32, _ s: Int32) -> Double { Double(m) * Double(sign: .plus, exponent: Int(s) - 31, significand: 1) }
        var ts: [Float]
        if stated {
            ts = net.tensorScales.map { Float($0!) }
        } else {
            ts = [1]
            for L in net.layers {
                switch L.kind {
                case .conv, .fullyConnected: ts.append(1)
                case .add: ts.append(max(ts[L.inputs[0]], ts[L.inputs[1]]))
                case .averagePool, .maxPool, .reshape, .pad, .concatenation: ts.append(ts[L.inputs[0]])
                case .mean(let p): ts.append(Float(Double(ts[L.inputs[0]]) / real(p.multiplier, p.shift)))
                case .mul(let p): ts.append(Float(Double(ts[L.inputs[0]]) * Double(ts[L.inputs[1]]) / real(p.outputMultiplier, p.outputShift)))
                }
            }
        }
        var chans: [[Int8ChannelRequantization]] = [], fss: [[Float]] = [], red: [Rederived] = [], adds: [Int8AddPlan?] = []
        var means: [Int8MeanPlan?] = [], muls: [Int8MulPlan?] = []
        for L in net.layers {
            var meanPlan: Int8MeanPlan? = nil, mulPlan: Int8MulPlan? = nil
            if case .mean(let p) = L.kind {
                meanPlan = p
                if multipliers == .fromScales {
                    let x = Double(ts[L.inputs[0]]) / Double(ts[L.index + 1])
                    guard let d = Int8Requantization.quantizeMultiplier(x) else { throw PlanError.underivable(layer: L.index, channel: 0, real: x) }
                    if d.multiplier != Int(p.multiplier) || d.shift != Int(p.shift) {
                        red.append(Rederived(layer: L.index, channel: 0, model: (Int(p.multiplier), Int(p.shift)), derived: d))
                    }
                    var q = p
                    q.multiplier = Int32(d.multiplier); q.shift = Int32(d.shift)
                    (q.derivedMultiplier, q.derivedShift) = Int8MeanPlan.derive(multiplier: q.multiplier, shift: q.shift, count: p.inH * p.inW)
                    meanPlan = q
                }
            }
            if case .mul(let p) = L.kind {
                mulPlan = p
                if multipliers == .fromScales {
                    let f: Float = ts[L.inputs[0]] * ts[L.inputs[1]] / ts[L.index + 1]
                    guard let d = Int8Requantization.quantizeMultiplier(Double(f)) else { throw PlanError.underivable(layer: L.index, channel: 0, real: Double(f)) }
                    if d.multiplier != Int(p.outputMultiplier) || d.shift != Int(p.outputShift) {
                        red.append(Rederived(layer: L.index, channel: 0, model: (Int(p.outputMultiplier), Int(p.outputShift)), derived: d))
                    }
                    var q = p
                    q.outputMultiplier = Int32(d.multiplier); q.outputShift = Int32(d.shift)
                    mulPlan = q
                }
            }
            means.append(meanPlan); muls.append(mulPlan)
            var addPlan: Int8AddPlan? = nil
            if case .add(let p) = L.kind {
                addPlan = p
                if multipliers == .fromScales {
                    let r = TFLiteAddMultipliers.reals(a: ts[L.inputs[0]], b: ts[L.inputs[1]], output: ts[L.index + 1])
                    var derived: [(multiplier: Int, shift: Int)] = []
                    for (c, x) in [r.a, r.b, r.output].enumerated() {
                        guard let d = Int8Requantization.quantizeMultiplier(x) else { throw PlanError.underivable(layer: L.index, channel: c, real: x) }
                        derived.append(d)
                    }
                    let model: [(multiplier: Int, shift: Int)] = [(Int(p.inputMultipliers[0]), Int(p.inputShifts[0])),
                                                                  (Int(p.inputMultipliers[1]), Int(p.inputShifts[1])),
                                                                  (Int(p.outputMultiplier), Int(p.outputShift))]
                    let shiftDiffers = Int(p.leftShift) != TFLiteAddMultipliers.leftShift
                    for c in 0..<3 where model[c] != derived[c] || shiftDiffers {
                        red.append(Rederived(layer: L.index, channel: c, model: model[c], derived: derived[c]))
                    }
                    var q = p
                    q.leftShift = Int32(TFLiteAddMultipliers.leftShift)
                    q.inputMultipliers = [Int32(derived[0].multiplier), Int32(derived[1].multiplier)]
                    q.inputShifts = [Int32(derived[0].shift), Int32(derived[1].shift)]
                    q.outputMultiplier = Int32(derived[2].multiplier); q.outputShift = Int32(derived[2].shift)
                    addPlan = q
                }
            }
            adds.append(addPlan)
            guard let w = weights(L) else { chans.append([]); fss.append([]); continue }
            let sIn = ts[L.inputs[0]], sOut = ts[L.index + 1]
            var row: [Int8ChannelRequantization] = [], fsRow: [Float] = []
            for c in w.m.indices {
                let m0 = Int(w.m[c]), sh = Int(w.s[c])
                let sw: Float = stated ? Float(w.fs![c]) : Float(Double(m0) * Double(sign: .plus, exponent: sh - 31, significand: 1) / Double(sIn))
                let sc = Int8ChannelScales(input: sIn, filter: sw, output: sOut)
                var q = (multiplier: m0, shift: sh)
                if multipliers == .fromScales {
                    guard let d = Int8Requantization.tfliteMultiplier(sc) else {
                        throw PlanError.underivable(layer: L.index, channel: c, real: Int8Requantization.float64Multiplier(sc))
                    }
                    if d != q { red.append(Rederived(layer: L.index, channel: c, model: q, derived: d)) }
                    q = d
                }
                row.append(Int8ChannelRequantization(multiplier: q.multiplier, shift: q.shift, scales: sc))
                fsRow.append(sw)
            }
            chans.append(row); fss.append(fsRow)
        }
        self.tensorScales = ts
        self.channels = chans
        self.filterScales = fss
        self.statedScales = stated
        self.multipliers = multipliers
        self.rederived = red
        self.add = adds
        self.mean = means
        self.mul = muls
    }
}
