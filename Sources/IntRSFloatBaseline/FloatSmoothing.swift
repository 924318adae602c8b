import IntRSRuntime

/// The float baseline's type-erased classifier (real-valued grid values): the runtime's eraser at `Float`.
public typealias AnyFloatBatchClassifier = AnyGridBatchClassifier<Float>
/// The float baseline's type-erased noise source (real-valued grid values).
public typealias AnyFloatNoiseSource = AnyNoiseSource<Float>

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
///
/// Votes are counted by the runtime's `VoteCounter` at `Float` (the same code as the int8 runtime's
/// `FastSmoothing`), so work is assigned by sample index and counts do not depend on the thread count.
/// The classifier and the noise are any `BatchClassifier` / `GridNoiseSource` over `Float` grid values
/// (real-valued, grid units): `FloatEvaluator` and `GaussianStreamNoiseSource` in practice.
public struct FloatSmoothing<Classifier: BatchClassifier, Noise: GridNoiseSource>: Sendable
where Classifier.Scalar == Float, Noise.Scalar == Float {
    public let counter: VoteCounter<Classifier, Noise>

    public init(classifier: Classifier, noise: Noise, threads: Int = 1, chunkSize: Int = 256) {
        counter = VoteCounter(classifier: classifier, noise: noise, threads: threads, chunkSize: chunkSize)
    }

    /// The vote counts of samples `0 ..< samples` of stream family (example, phase): `VoteCounter.count`.
    public func count(input: [Float], example: UInt32, phase: UInt32, samples: Int) -> [Int] {
        counter.count(input: input, example: example, phase: phase, samples: samples)
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
