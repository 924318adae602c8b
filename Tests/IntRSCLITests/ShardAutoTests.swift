import ArgumentParser
import Foundation
import Testing
import IntRSCore
@testable import IntRSCLI
@testable import IntRSRun

/// `--shard auto` (Slurm job arrays, Kubernetes Indexed Jobs), the `shard` field of records and `intrs merge`'s
/// completeness check from the records.
@Suite("shards from a job array's environment")
struct ShardAutoTests {
    /// The variables Slurm sets in task `id` of `sbatch --array=min-max` (job_array.html).
    static func slurm(_ id: Int, min: Int = 1, count: Int = 4) -> [String: String] {
        ["SLURM_ARRAY_TASK_ID": "\(id)", "SLURM_ARRAY_TASK_MIN": "\(min)", "SLURM_ARRAY_TASK_MAX": "\(min + count - 1)",
         "SLURM_ARRAY_TASK_COUNT": "\(count)", "SLURM_ARRAY_TASK_STEP": "1", "SLURM_ARRAY_JOB_ID": "4242"]
    }
    /// A Kubernetes Indexed Job's pod: JOB_COMPLETION_INDEX, and the count the manifest passes as INTRS_SHARD_COUNT.
    static func kubernetes(_ index: Int, count: Int = 4) -> [String: String] {
        ["JOB_COMPLETION_INDEX": "\(index)", "INTRS_SHARD_COUNT": "\(count)"]
    }

    static func resolve(_ args: [String], _ env: [String: String]) throws -> Shard? {
        try SmoothingOptions.parse(args).resolvedShard(environment: env)
    }

