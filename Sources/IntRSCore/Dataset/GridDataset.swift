import Foundation

/// A labelled test set of integer grid inputs: the file format "intrs-grid-dataset", version 1,
/// documented in Vectors/dataset-format.md with the JSON Schema Vectors/dataset.v1.schema.json.
///
/// Every example is a tensor of `shape` ([H, W, C], row-major with C fastest, as the model input) of
/// GRID VALUES: integers in [gridMin, gridMax] (for the shipped digits, grey levels 0...16). One grid step
/// is `gridScale` real units (for the digits, 1/16 of the [0, 1] pixel range). Noise is added to grid values
/// and the model's input stage maps grid values to int8 (Int8InputSpec).
///
/// Use `load(from:)` or `decode(_:file:)`: both parse AND validate, and throw `GridDatasetError` naming the
/// file, the field (a path such as `examples[3].grid[12]`) and the offending value.
public struct GridDataset: Codable, Sendable, Equatable {
    public static let formatName = "intrs-grid-dataset"
    public static let currentVersion = 1
    /// The only layout of version 1: height, width, channel; channel varies fastest.
    public static let layoutHWC = "HWC"
    /// The largest element count per example accepted (2^24, as for model tensors).
    public static let maxElements = 1 << 24

    /// Always "intrs-grid-dataset".
    public var format: String
    /// Always 1.
    public var version: Int
    /// Informational: the schema's path in the repository ("Vectors/dataset.v1.schema.json").
    public var schema: String?
    /// Short name, e.g. "digits-test".
    public var name: String
    public var description: String?
    /// Where the data came from and how the split was made.
    public var provenance: GridDatasetProvenance
    /// [H, W, C], each >= 1.
    public var shape: [Int]
    /// Always "HWC".
    public var layout: String
    /// Inclusive range of every grid value (within Int32).
    public var gridMin: Int
    public var gridMax: Int
    /// Real units per grid step as an exact positive rational "p/q" (or an integer "p"), e.g. "1/16".
    public var gridScale: String
    /// Labels are 0 ..< numberOfClasses.
    public var numberOfClasses: Int
    /// Optional names, one per class.
    public var classNames: [String]?
    /// Must equal examples.count.
    public var numberOfExamples: Int
    public var examples: [GridExample]

    public init(name: String, description: String? = nil, provenance: GridDatasetProvenance, shape: [Int],
                gridMin: Int, gridMax: Int, gridScale: String, numberOfClasses: Int, classNames: [String]? = nil,
                examples: [GridExample]) {
        self.format = GridDataset.formatName
        self.version = GridDataset.currentVersion
        self.schema = "Vectors/dataset.v1.schema.json"
        self.name = name
        self.description = description
        self.provenance = provenance
        self.shape = shape
        self.layout = GridDataset.layoutHWC
        self.gridMin = gridMin
        self.gridMax = gridMax
        self.gridScale = gridScale
        self.numberOfClasses = numberOfClasses
        self.classNames = classNames
        self.numberOfExamples = examples.count
        self.examples = examples
    }

    /// Grid values per example: the product of `shape`.
    public var elementCount: Int { shape.reduce(1, *) }

    /// The grid values of example `i` (position in `examples`) as Int32 (validated datasets only).
    public func grid(_ i: Int) -> [Int32] { examples[i].grid.map { Int32($0) } }

    /// The exact grid scale as (numerator, denominator), both > 0 (validated datasets only).
    public var gridScaleFraction: (numerator: UInt64, denominator: UInt64) {
        GridDataset.parseFraction(gridScale)!
    }

    /// Parses "p/q" or "p" with decimal digits only, p > 0 and q > 0, each fitting UInt64.
    static func parseFraction(_ s: String) -> (numerator: UInt64, denominator: UInt64)? {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        func parse(_ t: Substring) -> UInt64? {
            guard !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return UInt64(t)
        }
        guard let p = parse(parts[0]), p > 0 else { return nil }
        let q: UInt64
        if parts.count == 2 {
            guard let v = parse(parts[1]), v > 0 else { return nil }
            q = v
        } else {
            q = 1
        }
        return (p, q)
    }

