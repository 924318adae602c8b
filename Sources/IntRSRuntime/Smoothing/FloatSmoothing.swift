import Dispatch
import Foundation

/// A float32 base classifier on inputs in grid units (the float baseline's counterpart of `BatchClassifier`).
/// Same contract: pure, thread-safe, each input classified independently of its batch.
public protocol FloatBatchClassifier: Sendable {
    var inputCount: Int { get }
    var classCount: Int { get }
    func classify(input: UnsafeBufferPointer<Float>, batch: Int, classes: UnsafeMutableBufferPointer<Int32>)
}

/// Continuous noise (grid units) for one noisy input of the float baseline, from the stream
/// (example, phase, index) — the same stream ids as the integer run.
public protocol FloatNoiseSource: Sendable {
    func fill(example: UInt32, phase: UInt32, index: UInt32, into out: UnsafeMutableBufferPointer<Float>)
}

/// The outcome of the floating-point CERTIFY (Cohen et al. 2019 as published: doubles throughout).
public struct FloatCertifyOutcome: Sendable, Equatable {
    public var selectionCounts: [Int]
    public var estimationCounts: [Int]
    public var candidate: Int
    public var nA: Int
    /// Clopper–Pearson lower bound in doubles.
    public var pALower: Double
    /// nil: abstain (pALower < 1/2). Otherwise sigma * PhiInv(pALower), grid units.
    public var radius: Double?
    public var prediction: Int? { radius == nil ? nil : candidate }

    public init(selectionCounts: [Int], estimationCounts: [Int], candidate: Int, nA: Int, pALower: Double, radius: Double?) {
        self.selectionCounts = selectionCounts; self.estimationCounts = estimationCounts; self.candidate = candidate
        self.nA = nA; self.pALower = pALower; self.radius = radius
    }
}

/// Cohen et al.'s CERTIFY on the float32 evaluator with continuous Gaussian noise: the baseline.
/// Work is assigned by sample index, so counts do not depend on the thread count either.
public struct FloatSmoothing<Classifier: FloatBatchClassifier, Noise: FloatNoiseSource>: Sendable {
    public let classifier: Classifier
    public let noise: Noise
    public let threads: Int
    public let chunkSize: Int

    public init(classifier: Classifier, noise: Noise, threads: Int = 1, chunkSize: Int = 256) {
        precondition(threads >= 1 && chunkSize >= 1)
        self.classifier = classifier; self.noise = noise; self.threads = threads; self.chunkSize = chunkSize
    }

    public func count(input: [Float], example: UInt32, phase: UInt32, samples: Int) -> [Int] {
        let d = classifier.inputCount, k = classifier.classCount
        precondition(input.count == d, "input has \(input.count) values, the classifier expects \(d)")
        if samples == 0 { return [Int](repeating: 0, count: k) }
        let chunk = chunkSize
        let chunks = (samples + chunk - 1) / chunk
        let workers = min(threads, chunks)
        let shared = SharedTotals(classes: k)
        let classifier = self.classifier, noise = self.noise
        let work: @Sendable (Int) -> Void = { _ in
            var local = [Int](repeating: 0, count: k)
            let buf = UnsafeMutableBufferPointer<Float>.allocate(capacity: chunk * d)
            let classes = UnsafeMutableBufferPointer<Int32>.allocate(capacity: chunk)
            defer { buf.deallocate(); classes.deallocate() }
            while let c = shared.nextChunk(of: chunks) {
                let start = c * chunk, count = min(chunk, samples - start)
                for j in 0..<count {
                    let row = UnsafeMutableBufferPointer(rebasing: buf[(j * d) ..< ((j + 1) * d)])
                    noise.fill(example: example, phase: phase, index: UInt32(truncatingIfNeeded: start + j), into: row)
                    for t in 0..<d { row[t] += input[t] }
                }
                classifier.classify(input: UnsafeBufferPointer(buf), batch: count, classes: classes)
                for j in 0..<count { local[Int(classes[j])] += 1 }
            }
            shared.add(local)
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        return shared.totals
    }

    /// CERTIFY in floating point: N0 selection samples (phase 0), N estimation samples (phase 1),
    /// pA_lower = Clopper–Pearson in doubles, abstain below 1/2, radius = sigma * PhiInv(pA_lower).
    public func certify(input: [Float], example: UInt32, n0: Int, n: Int, alpha: Double, sigma: Double) -> FloatCertifyOutcome {
        let sel = count(input: input, example: example, phase: SmoothingPhase.selection.rawValue, samples: n0)
        let cand = argmaxLowestIndex(sel)
        let est = count(input: input, example: example, phase: SmoothingPhase.estimation.rawValue, samples: n)
        let nA = est[cand]
        let p = FloatBaselineMath.clopperPearsonLower(successes: nA, trials: n, alpha: alpha)
        let radius: Double? = p < 0.5 ? nil : sigma * FloatBaselineMath.phiInverse(p)
        return FloatCertifyOutcome(selectionCounts: sel, estimationCounts: est, candidate: cand, nA: nA,
                                   pALower: p, radius: radius)
    }
}
