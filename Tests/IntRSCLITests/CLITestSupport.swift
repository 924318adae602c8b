import ArgumentParser
import IntRSCLI

/// Runs `intrs` in-process the way `intrs` itself parses (IntRSCommand.runMain), for the CLI tests.
enum CLITest {
    /// Parses and runs `args`; the error's message and exit code, or nil on success.
    static func failure(_ args: [String]) -> (message: String, exitCode: Int32)? {
        do {
            var cmd = try IntRSCommand.parseAsRoot(args)
            try cmd.run()
            return nil
        } catch {
            return (IntRSCommand.message(for: error), IntRSCommand.exitCode(for: error).rawValue)
        }
    }

    /// Parses and runs `args`; the error message, or nil on success.
    static func errorMessage(_ args: [String]) -> String? { failure(args)?.message }
}
