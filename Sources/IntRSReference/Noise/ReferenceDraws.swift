import IntRSCore
import IntRSExact

/// The reference draws of Vectors/stream-spec.md on big integers: the executable specification of
/// how every sampler consumes a ``ChaChaStream``. Clear and slow; every argument is the exact
/// (unreduced) integer the specification names, because the reduction of a fraction would change the
/// range of a uniform draw and hence the words consumed.
public enum ReferenceDraws {
    static let two32 = BigInt(1) << 32

    /// Uniform integer in [0, n), n >= 1 (stream-spec §2).
    /// - n = 1: 0, no word drawn.
    /// - 2 <= n <= 2^32: one-word rejection (Lemire): w = next word; m = w * n; accept iff
    ///   (m mod 2^32) >= (2^32 mod n), then return floor(m / 2^32); else draw again.
    /// - n > 2^32: L = ceil(bits(n - 1) / 32) words w_0 .. w_{L-1} (in draw order) assembled
    ///   little-endian, x = sum w_i 2^(32 i); keep the low bits(n - 1) bits; accept iff x < n;
    ///   else draw L fresh words again.
    public static func uniform(_ n: BigInt, _ s: inout ChaChaStream) -> BigInt {
        precondition(n.signum > 0, "uniform: n must be >= 1")
        if n == BigInt(1) { return BigInt(0) }
        if n <= two32 {
            let threshold = two32.floorDivMod(n).remainder
            while true {
                let m = BigInt(UInt64(s.nextWord())) * n
                let (hi, lo) = m.floorDivMod(two32)
                if lo >= threshold { return hi }
            }
        }
        let bits = (n - BigInt(1)).bitWidth
        let words = (bits + 31) / 32
        while true {
            var x = BigInt(0)
            for i in 0..<words { x += BigInt(UInt64(s.nextWord())) << (32 * i) }
            x = x.floorDivMod(BigInt(1) << bits).remainder
            if x < n { return x }
        }
    }

    /// Bernoulli(a/b) for integers 0 <= a <= b, b >= 1 (stream-spec §3, version 2): a = 0 -> false and
    /// a = b -> true with no draw; b = 2a (a/b = 1/2) -> the next bit of the stream's bit-word
    /// (``ChaChaStream/nextBit()``), true iff it is 1; otherwise uniform(b) < a.
    public static func bernoulli(_ a: BigInt, _ b: BigInt, _ s: inout ChaChaStream) -> Bool {
        precondition(a.signum >= 0 && a <= b && b.signum > 0, "bernoulli: need 0 <= a <= b, b >= 1")
        if a.isZero { return false }
        if a == b { return true }
        if b == a + a { return s.nextBit() == 1 }
        return uniform(b, &s) < a
    }

    /// Bernoulli(exp(-x/y)) for 0 <= x <= y (CKS 2020 Algorithm 1, first case; stream-spec §4):
    /// K = 1; while Bernoulli(x / (y K)) { K += 1 }; return K odd.
    public static func bernoulliExpSmall(_ x: BigInt, _ y: BigInt, _ s: inout ChaChaStream) -> Bool {
        var k = BigInt(1)
        while bernoulli(x, y * k, &s) { k += BigInt(1) }
        return k.isOdd
    }

    /// Bernoulli(exp(-x/y)) for integers x >= 0, y >= 1 (CKS 2020 Algorithm 1; stream-spec §4):
    /// if x <= y, ``bernoulliExpSmall(_:_:_:)``; otherwise up to floor(x/y) draws of
    /// Bernoulli(exp(-1)) = bernoulliExpSmall(1, 1), returning false at the first false, then
    /// bernoulliExpSmall(x mod y, y).
    public static func bernoulliExp(_ x: BigInt, _ y: BigInt, _ s: inout ChaChaStream) -> Bool {
        precondition(x.signum >= 0 && y.signum > 0, "bernoulliExp: need x >= 0, y >= 1")
        if x <= y { return bernoulliExpSmall(x, y, &s) }
        let (f, r) = x.floorDivMod(y)
        var i = BigInt(0)
        while i < f {
            if !bernoulliExpSmall(BigInt(1), BigInt(1), &s) { return false }
            i += BigInt(1)
        }
        return bernoulliExpSmall(r, y, &s)
    }

    /// Discrete Laplace with integer scale t >= 1, P[X = x] proportional to exp(-|x|/t)
    /// (CKS 2020 Algorithm 2 with s = 1; stream-spec §5).
    public static func discreteLaplace(t: BigInt, _ s: inout ChaChaStream) -> BigInt {
        precondition(t.signum > 0)
        while true {
            let u = uniform(t, &s)
            if !bernoulliExp(u, t, &s) { continue }
            var v = BigInt(0)
            while bernoulliExp(BigInt(1), BigInt(1), &s) { v += BigInt(1) }
            let x = u + t * v
            let negative = bernoulli(BigInt(1), BigInt(2), &s)
            if negative && x.isZero { continue }
            return negative ? -x : x
        }
    }
}
