import Testing
@testable import IntRSExact

/// Property tests of exact rational arithmetic on random values (seeded SplitMix64; the seed and the
/// case index are in every failure message).
@Suite("Rational properties")
struct RationalPropertyTests {
    static let seed: UInt64 = 0x1A7_5EED

    /// A random rational with numerator and denominator of up to `maxBits` bits (sometimes tiny,
    /// sometimes huge, sometimes an integer, sometimes zero).
    static func random(_ rng: inout SplitMix64, maxBits: Int = 200) -> Rational {
        func bigInt(_ bits: Int) -> BigInt {
            var v = BigInt(0)
            var left = bits
            while left > 0 {
                let take = Swift.min(left, 60)
                v = (v << take) + BigInt(Int(rng.next() >> UInt64(64 - take)))
                left -= take
            }
            return v
        }
        switch rng.next() % 10 {
        case 0: return Rational(0)
        case 1: return Rational(Int(rng.next() % 21) - 10)
        default:
            var n = bigInt(Int(rng.next() % UInt64(maxBits)) + 1)
            if rng.next() % 2 == 0 { n = -n }
            let d = bigInt(Int(rng.next() % UInt64(maxBits)) + 1) + BigInt(1)
            return Rational(n, d)
        }
    }

    @Test func fieldLaws() {
        var rng = SplitMix64(seed: Self.seed)
        for i in 0..<300 {
            let a = Self.random(&rng), b = Self.random(&rng), c = Self.random(&rng)
            let ctx = "seed \(Self.seed) case \(i): a=\(a) b=\(b) c=\(c)"
            #expect(a + b == b + a, "\(ctx)")
            #expect(a * b == b * a, "\(ctx)")
            #expect((a + b) + c == a + (b + c), "\(ctx)")
            #expect((a * b) * c == a * (b * c), "\(ctx)")
            #expect(a * (b + c) == a * b + a * c, "\(ctx)")
            #expect(a + 0 == a && a * 1 == a && a - a == 0, "\(ctx)")
            #expect(a + (-a) == 0, "\(ctx)")
            if !a.isZero {
                #expect(a * a.reciprocal == 1, "\(ctx)")
                #expect((b / a) * a == b, "\(ctx)")
            }
            // canonical form: gcd(num, den) = 1, den > 0
            let s = a * b + c
            #expect(s.denominator.signum > 0 && BigInt.gcd(s.numerator, s.denominator) == 1, "\(ctx)")
        }
    }

    @Test func orderingAgreesWithCrossMultiplication() {
        var rng = SplitMix64(seed: Self.seed &+ 1)
        for i in 0..<400 {
            let a = Self.random(&rng), b = Self.random(&rng)
            // denominators are positive, so a < b  <=>  a.num * b.den < b.num * a.den
            let lhs = a.numerator * b.denominator, rhs = b.numerator * a.denominator
            let ctx = "seed \(Self.seed &+ 1) case \(i): a=\(a) b=\(b)"
            #expect((a < b) == (lhs < rhs), "\(ctx)")
            #expect((a == b) == (lhs == rhs), "\(ctx)")
            #expect(a.compare(b) == lhs.compare(rhs), "\(ctx)")
            // exactly one of <, ==, > ; and translation invariance
            #expect([a < b, a == b, a > b].filter { $0 }.count == 1, "\(ctx)")
            let c = Self.random(&rng)
            #expect((a < b) == (a + c < b + c), "\(ctx)")
        }
    }

    @Test func stringRoundTrips() throws {
        var rng = SplitMix64(seed: Self.seed &+ 2)
        for i in 0..<300 {
            let a = Self.random(&rng)
            let ctx = "seed \(Self.seed &+ 2) case \(i): a=\(a)"
            // description "p/q" parses back exactly
            #expect(try Rational(parsing: a.description) == a, "\(ctx)")
            #expect(Rational(a.description) == a, "\(ctx)")
            // an exact decimal: a dyadic m / 2^e has a finite decimal expansion with e digits
            let e = Int(rng.next() % 70)
            let d = a.roundedDown(bits: e)
            let text = d.decimalString(digits: e)
            #expect(try Rational(parsing: text) == d, "\(ctx) decimal \(text)")
            // decimalString rounds to nearest: the parsed text is within half a unit of the last digit
            let digits = Int(rng.next() % 30)
            let approx = try Rational(parsing: a.decimalString(digits: digits))
            #expect((approx - a).magnitude * Rational(BigInt(10).power(digits)) * 2 <= 1, "\(ctx) digits \(digits)")
        }
        // scientific input forms
        #expect(try Rational(parsing: "-12.5e-3") == Rational(-1, 80))
        #expect(try Rational(parsing: "+7/-14") == Rational(-1, 2))
    }

    @Test func hashingIsConsistentWithEquality() {
        var rng = SplitMix64(seed: Self.seed &+ 3)
        for i in 0..<200 {
            let a = Self.random(&rng)
            let k = BigInt(Int(rng.next() % 1000) + 1)
            // the same value built non-canonically
            let b = Rational(a.numerator * k, a.denominator * k)
            #expect(a == b && a.hashValue == b.hashValue, "seed \(Self.seed &+ 3) case \(i): a=\(a) k=\(k)")
            var set: Set<Rational> = [a]
            set.insert(b)
            #expect(set.count == 1)
        }
    }
}
