import Foundation
import IntRSCore
import IntRSExact
import IntRSReference
import IntRSFloatBaseline
import IntRSRuntime

/// The real parts of a run, resolved from its `RunConfiguration`: model, data, noise, certificate table,
/// Clopper–Pearson. Each comes from its owner's module (int8 runtime, data set loader, noise samplers,
/// certificate tables, exact Clopper–Pearson).
package struct SmoothingParts {
    package var modelPath: String
    package var dataPath: String
    package var modelSHA256: String
    package var dataSHA256: String
    package var classifier: AnyBatchClassifier
    package var floatBaseline: FloatBaselineSetup?
    package var examples: [RunExample]
    package var gridScale: Rational
    /// The run's noise on this data set (sigma2 in grid units squared).
    package var noiseConfiguration: NoiseConfiguration
    package var sigma2: Rational { noiseConfiguration.sigma2 }
    package var noise: AnyGridNoiseSource
    package var tvBound: Rational
    package var certificate: (any CertificateLookup)?
    package var clopperPearsonLower: @Sendable (Int, Int) throws -> Rational
    package var notes: [String]

    package static func readFile(_ path: String, what: String) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw RunError("\(path): cannot read \(what): \(fileReadFailureReason(path: path, error))")
        }
    }

    /// A file of another kind (a data set given as --model, a model as --data, a run record ...) is named by its
    /// `format` field before the full decoder reports a missing field deep inside.
    package static func checkFormat(_ data: Data, file: String, option: String, expected: String) throws {
        struct Head: Decodable { var format: String? }
        guard let h = try? JSONDecoder().decode(Head.self, from: data), let f = h.format, f != expected else { return }
        let other = [Int8Model.formatName: "--model", GridDataset.formatName: "--data"][f]
        throw RunError("\(option) \(file): field format is \"\(f)\", expected \"\(expected)\"\(other.map { " (give this file as \($0))" } ?? "")")
    }

    /// Reads the model, the data set and the noise of `c`, and builds the run's parts: the fast int8 classifier,
    /// the fast noise source, the certificate table (CERTIFY) and the float baseline's parts (when asked for and
    /// the model has real scales). `checkSelection` runs as soon as the data set is read (before a certificate
    /// table is built, which can take minutes).
    /// `warn`: ``RunWarning``s (no float baseline; a cached table replaced).
    package static func resolve(_ c: RunConfiguration, checkSelection: ([RunExample]) throws -> Void = { _ in },
                        log: (String) -> Void, warn: (RunWarning) -> Void) throws -> SmoothingParts {
        let modelPath = c.modelPath, dataPath = c.dataPath
        let modelBytes = try readFile(modelPath, what: "model")
        let dataBytes = try readFile(dataPath, what: "data set")
        try checkFormat(modelBytes, file: modelPath, option: "--model", expected: Int8Model.formatName)
        try checkFormat(dataBytes, file: dataPath, option: "--data", expected: GridDataset.formatName)
        let model = try Int8ModelFile.decode(modelBytes, file: modelPath)
        let data = try SmoothingData.load(dataBytes, file: dataPath)
        let classifier = try SmoothingModel.classifier(model, file: modelPath)
        try data.dataset.checkCompatible(inputShape: model.input.shape, file: dataPath)
        guard classifier.inputCount == data.inputCount else {
            throw RunError("\(dataPath): examples have \(data.inputCount) grid values but model \(modelPath) expects \(classifier.inputCount)")
        }
        guard data.dataset.numberOfClasses == classifier.classCount else {
            throw RunError("\(dataPath): field numberOfClasses = \(data.dataset.numberOfClasses), but model \(modelPath) has \(classifier.classCount) outputs (classes); give a data set for this model")
        }
        try checkSelection(data.examples)
        let gridScale = data.gridScale
        let noiseConfiguration = c.noiseConfiguration(gridScale: gridScale)
        let sigma2 = noiseConfiguration.sigma2
        let seed = c.seed, alpha = c.alpha
        let noise = try SmoothingNoise.make(noiseConfiguration, seed: seed)
        var certificate: (any CertificateLookup)? = nil
        if c.procedure == .certify {
            certificate = try SmoothingCertificates.lookup(c, noise: noiseConfiguration, dimension: classifier.inputCount,
                                                           tvBound: noise.tvBound, log: log, warn: warn)
        }
        var fb: FloatBaselineSetup? = nil
        if c.procedure == .certify && c.floatBaseline {
            if let fc = try SmoothingModel.floatClassifier(model, file: modelPath, warn: warn) {
                fb = FloatBaselineSetup(classifier: fc, noise: AnyFloatNoiseSource(GaussianStreamNoiseSource(seed: seed, sigma: Float(sigma2.doubleApproximation.squareRoot()))),
                                        sigma: sigma2.doubleApproximation.squareRoot())
            }
        }
        let cp: @Sendable (Int, Int) throws -> Rational = { k, n in try SmoothingCertificates.clopperPearsonLower(k, n, alpha) }
        return SmoothingParts(modelPath: modelPath, dataPath: dataPath, modelSHA256: SHA256.hex(modelBytes),
                              dataSHA256: SHA256.hex(dataBytes), classifier: classifier, floatBaseline: fb,
                              examples: data.examples, gridScale: gridScale, noiseConfiguration: noiseConfiguration, noise: noise.source,
                              tvBound: noise.tvBound, certificate: certificate, clopperPearsonLower: cp,
                              notes: noise.notes)
    }
}

