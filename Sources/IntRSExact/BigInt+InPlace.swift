import CGMP

/// Allocation-free in-place operations for hot fixed-point loops (e.g. the Clopper–Pearson tail
/// enclosure). Each writes into `self`'s storage after making it unique, so no new `mpz_t` is
/// created per operation. Divisors must be positive (precondition, never a GMP crash).
extension BigInt {
    /// `self *= m` for a machine word.
    @inlinable public mutating func multiply(by m: UInt) {
        makeUnique(); __gmpz_mul_ui(ptr, ptr, m)
    }
    /// `self *= m`.
    @inlinable public mutating func multiply(by m: BigInt) {
        makeUnique(); __gmpz_mul(ptr, ptr, m.ptr)
    }
    /// `self = floor(self / d)`, `d > 0`.
    @inlinable public mutating func floorDivide(by d: UInt) {
        precondition(d > 0, "BigInt: division by zero")
        makeUnique(); _ = __gmpz_fdiv_q_ui(ptr, ptr, d)
    }
    /// `self = ceil(self / d)`, `d > 0`.
    @inlinable public mutating func ceilDivide(by d: UInt) {
        precondition(d > 0, "BigInt: division by zero")
        makeUnique(); _ = __gmpz_cdiv_q_ui(ptr, ptr, d)
    }
    /// `self = floor(self / d)`, `d > 0`.
    @inlinable public mutating func floorDivide(by d: BigInt) {
        precondition(d.signum > 0, "BigInt: division by a non-positive divisor")
        makeUnique(); __gmpz_fdiv_q(ptr, ptr, d.ptr)
    }
    /// `self = ceil(self / d)`, `d > 0`.
    @inlinable public mutating func ceilDivide(by d: BigInt) {
        precondition(d.signum > 0, "BigInt: division by a non-positive divisor")
        makeUnique(); __gmpz_cdiv_q(ptr, ptr, d.ptr)
    }
    /// `self += other` (same as `+=`; named for symmetry).
    @inlinable public mutating func add(_ other: BigInt) {
        makeUnique(); __gmpz_add(ptr, ptr, other.ptr)
    }
    /// `self += a * b` (GMP's addmul; no temporary for the product).
    @inlinable public mutating func addProduct(_ a: BigInt, _ b: BigInt) {
        makeUnique(); __gmpz_addmul(ptr, a.ptr, b.ptr)
    }
    /// `self = other` without allocating when `self` is uniquely referenced.
    @inlinable public mutating func assign(_ other: BigInt) {
        makeUnique(); __gmpz_set(ptr, other.ptr)
    }
    /// The `n`-th root rounded down, `floor(self^(1/n))`, for `self >= 0`, `n >= 1`.
    public func nthRootFloor(_ n: Int) -> BigInt {
        precondition(signum >= 0 && n >= 1, "BigInt.nthRootFloor: needs self >= 0 and n >= 1")
        return BigInt.make { _ = __gmpz_root($0, self.ptr, UInt(n)) }
    }
}
