import ArgumentParser
import IntRSFloatBaseline
import IntRSRuntime
import Foundation
import IntRSCore

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

extension IntRSCommand {
    /// Parses and runs `intrs`, like `ParsableCommand.main()`, except that an error thrown by a
    /// subcommand's `run()` is reported with THAT subcommand's usage line ("Usage: intrs radius ...")
    /// rather than the root's, and a pointer to its `--help`. Exit codes are argument-parser's:
    /// 64 (EX_USAGE) for a `ValidationError`, the code of an `ExitCode`, 1 for any other error.
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        let command: ParsableCommand
        do { command = try parseAsRoot(arguments) } catch {
            // Help and version keep argument-parser's behaviour; usage errors are printed with long numbers
            // abbreviated (`--n 1e1000`-style values would otherwise fill the screen).
            if exitCode(for: error).isSuccess { exit(withError: error) }
            FileHandle.standardError.write(Data((PrintedValue.abbreviatingLongNumbers(in: fullMessage(for: error)) + "\n").utf8))
            exit(withError: ExitCode(exitCode(for: error).rawValue))
        }
        // A bad INTRS_KERNEL (kernel path of the int8 runtime) is an error before any work starts.
        do { _ = try Int8KernelPath.fromEnvironment() } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            exit(withError: ExitCode(2))
        }
        // Likewise INTRS_FLOAT_KERNEL (kernel path of the float32 baseline).
        do { _ = try FloatKernelPath.fromEnvironment() } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            exit(withError: ExitCode(2))
        }
        do {
            var c = command
            try c.run()
            exit()
        } catch {
            let code = exitCode(for: error)
            // Clean exits (help, version, ExitCode.success) keep argument-parser's behaviour.
            if code.isSuccess { exit(withError: error) }
            let message = PrintedValue.abbreviatingLongNumbers(in: message(for: error))
            var text = message.isEmpty ? "" : "Error: \(message)\n"
            if error is ValidationError {
                let sub = type(of: command)
                let path = ([Self.configuration.commandName ?? "intrs"]
                            + CommandPath.names(of: sub, under: Self.self)).joined(separator: " ")
                text += "Usage: " + usageString(for: sub) + "\n  See '\(path) --help' for more information.\n"
            }
            FileHandle.standardError.write(Data(text.utf8))
            exit(withError: ExitCode(code.rawValue))
        }
    }
}

/// The names from the root to a subcommand type (for "See 'intrs bench samplers --help'").
enum CommandPath {
    static func names(of target: ParsableCommand.Type, under root: ParsableCommand.Type) -> [String] {
        for sub in root.configuration.subcommands {
            let name = sub.configuration.commandName ?? String(describing: sub).lowercased()
            if sub == target { return [name] }
            let rest = names(of: target, under: sub)
            if !rest.isEmpty { return [name] + rest }
        }
        return []
    }
}
