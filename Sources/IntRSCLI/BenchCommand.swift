import ArgumentParser

/// `intrs bench ...`: benchmarks. Speed claims live here, never in timed unit tests.
/// Run them from a release build: `swift run -c release intrs bench <what>`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (run with a release build: swift run -c release intrs bench ...).",
        discussion: "Each benchmark reports rates and ratios measured side by side in one run; the machine is shared and noisy.",
        subcommands: benchSubcommands
    )
}
