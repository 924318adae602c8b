import ArgumentParser
import Foundation
import IntRSConformance
import IntRSCore
import IntRSRuntime

struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Generate or check the language-neutral test vectors in Vectors/.",
        subcommands: [Generate.self, Check.self, List.self, Export.self]
    )

    struct Options: ParsableArguments {
        @Option(help: "The vectors directory.")
        var directory: String = "Vectors"
        @Option(name: .customLong("suite"), help: "Only this suite (repeatable). Default: all suites.")
        var suites: [String] = []

        /// Unknown --suite names are refused while parsing.
        func validate() throws { _ = try validateSuites() }

        func validateSuites() throws -> Set<String>? {
            if suites.isEmpty { return nil }
            let known = Set(VectorSuites.all.map { $0.name })
            for s in suites where !known.contains(s) {
                throw ValidationError("unknown suite \"\(s)\"; known suites: \(known.sorted().joined(separator: ", "))")
            }
            return Set(suites)
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every vector file from the exact reference (deterministic: same version, same bytes).")
        @OptionGroup var options: Options
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let only = try options.validateSuites()
            let dir = URL(fileURLWithPath: options.directory)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("--directory \(options.directory): not an existing directory")
            }
            let written = try Vectors.generate(into: dir, only: only) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            if json {
                print(try String(decoding: JSONEncoder().encode(["written": written]), as: UTF8.self))
            } else {
                for w in written { print("wrote \(options.directory)/\(w)") }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-derive every checked-in vector file, require byte-identical output, and run the fast runtime against it.")
        @OptionGroup var options: Options
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let only = try options.validateSuites()
            var isDir: ObjCBool = false
            let dir = URL(fileURLWithPath: options.directory)
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("--directory \(options.directory): no vectors directory at \(dir.standardizedFileURL.path) (the checked-in vectors live in the repository's Vectors/; run from the repository root or pass --directory PATH/TO/Vectors)")
            }
            // Which int8 kernel path the fast runtime runs the vectors on (CI runs this once per path the CPU has).
            let forced = ProcessInfo.processInfo.environment["INTRS_KERNEL"].map { _ in "INTRS_KERNEL" } ?? "CPU check"
            FileHandle.standardError.write(Data("fast runtime int8 kernel path: \(Int8KernelPath.selected.rawValue) (\(forced))\n".utf8))
            let problems = Vectors.check(directory: URL(fileURLWithPath: options.directory), only: only) {
                FileHandle.standardError.write(Data(($0 + "\n").utf8))
            }
            if json {
                print(try String(decoding: JSONEncoder().encode(["problems": problems]), as: UTF8.self))
            } else if problems.isEmpty {
                print("all vector files regenerate byte-identical and conform")
            } else {
                for p in problems { print("FAIL \(p)") }
            }
            if !problems.isEmpty { throw ExitCode.failure }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the vector suites and their file names (relative to the vectors directory).",
            discussion: "Text: one line per suite, \"<suite><TAB><file>\". --json: a JSON array of {\"suite\", \"file\", \"version\"} objects (version is the suite's integer format version).")
        @Flag(help: "Print the result as JSON.") var json = false

        struct Entry: Encodable { var suite: String; var file: String; var version: Int }

        func run() throws {
            if json {
                let entries = VectorSuites.all.map { Entry(suite: $0.name, file: $0.fileName, version: $0.version) }
                FileHandle.standardOutput.write(try CanonicalJSON.encode(entries))
            } else {
                for s in VectorSuites.all { print("\(s.name)\t\(s.fileName)") }
            }
        }
    }
}
