import Foundation
import Testing
import IntRSCore

/// The FlatBuffers reader and the TFLite importer on hostile bytes (truncations, offsets outside the file,
/// huge and cyclic vectors, random corruption), and TFLite's QuantizeMultiplier on its edge cases.
@Suite("TFLite reader")
struct TFLiteReaderTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/tflite")

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name))) }

    /// Imports and reports the error text (nil on success); a trap would abort the test process.
    static func attempt(_ b: [UInt8]) -> String? {
        do { _ = try TFLiteImporter.importModel(b, file: "x.tflite"); return nil } catch { return "\(error)" }
    }

    @Test("QuantizeMultiplier: frexp, round half away from zero, the carry and the flush to zero")
    func quantizeMultiplier() {
        // (real, M0, shift): vectors worked by hand from the definition (Proofs/int8-rescale.md).
        let cases: [(Double, Int64, Int)] = [
            (1.0, 1 << 30, 1),                          // frexp(1) = 0.5 * 2^1
            (0.5, 1 << 30, 0),
            (0.75, 1_610_612_736, 0),                   // 0.75 * 2^31
            (0.5 + 0x1p-32, (1 << 30) + 1, 0),          // q * 2^31 = 2^30 + 0.5: ties away from zero
            (0.5 + 0x1p-33, 1 << 30, 0),                // 2^30 + 0.25 rounds down
            (1 - 0x1p-40, 1 << 30, 1),                  // rounds to 2^31: carry into the next binade
            (0x1p-32, 1 << 30, -31),                    // smallest representable shift
            (0x1p-33, 0, 0),                            // shift -32 < -31: TFLite flushes to zero
            (3.0, 1_610_612_736, 2),
            (0.0011, 1_209_462_791, -9),
        ]
        for (x, m, s) in cases {
            let r = TFLiteQuantizeMultiplier.quantize(x)
            #expect(r?.multiplier == m && r?.shift == s, "QuantizeMultiplier(\(x)) = \(String(describing: r)), expected (\(m), \(s))")
        }
        #expect(TFLiteQuantizeMultiplier.quantize(0) == nil)
        #expect(TFLiteQuantizeMultiplier.quantize(-1) == nil)
        #expect(TFLiteQuantizeMultiplier.quantize(.nan) == nil)
        #expect(TFLiteQuantizeMultiplier.quantize(.infinity) == nil)
    }

    @Test("QuantizeMultiplier agrees with an exact rational rounding on random doubles")
    func quantizeMultiplierRandom() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let x = Double.random(in: 0x1p-30...4, using: &g)
            guard let (m, s) = TFLiteQuantizeMultiplier.quantize(x) else { Issue.record("nil for \(x)"); continue }
            #expect(m >= 1 << 30 && m < 1 << 31)
            // x = F * 2^E exactly with integer F < 2^53; M0 = round(x * 2^(31 - s)) half away from zero.
            let e = Int(x.exponent) - 52
            let f = Int64(x.significandBitPattern | (1 << 52))
            let k = e + 31 - s // x * 2^(31 - s) = f * 2^k, k <= 0 here
            #expect(k < 0)
            let num = f, den = Int64(1) << (-k)
            let q = num / den, r = num % den
            let rounded = 2 * r >= den ? q + 1 : q
            #expect(rounded == m || (rounded == 1 << 31 && m == 1 << 30), "x = \(x)")
        }
    }

    @Test("every truncation of a valid file is refused with an error, never a crash")
    func truncations() throws {
        for name in ["conv-same-relu-perchannel.tflite", "float-io-conv-pool-fc.tflite"] {
            let b = try Self.bytes(name)
            let full = try TFLiteImporter.importModel(b, file: "x.tflite").model.canonicalData()
            var refused = 0
            for n in 0..<b.count {
                // A prefix either fails cleanly or (when only unused alignment padding at the end was cut) gives the
                // very same model.
                do { #expect(try TFLiteImporter.importModel(Array(b.prefix(n)), file: "x.tflite").model.canonicalData() == full) } catch { refused += 1 }
            }
            #expect(refused >= b.count - 16)
        }
    }

    @Test("offsets outside the file and huge vector lengths at every position: clear errors, no crash")
    func hostileWords() throws {
        let b = try Self.bytes("float-io-conv-pool-fc.tflite")
        var errors = 0
        for p in stride(from: 0, to: b.count - 3, by: 1) {
            for word: UInt32 in [0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, UInt32(b.count), UInt32(b.count - 2), 0] {
                var c = b
                for k in 0..<4 { c[p + k] = UInt8(truncatingIfNeeded: word >> (8 * k)) }
                if Self.attempt(c) != nil { errors += 1 }
            }
        }
        #expect(errors > 0)
    }

    @Test("random corruption (fixed seed): every file imports or fails cleanly")
    func randomBytes() throws {
        var rng = SplitMix(seed: 12)
        let b = try Self.bytes("add-relu.tflite")
        for _ in 0..<3000 {
            var c = b
            for _ in 0..<(1 + Int(rng.next() % 8)) { c[Int(rng.next() % UInt64(c.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = Self.attempt(c)
        }
        for n in [0, 1, 7, 8, 64, 4096] {
            _ = Self.attempt((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        }
    }

    @Test("hand-built hostile FlatBuffers: out-of-file root, cyclic table, huge vector, bad vtable")
    func handBuilt() {
        func le(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        // Root offset beyond the file.
        var e = Self.attempt(le(0xFFFF_FFF0) + Array("TFL3".utf8))
        #expect(e?.contains("outside") == true, "\(e ?? "accepted")")
        // Wrong identifier.
        e = Self.attempt(le(8) + Array("ABCD".utf8) + le(0))
        #expect(e?.contains("TFL3") == true)
        // A root table whose vtable is itself at offset 0 (soffset 0 -> vtable = table): size fields read from
        // the soffset bytes give an invalid vtable.
        e = Self.attempt(le(8) + Array("TFL3".utf8) + le(0))
        #expect(e != nil)
        // Layout: 0: root uoffset -> 20; 4: "TFL3"; 8: vtable (vsize 10, tsize 12, version at +4, operator_codes
        // absent, subgraphs at +8) and 2 bytes of padding; 20: table soffset 12 (vtable at 8); 24: version 3;
        // 28: the subgraphs uoffset.
        func root(_ subgraphs: UInt32, tail: [UInt8] = []) -> [UInt8] {
            le(20) + Array("TFL3".utf8) + [10, 0, 12, 0, 4, 0, 0, 0, 8, 0, 0, 0] + le(12) + le(3) + le(subgraphs) + tail
        }
        #expect(Self.attempt(root(4, tail: le(0))) != nil) // a valid empty subgraphs vector: "0 subgraphs" refused
        #expect(Self.attempt(root(4, tail: le(0)))?.contains("0 subgraphs") == true)
        // A "cycle": uoffsets are unsigned and added, so every reference points forward; an offset that tries to
        // point back at the table (-8) wraps to a target past the end of the file.
        e = Self.attempt(root(UInt32(bitPattern: -8)))
        #expect(e?.contains("outside") == true, "\(e ?? "accepted")")
        // A huge vector: the subgraphs vector right after the table claims 2^31 elements.
        e = Self.attempt(root(4, tail: le(0x8000_0000)))
        #expect(e?.contains("vector") == true, "\(e ?? "accepted")")
    }

    @Test("fused RELU_N1_TO_1 imports as the clamp TFLite computes; the validator checks it contains Z")
    func reluN1To1() throws {
        let m = try TFLiteImporter.importModel(try Self.bytes("conv-relu-n1-to-1.tflite"), file: "x").model
        let L = m.layers[0]
        // S_out = 1/50 (float32), Z_out = 10: [10 + round(-50), 10 + round(50)].
        #expect(L.fusedActivation == "relu_n1_to_1" && L.activationMin == -40 && L.activationMax == 60)
        var bad = m
        bad.layers[0].activationMin = 11
        #expect(throws: Int8ModelError.self) { _ = try bad.validated(file: "x") }
        do { _ = try bad.validated(file: "x") } catch { #expect("\(error)".contains("relu_n1_to_1 needs a clamp containing outputZeroPoint 10")) }
    }

    @Test("errors name the field path")
    func fieldPaths() throws {
        var b = try Self.bytes("conv-same-relu-perchannel.tflite")
        // Corrupt the last 4 bytes of the root table region until an error with a path appears.
        var seen = false
        for p in stride(from: 8, to: b.count - 4, by: 4) {
            let old = Array(b[p..<(p + 4)])
            for k in 0..<4 { b[p + k] = 0xFF }
            if let e = Self.attempt(b), e.contains("malformed .tflite: "), e.contains("subgraphs[0]") { seen = true }
            b.replaceSubrange(p..<(p + 4), with: old)
            if seen { break }
        }
        #expect(seen)
    }
}

/// SplitMix64, a small deterministic generator for the corruption test.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