    @Test("Slurm arrays starting at 0 or 1, Kubernetes with INTRS_SHARD_COUNT or --shard-count; --shard i/n unchanged")
    func resolves() throws {
        for id in 1...4 { #expect(try Self.resolve(["--shard", "auto"], Self.slurm(id)) == Shard(index: id - 1, count: 4)) }
        #expect(try Self.resolve(["--shard", "auto"], Self.slurm(0, min: 0, count: 3)) == Shard(index: 0, count: 3))
        #expect(try Self.resolve(["--shard", "auto"], Self.kubernetes(3)) == Shard(index: 3, count: 4))
        #expect(try Self.resolve(["--shard", "auto", "--shard-count", "5"], ["JOB_COMPLETION_INDEX": "4"]) == Shard(index: 4, count: 5))
        // Both engines naming the same shard is accepted.
        #expect(try Self.resolve(["--shard", "auto"], Self.slurm(3).merging(Self.kubernetes(2)) { a, _ in a }) == Shard(index: 2, count: 4))
        #expect(try Self.resolve(["--shard", "1/3"], Self.slurm(1)) == Shard(index: 1, count: 3))
        #expect(try Self.resolve([], Self.slurm(1)) == nil)
    }

    @Test("missing, malformed and inconsistent variables are refused, naming the variable and value",
          arguments: [
            ([], [:], "no job array in the environment"),
            (["--shard-count", "4"], [:], "--shard-count 4: only with --shard auto"),
            (["--shard-count", "0"], ["JOB_COMPLETION_INDEX": "0"], "--shard-count 0: must be >= 1"),
            ([], ["SLURM_ARRAY_TASK_ID": "x1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"], "SLURM_ARRAY_TASK_ID=\"x1\""),
            ([], ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "0"], "SLURM_ARRAY_TASK_COUNT is not"),
            ([], ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"], "SLURM_ARRAY_TASK_MIN is not"),
            ([], ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_STEP": "2"], "SLURM_ARRAY_TASK_STEP=2"),
            ([], ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "7"], "SLURM_ARRAY_TASK_MAX=7"),
            ([], ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"], "SLURM_ARRAY_TASK_ID=5 is outside"),
            ([], ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"], "SLURM_ARRAY_TASK_ID=0 is outside"),
            (["--shard-count", "3"], slurm(1), "SLURM_ARRAY_TASK_COUNT=4 but the given count"),
            ([], ["JOB_COMPLETION_INDEX": "2"], "JOB_COMPLETION_INDEX=2 is set but the shard count is not"),
            ([], ["JOB_COMPLETION_INDEX": "4", "INTRS_SHARD_COUNT": "4"], "JOB_COMPLETION_INDEX=4 must be < the shard count 4"),
            ([], ["JOB_COMPLETION_INDEX": "-1", "INTRS_SHARD_COUNT": "4"], "JOB_COMPLETION_INDEX=\"-1\""),
            ([], ["JOB_COMPLETION_INDEX": "1", "INTRS_SHARD_COUNT": "four"], "INTRS_SHARD_COUNT=\"four\""),
            (["--shard-count", "3"], kubernetes(1), "--shard-count 3 and INTRS_SHARD_COUNT=4 disagree"),
            ([], slurm(2).merging(kubernetes(3)) { a, _ in a }, "SLURM_ARRAY_TASK_ID=2) but the Kubernetes Indexed Job says 3/4 (JOB_COMPLETION_INDEX=3)"),
          ] as [([String], [String: String], String)])
    func refuses(extra: [String], env: [String: String], message: String) throws {
        let args = (extra.first == "--shard-count" && extra[1] == "4" ? [] : ["--shard", "auto"]) + extra
        do {
            _ = try Self.resolve(args, env)
            Issue.record("accepted \(args) with \(env)")
        } catch {
            #expect("\(error)".contains(message), "message: \(error)")
        }
    }

    /// Runs `intrs certify` on the shipped model (small N, 6 examples) in-process with `env` as its environment.
    static func certify(_ dir: URL, _ extra: [String], env: [String: String]) throws {
        let o = try SmoothingOptions.parse(["--n", "200", "--n0", "20", "--limit", "6", "--every", "7", "--threads", "1",
                                            "--output-dir", dir.path, "--no-time", "--quiet", "--json"] + extra)
        try SmoothingCommandRunner.run(procedure: .certify, options: o, floatBaseline: false, environment: env)
    }

    static func merge(_ files: [String], into dir: URL) throws {
        let m = try MergeCommand.parse(files + ["--output-dir", dir.path, "--json"])
        try m.run()
        _ = m
    }

    @Test("four shards run as a job array (one environment per task) merge into the unsharded run, byte for byte",
          arguments: ["slurm", "kubernetes"])
    func jobArrayEqualsSingleRun(engine: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-shard-auto-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.certify(dir.appendingPathComponent("single"), [], env: [:])
        var files: [String] = []
        for task in 0..<4 {
            let env = engine == "slurm" ? Self.slurm(task + 1) : Self.kubernetes(task)
            try Self.certify(dir.appendingPathComponent("shards"), ["--shard", "auto"], env: env)
            let f = dir.appendingPathComponent("shards/certify.shard-\(task)-of-4.jsonl").path
            let lines = try String(contentsOfFile: f, encoding: .utf8).split(separator: "\n")
            #expect(!lines.isEmpty)
            for l in lines { #expect(l.contains("\"shard\":{\"count\":4,\"every\":7,\"index\":\(task),\"selected\":6}")) }
            files.append(f)
        }
        let single = try String(contentsOf: dir.appendingPathComponent("single/certify.jsonl"), encoding: .utf8)
        #expect(!single.contains("\"shard\""), "an unsharded run's records carry no shard field")
        try Self.merge(files.reversed(), into: dir.appendingPathComponent("merged"))
        for name in ["certify.jsonl", "certify.tsv", "certify.svg"] {
            let a = try Data(contentsOf: dir.appendingPathComponent("single/\(name)"))
            let b = try Data(contentsOf: dir.appendingPathComponent("merged/\(name)"))
            #expect(a == b, "\(name) differs between the unsharded run and the merged job array")
        }
    }

    @Test("the built intrs binary reads SLURM_ARRAY_TASK_* from its own environment (subprocesses)")
    func subprocesses() throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("intrs")
        guard FileManager.default.isExecutableFile(atPath: bin.path) else {
            Issue.record("no intrs binary beside the test bundle at \(bin.path) (build with swift build --build-tests)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-shard-proc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        func intrs(_ args: [String], env: [String: String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = bin
            p.arguments = args
            p.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_") && $0.key != "JOB_COMPLETION_INDEX" && $0.key != "INTRS_SHARD_COUNT" }
                .merging(env) { _, b in b }
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        let run = ["certify", "--n", "200", "--n0", "20", "--limit", "4", "--every", "7", "--threads", "1",
                   "--no-float-baseline", "--no-time", "--quiet", "--output-dir", dir.path, "--shard", "auto"]
        for id in 1...2 {
            let (status, text) = try intrs(run, env: Self.slurm(id, count: 2))
            #expect(status == 0, "task \(id): \(text)")
        }
        let (status, text) = try intrs(run, env: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_MIN": "1"])
        #expect(status != 0 && text.contains("SLURM_ARRAY_TASK_ID=3 is outside"), "\(status): \(text)")
        let (ms, mt) = try intrs(["merge", dir.appendingPathComponent("certify.shard-1-of-2.jsonl").path,
                                  "--output-dir", dir.appendingPathComponent("merged").path], env: [:])
        #expect(ms != 0 && mt.contains("shard 0/2 (no records given"), "\(ms): \(mt)")
    }

    @Test("merge names what is missing from the records, not the file names")
    func mergeChecksRecords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-shard-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Four shards of the stand-in run over 7 examples (every 1), written under names that say nothing.
        let setup = try RunStandIns.setup(threads: 1)
        var shards: [[RunRecord]] = []
        for i in 0..<4 {
            var s = setup
            let o = try SmoothingOptions.parse(["--every", "1", "--shard", "\(i)/4"])
            let sh = try o.resolvedShard(environment: [:])
            s.shard = o.selection(shard: sh).recordedShard(of: RunStandIns.examples)
            shards.append(try SmoothingRun.certify(s, examples: o.select(RunStandIns.examples, shard: sh), progress: { _ in }))
        }
        func write(_ name: String, _ records: [RunRecord]) throws -> String {
            let u = dir.appendingPathComponent(name)
            try Data(records.map { try $0.jsonLine() + "\n" }.joined().utf8).write(to: u)
            return u.path
        }
        let files = try (0..<4).map { try write("part\($0).jsonl", shards[$0]) }
        func fails(_ files: [String], _ message: String) {
            do {
                try Self.merge(files, into: dir.appendingPathComponent("out"))
                Issue.record("merged \(files)")
            } catch {
                #expect("\(error)".contains(message), "message: \(error)")
            }
        }
        try Self.merge(files, into: dir.appendingPathComponent("ok"))
        let merged = try String(contentsOf: dir.appendingPathComponent("ok/certify.jsonl"), encoding: .utf8)
        let single = try SmoothingRun.certify(setup, examples: RunStandIns.examples, progress: { _ in })
        #expect(merged == single.map { try! $0.jsonLine() + "\n" }.joined(), "merged records lose the shard field")
        fails([files[0], files[1], files[3]], "missing shard 2/4 (no records given: its 2 examples 2, 6)")
        fails([files[0], files[1], files[2], try write("short3.jsonl", Array(shards[3].prefix(0)))],
              "missing shard 3/4 (no records given: its 1 example 3)")
        fails([files[0], try write("short1.jsonl", [shards[1][0]]), files[2], files[3]], "shard 1/4 lacks 1 of its 2 examples: 5")
        var moved = shards[3]; moved[0].shard!.index = 2
        fails([files[0], files[1], files[2], try write("moved.jsonl", moved)], "example 3 belongs to shard 3/4")
        var other = shards[3]; other[0].shard!.selected = 8
        fails([files[0], files[1], files[2], try write("other.jsonl", other)], "field shard is {index 3, count 4, every 1, selected 8}")
        var outside = shards[3]; outside[0].index = 11
        outside[0].streams = outside[0].streams.map { var r = $0; r.example = 11; return r }  // consistent, as merge checks
        fails([files[0], files[1], files[2], try write("outside.jsonl", outside)], "example 11 is not in the run's selection")
        fails([files[0], files[1], files[2], try write("plain.jsonl", shards[3].map(\.withoutShard))], "has no field shard")
        for (field, value) in [("count", 0), ("index", -1), ("every", 0), ("selected", Int.max)] {
            var bad = shards[3]
            switch field {
            case "count": bad[0].shard!.count = value
            case "index": bad[0].shard!.index = value
            case "every": bad[0].shard!.every = value
            default: bad[0].shard!.selected = value
            }
            fails([try write("bad-\(field).jsonl", bad), files[0], files[1], files[2]], "malformed")
        }
    }
}
