import CGMP

extension BigInt: Equatable, Hashable, Comparable {
    public static func == (a: BigInt, b: BigInt) -> Bool { __gmpz_cmp(a.ptr, b.ptr) == 0 }
    public static func < (a: BigInt, b: BigInt) -> Bool { __gmpz_cmp(a.ptr, b.ptr) < 0 }
    public func hash(into h: inout Hasher) {
        h.combine(signum)
        let n = __gmpz_size(ptr)
        for i in 0..<n { h.combine(__gmpz_getlimbn(ptr, i)) }
    }
    /// Three-way comparison: negative, zero or positive.
    public func compare(_ other: BigInt) -> Int { Int(__gmpz_cmp(ptr, other.ptr).signum()) }
}

extension BigInt: ExpressibleByIntegerLiteral, CustomStringConvertible, CustomDebugStringConvertible {
    public init(integerLiteral value: Int) { self.init(value) }
    public var description: String { toString() }
    public var debugDescription: String { "BigInt(\(toString()))" }
}

extension BigInt {
    public static func + (a: BigInt, b: BigInt) -> BigInt { make { __gmpz_add($0, a.ptr, b.ptr) } }
    public static func - (a: BigInt, b: BigInt) -> BigInt { make { __gmpz_sub($0, a.ptr, b.ptr) } }
    public static func * (a: BigInt, b: BigInt) -> BigInt { make { __gmpz_mul($0, a.ptr, b.ptr) } }
    public static prefix func - (a: BigInt) -> BigInt { make { __gmpz_neg($0, a.ptr) } }

    public static func += (a: inout BigInt, b: BigInt) {
        a.makeUnique(); __gmpz_add(a.ptr, a.ptr, b.ptr)
    }
    public static func -= (a: inout BigInt, b: BigInt) {
        a.makeUnique(); __gmpz_sub(a.ptr, a.ptr, b.ptr)
    }
    public static func *= (a: inout BigInt, b: BigInt) {
        a.makeUnique(); __gmpz_mul(a.ptr, a.ptr, b.ptr)
    }

    /// Floor division and the matching non-negative-for-positive-divisor remainder:
    /// `self = q * d + r` with `q = floor(self / d)`. Traps (Swift precondition) when `d == 0`.
    public func floorDivMod(_ d: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!d.isZero, "BigInt: division by zero")
        let q = MPZStorage(), r = MPZStorage()
        __gmpz_fdiv_qr(q.ptr, r.ptr, ptr, d.ptr)
        return (BigInt(storage: q), BigInt(storage: r))
    }

    /// Division truncating toward zero (C semantics). Traps when `d == 0`.
    public func truncatingDivMod(_ d: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!d.isZero, "BigInt: division by zero")
        let q = MPZStorage(), r = MPZStorage()
        __gmpz_tdiv_qr(q.ptr, r.ptr, ptr, d.ptr)
        return (BigInt(storage: q), BigInt(storage: r))
    }

    /// `floor(self / d)`. Traps when `d == 0`.
    public func floorDiv(_ d: BigInt) -> BigInt { floorDivMod(d).quotient }
    /// `ceil(self / d)`. Traps when `d == 0`.
    public func ceilDiv(_ d: BigInt) -> BigInt {
        precondition(!d.isZero, "BigInt: division by zero")
        return BigInt.make { __gmpz_cdiv_q($0, self.ptr, d.ptr) }
    }

    /// Multiplication by 2^k for k >= 0 (exact).
    public static func << (a: BigInt, k: Int) -> BigInt {
        precondition(k >= 0, "BigInt: negative shift")
        return make { __gmpz_mul_2exp($0, a.ptr, UInt(k)) }
    }
    /// `floor(a / 2^k)` for k >= 0 (an arithmetic shift: rounds toward -infinity).
    public static func >> (a: BigInt, k: Int) -> BigInt {
        precondition(k >= 0, "BigInt: negative shift")
        return make { __gmpz_fdiv_q_2exp($0, a.ptr, UInt(k)) }
    }
    /// `ceil(a / 2^k)` for k >= 0.
    public func ceilShiftRight(_ k: Int) -> BigInt {
        precondition(k >= 0, "BigInt: negative shift")
        return BigInt.make { __gmpz_cdiv_q_2exp($0, self.ptr, UInt(k)) }
    }

    /// `self^e` for e >= 0.
    public func power(_ e: Int) -> BigInt {
        precondition(e >= 0, "BigInt: negative exponent")
        return BigInt.make { __gmpz_pow_ui($0, self.ptr, UInt(e)) }
    }

    /// `floor(sqrt(self))`. Traps for negative values.
    public func squareRootFloor() -> BigInt {
        precondition(signum >= 0, "BigInt: square root of a negative number")
        return BigInt.make { __gmpz_sqrt($0, self.ptr) }
    }

    /// Non-negative greatest common divisor.
    public static func gcd(_ a: BigInt, _ b: BigInt) -> BigInt { make { __gmpz_gcd($0, a.ptr, b.ptr) } }

    /// Binomial coefficient C(n, k) for n, k >= 0.
    public static func binomial(_ n: Int, _ k: Int) -> BigInt {
        precondition(n >= 0 && k >= 0, "BigInt.binomial: negative argument")
        return make { __gmpz_bin_uiui($0, UInt(n), UInt(k)) }
    }

    /// Bit `i` of the two's-complement representation.
    public func testBit(_ i: Int) -> Bool { __gmpz_tstbit(ptr, UInt(i)) != 0 }
}
