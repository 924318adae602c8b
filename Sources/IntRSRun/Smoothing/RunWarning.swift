import Foundation

/// Something a run tells people that is not progress: a degraded result or a file it replaced or could not
/// remove. The library never writes to stderr itself; ``SmoothingRunner`` hands these to the caller's warning
/// callback (`intrs` prints ``line`` on stderr, also under `--quiet`, as it did before the run library).
public enum RunWarning: Sendable, Equatable {
    /// CERTIFY asked for the float baseline but the model lacks what it needs (real scales); the run goes on
    /// without it. `reason`: the float evaluator's setup error.
    case noFloatBaseline(reason: String)
    /// A cached certificate table at `path` could not be read or decoded (`error`); it is built afresh and replaced.
    case cachedTableUnreadable(path: String, error: String)
    /// A cached certificate table at `path` was built for another configuration (`configuration`, described);
    /// it is built afresh.
    case cachedTableOtherConfiguration(path: String, configuration: String)
    /// A run without the float baseline removed an earlier run's baseline file at `path` from its output directory.
    case staleFloatBaselineRemoved(path: String)
    /// A run without the float baseline could not remove an earlier run's baseline file at `path`.
    case staleFloatBaselineNotRemoved(path: String)

    /// The line for people, without a newline (what `intrs` prints on stderr).
    public var line: String {
        switch self {
        case .noFloatBaseline(let reason):
            return "note: no float baseline: \(reason)"
        case .cachedTableUnreadable(let path, let error):
            return "warning: cached certificate table \(path) is unreadable or corrupt (\(error)); building afresh and replacing it"
        case .cachedTableOtherConfiguration(let path, let configuration):
            return "warning: cached certificate table \(path) was built for another configuration (\(configuration)); building afresh"
        case .staleFloatBaselineRemoved(let path):
            return "removed \(path): an earlier run's float baseline (this run has none, --no-float-baseline)"
        case .staleFloatBaselineNotRemoved(let path):
            return "warning: \(path) is from an earlier run and could not be removed"
        }
    }
}
