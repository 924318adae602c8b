import ArgumentParser
import Foundation
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSRun

/// Options shared by `intrs certify` and `intrs predict`.
struct SmoothingOptions: ParsableArguments {
    @Option(help: "Model file (intrs-int8-model JSON). Default: the shipped digits CNN.")
    var model: String?
    @Option(help: "Data set file (intrs-grid-dataset JSON). Default: the shipped digits test set.")
    var data: String?
    @Option(parsing: .unconditional, help: "Noise variance in grid units squared, an exact rational (e.g. 16 or 65025/16). Default 16 (sigma = 4 grid units = 0.25 real units on the digits).")
    var sigma2: String?
    @Option(parsing: .unconditional, help: "Noise standard deviation in REAL units (e.g. 0.25 in [0, 1] pixel units); converted exactly: sigma2 = (sigma / gridScale)^2. Give --sigma2 or --sigma, not both.")
    var sigma: String?
    @Option(help: "Noise law: discrete-gaussian (N_Z) or rounded-gaussian (round(N(0, sigma^2))).")
    var noise: NoiseFamily = .discreteGaussian
    @Option(help: "Sampler: exact (CKS, discrete-gaussian only) or table (CDT table; its total-variation bound is accounted for).")
    var sampler: SamplerKind = .table
    @Option(parsing: .unconditional, help: "Table sampler threshold bits (a multiple of 32).")
    var tableBits: Int = 64
    @Option(name: .customLong("n0"), parsing: .unconditional, help: "CERTIFY selection samples N0 (default 100; intrs predict has no selection phase and refuses it).")
    var n0Option: Int?
    /// N0 (default 100). PREDICT draws no selection samples and refuses an explicit --n0.
    var n0: Int { n0Option ?? 100 }
    @Option(name: .customLong("n"), parsing: .unconditional, help: "Estimation (CERTIFY) or prediction (PREDICT) samples N.")
    var n: Int = 100_000
    @Option(parsing: .unconditional, help: "Confidence parameter alpha in (0, 1), exact decimal or rational.")
    var alpha: String = "0.001"
    @Option(help: "Radius mode: binary (closed-form binary, default; sound for discrete-gaussian by CF-2, Proofs/CF-2.md), tight (exact Neyman-Pearson over integer shifts; discrete-gaussian only), two-class (rounded-gaussian only; its certificate tables take pB = 1 - pA, so it certifies exactly what binary does: a two-class mode that bounds the runner-up is not implemented, Proofs/two-class-bounded-design.md).")
    var radiusMode: RadiusMode = .binary
    @Option(parsing: .unconditional, help: "Worker threads (default: all processors). Results do not depend on it.")
    var threads: Int?
    @Option(parsing: .unconditional, help: "Run shard i of n (\"i/n\", 0 <= i < n): the examples whose position in the selection is i mod n; or \"auto\": i and n from a Slurm job array (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX of --shard-count). Join shards with `intrs merge`.")
    var shard: String?
    @Option(parsing: .unconditional, help: "With --shard auto: the number of shards (a Kubernetes Indexed Job's spec.completions, not exported to the pod); or set INTRS_SHARD_COUNT. Must agree with SLURM_ARRAY_TASK_COUNT when that is set.")
    var shardCount: Int?
    @Option(parsing: .unconditional, help: "ChaCha20 key: 64 hex digits, or \"random\" (for deployment; printed and recorded). Default: the fixed documented seed \(SmoothingDefaults.seedHex).")
    var seed: String?
    @Option(parsing: .unconditional, help: "Use every k-th example of the data set (by index: 0, k, 2k, ...). Default \(SmoothingDefaults.every): the whole test set (the default run, N = 100,000 with the float baseline, takes about 150 CPU seconds: Benchmarks/README.md); --every 20 for a quick subset.")
    var every: Int?
    @Option(parsing: .unconditional, help: "Use at most this many examples, counted AFTER --every (with the default --every 1, --limit 50 selects the first 50).")
    var limit: Int?
    @Option(help: "Output directory for the default output files.")
    var outputDir: String = "intrs-out"
    @Option(help: "JSON Lines output path (default: <output-dir>/<procedure>[.shard-i-of-n].jsonl).")
    var jsonl: String?
    @Option(help: "Cohen-format TSV output path (default: <output-dir>/<procedure>[.shard-i-of-n].tsv).")
    var tsv: String?
    @Option(help: "A prebuilt certificate table (intrs-certificate-table JSON) for exactly this configuration; default: the cache (shipped tables, then <output-dir>/tables/), else built by the exact reference.")
    var certificateTable: String?
    @Flag(help: "Build the certificate table afresh even when a cached one exists.")
    var rebuildTable = false
    @Flag(help: "Write time 0 in every record and TSV line (byte-identical files across runs).")
    var noTime = false
    @Flag(help: "Print the summary as JSON on stdout.")
    var json = false
    @Flag(help: "No progress lines on stderr.")
    var quiet = false
}

