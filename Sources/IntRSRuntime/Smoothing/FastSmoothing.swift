import IntRSCore

/// Randomized smoothing on the integer grid: PREDICT and CERTIFY of Cohen et al. 2019 with integer noise,
/// integer vote counts and integer decisions (certificate table lookups, integer binomial-test thresholds).
///
/// Randomness: every noisy input owns the stream (example, phase, sample index); phase 0 = the N0 selection
/// samples, 1 = the N estimation samples, 2 = PREDICT's samples. The selection and estimation samples are
/// therefore independent, as CERTIFY requires, and results depend on neither thread count nor sharding
/// (an example is identified by its index in the full data set, never by its position in a shard).
public struct FastSmoothing<Classifier: BatchClassifier, Noise: GridNoiseSource>: Sendable
where Classifier.Scalar == Int32, Noise.Scalar == Int32 {
    public let counter: VoteCounter<Classifier, Noise>

    public init(classifier: Classifier, noise: Noise, threads: Int = 1, chunkSize: Int = 256) {
        counter = VoteCounter(classifier: classifier, noise: noise, threads: threads, chunkSize: chunkSize)
    }

    /// CERTIFY: select a class with n0 samples (phase 0), count it among n fresh samples (phase 1), and read
    /// the certificate off `certificate` (built for exactly n estimation samples; traps otherwise).
    ///
    /// Specification: `ReferenceSmoothing.certify` in IntRSReference. With the fast int8 evaluator, the fast
    /// samplers of a `NoiseConfiguration` and the certificate table it builds, the outcome equals the
    /// reference's field for field (SmoothingSpecificationTests, on random models, inputs and configurations).
    public func certify(input: [Int32], example: UInt32, n0: Int, n: Int,
                        certificate: some CertificateLookup) -> CertifyOutcome {
        precondition(n0 >= 1 && n >= 1, "n0 and n must be >= 1")
        precondition(certificate.estimationSamples == n,
                     "certificate table built for N = \(certificate.estimationSamples), run uses N = \(n)")
        let selection = counter.count(input: input, example: example, phase: SmoothingPhase.selection.rawValue, samples: n0)
        let candidate = argmaxLowestIndex(selection)
        let estimation = counter.count(input: input, example: example, phase: SmoothingPhase.estimation.rawValue, samples: n)
        let nA = estimation[candidate]
        return CertifyOutcome(selectionCounts: selection, estimationCounts: estimation, candidate: candidate,
                              nA: nA, certifiedNorm2Bound: certificate.certifiedNorm2Bound(nA: nA))
    }

    /// PREDICT: count n samples (phase 2); answer the top class when the two-sided binomial test of the top
    /// two counts rejects at the test's alpha, else abstain.
    ///
    /// Specification: `ReferenceSmoothing.predict` in IntRSReference (equal with the real parts and a test that
    /// decides `TwoSidedBinomialTest.rejects`; SmoothingSpecificationTests).
    public func predict(input: [Int32], example: UInt32, n: Int, test: some PredictionTest) -> PredictOutcome {
        precondition(n >= 1, "n must be >= 1")
        let counts = counter.count(input: input, example: example, phase: SmoothingPhase.prediction.rawValue, samples: n)
        let (top, second) = topTwo(counts)
        let nA = counts[top]
        let nB = second >= 0 ? counts[second] : 0
        let answer = test.rejectsEquality(top: nA, second: nB)
        return PredictOutcome(counts: counts, top: top, second: second, nA: nA, nB: nB,
                              prediction: answer ? top : nil)
    }
}
