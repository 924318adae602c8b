import CGMP

/// Owns one heap-allocated, initialised `mpq_t` and clears it in `deinit`.
@usableFromInline
final class MPQStorage: @unchecked Sendable {
    @usableFromInline let ptr: UnsafeMutablePointer<__mpq_struct>

    @usableFromInline init() {
        ptr = .allocate(capacity: 1)
        __gmpq_init(ptr)
    }

    deinit {
        __gmpq_clear(ptr)
        ptr.deallocate()
    }
}

/// Errors from building rationals out of untrusted input.
public enum ExactError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The text is not an integer, `p/q` or decimal literal.
    case malformedNumber(String)
    /// A denominator (or divisor) was zero.
    case divisionByZero(String)

    public var description: String {
        switch self {
        case .malformedNumber(let s):
            return "malformed number \"\(s)\": expected an integer, a fraction p/q, or a decimal such as 0.001 or 1e-6"
        case .divisionByZero(let s):
            return "division by zero in \"\(s)\""
        }
    }
}

/// An exact rational number over GMP's `mpq_t`, always in canonical form
/// (positive denominator, numerator and denominator coprime), with value semantics.
///
/// Every operator returns a fresh canonical value. Division by zero traps with a Swift
/// precondition message; untrusted input goes through ``init(parsing:)`` or ``dividing(by:)``,
/// which throw ``ExactError`` instead.
public struct Rational: Sendable {
    @usableFromInline var storage: MPQStorage

    @usableFromInline init(storage: MPQStorage) { self.storage = storage }

    @inlinable static func make(_ body: (UnsafeMutablePointer<__mpq_struct>) -> Void) -> Rational {
        let s = MPQStorage()
        body(s.ptr)
        return Rational(storage: s)
    }

    @inlinable var ptr: UnsafeMutablePointer<__mpq_struct> { storage.ptr }

    @usableFromInline mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            let s = MPQStorage()
            __gmpq_set(s.ptr, storage.ptr)
            storage = s
        }
    }

    public init() { self.init(storage: MPQStorage()) }

    public init(_ value: Int) { self = Rational.make { __gmpq_set_si($0, value, 1) } }

    public init(_ value: BigInt) {
        self = Rational.make { __gmpq_set_z($0, value.ptr) }
    }

    /// `numerator / denominator`, canonicalised. Traps when the denominator is zero.
    public init(_ numerator: BigInt, _ denominator: BigInt) {
        precondition(!denominator.isZero, "Rational: zero denominator")
        self = Rational.make { q in
            __gmpz_set(intrs_mpq_numref(q), numerator.ptr)
            __gmpz_set(intrs_mpq_denref(q), denominator.ptr)
            __gmpq_canonicalize(q)
        }
    }

    /// `numerator / denominator`, canonicalised. Traps when the denominator is zero.
    public init(_ numerator: Int, _ denominator: Int) {
        self.init(BigInt(numerator), BigInt(denominator))
    }

    /// The exact value of a finite `Double` (every finite double is a dyadic rational).
    /// Use only for inputs that are *defined* as doubles, never to smuggle floats into a decision.
    public init?(exactly d: Double) {
        guard d.isFinite else { return nil }
        self = Rational.make { __gmpq_set_d($0, d) }
    }

    /// `m * 2^e` exactly (e may be negative).
    public static func dyadic(_ m: BigInt, exponent e: Int) -> Rational {
        e >= 0 ? Rational(m << e) : Rational(m, BigInt(1) << (-e))
    }

    /// The canonical numerator (carries the sign).
    public var numerator: BigInt {
        BigInt.make { __gmpz_set($0, intrs_mpq_numref(self.ptr)) }
    }

    /// The canonical denominator (always positive).
    public var denominator: BigInt {
        BigInt.make { __gmpz_set($0, intrs_mpq_denref(self.ptr)) }
    }

    /// -1, 0 or 1.
    @inlinable public var signum: Int { Int(intrs_mpq_sgn(ptr)) }
    @inlinable public var isZero: Bool { signum == 0 }
    public var isInteger: Bool { intrs_mpz_cmp_ui(intrs_mpq_denref(ptr), 1) == 0 }

    /// True when the denominator is a power of two.
    public var isDyadic: Bool {
        let d = denominator
        return __gmpz_popcount(d.ptr) == 1
    }

    public var magnitude: Rational { Rational.make { __gmpq_abs($0, self.ptr) } }

    /// Nearest `Double` (truncated toward zero). For display only, never for a decision.
    public var doubleApproximation: Double { __gmpq_get_d(ptr) }

    /// `floor(self)`.
    public var floor: BigInt { numerator.floorDiv(denominator) }
    /// `ceil(self)`.
    public var ceil: BigInt { numerator.ceilDiv(denominator) }

    /// `1 / self`. Traps when zero.
    public var reciprocal: Rational {
        precondition(!isZero, "Rational: reciprocal of zero")
        return Rational.make { __gmpq_inv($0, self.ptr) }
    }
}
