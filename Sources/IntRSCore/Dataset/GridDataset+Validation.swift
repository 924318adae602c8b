import Foundation

/// Validation of a `GridDataset`: every rule of Vectors/dataset-format.md, "Validation". The first problem
/// found is thrown.
extension GridDataset {
    static let topLevelKeys: Set<String> = [
        "format", "version", "schema", "name", "description", "provenance", "shape", "layout", "gridMin",
        "gridMax", "gridScale", "numberOfClasses", "classNames", "numberOfExamples", "examples",
    ]
    static let provenanceKeys: Set<String> = [
        "source", "split", "seed", "sourceLibrary", "sourceLibraryVersion", "loader", "sourceExamples",
        "sourceIndexMeaning", "generator",
    ]
    static let exampleKeys: Set<String> = ["index", "sourceIndex", "label", "grid"]

    /// Rejects keys the format does not define (a misspelt key would otherwise be silently ignored).
    static func checkKeys(_ data: Data, file: String) throws {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch {
            throw GridDatasetError.malformed(file: file, field: "", detail: "not valid JSON: \(error.localizedDescription)")
        }
        guard let top = any as? [String: Any] else {
            throw GridDatasetError.malformed(file: file, field: "", detail: "the top level must be a JSON object")
        }
        func unknown(_ obj: [String: Any], _ allowed: Set<String>, _ prefix: String) throws {
            if let k = obj.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw GridDatasetError.malformed(file: file, field: prefix + k, detail: "unknown field")
            }
        }
        try unknown(top, topLevelKeys, "")
        if let p = top["provenance"] as? [String: Any] { try unknown(p, provenanceKeys, "provenance.") }
        if let ex = top["examples"] as? [Any] {
            for (i, e) in ex.enumerated() {
                if let o = e as? [String: Any] { try unknown(o, exampleKeys, "examples[\(i)].") }
            }
        }
    }

    /// Checks every rule; `file` names the source in errors.
    public func validate(file: String) throws {
        func fail(_ field: String, _ value: Any, _ problem: String) -> GridDatasetError {
            .invalid(file: file, field: field, value: "\(value)", problem: problem)
        }
        guard format == GridDataset.formatName else {
            throw fail("format", "\"\(format)\"", "expected \"\(GridDataset.formatName)\"")
        }
        guard version == GridDataset.currentVersion else {
            throw fail("version", version, "unsupported version (this build reads version \(GridDataset.currentVersion))")
        }
        guard !provenance.source.isEmpty else { throw fail("provenance.source", "\"\"", "must name the source") }
        guard !provenance.split.isEmpty else { throw fail("provenance.split", "\"\"", "must state the split rule") }
        guard shape.count == 3 else { throw fail("shape", shape, "expected [H, W, C] (three dimensions)") }
        var n = 1
        for (i, d) in shape.enumerated() {
            guard d >= 1 else { throw fail("shape[\(i)]", d, "dimension must be >= 1") }
            n *= d
            guard n <= GridDataset.maxElements else { throw fail("shape", shape, "more than 2^24 elements per example") }
        }
        guard layout == GridDataset.layoutHWC else { throw fail("layout", "\"\(layout)\"", "expected \"HWC\"") }
        let int32Range = Int(Int32.min)...Int(Int32.max)
        guard int32Range.contains(gridMin) else { throw fail("gridMin", gridMin, "outside the Int32 range") }
        guard int32Range.contains(gridMax) else { throw fail("gridMax", gridMax, "outside the Int32 range") }
        guard gridMin <= gridMax else { throw fail("gridMax", gridMax, "below gridMin \(gridMin)") }
        guard GridDataset.parseFraction(gridScale) != nil else {
            throw fail("gridScale", "\"\(gridScale)\"", "expected a positive rational \"p/q\" or integer \"p\" (decimal digits, p > 0, q > 0, each < 2^64)")
        }
        guard (1...65536).contains(numberOfClasses) else {
            throw fail("numberOfClasses", numberOfClasses, "must be in [1, 65536]")
        }
        if let names = classNames, names.count != numberOfClasses {
            throw fail("classNames", "\(names.count) names", "expected one per class (\(numberOfClasses))")
        }
        guard !examples.isEmpty else { throw fail("examples", "[]", "a dataset needs at least one example") }
        guard numberOfExamples == examples.count else {
            throw fail("numberOfExamples", numberOfExamples, "the file has \(examples.count) examples")
        }
        for (i, e) in examples.enumerated() {
            let f = "examples[\(i)]"
            guard e.index == i else { throw fail("\(f).index", e.index, "must equal the position in the file, \(i)") }
            if let s = e.sourceIndex, s < 0 { throw fail("\(f).sourceIndex", s, "must be >= 0") }
            guard (0..<numberOfClasses).contains(e.label) else {
                throw fail("\(f).label", e.label, "bad label: must be in [0, \(numberOfClasses - 1)]")
            }
            guard e.grid.count == n else {
                throw fail("\(f).grid", "\(e.grid.count) values", "wrong shape: shape \(shape) needs \(n) grid values")
            }
            for (j, v) in e.grid.enumerated() where v < gridMin || v > gridMax {
                throw fail("\(f).grid[\(j)]", v, "grid value outside [gridMin, gridMax] = [\(gridMin), \(gridMax)]")
            }
        }
    }
}
