import IntRSExact

/// The fast first rung of the precision ladder: a ``ShiftLaw`` with F = 31 fraction bits stored in `UInt32`
/// and convolved with exact `UInt64` accumulators, so that the inner loop is a plain 32x32->64 multiply-add
/// that LLVM vectorizes.
///
/// Semantics: exactly those of ``ShiftLaw`` ("core + rest": lower bounds rounded down, upper bounds rounded
/// up, trimmed edge mass moved into the tail). ``adding(part:of:trimBudget:)`` equals
/// `ShiftLaw.adding(part:of:trimBudget:)` at F = 31 with each upper bound capped at 1 (`2^31`; no core mass
/// exceeds 1), which `ShiftLaw31Tests` checks on random patterns (and that the enclosures overlap the 62-bit ones).
///
/// Exactness of the accumulators: every stored value is `<= 2^31` (lower bounds are at most the mass <= 1,
/// upper bounds are capped), and the noise law's upper bounds sum to `< 2^32` (checked), so every partial sum
/// `sum_j T[i_j] e[j] <= 2^31 * sum_j e[j] < 2^63` fits `UInt64`, and `acc + 2^31 - 1` cannot overflow.
public struct ShiftLaw31: Sendable, Equatable {
    public static let fractionBits = 31
    /// `2^31`, the fixed-point one.
    public static let one: UInt32 = 1 << 31
    public private(set) var offset: Int
    public private(set) var lo: [UInt32]
    public private(set) var hi: [UInt32]
    public private(set) var tail: UInt64

    /// The point mass at 0.
    public init() { offset = 0; lo = [Self.one]; hi = [Self.one]; tail = 0 }

    /// From a ``ShiftLaw`` with F = 31 (exact; upper bounds capped at 1). Traps on another F or on a value
    /// that does not fit.
    public init(_ law: ShiftLaw) {
        precondition(law.fractionBits == Self.fractionBits, "ShiftLaw31: the law must have 31 fraction bits")
        offset = law.offset
        lo = law.lo.map { UInt32(min($0, UInt64(Self.one))) }
        hi = law.hi.map { UInt32(min($0, UInt64(Self.one))) }
        tail = law.tail
    }

    /// The same law as a ``ShiftLaw`` (F = 31), for the Neyman–Pearson decisions.
    public var shiftLaw: ShiftLaw {
        ShiftLaw(fractionBits: Self.fractionBits, offset: offset, lo: lo.map(UInt64.init), hi: hi.map(UInt64.init), tail: tail)
    }

    /// The law of `T + k * eps`, eps with the per-coordinate law `noise`, k != 0 (negative k: reflected law).
    public func adding(part k: Int, of noise: ShiftLaw31, trimBudget: UInt64 = 16) -> ShiftLaw31 {
        adding(part: k, of: noise, trimBudget: trimBudget, stop: { false })!
    }

    /// ``adding(part:of:trimBudget:)`` that can be interrupted (a time budget): `stop` is asked before every row of
    /// the convolution (one noise value times the whole law: `window_T` multiply-adds, at most about 10^5, well under a
    /// millisecond), and nil is returned as soon as it says true. Not stopped, the result is the uninterrupted one.
    public func adding(part k: Int, of noise: ShiftLaw31, trimBudget: UInt64 = 16, stop: () -> Bool) -> ShiftLaw31? {
        precondition(k != 0, "ShiftLaw31.adding: zero part")
        var nlo = noise.lo, nhi = noise.hi
        var noff = noise.offset
        if k < 0 { nlo.reverse(); nhi.reverse(); noff = -(noise.offset + noise.lo.count - 1) }
        precondition(nhi.reduce(UInt64(0)) { $0 + UInt64($1) } < (UInt64(1) << 32), "ShiftLaw31: noise upper bounds sum to >= 2")
        let step = abs(k)
        let nT = lo.count, nE = nlo.count
        let outCount = (nT - 1) + step * (nE - 1) + 1
        var accLo = [UInt64](repeating: 0, count: outCount)
        var accHi = [UInt64](repeating: 0, count: outCount)
        // "axpy" order: out[step*j + i] += T[i] * e[j], contiguous in i (vectorizable).
        var stopped = false
        lo.withUnsafeBufferPointer { tL in hi.withUnsafeBufferPointer { tH in
        accLo.withUnsafeMutableBufferPointer { aL in accHi.withUnsafeMutableBufferPointer { aH in
            for j in 0 ..< nE {
                let el = UInt64(nlo[j]), eh = UInt64(nhi[j])
                if eh == 0 { continue }
                if stop() { stopped = true; return }
                let base = step * j
                let oL = UnsafeMutablePointer(aL.baseAddress! + base)
                let oH = UnsafeMutablePointer(aH.baseAddress! + base)
                let pL = tL.baseAddress!, pH = tH.baseAddress!
                for i in 0 ..< nT {
                    oL[i] &+= UInt64(pL[i]) &* el
                    oH[i] &+= UInt64(pH[i]) &* eh
                }
            }
        } }
        } }
        if stopped { return nil }
        let mask: UInt64 = (1 << 31) - 1
        let one = UInt64(Self.one)
        var out = ShiftLaw(fractionBits: Self.fractionBits, offset: offset + step * noff,
                           lo: accLo.map { $0 >> 31 },
                           hi: accHi.map { min(($0 >> 31) + (($0 & mask) != 0 ? 1 : 0), one) },
                           tail: tail &+ noise.tail)
        precondition(out.tail >= tail, "ShiftLaw31: tail overflow")
        out.trim(budget: trimBudget)
        return ShiftLaw31(out)
    }

    /// The law of T = <delta, eps> (zero entries of delta contribute nothing).
    public static func ofShift(_ delta: [Int], noise: ShiftLaw31, trimBudget: UInt64 = 16) -> ShiftLaw31 {
        var t = ShiftLaw31()
        for k in delta where k != 0 { t = t.adding(part: k, of: noise, trimBudget: trimBudget) }
        return t
    }
}