/// The data set (owner: the data set loader in IntRSCore).
package enum SmoothingData {
    package struct Loaded { var examples: [RunExample]; var inputCount: Int; var gridScale: Rational; var dataset: GridDataset }
    package static func load(_ data: Data, file: String) throws -> Loaded {
        let d = try GridDataset.decode(data, file: file)
        guard let scale = Rational(d.gridScale), scale > Rational(0) else {
            throw RunError("\(file): field gridScale = \"\(d.gridScale)\": expected a positive exact rational")
        }
        let ex = d.examples.map { RunExample(index: $0.index, label: $0.label, grid: $0.grid.map { Int32($0) }) }
        return Loaded(examples: ex, inputCount: d.elementCount, gridScale: scale, dataset: d)
    }
}

/// The model's evaluators (owner: the int8 runtime).
package enum SmoothingModel {
    package static func classifier(_ model: Int8Model, file: String) throws -> AnyBatchClassifier {
        // One evaluator thread: the vote counter runs the workers (work assigned by sample index).
        AnyBatchClassifier(try FastInt8Evaluator(model: model, threads: 1, file: file))
    }
    /// The float32 baseline on the same model (its stored float weights, else dequantized), or nil with a
    /// ``RunWarning/noFloatBaseline(reason:)`` when the model lacks the real scales the baseline needs.
    package static func floatClassifier(_ model: Int8Model, file: String, warn: (RunWarning) -> Void) throws -> AnyFloatBatchClassifier? {
        do { return AnyFloatBatchClassifier(try FloatEvaluator(model: model, threads: 1, file: file)) }
        catch let e as FloatEvaluator.SetupError {
            warn(.noFloatBaseline(reason: "\(e)"))
            return nil
        }
    }
}

/// The noise (owner: the noise samplers).
package enum SmoothingNoise {
    package struct Made { var source: AnyGridNoiseSource; var tvBound: Rational; var notes: [String] }
    package static func make(_ c: NoiseConfiguration, seed: Seed) throws -> Made {
        let sigma2 = c.sigma2
        switch c.sampler {
        case .exact:
            guard let p = sigma2.numerator.asInt, let q = sigma2.denominator.asInt, p > 0, q > 0 else {
                throw RunError(usage: "--sigma2 \(sigma2): numerator or denominator too large for the fast CKS sampler")
            }
            let s: FastDiscreteGaussianSampler
            do { s = try FastDiscreteGaussianSampler(sigma2Numerator: UInt64(p), sigma2Denominator: UInt64(q)) } catch {
                throw RunError(usage: "--sigma2 \(sigma2): \(error)")
            }
            return Made(source: AnyGridNoiseSource(StreamNoiseSource(seed: seed, sampler: s)), tvBound: Rational(0),
                        notes: ["exact CKS sampler: no total-variation term"])
        case .table:
            let bits = c.tableBits ?? 64
            let law: TableLaw
            do { law = try TableLaw(family: c.family, sigma2: sigma2, bits: bits) } catch {
                // The domain message already names --sigma2 and its value.
                if case .sigma2OutsideDomain = error { throw RunError(usage: "\(error)") }
                throw RunError(usage: "--sampler table --table-bits \(bits) --sigma2 \(sigma2): \(error)")
            }
            let sampler = try FastTableSampler(table: law.noiseTable)
            let tv = NoiseConfiguration.totalVariationBound(of: law)
            return Made(source: AnyGridNoiseSource(StreamNoiseSource(seed: seed, sampler: sampler)), tvBound: tv,
                        notes: ["\(bits)-bit table sampler: per-coordinate total-variation bound \(tv.scientificString()) (exact \"\(tv)\"), d x bound subtracted from pA"])
        }
    }
}

