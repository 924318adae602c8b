import CGMP

/// Owns one heap-allocated, initialised `mpz_t` and clears it in `deinit`.
///
/// The pointer is allocated once and never moves, so GMP calls may alias it freely
/// (passing the same stored struct twice as `inout` would trap in Swift).
@usableFromInline
final class MPZStorage: @unchecked Sendable {
    @usableFromInline let ptr: UnsafeMutablePointer<__mpz_struct>

    @usableFromInline init() {
        ptr = .allocate(capacity: 1)
        __gmpz_init(ptr)
    }

    deinit {
        __gmpz_clear(ptr)
        ptr.deallocate()
    }
}

/// An arbitrary-precision signed integer over GMP's `mpz_t`, with value semantics.
///
/// Storage is copy-on-write: every operator returns a fresh value, and the mutating compound
/// assignments write in place only when the storage is uniquely referenced.
/// Division by zero traps with a Swift precondition message, never inside GMP; use
/// ``quotientAndRemainder(dividingBy:)`` after checking, or the throwing parsers for input.
public struct BigInt: Sendable {
    @usableFromInline var storage: MPZStorage

    @usableFromInline init(storage: MPZStorage) { self.storage = storage }

    /// Builds a value by running `body` on a fresh `mpz_t`.
    @inlinable static func make(_ body: (UnsafeMutablePointer<__mpz_struct>) -> Void) -> BigInt {
        let s = MPZStorage()
        body(s.ptr)
        return BigInt(storage: s)
    }

    @inlinable var ptr: UnsafeMutablePointer<__mpz_struct> { storage.ptr }

    @usableFromInline mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            let s = MPZStorage()
            __gmpz_set(s.ptr, storage.ptr)
            storage = s
        }
    }

    public init() { self.init(storage: MPZStorage()) }

    public init(_ value: Int) {
        self = BigInt.make { __gmpz_set_si($0, value) }
    }

    public init(_ value: UInt64) {
        self = BigInt.make { __gmpz_set_ui($0, UInt(value)) }
    }

    /// Exact conversion of a 128-bit integer.
    public init(_ value: Int128) {
        let neg = value < 0
        let mag = value.magnitude
        let hi = UInt64(truncatingIfNeeded: mag >> 64)
        let lo = UInt64(truncatingIfNeeded: mag)
        var r = (BigInt(hi) << 64) + BigInt(lo)
        if neg { r = -r }
        self = r
    }

    /// Parses a base-10 integer: an optional leading `-` or `+`, then one or more digits.
    /// Returns nil on anything else (empty text, spaces, other characters).
    public init?(_ text: String, radix: Int = 10) {
        var body = Substring(text)
        var negative = false
        if let f = body.first, f == "-" || f == "+" {
            negative = f == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty, radix >= 2, radix <= 36,
              body.allSatisfy({ $0.isASCII && Int(String($0), radix: radix) != nil })
        else { return nil }
        let s = MPZStorage()
        let rc = String(body).withCString { __gmpz_set_str(s.ptr, $0, Int32(radix)) }
        guard rc == 0 else { return nil }
        if negative { __gmpz_neg(s.ptr, s.ptr) }
        self.init(storage: s)
    }

    /// -1, 0 or 1.
    @inlinable public var signum: Int { Int(intrs_mpz_sgn(ptr)) }
    @inlinable public var isZero: Bool { signum == 0 }
    @inlinable public var isNegative: Bool { signum < 0 }
    @inlinable public var isOdd: Bool { intrs_mpz_odd_p(ptr) != 0 }

    /// Number of bits in the magnitude (0 for zero).
    public var bitWidth: Int { isZero ? 0 : Int(__gmpz_sizeinbase(ptr, 2)) }

    /// The value as `Int` when it fits, else nil.
    public var asInt: Int? {
        guard __gmpz_fits_slong_p(ptr) != 0 else { return nil }
        return __gmpz_get_si(ptr)
    }

    /// The value as `Int128` when it fits, else nil.
    public var asInt128: Int128? {
        let m = self.magnitude
        guard m.bitWidth <= 128 else { return nil }
        let lo = UInt64(truncatingIfNeeded: __gmpz_getlimbn(m.ptr, 0))
        let hi = __gmpz_size(m.ptr) > 1 ? UInt64(truncatingIfNeeded: __gmpz_getlimbn(m.ptr, 1)) : 0
        let u = UInt128(hi) << 64 | UInt128(lo)
        if isNegative {
            guard u <= UInt128(1) << 127 else { return nil }
            return u == UInt128(1) << 127 ? Int128.min : -Int128(u)
        }
        guard u < UInt128(1) << 127 else { return nil }
        return Int128(u)
    }

    /// Absolute value.
    public var magnitude: BigInt { BigInt.make { __gmpz_abs($0, self.ptr) } }

    /// Nearest `Double` (truncated); for display only, never for a decision.
    public var doubleApproximation: Double { __gmpz_get_d(ptr) }

    /// Base-10 text with a leading `-` for negatives.
    public func toString(radix: Int = 10) -> String {
        let n = __gmpz_sizeinbase(ptr, Int32(radix)) + 2
        var buf = [CChar](repeating: 0, count: n)
        __gmpz_get_str(&buf, Int32(radix), ptr)
        let end = buf.firstIndex(of: 0) ?? buf.count
        return String(decoding: buf[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
