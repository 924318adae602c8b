// The outcomes of CERTIFY and PREDICT for one example, shared by the specification (`ReferenceSmoothing` in
// IntRSReference, whose `ReferenceCertifyOutcome` adds the exact intermediate values) and the fast path
// (`FastSmoothing` in IntRSRuntime): plain values, so that the two are compared field for field with `==`.
//
// Counts are vote counts per class (index = class); classes are 0-based.

/// The outcome of CERTIFY for one example (Cohen et al. 2019, Algorithm CERTIFY, integer form).
public struct CertifyOutcome: Sendable, Equatable {
    /// Vote counts of the N0 selection samples (phase 0).
    public var selectionCounts: [Int]
    /// Vote counts of the N estimation samples (phase 1).
    public var estimationCounts: [Int]
    /// The selected class: the argmax of `selectionCounts` (lowest index on ties).
    public var candidate: Int
    /// estimationCounts[candidate].
    public var nA: Int
    /// nil: abstain. Otherwise n*: robust for every integer delta with |delta|^2 < n*.
    public var certifiedNorm2Bound: Int?

    /// The certified prediction, or nil on abstain.
    public var prediction: Int? { certifiedNorm2Bound == nil ? nil : candidate }

    public init(selectionCounts: [Int], estimationCounts: [Int], candidate: Int, nA: Int, certifiedNorm2Bound: Int?) {
        self.selectionCounts = selectionCounts; self.estimationCounts = estimationCounts; self.candidate = candidate
        self.nA = nA; self.certifiedNorm2Bound = certifiedNorm2Bound
    }
}

/// The outcome of PREDICT for one example (Cohen et al. 2019, Algorithm PREDICT).
public struct PredictOutcome: Sendable, Equatable {
    /// Vote counts of the N prediction samples (phase 2).
    public var counts: [Int]
    /// The class with the largest count (lowest index on ties) and the runner-up (-1 with a single class).
    public var top: Int
    public var second: Int
    /// nA = counts[top], nB = counts[second] (0 with one class).
    public var nA: Int
    public var nB: Int
    /// The top class, or nil when the two-sided binomial test does not reject at alpha (abstain).
    public var prediction: Int?

    public init(counts: [Int], top: Int, second: Int, nA: Int, nB: Int, prediction: Int?) {
        self.counts = counts; self.top = top; self.second = second; self.nA = nA; self.nB = nB
        self.prediction = prediction
    }
}
