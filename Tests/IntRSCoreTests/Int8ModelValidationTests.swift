import Foundation
import Testing
@testable import IntRSCore

/// A small valid model: conv2d 4x4x2 -> 3x3 conv (SAME, relu) -> maxpool 2x2 -> flatten -> fc 3.
func smallValidModel(rounding: RescaleRounding = .double) -> Int8Model {
    var conv = Int8Layer(op: "conv2d", outputShape: [4, 4, 3], outputZeroPoint: -5)
    let cw: [Int8] = (0..<54).map { (i: Int) -> Int8 in Int8(i % 17 - 8) }
    conv.filter = Int8Tensor(int8: cw, shape: [3, 3, 3, 2])
    conv.bias = Int8Tensor(int32: [100, -200, 7], shape: [3])
    conv.multiplier = [1 << 30, (1 << 31) - 1, 1_500_000_000]
    conv.shift = [-7, -8, -9]
    conv.stride = [1, 1]
    conv.padding = "same"
    conv.fusedActivation = "relu"
    conv.activationMin = -5
    conv.activationMax = 127
    var pool = Int8Layer(op: "maxPool2d", outputShape: [2, 2, 3], outputZeroPoint: -5)
    pool.poolSize = [2, 2]
    pool.stride = [2, 2]
    pool.padding = "valid"
    let flat = Int8Layer(op: "flatten", outputShape: [12], outputZeroPoint: -5)
    var fc = Int8Layer(op: "fullyConnected", outputShape: [3], outputZeroPoint: 3)
    let fw: [Int8] = (0..<36).map { (i: Int) -> Int8 in Int8((i * 7) % 25 - 12) }
    fc.filter = Int8Tensor(int8: fw, shape: [3, 12])
    fc.bias = Int8Tensor(int32: [1, 2, 3], shape: [3])
    fc.multiplier = [1 << 30, 1 << 30, 1 << 30]
    fc.shift = [-6, -6, -6]
    return Int8Model(name: "small", rounding: rounding,
                     input: Int8InputSpec(shape: [4, 4, 2], zeroPoint: -128, gridMultiplier: 1, scale: 1.0 / 255),
                     layers: [conv, pool, flat, fc])
}

@Suite("Int8 model format: decoding and validation")
struct Int8ModelValidationTests {
    func expectInvalid(_ m: Int8Model, field: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try m.validated(file: "m.json")
            Issue.record("expected an error naming \(field)", sourceLocation: sourceLocation)
        } catch let e as Int8ModelError {
            #expect(e.field == field, "\(e)", sourceLocation: sourceLocation)
            #expect(e.description.hasPrefix("m.json: field \(field) = "), "\(e)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func validModelValidatesAndRoundTrips() throws {
        let m = smallValidModel()
        let net = try m.validated(file: "m.json")
        #expect(net.tensorShapes == [[4, 4, 2], [4, 4, 3], [2, 2, 3], [12], [3]])
        #expect(net.classCount == 3)
        let data = try m.canonicalData()
        let back = try Int8Model.decode(data, file: "m.json")
        #expect(back == m)
        #expect(try back.canonicalData() == data)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"format\" : \"intrs-int8-model\""))
        #expect(text.contains("\"version\" : 1"))
    }

    @Test func wrongFormatAndVersion() {
        var m = smallValidModel(); m.format = "onnx"; expectInvalid(m, field: "format")
        m = smallValidModel(); m.version = 2; expectInvalid(m, field: "version")
    }

    @Test func unknownOp() {
        var m = smallValidModel(); m.layers[1].op = "softmax"
        expectInvalid(m, field: "layers[1].op")
    }

    @Test func shapesThatDoNotChain() {
        var m = smallValidModel(); m.layers[3].filter = Int8Tensor(int8: [Int8](repeating: 1, count: 33), shape: [3, 11])
        expectInvalid(m, field: "layers[3].filter.shape[1]")
        m = smallValidModel(); m.layers[0].outputShape = [4, 4, 4]
        expectInvalid(m, field: "layers[0].outputShape")
        m = smallValidModel(); m.input.shape = [4, 4, 3]
        expectInvalid(m, field: "layers[0].filter.shape[3]")
        m = smallValidModel(); m.layers[2] = Int8Layer(op: "reshape", outputShape: [5, 2], outputZeroPoint: -5)
        expectInvalid(m, field: "layers[2].outputShape")
    }

    @Test func multiplierAndShiftRanges() {
        var m = smallValidModel(); m.layers[0].multiplier![1] = 1 << 31
        expectInvalid(m, field: "layers[0].multiplier[1]")
        m = smallValidModel(); m.layers[0].multiplier![0] = (1 << 30) - 1
        expectInvalid(m, field: "layers[0].multiplier[0]")
        m = smallValidModel(); m.layers[0].shift![2] = 30
        expectInvalid(m, field: "layers[0].shift[2]")
        m = smallValidModel(); m.layers[0].shift![2] = -32
        expectInvalid(m, field: "layers[0].shift[2]")
        m = smallValidModel(); m.layers[3].shift = [-6, -6]
        expectInvalid(m, field: "layers[3].shift")
    }

