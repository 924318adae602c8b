import ArgumentParser

/// Every `intrs` subcommand, in the order `--help` lists them.
let allSubcommands: [any ParsableCommand.Type] = [
    VectorsCommand.self,
]
