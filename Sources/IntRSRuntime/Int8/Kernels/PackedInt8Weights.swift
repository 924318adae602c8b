import CIntRSKernels

/// The weights of a conv2d or fullyConnected layer packed once at load for the GEMM micro-kernel of one
/// kernel path (`intrs_pack_conv_weights`, layouts in CIntRSKernels.h): for portable and AVX2, int16 pairs
/// (k, k+1) of each output channel in one int32 word, channels in panels of 16 (the last one 8); for AVX-512
/// VNNI, int8 quads of each run's inputs padded to a multiple of 4 (conv2d runs: `intrs_conv2d_weight_runs`), channels in panels of 32 (the last one
/// 16). A panel's words are laid out [k-group][channel], zero beyond K and N. `weightSums[c]` = sum_k w[c][k]
/// (for the zero-point folding of the VNNI path).
struct PackedInt8Weights: Sendable {
    /// Output channels N.
    let outChannels: Int
    /// Inputs per output channel K (kh * kw * inC for conv2d, I for fullyConnected).
    let k: Int
    let words: [Int32]
    let weightSums: [Int32]

    /// `filter` is [N][K] row-major int8 with K = taps * channels: `taps` runs of `channels` inputs (conv2d,
    /// OHWI flattened: the runs of `intrs_conv2d_weight_runs` for the path, e.g. kh runs of kw * inC; or [O][I]:
    /// taps = 1, channels = I).
    init(filter: [Int8], outChannels: Int, taps: Int, channels: Int, path: Int8KernelPath = .portable) {
        let k = taps * channels
        precondition(filter.count == outChannels * k)
        self.outChannels = outChannels
        self.k = k
        let count = intrs_packed_conv_words(path.c, Int32(outChannels), Int32(taps), Int32(channels))
        words = [Int32](unsafeUninitializedCapacity: count) { buf, n in
            filter.withUnsafeBufferPointer { f in
                intrs_pack_conv_weights(path.c, f.baseAddress!, Int32(outChannels), Int32(taps), Int32(channels),
                                        buf.baseAddress!)
            }
            n = count
        }
        weightSums = (0..<outChannels).map { c in filter[(c * k)..<((c + 1) * k)].reduce(Int32(0)) { $0 &+ Int32($1) } }
    }

    /// The requantisation bias of `path`: `bias` itself, or for a zero-point-folding path (VNNI, activations
    /// u = x + 128) bias[c] - (Z_in + 128) * sum_k w[c][k] in wrapping int32 (exact modulo 2^32, KERN-1).
    func bias(_ bias: [Int32], inputZeroPoint: Int32, path: Int8KernelPath) -> [Int32] {
        guard path.foldsZeroPointIntoBias else { return bias }
        return zip(bias, weightSums).map { b, s in b &- (inputZeroPoint &+ 128) &* s }
    }
}