/// Certificates and Clopper–Pearson: the exact reference (`SmoothingCertification` in IntRSReference).
///
/// Building a table is exact and can take minutes for N = 100,000 (thousands of exact Clopper–Pearson
/// bounds), so tables are cached by their configuration: `--certificate-table PATH` (checked against the
/// run's configuration), then the tables shipped in the resource bundle (`certificate-tables/`), then
/// `<output-dir>/tables/`; a table built afresh is written there. A cached table is only an input: `intrs
/// audit` re-derives every certificate from the counts without it, a tight table is verified step by step before
/// it is used (``CertificateTableBuilder/verify(table:spec:lowerBound:phiUpper:)``: a rejected cache is rebuilt,
/// a rejected `--certificate-table` is an error), closed-form certificates are re-derived after the run
/// (``SmoothingRunner/selfAudit(_:radiusMode:log:)``), and `--rebuild-table` ignores caches.
package enum SmoothingCertificates {
    package static func cacheName(_ c: CertificateConfiguration) throws -> String {
        "table-" + String(SHA256.hex(try CanonicalJSON.encode(c)).prefix(24)) + ".json"
    }

    package static func lookup(_ c: RunConfiguration, noise: NoiseConfiguration, dimension: Int,
                       tvBound: Rational, log: (String) -> Void, warn: (RunWarning) -> Void) throws -> CertificateTable {
        let alpha = c.alpha
        let spec = try SmoothingCertification.spec(noise: noise, eta: tvBound, dimension: dimension, estimationSamples: c.n,
                                                   alpha: alpha, radiusMode: c.radiusMode)
        let expected = spec.configuration
        let lowerBound: CertificateTableBuilder.LowerBound = { k in try SmoothingCertification.clopperPearsonLower(successes: k, trials: c.n, alpha: alpha) }
        // A table read from a file is only an input. Closed-form certificates are re-derived after the run (selfAudit,
        // one Clopper-Pearson bound per distinct count); tight tables are verified step by step here, before any
        // work, since re-deriving tight certificates afterwards would cost the pattern enumeration for every run.
        let tight = spec.effectiveMode == .tight
        func verified(_ t: CertificateTable) throws -> [String] {
            guard tight else { return [] }
            return try CertificateTableBuilder.verify(table: t, spec: spec, lowerBound: lowerBound, phiUpper: SmoothingCertification.phiOfSqrtUpper)
        }
        let verifiedNote = tight ? "every step re-derived by the exact analysis at minCount and minCount - 1" : "`intrs audit` re-derives every certificate without it"
        if let path = c.certificateTable {
            let t = try CertificateTable.load(from: URL(fileURLWithPath: path))
            guard t.configuration == expected else {
                throw RunError("--certificate-table \(path): built for \(describe(t.configuration)), but this run is \(describe(expected))")
            }
            let problems = try verified(t)
            guard problems.isEmpty else {
                throw RunError("--certificate-table \(path): the exact re-derivation rejects the table (nothing was computed):\n"
                    + problems.prefix(5).joined(separator: "\n") + (problems.count > 5 ? "\n... and \(problems.count - 5) more" : ""))
            }
            log("certificate table: \(path) (\(verifiedNote))")
            return t
        }
        let name = try cacheName(expected)
        let cacheURL = (c.tableCache ?? URL(fileURLWithPath: "intrs-out/tables")).appendingPathComponent(name)
        if !c.rebuildTable {
            for u in [c.shippedTables?.appendingPathComponent(name), cacheURL] {
                guard let u, FileManager.default.fileExists(atPath: u.path) else { continue }
                let t: CertificateTable
                do { t = try CertificateTable.load(from: u) } catch {
                    warn(.cachedTableUnreadable(path: u.path, error: "\(error)"))
                    continue
                }
                guard t.configuration == expected else {
                    warn(.cachedTableOtherConfiguration(path: u.path, configuration: describe(t.configuration)))
                    continue
                }
                do {
                    let problems = try verified(t)
                    if problems.isEmpty {
                        log("certificate table: \(u.path) (cached; \(verifiedNote))")
                        return t
                    }
                    log("certificate table: \(u.path) is rejected by the exact re-derivation (\(problems[0])\(problems.count > 1 ? "; \(problems.count - 1) more problems" : "")); building a new one")
                }
            }
        }
        log("building the certificate table (exact reference; minutes for N = 100,000, then cached) ...")
        let t0 = DispatchTime.now()
        let t = try withoutActuallyEscaping(log) { log in
            let progress = TableBuildProgress(prefix: "building the certificate table", write: log)
            return try CertificateTableBuilder.build(spec: spec, lowerBound: { k in progress.bound(); return try lowerBound(k) },
                                                  phiUpper: SmoothingCertification.phiOfSqrtUpper,
                                                  generator: "intrs certify \(IntRSVersion.string)", progress: progress.pattern)
        }
        log(String(format: "built the certificate table in %.1f s; cached at %@", SmoothingRun.seconds(since: t0), cacheURL.path))
        do {
            try FileManager.default.createDirectory(at: cacheURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try CanonicalJSON.encode(t).write(to: cacheURL, options: .atomic)
        } catch {
            throw RunError("\(cacheURL.path): cannot write the certificate table cache: \(fileWriteFailureReason(path: cacheURL.path, error))")
        }
        return t
    }

    package static func describe(_ c: CertificateConfiguration) -> String {
        "noise \(c.noise), sigma2 \(c.sigma2), sampler \(c.sampler) (eta \(c.eta), bits \(c.samplerBits.map(String.init) ?? "-")), d \(c.dimension), N \(c.estimationSamples), alpha \(c.alpha), form \(c.form), mode \(c.mode)"
    }

    package static func clopperPearsonLower(_ k: Int, _ n: Int, _ alpha: Rational) throws -> Rational {
        try SmoothingCertification.clopperPearsonLower(successes: k, trials: n, alpha: alpha)
    }
}