    @Test func valuesOutOfRange() {
        var m = smallValidModel(); m.input.zeroPoint = 128; expectInvalid(m, field: "input.zeroPoint")
        m = smallValidModel(); m.input.gridMultiplier = 0; expectInvalid(m, field: "input.gridMultiplier")
        m = smallValidModel(); m.layers[3].outputZeroPoint = -129; expectInvalid(m, field: "layers[3].outputZeroPoint")
        m = smallValidModel(); m.layers[0].activationMin = 0; expectInvalid(m, field: "layers[0].activationMin")
        m = smallValidModel(); m.layers[1].outputZeroPoint = 0; expectInvalid(m, field: "layers[1].outputZeroPoint")
        m = smallValidModel()
        var w = m.layers[3].filter!.int8Values; w[5] = -128
        m.layers[3].filter = Int8Tensor(int8: w, shape: [3, 12]); expectInvalid(m, field: "layers[3].filter[5]")
        m = smallValidModel(); m.layers[0].padding = "full"; expectInvalid(m, field: "layers[0].padding")
        m = smallValidModel(); m.layers[0].stride = [0, 1]; expectInvalid(m, field: "layers[0].stride[0]")
        m = smallValidModel(); m.layers[1].dilation = [1, 1]; expectInvalid(m, field: "layers[1].dilation")
    }

    @Test func biasOfTheWrongLength() {
        var m = smallValidModel(); m.layers[0].bias = Int8Tensor(int32: [1, 2], shape: [2])
        expectInvalid(m, field: "layers[0].bias.shape")
        m = smallValidModel(); m.layers[0].bias = Int8Tensor(dtype: .int32, shape: [3], bytes: [0, 0, 0, 0, 1, 0, 0, 0, 2])
        expectInvalid(m, field: "layers[0].bias.data")
    }

    @Test func truncatedAndCorruptBase64() throws {
        var m = smallValidModel()
        m.layers[0].filter!.bytes.removeLast()
        expectInvalid(m, field: "layers[0].filter.data")
        // Corrupt base64 in the file text.
        let text = String(decoding: try smallValidModel().canonicalData(), as: UTF8.self)
        let bad = text.replacingOccurrences(of: "\"data\" : \"ZAAAADj/", with: "\"data\" : \"Z!AAADj/")
        #expect(bad != text)
        do {
            _ = try Int8Model.decode(Data(bad.utf8), file: "m.json")
            Issue.record("corrupt base64 accepted")
        } catch let e as Int8ModelError {
            #expect(e.field == "layers[0].bias.data", "\(e)")
            #expect(e.description.contains("corrupt base64"))
        }
    }

    @Test func accumulatorThatCanOverflowIsRejected() {
        var m = smallValidModel()
        m.layers[0].bias = Int8Tensor(int32: [Int32.max - 10, 0, 0], shape: [3])
        expectInvalid(m, field: "layers[0].bias[0]")
        // The reported value is the stored bias; the computed bound appears only in the problem text.
        do {
            _ = try m.validated(file: "m.json")
            Issue.record("overflowing accumulator accepted")
        } catch let e as Int8ModelError {
            let text = e.description
            #expect(text.contains("field layers[0].bias[0] = \(Int32.max - 10): "), "\(text)")
            #expect(text.contains("|bias| + sum |w| * max|x - zeroPoint| = "), "\(text)")
            #expect(text.contains("exceeds int32"), "\(text)")
        } catch { Issue.record("unexpected error \(error)") }
        // A positive shift lowers the admissible accumulator (TOSA precondition).
        m = smallValidModel(); m.layers[3].shift = [-6, 20, -6]
        expectInvalid(m, field: "layers[3].shift[1]")
    }

    @Test func paddingArithmeticMatchesTFLite() {
        // SAME: out = ceil(in / stride); odd total padding goes after.
        #expect(int8OutputSize(input: 5, kernel: 3, stride: 2, dilation: 1, padding: .same)! == (3, 1))
        #expect(int8OutputSize(input: 4, kernel: 3, stride: 2, dilation: 1, padding: .same)! == (2, 0))
        #expect(int8OutputSize(input: 4, kernel: 2, stride: 1, dilation: 2, padding: .same)! == (4, 1))
        #expect(int8OutputSize(input: 5, kernel: 3, stride: 2, dilation: 1, padding: .valid)! == (2, 0))
        #expect(int8OutputSize(input: 2, kernel: 3, stride: 1, dilation: 1, padding: .valid) == nil)
    }

    @Test func loadNamesTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("intrs-int8-\(UUID()).json")
        var m = smallValidModel(); m.layers[0].multiplier![0] = 5
        try m.canonicalData().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: Int8ModelError.self) { try Int8Model.load(from: url) }
        do { _ = try Int8Model.load(from: url) } catch { #expect("\(error)".hasPrefix(url.path + ": field layers[0].multiplier[0] = 5")) }
    }
}
