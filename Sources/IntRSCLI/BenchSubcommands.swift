import ArgumentParser

/// Every `intrs bench` subcommand (one line each).
let benchSubcommands: [any ParsableCommand.Type] = [
    BenchInt8Command.self,
    BenchSmoothingCommand.self,
    BenchClopperPearsonCommand.self,
    BenchSamplersCommand.self,
    BenchTightRadiusCommand.self,
    BenchEnclosuresCommand.self,
]
