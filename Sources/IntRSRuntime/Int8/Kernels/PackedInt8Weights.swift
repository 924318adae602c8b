import CIntRSKernels

/// The weights of a conv2d or fullyConnected layer packed once at load for the GEMM micro-kernel
/// (`intrs_pack_weights`): int16 pairs (k, k+1) of each output channel in one int32 word, channels in
/// panels of 16 (the last one 8), a panel's words laid out [k-pair][channel], zero beyond K and N.
struct PackedInt8Weights: Sendable {
    /// Output channels N.
    let outChannels: Int
    /// Inputs per output channel K (kh * kw * inC for conv2d, I for fullyConnected).
    let k: Int
    let words: [Int32]

    /// `filter` is [N][K] row-major int8 (OHWI flattened, or [O][I]).
    init(filter: [Int8], outChannels: Int, k: Int) {
        precondition(filter.count == outChannels * k)
        self.outChannels = outChannels
        self.k = k
        let count = intrs_packed_words(Int32(outChannels), Int32(k))
        words = [Int32](unsafeUninitializedCapacity: count) { buf, n in
            filter.withUnsafeBufferPointer { f in intrs_pack_weights(f.baseAddress!, Int32(outChannels), Int32(k), buf.baseAddress!) }
            n = count
        }
    }
}
