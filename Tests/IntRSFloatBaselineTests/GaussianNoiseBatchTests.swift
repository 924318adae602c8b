import Testing
import IntRSCore
import IntRSRuntime
import IntRSFloatBaseline

/// The float baseline's batch noise (`GaussianStreamNoiseSource.fill(example:phase:firstIndex:count:into:)`, words
/// from `FastChaCha20` on a kernel path) equals the one-index `fill` (Box–Muller on `ChaChaStream`) bit for bit.
@Suite struct GaussianNoiseBatchTests {
    @Test("batch Box-Muller noise = per-stream noise, bit for bit, on every kernel path", arguments: Int8KernelPath.supported)
    func batchEqualsPerStream(_ path: Int8KernelPath) {
        let seed = Seed(bytes: (0..<32).map { UInt8($0 * 7 & 255) })
        // d odd and even (an odd last coordinate drops its z1), counts not multiples of 8 or 16.
        for (count, d, first) in [(1, 64, UInt32(0)), (37, 64, 5), (20, 17, UInt32.max - 19), (3, 1, 9), (16, 2, 100)] {
            let src = GaussianStreamNoiseSource(seed: seed, sigma: 2.5, path: path)
            var batch = [Float](repeating: .nan, count: count * d)
            batch.withUnsafeMutableBufferPointer { src.fill(example: 3, phase: 1, firstIndex: first, count: count, into: $0) }
            for j in 0..<count {
                var one = [Float](repeating: .nan, count: d)
                one.withUnsafeMutableBufferPointer { src.fill(example: 3, phase: 1, index: first &+ UInt32(j), into: $0) }
                let got = Array(batch[(j * d) ..< ((j + 1) * d)])
                #expect(got.map(\.bitPattern) == one.map(\.bitPattern), "path \(path): stream \(j) of \(count), d = \(d)")
            }
        }
    }
}
