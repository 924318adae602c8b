import Dispatch
import Foundation

/// Counts the votes of a base classifier under noise: for sample indices 0 ..< samples, the class of
/// `input + noise(example, phase, index)`.
///
/// Written once for both scalars (`GridScalar`): the int8 runtime counts with `Int32` grid values, the
/// float32 baseline (IntRSFloatBaseline's `FloatSmoothing`) with `Float` grid values; the only difference
/// is how the input is added to the noise (`GridScalar.addInput`).
///
/// Determinism: work is assigned by sample index, never by thread. Sample indices are cut into fixed
/// chunks of `chunkSize` consecutive indices; threads take chunks in any order, and counts are sums, so the
/// result depends only on (classifier, noise, input, example, phase, samples), not on `threads` or
/// `chunkSize`. (Tested in SmoothingDeterminismTests.)
///
/// Specification: `ReferenceSmoothing.counts` in IntRSReference (one noisy input at a time, in sample-index
/// order, reference samplers and reference int8 evaluator); with the real parts this equals it
/// (SmoothingSpecificationTests). For any classifier and noise source it equals
/// `for i in 0..<samples { counts[f(x + noise(example, phase, i))] += 1 }` (`countVotesSerially`, the
/// one-line definition kept beside it for tests with stand-ins, SmoothingDeterminismTests).
public struct VoteCounter<Classifier: BatchClassifier, Noise: GridNoiseSource>: Sendable
where Classifier.Scalar == Noise.Scalar {
    public typealias Scalar = Classifier.Scalar
    public let classifier: Classifier
    public let noise: Noise
    /// Worker threads (>= 1).
    public let threads: Int
    /// Samples per work unit, which is also the batch given to the classifier (>= 1).
    public let chunkSize: Int

    public init(classifier: Classifier, noise: Noise, threads: Int = 1, chunkSize: Int = 256) {
        precondition(threads >= 1 && chunkSize >= 1, "threads and chunkSize must be >= 1")
        self.classifier = classifier
        self.noise = noise
        self.threads = threads
        self.chunkSize = chunkSize
    }

    /// The vote counts, one per class, for sample indices `0 ..< samples` of stream family (example, phase).
    /// Traps unless `input.count == classifier.inputCount`, `samples >= 0` and `samples <= 2^32`, and when
    /// the classifier returns a class outside `0 ..< classCount`.
    public func count(input: [Scalar], example: UInt32, phase: UInt32, samples: Int) -> [Int] {
        let d = classifier.inputCount
        let k = classifier.classCount
        precondition(input.count == d, "input has \(input.count) grid values, the classifier expects \(d)")
        precondition(samples >= 0 && samples <= 1 << 32, "samples must be in 0 ... 2^32")
        if samples == 0 { return [Int](repeating: 0, count: k) }
        let chunk = chunkSize
        let chunks = (samples + chunk - 1) / chunk
        let workers = min(threads, chunks)
        let shared = SharedTotals(classes: k)
        let classifier = self.classifier
        let noise = self.noise
        let work: @Sendable (Int) -> Void = { _ in
            var local = [Int](repeating: 0, count: k)
            let grid = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: chunk * d)
            let classes = UnsafeMutableBufferPointer<Int32>.allocate(capacity: chunk)
            defer { grid.deallocate(); classes.deallocate() }
            input.withUnsafeBufferPointer { x in
                while let c = shared.nextChunk(of: chunks) {
                    let start = c * chunk
                    let count = min(chunk, samples - start)
                    // The noise of the whole chunk at once (a source may draw the streams side by side), then the input.
                    noise.fill(example: example, phase: phase, firstIndex: UInt32(truncatingIfNeeded: start), count: count,
                               into: UnsafeMutableBufferPointer(rebasing: grid[0 ..< (count * d)]))
                    for j in 0..<count {
                        Scalar.addInput(x, to: UnsafeMutableBufferPointer(rebasing: grid[(j * d) ..< ((j + 1) * d)]))
                    }
                    classifier.classify(grid: UnsafeBufferPointer(grid), batch: count, classes: classes)
                    for j in 0..<count {
                        let c = Int(classes[j])
                        precondition(c >= 0 && c < k, "classifier returned class \(c) outside 0..<\(k)")
                        local[c] += 1
                    }
                }
            }
            shared.add(local)
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        return shared.totals
    }
}

/// The one-line definition `VoteCounter` equals: one sample at a time, in index order.
public func countVotesSerially<Classifier: BatchClassifier, Noise: GridNoiseSource>(
    classifier: Classifier, noise: Noise, input: [Classifier.Scalar], example: UInt32, phase: UInt32, samples: Int
) -> [Int] where Classifier.Scalar == Noise.Scalar {
    var counts = [Int](repeating: 0, count: classifier.classCount)
    var row = [Classifier.Scalar](repeating: input[0], count: classifier.inputCount)
    var cls: [Int32] = [0]
    for i in 0..<samples {
        row.withUnsafeMutableBufferPointer { noise.fill(example: example, phase: phase, index: UInt32(i), into: $0) }
        input.withUnsafeBufferPointer { x in row.withUnsafeMutableBufferPointer { Classifier.Scalar.addInput(x, to: $0) } }
        row.withUnsafeBufferPointer { g in cls.withUnsafeMutableBufferPointer { classifier.classify(grid: g, batch: 1, classes: $0) } }
        counts[Int(cls[0])] += 1
    }
    return counts
}
