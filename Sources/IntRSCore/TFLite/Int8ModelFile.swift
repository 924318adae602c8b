import Foundation

/// A model file given to a command: an `intrs-int8-model` JSON file, or a `.tflite` file (recognised by its
/// FlatBuffers file identifier "TFL3" at bytes 4..<8, whatever its name), imported with `TFLiteImporter`.
public enum Int8ModelFile {
    /// True when the bytes are a TFLite FlatBuffer.
    public static func isTFLite(_ data: Data) -> Bool { TFLiteImporter.isTFLite(data) }

    /// The model in `data` (JSON: parsed only; TFLite: imported and validated). Errors name the file.
    public static func decode(_ data: Data, file: String) throws -> Int8Model {
        if isTFLite(data) { return try TFLiteImporter.importModel([UInt8](data), file: file).model }
        return try Int8Model.decode(data, file: file)
    }

    /// Reads, parses (or imports) and validates a model file.
    public static func load(from url: URL) throws -> Int8Model {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Int8ModelError.unreadable(file: url.path, detail: fileReadFailureReason(path: url.path, error))
        }
        let m = try decode(data, file: url.path)
        _ = try m.validated(file: url.path)
        return m
    }
}
