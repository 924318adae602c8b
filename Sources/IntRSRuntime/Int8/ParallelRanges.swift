import Dispatch

/// Splits `batch` items into `threads` contiguous ranges and runs `body(range, threadIndex)` on each,
/// concurrently when threads > 1 (DispatchQueue.concurrentPerform). Package-visible: the float32 baseline
/// (IntRSFloatBaseline) batches its evaluator the same way.
package func parallelRanges(batch: Int, threads: Int, _ body: (Range<Int>, Int) -> Void) {
    let t = max(1, min(threads, batch))
    if t == 1 { body(0..<batch, 0); return }
    // The ranges are disjoint and each thread writes only its own outputs and scratch.
    withoutActuallyEscaping(body) { b in
        nonisolated(unsafe) let work = b
        DispatchQueue.concurrentPerform(iterations: t) { i in
            let lo = batch * i / t, hi = batch * (i + 1) / t
            if lo < hi { work(lo..<hi, i) }
        }
    }
}
