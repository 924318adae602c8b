import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSRun

/// The library's errors in the command line: `RunError`s that say the configuration is wrong become
/// argument-parser's `ValidationError` (exit status 64, with the command's usage line); the others exit 1.
typealias CLIError = RunError

/// Runs a library call, turning its usage errors into `ValidationError`s.
func usageErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as RunError where e.isUsage { throw ValidationError(e.description) }
}

/// `intrs certify` and `intrs predict` over the run library (`SmoothingRunner` in IntRSRun): the options become a
/// `RunConfiguration`, one library call runs and writes, and the summary is printed.
enum SmoothingCommandRunner {
    /// `environment`: where `--shard auto` reads the job array's variables (the process's; tests inject theirs).
    static func run(procedure: RunProcedure, options o: SmoothingOptions, floatBaseline: Bool,
                    environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        // The options were checked by the commands' validate() (`SmoothingOptions.validate(procedure:floatBaseline:)`).
        let alpha = try o.parsedAlpha()
        let (seed, _) = try o.parsedSeed()
        let shard = try usageErrors { try o.resolvedShard(environment: environment) }
        let log: (String) -> Void = o.quiet ? { _ in } : { FileHandle.standardError.write(Data(("\($0)\n").utf8)) }
        // Warnings are printed also under --quiet (they say the outputs differ from what was asked or replaced files).
        let model = try shippedPath(o.model, resource: SmoothingDefaults.modelResource, option: "--model")
        let data = try shippedPath(o.data, resource: SmoothingDefaults.dataResource, option: "--data")
        let c = try o.configuration(procedure, floatBaseline: floatBaseline, alpha: alpha, seed: seed, seedIsRandom: o.seed == "random",
                                    shard: shard, model: model, data: data)
        let (summary, gridScale) = try usageErrors {
            try SmoothingRunner.run(c, outputs: o.outputs, inputs: [("the model (--model)", model), ("the data set (--data)", data)], log: log,
                                  warn: printWarning)
        }
        if o.json {
            print(String(decoding: try CanonicalJSON.encode(summary), as: UTF8.self), terminator: "")
        } else {
            print(SmoothingRunner.humanSummary(summary, gridScale: gridScale))
        }
    }

    /// Prints a run library's warning on stderr (its ``RunWarning/line``).
    static func printWarning(_ w: RunWarning) { FileHandle.standardError.write(Data((w.line + "\n").utf8)) }

    /// The path given, or the shipped default resource.
    static func shippedPath(_ given: String?, resource: String, option: String) throws -> String {
        if let g = given { return g }
        guard let u = ShippedDefaults.url(resource) else {
            throw CLIError("\(option): no default: the shipped \(resource) is not in this build's resource bundle; pass \(option) PATH")
        }
        return u.path
    }

    static func ordinal(_ k: Int) -> String { SmoothingRunner.ordinal(k) }

    /// Writes a run's outputs where `o` says (tests).
    static func writeOutputs(procedure: RunProcedure, options o: SmoothingOptions, shard: Shard?, records: [RunRecord],
                             float: [FloatBaselineRecord]?, gridScale: Rational) throws -> [String] {
        try SmoothingRunner.writeOutputs(procedure: procedure, outputs: o.outputs, shard: shard, records: records,
                                         float: float, gridScale: gridScale, warn: printWarning)
    }
}
