import ArgumentParser

/// Every `intrs` subcommand, in the order `--help` lists them (one line each).
let allSubcommands: [any ParsableCommand.Type] = [
    VectorsCommand.self,
    BenchCommand.self,
    CertifyCommand.self,
    PredictCommand.self,
    MergeCommand.self,
    AuditCommand.self,
    InferCommand.self,
    ModelCommand.self,
    SampleCommand.self,
    NoiseCommand.self,
    RadiusCommand.self,
    TheoremCommand.self,
    TableCommand.self,
    ClopperPearsonCommand.self,
    EncloseCommand.self,
    ConformCommand.self,
]
