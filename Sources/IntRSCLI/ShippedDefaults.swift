import Foundation

/// Locates files shipped inside the `intrs` binary's resource bundle (Sources/IntRSCLI/Resources,
/// copied whole by SwiftPM as `IntRS_IntRSCLI.resources/Resources`).
enum ShippedDefaults {
    /// The URL of a shipped resource file, or nil when it is not in the bundle.
    ///
    /// Foundation on Linux treats a bundle directory that holds a `Resources` folder as a bundle whose
    /// `resourceURL` already *is* that folder, while other platforms report the bundle root; both layouts
    /// are tried.
    static func url(_ name: String) -> URL? {
        var candidates: [URL] = []
        if let r = Bundle.module.resourceURL {
            candidates.append(r.appendingPathComponent(name))
            candidates.append(r.appendingPathComponent("Resources").appendingPathComponent(name))
        }
        candidates.append(Bundle.module.bundleURL.appendingPathComponent("Resources").appendingPathComponent(name))
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }
}
