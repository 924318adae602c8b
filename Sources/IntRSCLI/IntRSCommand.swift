import ArgumentParser

/// The root of the `intrs` command line. Each subcommand lives in its own file.
public struct IntRSCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "intrs",
        abstract: "Integer-only randomized smoothing: exact reference, int8 runtime, certificates, vectors.",
        discussion: """
        Units: inputs and perturbations are in grid units (one step of the integer input grid, e.g. one
        8-bit pixel level); sigma2 is the noise variance parameter in grid units squared, given as an
        exact rational such as 65025/16. Probabilities are exact decimals (0.001) or rationals (1/1000).
        Exact rationals print as "p/q"; enclosures print as {"lo": "p/q", "hi": "p/q"}.
        """,
        subcommands: allSubcommands
    )

    public init() {}
}
