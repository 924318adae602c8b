import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSExact
import IntRSRuntime
@testable import IntRSCLI
@testable import IntRSRun

/// Stand-in parts for run-level tests: real ChaCha20 + fast CKS noise, a toy classifier and a toy table.
enum RunStandIns {
    static let seed = try! Seed(hex: SmoothingDefaults.seedHex)
    /// Class 1 when the first coordinate + noise exceeds 0, else 0 (d = 3).
    static let classifier = ClosureClassifier(inputCount: 3, classCount: 3) { row in row[0] > 0 ? 1 : (row[0] < -6 ? 2 : 0) }
    struct Table: CertificateLookup {
        var estimationSamples: Int
        func certifiedNorm2Bound(nA: Int) -> Int? {
            nA * 2 <= estimationSamples ? nil : 1 + (nA * 10 - estimationSamples * 5) / estimationSamples
        }
    }
    static func setup(threads: Int, n: Int = 200) throws -> SmoothingRunSetup {
        let sampler = try FastDiscreteGaussianSampler(sigma2Numerator: 9, sigma2Denominator: 1)
        var s = SmoothingRunSetup(
            classifier: AnyBatchClassifier(classifier),
            noise: AnyGridNoiseSource(StreamNoiseSource(seed: seed, sampler: sampler)),
            certificate: Table(estimationSamples: n), predictionTest: ReferencePredictionTest(alpha: Rational(1, 1000)),
            clopperPearsonLower: { k, n in Rational(k, n) },
            constants: RunConstants(alpha: Rational(1, 1000),
                                    noise: NoiseConfiguration(family: .discreteGaussian, sigma2: Rational(9), sampler: .exact, tableBits: nil),
                                    radiusMode: .binary, seedHex: seed.hex,
                                    modelSHA256: String(repeating: "0", count: 64), dataSHA256: String(repeating: "1", count: 64),
                                    gridScale: Rational(1, 16), tvBound: Rational(0)),
            n0: 20, n: n, threads: threads)
        s.recordTime = false
        return s
    }
    static let examples: [RunExample] = (0..<7).map { i in RunExample(index: i, label: i % 2, grid: [Int32(i) - 3, 1, 2]) }
}

@Suite("certify and predict runs")
struct SmoothingRunTests {
    func lines(_ r: [RunRecord]) throws -> [String] { try r.map { try $0.withoutTime.jsonLine() } }

    @Test("records are identical across thread counts")
    func threadsDoNotMatter() throws {
        let one = try lines(SmoothingRun.certify(RunStandIns.setup(threads: 1), examples: RunStandIns.examples, progress: { _ in }))
        let three = try lines(SmoothingRun.certify(RunStandIns.setup(threads: 3), examples: RunStandIns.examples, progress: { _ in }))
        #expect(one == three)
        let p1 = try lines(SmoothingRun.predict(RunStandIns.setup(threads: 1), examples: RunStandIns.examples, progress: { _ in }))
        let p2 = try lines(SmoothingRun.predict(RunStandIns.setup(threads: 2), examples: RunStandIns.examples, progress: { _ in }))
        #expect(p1 == p2)
    }

    @Test("shards merged by `intrs merge` equal a single run byte for byte", arguments: [2, 3])
    func shardsEqualSingleRun(shards: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-merge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let setup = try RunStandIns.setup(threads: 2)
        var o = try SmoothingOptions.parse(["--output-dir", dir.path, "--no-time", "--every", "1"])
        let single = try SmoothingRun.certify(setup, examples: RunStandIns.examples, progress: { _ in })
        let singleFiles = try SmoothingCommandRunner.writeOutputs(procedure: .certify, options: o, shard: nil, records: single, float: nil, gridScale: Rational(1, 16))
        var shardFiles: [String] = []
        for i in 0..<shards {
            let sh = Shard(index: i, count: shards)
            o.shard = "\(i)/\(shards)"
            let part = try SmoothingRun.certify(setup, examples: o.select(RunStandIns.examples, shard: sh), progress: { _ in })
            shardFiles.append(try SmoothingCommandRunner.writeOutputs(procedure: .certify, options: o, shard: sh, records: part, float: nil, gridScale: Rational(1, 16))[0])
        }
        let mergedDir = dir.appendingPathComponent("merged")
        let merge = try MergeCommand.parse(shardFiles + ["--output-dir", mergedDir.path])
        try merge.run()
        for name in ["certify.jsonl", "certify.tsv", "certify.svg"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: singleFiles[0]).deletingLastPathComponent().appendingPathComponent(name))
            let b = try Data(contentsOf: mergedDir.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between the single run and the merged shards")
        }
        _ = merge
    }

    @Test("merge refuses shards with different configurations or duplicated examples")
    func mergeRefusesMismatch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-merge-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let recs = try SmoothingRun.certify(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(2)), progress: { _ in })
        var other = recs[1]; other.sigma2 = "10"
        let a = dir.appendingPathComponent("a.jsonl"), b = dir.appendingPathComponent("b.jsonl")
        try Data((try recs[0].jsonLine() + "\n").utf8).write(to: a)
        try Data((try other.jsonLine() + "\n").utf8).write(to: b)
        let m = try MergeCommand.parse([a.path, b.path, "--output-dir", dir.path])
        #expect(throws: (any Error).self) { try m.run() }
        let dup = try MergeCommand.parse([a.path, a.path, "--output-dir", dir.path])
        #expect(throws: (any Error).self) { try dup.run() }
        _ = (m, dup)
    }

    @Test("Cohen TSV format and time rendering")
    func cohenFormat() throws {
        #expect(RunReports.cohenTime(1.5) == "0:00:01.500000")
        #expect(RunReports.cohenTime(3723) == "1:02:03")
        #expect(RunReports.radiusText(0.12345678) == "0.123456")
        let recs = try SmoothingRun.certify(RunStandIns.setup(threads: 1), examples: Array(RunStandIns.examples.prefix(3)), progress: { _ in })
        let tsv = RunReports.cohenTSV(records: recs).split(separator: "\n")
        #expect(tsv[0] == "idx\tlabel\tpredict\tradius\tcorrect\ttime")
        #expect(tsv.count == 4)
    }
}
