import Foundation
import Testing
import IntRSCore
import IntRSReference
@testable import IntRSRuntime

/// Fast rescale (gemmlowp SRDHM + RoundingDivideByPOT; 64-bit single rounding) == TOSA apply_scale_32.
/// Proofs: INT8-RESCALE.
@Suite("Fast rescale equals the TOSA definition")
struct FastRescaleTests {
    static let long = ProcessInfo.processInfo.environment["INTRS_LONG_TESTS"] == "1"
    static let multipliers: [Int32] = [1 << 30, (1 << 30) + 1, 1_518_500_250, 1_999_999_999, Int32.max - 1, Int32.max]

    /// Checks one (v, M0, shift) for both variants; returns a message on mismatch.
    static func check(_ v: Int32, _ m: Int32, _ s: Int32) -> String? {
        for rounding in RescaleRounding.allCases {
            guard let ref = ReferenceInt8Rescale.rescale(Int(v), multiplier: m, shift: s, rounding: rounding) else { continue }
            let fast = FastInt8Rescale.rescale(v, multiplier: m, shift: s, rounding: rounding)
            if Int(fast) != ref { return "\(rounding): v=\(v) M0=\(m) shift=\(s): fast \(fast) != reference \(ref)" }
        }
        return nil
    }

    /// Every shift in [-31, 29] x every int16 accumulator (step 1 under INTRS_LONG_TESTS=1, else step 7
    /// plus the 64 values at each end) x 6 multipliers including both ends of [2^30, 2^31).
    @Test func everyShiftWithInt16Accumulators() {
        var failures: [String] = []
        let step = Self.long ? 1 : 7
        var values = Array(stride(from: -32768, through: 32767, by: step))
        values += Array(-32768 ..< -32704) + Array(32704...32767)
        for s in Int32(-31)...29 {
            for m in Self.multipliers {
                for v in values { if let f = Self.check(Int32(v), m, s) { failures.append(f) } }
            }
            if failures.count > 5 { break }
        }
        let failureCount = failures.count
        #expect(failureCount == 0, "\(failures.prefix(5))")
    }

    /// Random int32 accumulators (fixed seed), every shift, random and edge multipliers; and the int32 edges.
    @Test func randomInt32() {
        var r = Int8SplitMix64(seed: 0x5EED_0001)
        var failures: [String] = []
        let perShift = Self.long ? 200_000 : 2_000
        for s in Int32(-31)...29 {
            for _ in 0..<perShift {
                let m = r.chance(30) ? r.pick(Self.multipliers) : Int32(r.int(Int8Model.multiplierRange))
                // For positive shifts draw within TOSA's precondition |v| < 2^(30 - shift) half the time.
                let v: Int32 = s > 0 && r.chance(50)
                    ? Int32(r.int(-(1 << (30 - Int(s)))...((1 << (30 - Int(s))) - 1)))
                    : Int32(truncatingIfNeeded: r.next())
                if let f = Self.check(v, m, s) { failures.append(f) }
            }
            for v in [Int32.min, Int32.min + 1, -1, 0, 1, Int32.max - 1, Int32.max] {
                for m in Self.multipliers { if let f = Self.check(v, m, s) { failures.append(f) } }
            }
        }
        let failureCount = failures.count
        #expect(failureCount == 0, "\(failures.prefix(5))")
    }

    /// Ties: the two variants differ exactly where the definition says (double rounds an exact half of the
    /// SRDHM step up, then away from zero; single rounds the exact product half up).
    @Test func knownTies() {
        // M0 = 2^30 (M = 0.5 * 2^shift). shift = -1: x * 2^-2. x = -2: -0.5 -> double: SRDHM(-2, 2^30) = -1,
        // RDBPOT(-1, 1) = -1 (away from zero); single: floor(-0.5 + 0.5) = 0.
        #expect(FastInt8Rescale.double(-2, multiplier: 1 << 30, shift: -1) == -1)
        #expect(FastInt8Rescale.single(-2, multiplier: 1 << 30, shift: -1) == 0)
        #expect(ReferenceInt8Rescale.rescale(-2, multiplier: 1 << 30, shift: -1, rounding: .double) == -1)
        #expect(ReferenceInt8Rescale.rescale(-2, multiplier: 1 << 30, shift: -1, rounding: .single) == 0)
        #expect(FastInt8Rescale.double(2, multiplier: 1 << 30, shift: -1) == 1)
        #expect(FastInt8Rescale.single(2, multiplier: 1 << 30, shift: -1) == 1)
        // TOSA precondition: for shift 29 (s = 2) only v in [-2, 2) is allowed.
        #expect(ReferenceInt8Rescale.rescale(2, multiplier: 1 << 30, shift: 29, rounding: .double) == nil)
        #expect(ReferenceInt8Rescale.rescale(1, multiplier: 1 << 30, shift: 29, rounding: .double) == 1 << 28)
    }
}
