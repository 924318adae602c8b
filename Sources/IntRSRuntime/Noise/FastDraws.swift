import IntRSCore

/// Fixed-width versions of the draws of Vectors/stream-spec.md §2–§4. Each equals the
/// `ReferenceDraws` function of the same name (IntRSReference) for the argument ranges stated:
/// same result, same words consumed (tested on random arguments in FastDiscreteGaussianAgreementTests).
///
/// Speed notes (profiled with `perf record` on `intrs bench samplers`; Benchmarks/README.md "Noise
/// samplers"): the common one-word Lemire acceptance is inlined and the rare threshold path
/// (`2^32 mod n`, a division) lives in a separate cold function; Bernoulli(exp(-1)) and
/// Bernoulli(1/2) (one bit of the stream's bit-word, stream-spec version 2) have direct forms; `BexpSmall` walks y K by addition in UInt64 and moves to UInt128
/// only if y K would overflow. None of this changes a word drawn or a result.
extension ChaChaStream {
    /// Uniform in [0, n) for 1 <= n < 2^64. Equals `ReferenceDraws.uniform`.
    @inlinable @inline(__always)
    public mutating func uniform(_ n: UInt64) -> UInt64 {
        if n <= 1 << 32 {
            if n == 1 { return 0 }
            // Lemire: accept iff (w n mod 2^32) >= (2^32 mod n). The threshold is < n, so a low half
            // >= n accepts at once (probability 1 - n/2^32); only otherwise is the threshold computed.
            let m = UInt64(nextWord()) &* n              // < 2^32 * 2^32: no overflow
            if _fastPath(m & 0xffff_ffff >= n) { return m >> 32 }
            return uniformLemireSlow(n, m)
        }
        return uniformMasked(n)
    }

    /// The rare Lemire path: the first product `m` had a low half < n. Same rule as ``uniform(_:)-(UInt64)``.
    @usableFromInline @inline(never)
    mutating func uniformLemireSlow(_ n: UInt64, _ first: UInt64) -> UInt64 {
        let threshold = (UInt64(1) << 32) % n
        var m = first
        while m & 0xffff_ffff < threshold { m = UInt64(nextWord()) &* n }
        return m >> 32
    }

