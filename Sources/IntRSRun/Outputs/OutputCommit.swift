import Foundation
import IntRSCore
#if canImport(Glibc)
import Glibc
#endif

/// Replacing a run's set of output files all or none (issue 16).
///
/// Every file is first written in full to a temporary file beside its destination
/// (`<name>.intrs-tmp-<pid>`); only when all were written are they renamed into place (each rename is
/// atomic). Around that:
/// - SIGINT, SIGTERM and SIGHUP are caught while the files are staged and renamed: a signal that arrives
///   while staging removes the temporaries and then ends the process as the signal would have (nothing was
///   replaced); one that arrives while renaming lets the renames finish first (everything was replaced). The
///   commit takes milliseconds, so the delay is not noticeable.
/// - The destination directories are locked (`flock`) during the commit, so two runs writing into one
///   directory replace the set one after the other, never interleaved.
/// - Temporaries left by a process that no longer exists (killed with SIGKILL, a power cut) are removed
///   by the next commit to the same names; no reader looks at them (they do not end in .jsonl/.tsv/.svg).
/// - `remove`: files that must not survive beside the new set (an earlier run's float baseline when this
///   run has none) are removed after the renames, under the same lock.
package enum OutputCommit {
    /// What to do when a signal arrived during a commit. Tests replace `deliver` (the live one re-raises
    /// the signal with its default action, which ends the process) and use `afterStaging` to send one.
    package struct Interruption {
        package var afterStaging: () -> Void = {}
        package var deliver: (Int32) -> Void = { sig in signal(sig, SIG_DFL); raise(sig) }
        package static var live: Interruption { Interruption() }
    }

    package static let tag = ".intrs-tmp-"
    package static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    private static let lock = NSLock()
    /// The signal received during the current commit, or 0. Written by the signal handler only.
    nonisolated(unsafe) static var pending: Int32 = 0

    /// Writes `files` all or none and then removes `remove`. Returns the paths written.
    package static func commit(_ files: [(URL, String)], remove: [URL] = [], interruption: Interruption = .live) throws -> [String] {
        lock.lock(); defer { lock.unlock() }
        let fm = FileManager.default
        pending = 0
        let previous = signals.map { ($0, signal($0, { OutputCommit.pending = $0 })) }
        // Worker threads (and test runners) may block signals; this thread takes them during the commit.
        var set = sigset_t(), oldMask = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, &oldMask)
        var restored = false
        func restore() {
            if !restored { for (s, h) in previous { signal(s, h) }; pthread_sigmask(SIG_SETMASK, &oldMask, nil); restored = true }
        }
        defer { restore() }

        for dir in Set(files.map { $0.0.deletingLastPathComponent().path }) {
            try? fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        // One lock per directory however it is spelt ("d", "d/.", a symbolic link to d): flock on a second
        // descriptor of a directory this process already locked would wait for itself.
        let locks = lockDirectories(Set(files.map { OutputPaths.resolved($0.0.deletingLastPathComponent().path) }).sorted())
        defer { for fd in locks { flock(fd, LOCK_UN); close(fd) } }
        removeStaleTemporaries(for: files.map { $0.0 })

        let suffix = tag + "\(getpid())"
        var staged: [(tmp: URL, dest: URL)] = []
        func discard() { for s in staged { try? fm.removeItem(at: s.tmp) } }
        for (url, text) in files {
            let tmp = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + suffix)
            do {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
                    throw RunError("it is a directory")
                }
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                staged.append((tmp, url))
                try Data(text.utf8).write(to: tmp)
            } catch {
                discard()
                throw RunError("\(url.path): cannot write: \(error is RunError ? "\(error)" : fileWriteFailureReason(path: url.path, error)) (no output file was written)")
            }
            if pending != 0 { break }
        }
        interruption.afterStaging()
        if pending != 0 {
            let sig = pending
            discard()
            restore()
            interruption.deliver(sig)
            throw RunError("interrupted by signal \(sig) before the outputs were replaced; no output file was written")
        }
        for (i, s) in staged.enumerated() {
            if rename(s.tmp.path, s.dest.path) != 0 {
                let reason = String(cString: strerror(errno))
                for t in staged[i...] { try? fm.removeItem(at: t.tmp) }
                throw RunError("\(s.dest.path): cannot write: \(reason)")
            }
        }
        for u in remove where fm.fileExists(atPath: u.path) { try? fm.removeItem(at: u) }
        if pending != 0 {
            let sig = pending
            restore()
            interruption.deliver(sig)
        }
        return files.map { $0.0.path }
    }

    /// Opens and exclusively locks each directory (blocking until another commit releases it).
    private static func lockDirectories(_ dirs: [String]) -> [Int32] {
        var fds: [Int32] = []
        for d in dirs {
            let fd = open(d, O_RDONLY)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX) == 0 { fds.append(fd) } else { close(fd) }
        }
        return fds
    }

    /// Removes `<name>.intrs-tmp-<pid>` beside each destination when process <pid> no longer exists.
    package static func removeStaleTemporaries(for destinations: [URL]) {
        let fm = FileManager.default
        for dest in destinations {
            let dir = dest.deletingLastPathComponent()
            let prefix = dest.lastPathComponent + tag
            guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else { continue }
            for n in names where n.hasPrefix(prefix) {
                guard let pid = Int32(n.dropFirst(prefix.count)), pid != getpid() else { continue }
                if kill(pid, 0) != 0 && errno == ESRCH { try? fm.removeItem(at: dir.appendingPathComponent(n)) }
            }
        }
    }
}
