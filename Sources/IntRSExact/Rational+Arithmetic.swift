import CGMP

extension Rational: Equatable, Hashable, Comparable {
    public static func == (a: Rational, b: Rational) -> Bool { __gmpq_equal(a.ptr, b.ptr) != 0 }
    public static func < (a: Rational, b: Rational) -> Bool { __gmpq_cmp(a.ptr, b.ptr) < 0 }
    public func hash(into h: inout Hasher) {
        h.combine(numerator)
        h.combine(denominator)
    }
    /// Three-way comparison: -1, 0 or 1.
    public func compare(_ other: Rational) -> Int { Int(__gmpq_cmp(ptr, other.ptr).signum()) }
}

extension Rational: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

extension Rational {
    public static func + (a: Rational, b: Rational) -> Rational { make { __gmpq_add($0, a.ptr, b.ptr) } }
    public static func - (a: Rational, b: Rational) -> Rational { make { __gmpq_sub($0, a.ptr, b.ptr) } }
    public static func * (a: Rational, b: Rational) -> Rational { make { __gmpq_mul($0, a.ptr, b.ptr) } }
    public static prefix func - (a: Rational) -> Rational { make { __gmpq_neg($0, a.ptr) } }

    /// Exact quotient. Traps (Swift precondition, not GMP) when `b == 0`.
    public static func / (a: Rational, b: Rational) -> Rational {
        precondition(!b.isZero, "Rational: division by zero")
        return make { __gmpq_div($0, a.ptr, b.ptr) }
    }

    /// Exact quotient, throwing ``ExactError/divisionByZero(_:)`` when `b == 0`.
    public func dividing(by b: Rational) throws(ExactError) -> Rational {
        if b.isZero { throw .divisionByZero("\(self) / 0") }
        return self / b
    }

    public static func += (a: inout Rational, b: Rational) { a.makeUnique(); __gmpq_add(a.ptr, a.ptr, b.ptr) }
    public static func -= (a: inout Rational, b: Rational) { a.makeUnique(); __gmpq_sub(a.ptr, a.ptr, b.ptr) }
    public static func *= (a: inout Rational, b: Rational) { a.makeUnique(); __gmpq_mul(a.ptr, a.ptr, b.ptr) }
    public static func /= (a: inout Rational, b: Rational) {
        precondition(!b.isZero, "Rational: division by zero")
        a.makeUnique(); __gmpq_div(a.ptr, a.ptr, b.ptr)
    }

    /// `self * 2^k` exactly, for any integer k.
    public func timesPowerOfTwo(_ k: Int) -> Rational {
        if k >= 0 { return Rational.make { __gmpq_mul_2exp($0, self.ptr, UInt(k)) } }
        return Rational.make { __gmpq_div_2exp($0, self.ptr, UInt(-k)) }
    }

    /// `self^e` for any integer e (traps for 0^negative).
    public func power(_ e: Int) -> Rational {
        if e >= 0 { return Rational(numerator.power(e), denominator.power(e)) }
        return reciprocal.power(-e)
    }

    /// The largest dyadic `m / 2^bits` that is `<= self` (round toward -infinity).
    public func roundedDown(bits: Int) -> Rational {
        precondition(bits >= 0)
        let m = (numerator << bits).floorDiv(denominator)
        return Rational(m, BigInt(1) << bits)
    }

    /// The smallest dyadic `m / 2^bits` that is `>= self` (round toward +infinity).
    public func roundedUp(bits: Int) -> Rational {
        precondition(bits >= 0)
        let m = (numerator << bits).ceilDiv(denominator)
        return Rational(m, BigInt(1) << bits)
    }

    public static func min(_ a: Rational, _ b: Rational) -> Rational { a <= b ? a : b }
    public static func max(_ a: Rational, _ b: Rational) -> Rational { a >= b ? a : b }
}
