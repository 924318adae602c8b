import Foundation

/// Locates files shipped inside the `intrs` binary's resource bundle (Sources/IntRSCLI/Resources).
enum ShippedDefaults {
    /// The URL of a shipped resource file, or nil when it is not in the bundle.
    static func url(_ name: String) -> URL? {
        let u = Bundle.module.resourceURL?.appendingPathComponent("Resources").appendingPathComponent(name)
        if let u, FileManager.default.fileExists(atPath: u.path) { return u }
        return nil
    }
}
