/// How CERTIFY turns the estimation count into a certificate, with integer comparisons only.
///
/// Implemented by the certificate tables (a table built for one run configuration: noise law, sigma2,
/// sampler, d, N, alpha, radius mode), whose thresholds were computed exactly by the reference.
public protocol CertificateLookup: Sendable {
    /// N, the number of estimation samples the thresholds were computed for.
    var estimationSamples: Int { get }
    /// Given nA (the count of the selected class among the N estimation samples), nil to abstain, or n* >= 1:
    /// "robust for every integer delta with |delta|^2 < n*" (n* = 1 certifies the prediction itself only).
    func certifiedNorm2Bound(nA: Int) -> Int?
}

/// PREDICT's abstain rule: an exact two-sided binomial test of the top two counts, taken on integers.
public protocol PredictionTest: Sendable {
    /// True when the two-sided binomial test of `top` successes in `top + second` trials against p = 1/2
    /// rejects at the configured alpha (p-value <= alpha), i.e. PREDICT may answer.
    func rejectsEquality(top: Int, second: Int) -> Bool
}

/// The index of the largest count; ties go to the lowest class index.
@inlinable
public func argmaxLowestIndex(_ counts: [Int]) -> Int {
    var best = 0
    for i in 1..<counts.count where counts[i] > counts[best] { best = i }
    return best
}

/// The two classes with the largest counts (top first); ties go to the lower class index.
/// With a single class the second is reported as class -1 with count 0.
public func topTwo(_ counts: [Int]) -> (top: Int, second: Int) {
    let top = argmaxLowestIndex(counts)
    var second = -1
    for i in 0..<counts.count where i != top {
        if second < 0 || counts[i] > counts[second] { second = i }
    }
    return (top, second)
}
