import Foundation
import Testing
@testable import IntRSCore

/// Issue 16: model files that passed validation and then trapped or were silently misread.
@Suite("Int8 model format: hostile input (issue 16)")
struct Int8ModelHostileInputTests {
    static func averagePool(_ kh: Int, _ kw: Int) -> Int8Model {
        var pool = Int8Layer(op: "averagePool2d", outputShape: [1, 1, 1], outputZeroPoint: 0)
        pool.poolSize = [kh, kw]
        pool.padding = "valid"
        return Int8Model(rounding: .double, input: Int8InputSpec(shape: [kh, kw, 1], zeroPoint: 0, gridMultiplier: 1),
                         layers: [pool])
    }

    @Test("an average pool of 2^24 taps is rejected (its int32 sum overflows); 2^23 taps pass")
    func averagePoolTaps() throws {
        do {
            _ = try Self.averagePool(4096, 4096).validated(file: "m.json")
            Issue.record("a 4096x4096 average pool passed validation")
        } catch let e as Int8ModelError {
            #expect(e.field == "layers[0].poolSize", "\(e)")
            #expect("\(e)".contains("2^23"), "\(e)")
        }
        _ = try Self.averagePool(2048, 4096).validated(file: "m.json")
    }
}
