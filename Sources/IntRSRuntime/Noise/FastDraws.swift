import IntRSCore

/// Fixed-width versions of the draws of Vectors/stream-spec.md §2–§4. Each equals the
/// `ReferenceDraws` function of the same name (IntRSReference) for the argument ranges stated:
/// same result, same words consumed (tested on random arguments in FastDrawsAgreementTests).
extension ChaChaStream {
    /// Uniform in [0, n) for 1 <= n < 2^64. Equals `ReferenceDraws.uniform`.
    @inlinable
    public mutating func uniform(_ n: UInt64) -> UInt64 {
        if n <= 1 << 32 {
            if n == 1 { return 0 }
            // Lemire: accept iff (w n mod 2^32) >= (2^32 mod n); the threshold is computed only
            // when the low half is below n (the threshold is < n, so otherwise it accepts).
            while true {
                let m = UInt64(nextWord()) &* n          // < 2^32 * 2^32: no overflow
                let lo = m & 0xffff_ffff
                if lo >= n || lo >= (UInt64(1) << 32) % n { return m >> 32 }
            }
        }
        // 2^32 < n < 2^64: bits(n - 1) is 33...64, so two words, first word least significant.
        let bits = 64 - (n - 1).leadingZeroBitCount
        let mask: UInt64 = bits == 64 ? ~0 : (UInt64(1) << bits) - 1
        while true {
            let x = (UInt64(nextWord()) | UInt64(nextWord()) << 32) & mask
            if x < n { return x }
        }
    }

    /// Uniform in [0, n) for 1 <= n < 2^128. Equals `ReferenceDraws.uniform`.
    @inlinable
    public mutating func uniform(_ n: UInt128) -> UInt128 {
        if n <= UInt128(UInt64.max) { return UInt128(uniform(UInt64(n))) }
        let bits = 128 - (n - 1).leadingZeroBitCount
        let words = (bits + 31) / 32                     // 3 or 4
        let mask: UInt128 = bits == 128 ? ~0 : (UInt128(1) << bits) - 1
        while true {
            var x: UInt128 = 0
            for i in 0..<words { x |= UInt128(nextWord()) << (32 * i) }
            x &= mask
            if x < n { return x }
        }
    }

    /// Bernoulli(a/b), 0 <= a <= b, b >= 1. Equals `ReferenceDraws.bernoulli`.
    @inlinable
    public mutating func bernoulli(_ a: UInt64, _ b: UInt64) -> Bool {
        if a == 0 { return false }
        if a == b { return true }
        return uniform(b) < a
    }

    /// Bernoulli(a/b), 0 <= a <= b, b >= 1. Equals `ReferenceDraws.bernoulli`.
    @inlinable
    public mutating func bernoulli(_ a: UInt128, _ b: UInt128) -> Bool {
        if a == 0 { return false }
        if a == b { return true }
        return uniform(b) < a
    }

    /// Bernoulli(exp(-x/y)) for 0 <= x <= y, y * K < 2^64 for every K reached (guaranteed when
    /// y < 2^27: K <= 2^36 + 2 by the stream length). Equals `ReferenceDraws.bernoulliExpSmall`.
    @inlinable
    public mutating func bernoulliExpSmall(_ x: UInt64, _ y: UInt64) -> Bool {
        var k: UInt64 = 1
        while bernoulli(x, y * k) { k += 1 }
        return k & 1 == 1
    }

    /// Bernoulli(exp(-x/y)) for 0 <= x <= y, y * K < 2^128 for every K reached (guaranteed when
    /// y < 2^90). Equals `ReferenceDraws.bernoulliExpSmall`.
    @inlinable
    public mutating func bernoulliExpSmall(_ x: UInt128, _ y: UInt128) -> Bool {
        if y <= UInt128(1) << 26 { return bernoulliExpSmall(UInt64(x), UInt64(y)) }
        var k: UInt128 = 1
        while bernoulli(x, y * k) { k += 1 }
        return k & 1 == 1
    }

    /// Bernoulli(exp(-1)) = bernoulliExpSmall(1, 1).
    @inlinable
    public mutating func bernoulliExpMinusOne() -> Bool { bernoulliExpSmall(UInt64(1), UInt64(1)) }
}

extension ChaChaStream {
    /// Bernoulli(exp(-x/y)) for integers x >= 0, 1 <= y < 2^27 (CKS 2020 Algorithm 1, stream-spec §4).
    /// Equals `ReferenceDraws.bernoulliExp` (same result, same words).
    @inlinable
    public mutating func bernoulliExp(_ x: UInt64, _ y: UInt64) -> Bool {
        if x <= y { return bernoulliExpSmall(x, y) }
        let (f, r) = x.quotientAndRemainder(dividingBy: y)
        var i: UInt64 = 0
        while i < f {
            if !bernoulliExpMinusOne() { return false }
            i += 1
        }
        return bernoulliExpSmall(r, y)
    }
}
