import IntRSRuntime

/// Stand-ins for the smoothing engine's tests: a hash-based noise source and a toy classifier.
/// They exercise the engine's plumbing (streams by index, counting, decisions), not the real parts.
struct HashNoise: GridNoiseSource {
    var spread: Int32 = 3
    func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Int32>) {
        var state = (UInt64(example) << 40) ^ (UInt64(phase) << 32) ^ UInt64(index) ^ 0x9E37_79B9_7F4A_7C15
        for i in 0..<out.count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            out[i] = Int32(Int64(z % UInt64(2 * spread + 1)) - Int64(spread))
        }
    }
}

/// Class = which third of [-inf, inf) the coordinate sum falls in (3 classes).
let toyClassifier = ClosureClassifier(inputCount: 4, classCount: 3) { row in
    let s = row.reduce(0, +)
    return s < -2 ? 0 : (s <= 2 ? 1 : 2)
}

/// Thresholds k(1) <= k(2) <= ...: largest n with nA >= k(n).
struct ToyCertificate: CertificateLookup {
    var estimationSamples: Int
    var thresholds: [Int]
    func certifiedNorm2Bound(nA: Int) -> Int? {
        var best: Int? = nil
        for (i, k) in thresholds.enumerated() where nA >= k { best = i + 1 }
        return best
    }
}

struct ToyTest: PredictionTest {
    func rejectsEquality(top: Int, second: Int) -> Bool { top >= 2 * second + 5 }
}