    /// 2^32 < n < 2^64: bits(n - 1) is 33...64, so two words, first word least significant.
    @usableFromInline
    mutating func uniformMasked(_ n: UInt64) -> UInt64 {
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

    /// Bernoulli(a/b), 0 <= a <= b, b >= 1. Equals `ReferenceDraws.bernoulli`: b = 2a takes one bit
    /// of the bit-word (``ChaChaStream/nextBit()``, stream-spec §3), other a/b in (0, 1) a uniform(b).
    @inlinable @inline(__always)
    public mutating func bernoulli(_ a: UInt64, _ b: UInt64) -> Bool {
        if a == 0 { return false }
        if a == b { return true }
        if b - a == a { return nextBit() == 1 }          // a < b: no overflow
        return uniform(b) < a
    }

    /// Bernoulli(a/b), 0 <= a <= b, b >= 1. Equals `ReferenceDraws.bernoulli` (b = 2a: one bit).
    @inlinable
    public mutating func bernoulli(_ a: UInt128, _ b: UInt128) -> Bool {
        if a == 0 { return false }
        if a == b { return true }
        if b - a == a { return nextBit() == 1 }
        return uniform(b) < a
    }

    /// Bernoulli(1/2) = `bernoulli(1, 2)`: the next bit of the bit-word (stream-spec §1.1, §3), true iff
    /// it is 1.
    @inlinable @inline(__always)
    public mutating func bernoulliHalf() -> Bool { nextBit() == 1 }

    /// Bernoulli(exp(-x/y)) for 0 <= x <= y, y >= 1, any y < 2^64 (K y is walked by addition; if it
    /// would pass 2^64 the loop continues in UInt128, where K y < 2^64 (2^36 + 4) < 2^101 by the stream
    /// length, Proofs/noise.md NOISE-4). Equals `ReferenceDraws.bernoulliExpSmall`.
    @inlinable
    public mutating func bernoulliExpSmall(_ x: UInt64, _ y: UInt64) -> Bool {
        // K = 1: Bernoulli(x/y) is false with no draw when x = 0 (result K = 1: true) and true with no
        // draw when x = y.
        if x == 0 { return true }
        var k: UInt64 = 1
        var yk = y
        while bernoulli(x, yk) {
            k &+= 1
            let (next, overflow) = yk.addingReportingOverflow(y)
            if _slowPath(overflow) { return bernoulliExpSmallWide(UInt128(x), UInt128(y), k: UInt128(k)) }
            yk = next
        }
        return k & 1 == 1
    }

    /// The K loop of `BexpSmall` from a given K (>= 1) in UInt128: y K < 2^128 for every K reached
    /// when y < 2^90 (K <= 2^36 + 3 by the stream length; Proofs/noise.md NOISE-4).
    @usableFromInline
    mutating func bernoulliExpSmallWide(_ x: UInt128, _ y: UInt128, k start: UInt128) -> Bool {
        var k = start
        while bernoulli(x, y * k) { k += 1 }
        return k & 1 == 1
    }

    /// Bernoulli(exp(-x/y)) for 0 <= x <= y, y K < 2^128 for every K reached (guaranteed when
    /// y < 2^90). Equals `ReferenceDraws.bernoulliExpSmall`.
    @inlinable
    public mutating func bernoulliExpSmall(_ x: UInt128, _ y: UInt128) -> Bool {
        if y >> 64 == 0 { return bernoulliExpSmall(UInt64(x), UInt64(y)) }
        return bernoulliExpSmallWide(x, y, k: 1)
    }

    /// Bernoulli(exp(-1)) = bernoulliExpSmall(1, 1): K = 1 passes with no draw (Bernoulli(1/1));
    /// K = 2 is Bernoulli(1/2), one bit of the bit-word (false: stop at K = 2, result false); then for
    /// K = 3, 4, ... Bernoulli(1/K) = [uniform(K) == 0] until it fails; true iff K is odd.
    @inlinable @inline(__always)
    public mutating func bernoulliExpMinusOne() -> Bool {
        if nextBit() == 0 { return false }
        var k: UInt64 = 3
        while uniform(k) == 0 { k &+= 1 }
        return k & 1 == 1
    }

    /// Runs of Bernoulli(exp(-1)): draws Bernoulli(exp(-1)) (``bernoulliExpMinusOne()``) until the
    /// first false or until `limit` trues, and returns the number of trues (the discrete Laplace's V
    /// with limit = UInt64.max; the acceptance step's floor(x/y) draws with limit = floor(x/y): all
    /// succeeded iff the result is the limit). A branch-reduced form (one loop over words with state
    /// (K, v) and conditional moves) measured no faster (Benchmarks/README.md), so it is the plain loop.
    @inlinable
    public mutating func bernoulliExpMinusOneSuccesses(upTo limit: UInt64) -> UInt64 {
        var v: UInt64 = 0
        while v < limit && bernoulliExpMinusOne() { v &+= 1 }
        return v
    }
}

extension ChaChaStream {
    /// Bernoulli(exp(-x/y)) for integers x >= 0, 1 <= y < 2^64 (CKS 2020 Algorithm 1, stream-spec §4).
    /// Equals `ReferenceDraws.bernoulliExp` (same result, same words).
    @inlinable
    public mutating func bernoulliExp(_ x: UInt64, _ y: UInt64) -> Bool {
        if x <= y { return bernoulliExpSmall(x, y) }
        let (f, r) = x.quotientAndRemainder(dividingBy: y)
        if bernoulliExpMinusOneSuccesses(upTo: f) < f { return false }
        return bernoulliExpSmall(r, y)
    }
}
