import Foundation
import Testing
import IntRSCore
import IntRSRuntime
import IntRSFloatBaseline

/// The float baseline counts votes with the runtime's `VoteCounter` at `Float`: its counts equal the one-line
/// definition `countVotesSerially` and do not depend on threads or chunk size.
@Suite("float baseline vote counting")
struct FloatVoteCountingTests {
    /// Class 1 when coordinate 0 is positive, 2 when below -6, else 0 (d = 3).
    struct Toy: BatchClassifier {
        var inputCount: Int { 3 }
        var classCount: Int { 3 }
        func classify(grid: UnsafeBufferPointer<Float>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>) {
            for b in 0..<batch {
                let x = grid[b * 3]
                classes[b] = x > 0 ? 1 : (x < -6 ? 2 : 0)
            }
        }
    }

    @Test("FloatSmoothing.count = countVotesSerially for 1 and 3 threads, chunk sizes 1, 7 and 256")
    func countEqualsSerialDefinition() {
        let noise = GaussianStreamNoiseSource(seed: Seed(bytes: [UInt8](repeating: 9, count: 32)), sigma: 3)
        let input: [Float] = [-1.5, 2, 0.25]
        let serial = countVotesSerially(classifier: Toy(), noise: noise, input: input, example: 4, phase: 1, samples: 1000)
        #expect(serial.reduce(0, +) == 1000 && serial.allSatisfy { $0 > 0 }, "\(serial)")
        for threads in [1, 3] {
            for chunk in [1, 7, 256] {
                let s = FloatSmoothing(classifier: Toy(), noise: noise, threads: threads, chunkSize: chunk)
                #expect(s.count(input: input, example: 4, phase: 1, samples: 1000) == serial, "threads \(threads) chunk \(chunk)")
            }
        }
    }
}
