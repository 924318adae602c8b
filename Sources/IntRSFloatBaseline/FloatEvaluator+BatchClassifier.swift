import IntRSRuntime

/// The float32 evaluator is the float baseline's base classifier over `Float` grid values (real-valued,
/// grid units): `classify(grid:batch:classes:)` is pure and classifies each input independently (ArgMax,
/// lowest index on ties). Build it with `threads: 1` when the vote counter runs several workers.
extension FloatEvaluator: BatchClassifier {}