extension RadiusMode: ExpressibleByArgument {}

/// The defaults of `intrs certify` and `intrs predict` that live in the command line (the shipped files).
enum SmoothingDefaults {
    static let seedHex = RunConfiguration.defaultSeedHex
    static let sigma2 = "16"
    static let modelResource = "digits-cnn.v1.json"
    static let dataResource = "digits-test.v1.json"
    /// Default selection: every example (all 360 digits test examples). Measured: Benchmarks/README.md.
    static let every = ExampleSelection.defaultEvery
}

extension SmoothingOptions {
    func parsedAlpha() throws -> Rational {
        let a: Rational
        do { a = try Rational(parsing: alpha) } catch { throw ValidationError("--alpha \"\(alpha)\": not an exact decimal or rational (\(error))") }
        guard a > Rational(0), a < Rational(1) else { throw ValidationError("--alpha \"\(alpha)\": must be in (0, 1)") }
        return a
    }

    /// The float baseline runs Cohen's procedure in doubles: alpha must be a double strictly inside (0, 1) and the
    /// largest Clopper–Pearson bound it can produce, alpha^(1/N), must stay below 1 (PhiInv(1) is infinite).
    /// Checked before any work, so a run is never lost after its int8 phase (issue 16).
    func checkFloatBaselineAlpha(_ alpha: Rational) throws {
        let a = alpha.doubleApproximation
        guard a > 0, a < 1, Foundation.pow(a, 1 / Double(n)) < 1 else {
            throw ValidationError("--alpha \(PrintedValue.abbreviated(self.alpha)): the float baseline computes in doubles and cannot represent this alpha (as a double it is \(a)\(a > 0 && a < 1 ? ", and alpha^(1/N) rounds to 1" : "")); pass --no-float-baseline to certify without it")
        }
    }

    func parsedSeed() throws -> (Seed, String) {
        let text = seed ?? SmoothingDefaults.seedHex
        if text == "random" {
            var g = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
            let s = Seed(bytes: bytes)
            return (s, s.hex)
        }
        do { let s = try Seed(hex: text); return (s, s.hex) } catch {
            throw ValidationError("--seed \"\(text)\": \(error) (64 hex digits, or \"random\")")
        }
    }

    /// Every check of the options that needs no file and no procedure (argument-parser calls it while parsing);
    /// `intrs certify` and `intrs predict` add ``validate(procedure:floatBaseline:)`` in their own `validate()`.
    mutating func validate() throws { try checkCounts() }

    /// The checks of one procedure's options that need no file (called by `CertifyCommand.validate()` and
    /// `PredictCommand.validate()`, after ``validate()``): predict refuses the certificate options (they would be
    /// silently ignored), alpha parses and (with the float baseline) fits a double, the seed parses, and the
    /// noise level (--sigma or --sigma2) parses.
    func validate(procedure: RunProcedure, floatBaseline: Bool) throws {
        if procedure == .predict {
            // PREDICT certifies no radius: certificate options would be silently ignored.
            if radiusMode != .binary { throw ValidationError("--radius-mode \(radiusMode.rawValue): intrs predict certifies no radius (it answers or abstains); radius modes are for intrs certify") }
            if let t = certificateTable { throw ValidationError("--certificate-table \(t): intrs predict uses no certificate table (it certifies no radius); the option is for intrs certify") }
            if rebuildTable { throw ValidationError("--rebuild-table: intrs predict builds no certificate table; the option is for intrs certify") }
            if let n0 = n0Option { throw ValidationError("--n0 \(n0): intrs predict draws no selection samples (it counts N = --n samples and tests the top two classes); the option is for intrs certify") }
        }
        let alpha = try parsedAlpha()
        if procedure == .certify && floatBaseline { try checkFloatBaselineAlpha(alpha) }
        if seed != "random" { _ = try parsedSeed() }
        _ = try noiseLevel()
    }

