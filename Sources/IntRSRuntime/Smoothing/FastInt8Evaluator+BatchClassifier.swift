/// The fast int8 evaluator is the smoothing engine's base classifier: `classify(grid:batch:classes:)` is
/// pure, allocates its scratch per call (so concurrent calls are safe), and classifies each input
/// independently (ArgMax, lowest index on ties). Build it with `threads: 1` when the vote counter runs
/// several workers.
extension FastInt8Evaluator: BatchClassifier {}
