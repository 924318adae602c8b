import Foundation

/// Validation of a `GridDataset`: every rule of Vectors/dataset-format.md, "Validation". The first problem
/// found is thrown.
extension GridExample: ClosedJSONShaped {
    static let closedShape = ClosedJSONObject(reflecting: GridExample(index: 0, label: 0, grid: []))
    public static var closedJSONShape: ClosedJSONObject.Value { .object(closedShape) }
}

extension GridDatasetProvenance: ClosedJSONShaped {
    static let closedShape = ClosedJSONObject(reflecting: GridDatasetProvenance(source: "", split: ""))
    public static var closedJSONShape: ClosedJSONObject.Value { .object(closedShape) }
}

extension GridDataset {
    /// The format's closed JSON shape (Vectors/dataset.v1.schema.json), derived from the format types by
    /// reflection (`ClosedJSONObject`, the mechanism model files use too).
    static let closedShape = ClosedJSONObject(reflecting: GridDataset(
        name: "", provenance: GridDatasetProvenance(source: "", split: ""), shape: [], gridMin: 0, gridMax: 0,
        gridScale: "", numberOfClasses: 0, examples: []))
    static var topLevelKeys: Set<String> { Set(closedShape.fields.keys) }
    static var provenanceKeys: Set<String> { Set(GridDatasetProvenance.closedShape.fields.keys) }
    static var exampleKeys: Set<String> { Set(GridExample.closedShape.fields.keys) }

    /// Parses the JSON and rejects keys the format does not define (a misspelt key would otherwise be
    /// silently ignored). Returns the parsed JSON.
    @discardableResult
    static func checkKeys(_ data: Data, file: String) throws -> Any {
        let json: Any
        switch ClosedJSONText.parse(data) {
        case .success(let j): json = j
        case .failure(let e): throw GridDatasetError.malformed(file: file, field: "", detail: e.description)
        }
        guard json is [String: Any] else {
            throw GridDatasetError.malformed(file: file, field: "", detail: "the top level must be a JSON object")
        }
        if let field = closedShape.firstUnknownKey(in: json) {
            throw GridDatasetError.malformed(file: file, field: field, detail: "unknown field")
        }
        return json
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
