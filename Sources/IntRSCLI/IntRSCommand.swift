import ArgumentParser

/// The root of the `intrs` command line. Each subcommand lives in its own file.
public struct IntRSCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "intrs",
        abstract: "Integer-only randomized smoothing: exact reference, int8 runtime, certificates, vectors.",
        discussion: """
        Units: inputs and perturbations are in grid units (one step of the integer input grid, e.g. one 8-bit pixel level, or one of the 17 grey levels of the shipped digits). sigma2 is the noise variance in grid units squared, an exact positive rational such as 16 or 65025/16. Probabilities and alpha are exact decimals (0.001) or rationals (1/1000).

        Output: exact rationals print as "p/q"; enclosures as {"lo": "p/q", "hi": "p/q"}, each with a decimal rendering for people. Every subcommand has --help and --json.
        """,
        subcommands: allSubcommands
    )

    public init() {}
}
