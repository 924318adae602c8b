import Foundation

/// The chunk dispenser and the totals shared by the workers of one count (vote counting on the int8
/// runtime and on the float32 baseline). Work is handed out by chunk index, never by thread, so the
/// totals do not depend on the thread count.
final class SharedTotals: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private(set) var totals: [Int]

    init(classes: Int) { totals = [Int](repeating: 0, count: classes) }

    func nextChunk(of chunks: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < chunks else { return nil }
        next += 1
        return next - 1
    }

    func add(_ local: [Int]) {
        lock.lock(); defer { lock.unlock() }
        for i in 0..<local.count { totals[i] += local[i] }
    }
}