    func checkCounts() throws {
        // Sample indices are 32-bit stream ids (Vectors/stream-spec.md), so both counts stay within 2^31.
        guard n0 >= 1 && n0 <= 1 << 31 else { throw ValidationError("--n0 \(n0): must be in 1 ... 2^31") }
        guard n >= 1 && n <= 1 << 31 else { throw ValidationError("--n \(n): must be in 1 ... 2^31") }
        if let t = threads, t < 1 { throw ValidationError("--threads \(t): must be >= 1") }
        if let e = every, e < 1 { throw ValidationError("--every \(e): must be >= 1") }
        if let l = limit, l < 1 { throw ValidationError("--limit \(l): must be >= 1") }
        if sampler == .exact && noise == .roundedGaussian {
            throw ValidationError("--sampler exact: only for discrete-gaussian; rounded-gaussian uses --sampler table")
        }
        if radiusMode == .tight && !radiusMode.isSound(for: noise) {
            throw ValidationError("--radius-mode tight: only for discrete-gaussian noise; for rounded-gaussian the closed forms are exact (post-processing lemma), use --radius-mode binary")
        }
        if radiusMode == .twoClass && !radiusMode.isSound(for: noise) {
            throw ValidationError("--radius-mode two-class: sound only for rounded-gaussian noise (the two-class closed form fails for discrete-gaussian, Proofs/theorem-check.md)")
        }
    }

    /// The noise level: --sigma (real units) or --sigma2 (grid units squared, default 16).
    func noiseLevel() throws -> NoiseLevel {
        if sigma2 != nil && sigma != nil { throw ValidationError("--sigma2 and --sigma: give one, not both") }
        if let s = sigma {
            let r: Rational
            do { r = try Rational(parsing: s) } catch { throw ValidationError("--sigma \"\(s)\": not an exact decimal or rational") }
            guard r > Rational(0) else { throw ValidationError("--sigma \"\(s)\": must be > 0 (real units)") }
            return .sigma(r)
        }
        let text = sigma2 ?? SmoothingDefaults.sigma2
        let r: Rational
        do { r = try Rational(parsing: text) } catch { throw ValidationError("--sigma2 \"\(text)\": not an exact decimal or rational (grid units squared)") }
        guard r > Rational(0) else { throw ValidationError("--sigma2 \"\(text)\": must be > 0 (grid units squared)") }
        return .sigma2(r)
    }

    /// sigma2 in grid units squared, from --sigma2 or from --sigma (real units) and the grid scale.
    func parsedSigma2(gridScale: Rational) throws -> Rational { try noiseLevel().sigma2(gridScale: gridScale) }

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    /// The shard to run: from `--shard i/n`, or with `--shard auto` from the job-array variables in
    /// `environment` (``ShardEnvironment``); nil when unsharded.
    func resolvedShard(environment: [String: String]) throws -> Shard? {
        try ShardEnvironment.resolve(option: shard, count: shardCount, environment: environment)
    }

    /// The examples selection of this run (or of shard `shard`).
    func selection(shard: Shard?) -> ExampleSelection {
        ExampleSelection(every: every ?? SmoothingDefaults.every, limit: limit, shard: shard)
    }

    /// The examples this run (or shard) processes, in index order.
    func select(_ all: [RunExample], shard: Shard?) -> [RunExample] { selection(shard: shard).select(all) }

    /// Where the outputs go.
    var outputs: RunOutputs { RunOutputs(directory: outputDir, jsonl: jsonl, tsv: tsv) }

    /// The library's configuration of this command line (`model`, `data`: the resolved paths).
    func configuration(_ procedure: RunProcedure, floatBaseline: Bool, alpha: Rational, seed: Seed, seedIsRandom: Bool,
                       shard: Shard?, model: String, data: String) throws -> RunConfiguration {
        var c = RunConfiguration(procedure: procedure, modelPath: model, dataPath: data)
        c.noise = noise
        c.level = try noiseLevel()
        c.sampler = sampler
        c.tableBits = tableBits
        c.n0 = n0
        c.n = n
        c.alpha = alpha
        c.radiusMode = radiusMode
        c.threads = threadCount
        c.seed = seed
        c.seedWasDrawn = seedIsRandom
        c.selection = selection(shard: shard)
        c.floatBaseline = procedure == .certify && floatBaseline
        c.recordTime = !noTime
        c.certificateTable = certificateTable
        c.rebuildTable = rebuildTable
        c.tableCache = URL(fileURLWithPath: outputDir).appendingPathComponent("tables")
        c.shippedTables = ShippedDefaults.url("certificate-tables")
        return c
    }
}
