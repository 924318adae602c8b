import Foundation

/// The model format's closed JSON shape (Vectors/model.v1.schema.json: every object has
/// `"additionalProperties": false`), derived by reflection from the format types: a field added to
/// `Int8Layer` (a new op's parameter) is a defined key with no list to update. `Int8Model.decode` rejects
/// any other key, naming its path.
extension Int8Layer: ClosedJSONShaped {
    static let closedShape = ClosedJSONObject(reflecting: Int8Layer(op: "", outputShape: [], outputZeroPoint: 0))
    public static var closedJSONShape: ClosedJSONObject.Value { .object(closedShape) }
}

extension Int8InputSpec: ClosedJSONShaped {
    static let closedShape = ClosedJSONObject(reflecting: Int8InputSpec(shape: [], zeroPoint: 0, gridMultiplier: 0))
    public static var closedJSONShape: ClosedJSONObject.Value { .object(closedShape) }
}

extension Int8Tensor: ClosedJSONShaped {
    /// Its coding keys (custom Codable: the bytes are stored as base64 under "data").
    static let closedShape = ClosedJSONObject(fields: ["dtype": .other, "shape": .array(.integer), "data": .other])
    public static var closedJSONShape: ClosedJSONObject.Value { .object(closedShape) }
}

extension Int8Model {
    /// The whole file's shape.
    static let closedShape = ClosedJSONObject(reflecting: Int8Model(
        rounding: .double, input: Int8InputSpec(shape: [], zeroPoint: 0, gridMultiplier: 0), layers: []))
}