    /// Reads, parses and validates a dataset file.
    public static func load(from url: URL) throws -> GridDataset {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GridDatasetError.unreadable(file: url.path, detail: fileReadFailureReason(path: url.path, error))
        }
        return try decode(data, file: url.path)
    }

    /// Parses and validates dataset bytes; `file` names the source in errors.
    public static func decode(_ data: Data, file: String) throws -> GridDataset {
        let json = try checkKeys(data, file: file)
        let d: GridDataset
        do {
            d = try JSONDecoder().decode(GridDataset.self, from: data)
        } catch let e as DecodingError {
            if case .dataCorrupted(let c) = e, c.codingPath.isEmpty, let p = closedShape.firstIntegerProblem(in: json) {
                throw GridDatasetError.malformed(file: file, field: p.field, detail: "\(PrintedValue.abbreviated(p.value)): \(p.problem)")
            }
            let (field, detail) = GridDatasetError.describe(e)
            throw GridDatasetError.malformed(file: file, field: field, detail: detail)
        } catch {
            throw GridDatasetError.malformed(file: file, field: "", detail: "\(error)")
        }
        try d.validate(file: file)
        return d
    }

    /// Checks that the dataset fits a model input of shape `inputShape` (for example a model's
    /// `input.shape`); `file` names the dataset in the error.
    public func checkCompatible(inputShape: [Int], file: String) throws {
        guard inputShape == shape || inputShape == [elementCount] else {
            throw GridDatasetError.invalid(file: file, field: "shape", value: "\(shape)",
                                           problem: "does not match the model input shape \(inputShape)")
        }
    }
}

/// One example: its position, its row in the source data (optional), its label and its grid values.
public struct GridExample: Codable, Sendable, Equatable {
    /// Position in the file, 0-based; must equal the array position.
    public var index: Int
    /// Row of the example in the source data set (e.g. `load_digits().data`), informational.
    public var sourceIndex: Int?
    /// Class label in 0 ..< numberOfClasses.
    public var label: Int
    /// elementCount grid values, row-major [H, W, C] with C fastest, each in [gridMin, gridMax].
    public var grid: [Int]

    public init(index: Int, sourceIndex: Int? = nil, label: Int, grid: [Int]) {
        self.index = index; self.sourceIndex = sourceIndex; self.label = label; self.grid = grid
    }
}

/// Where a data set came from. `source` and `split` are required; the rest is optional but the
/// shipped files carry all of it.
public struct GridDatasetProvenance: Codable, Sendable, Equatable {
    /// The origin, with library and version, e.g. "scikit-learn 1.9.1 sklearn.datasets.load_digits() ...".
    public var source: String
    /// The exact rule that selected these examples (reproducible from the text and the seed).
    public var split: String
    /// The seed the split used, if any.
    public var seed: Int?
    public var sourceLibrary: String?
    public var sourceLibraryVersion: String?
    public var loader: String?
    /// Examples in the source before the split.
    public var sourceExamples: Int?
    /// What `sourceIndex` refers to.
    public var sourceIndexMeaning: String?
    /// The program that wrote the file.
    public var generator: String?

    public init(source: String, split: String, seed: Int? = nil, sourceLibrary: String? = nil,
                sourceLibraryVersion: String? = nil, loader: String? = nil, sourceExamples: Int? = nil,
                sourceIndexMeaning: String? = nil, generator: String? = nil) {
        self.source = source; self.split = split; self.seed = seed; self.sourceLibrary = sourceLibrary
        self.sourceLibraryVersion = sourceLibraryVersion; self.loader = loader; self.sourceExamples = sourceExamples
        self.sourceIndexMeaning = sourceIndexMeaning; self.generator = generator
    }
}
