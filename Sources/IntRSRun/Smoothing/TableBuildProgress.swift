import Foundation

/// Progress of a certificate-table build, handed to `write` (one line, no newline) at most once per second
/// (issue 16: a build can take minutes, in `intrs table` and inside `intrs certify`): the exact Clopper–Pearson
/// bounds computed so far and, in tight mode, the pattern enumeration's pass, norm limit, patterns and current
/// pattern. It prints nothing itself: `intrs table` writes the lines to stderr, the run library to its `log`
/// (stderr in `intrs certify`, nothing under --quiet).
package final class TableBuildProgress {
    package let prefix: String
    package let write: (String) -> Void
    package let start = Date()
    package var lastReport: Date
    package var bounds = 0
    package var passes = 0, lastLimit = -1, patterns = 0, limit = 0, current: [Int] = []

    package init(prefix: String, write: @escaping (String) -> Void) {
        self.prefix = prefix
        self.write = write
        lastReport = start
    }

    /// Call once per exact Clopper–Pearson bound.
    package func bound() { bounds += 1; report() }

    /// The tight enumeration's progress callback.
    package func pattern(_ count: Int, _ limit: Int, _ parts: [Int]) {
        if limit != lastLimit { passes += 1; lastLimit = limit }
        patterns = count; self.limit = limit; current = parts
        report()
    }

    private func report() {
        let now = Date()
        guard now.timeIntervalSince(lastReport) >= 1 else { return }
        lastReport = now
        var s = "\(prefix): \(bounds) exact Clopper-Pearson bounds"
        if passes > 0 {
            let n2 = current.reduce(0) { $0 + $1 * $1 }
            s += "; tight search pass \(passes) (every pattern with |delta|^2 <= \(limit)), \(patterns) patterns, current |delta|^2 = \(n2) (pattern \(current))"
        }
        write(s + String(format: "; %.0f s elapsed", now.timeIntervalSince(start)))
    }
}
