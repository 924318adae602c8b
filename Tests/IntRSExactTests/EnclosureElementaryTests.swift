import Testing
@testable import IntRSExact

/// The real number known to lie in `[d, d + 10^-(digits after the point)]` for a truncated decimal
/// `d`, or within one unit of the last digit either way (we do not rely on how it was rounded).
func referenceInterval(_ decimal: String) -> Interval {
    let d = try! Rational(parsing: decimal)
    let mantissa = decimal.split(separator: "E").first ?? Substring(decimal)
    let fractionDigits = mantissa.split(separator: ".").count == 2 ? mantissa.split(separator: ".")[1].count : 0
    var exponent = 0
    if let e = decimal.split(separator: "E").dropFirst().first { exponent = Int(e)! }
    let ulp = Rational(1, 1).timesPowerOfTwo(0) / Rational(BigInt(10).power(fractionDigits)) *
        (exponent >= 0 ? Rational(BigInt(10).power(exponent)) : Rational(1) / Rational(BigInt(10).power(-exponent)))
    return Interval(lo: d - ulp, hi: d + ulp)
}

/// Checks that `enc` can contain the true value: it overlaps the reference interval (a disjoint
/// enclosure is certainly wrong; with the reference 10^-59 wide and `enc` ~2^-bits wide, overlap
/// is containment for all practical purposes).
func expectOverlap(_ enc: Interval, _ reference: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let ref = referenceInterval(reference)
    #expect(enc.intersection(ref) != nil, "enclosure \(enc) misses reference \(reference)", sourceLocation: sourceLocation)
}

func isDyadic(_ i: Interval) -> Bool { i.lo.isDyadic && i.hi.isDyadic }

/// Reference values: Python 3 `decimal` module, precision 60 (correctly rounded exp/ln/sqrt),
/// e.g. `python3 -c "from decimal import *; getcontext().prec=60; print(Decimal(1).exp())"`.
@Suite("Enclosures: exp, log, sqrt (ENC-1)")
struct EnclosureElementaryTests {
    static let e = "2.71828182845904523536028747135266249775724709369995957496697"
    static let ln2 = "0.693147180559945309417232121458176568075500134360255254120680"
    static let sqrt2 = "1.41421356237309504880168872420969807856967187537694807317668"
    static let pi = "3.14159265358979323846264338327950288419716939937510582097494"

    @Test func expOfOneMatchesFortyDigits() {
        for bits in [16, 64, 140, 200] {
            let enc = Enclosure.exp(Rational(1), bits: bits)
            expectOverlap(enc, Self.e)
            #expect(isDyadic(enc))
            #expect(enc.width <= Rational(1).timesPowerOfTwo(-bits))
        }
        // 40 decimal places: at 140 bits the enclosure pins e to better than 1e-40.
        let enc = Enclosure.exp(Rational(1), bits: 140)
        #expect(enc.lo.decimalString(digits: 40) == "2.7182818284590452353602874713526624977572")
        #expect(enc.hi.decimalString(digits: 40) == "2.7182818284590452353602874713526624977572")
    }

    @Test(arguments: [
        ("-800", "3.66787458417768721345549565426079821546963422661264070506915E-348"),
        ("-7/2", "0.0301973834223185007397862923636198450716605322476570066713402"),
        ("100", "26881171418161354484126255515800135873611118.7737419224151916"),
    ])
    func expKnownValues(_ x: String, _ value: String) throws {
        let xr = try Rational(parsing: x)
        let enc = Enclosure.exp(xr, bits: 150)
        expectOverlap(enc, value)
        #expect(isDyadic(enc))
        if xr.signum < 0 || xr > Rational(64) {
            // relative width for negative and for large arguments
            #expect(enc.lo.signum > 0)
            #expect(enc.width <= enc.lo.timesPowerOfTwo(-150))
        } else {
            #expect(enc.width <= Rational(1).timesPowerOfTwo(-150))
        }
    }

    @Test func constants() {
        expectOverlap(Enclosure.ln2(precision: 200), Self.ln2)
        expectOverlap(Enclosure.pi(precision: 200), Self.pi)
        #expect(Enclosure.pi(precision: 200).width < Rational(1).timesPowerOfTwo(-180))
        // the series themselves (the functions above serve small precisions from a cache)
        expectOverlap(Enclosure.ln2Series(precision: 200), Self.ln2)
        expectOverlap(Enclosure.piSeries(precision: 200), Self.pi)
        // cache vs a fresh series beyond the cache's precision
        #expect(Enclosure.ln2(precision: 5000).intersection(Enclosure.cachedLn2) != nil)
        #expect(Enclosure.pi(precision: 5000).intersection(Enclosure.cachedPi) != nil)
        #expect(Enclosure.cachedPi.width < Rational(1).timesPowerOfTwo(-4090))
    }

    @Test func logAndSqrtKnownValues() {
        expectOverlap(Enclosure.log(Rational(2), bits: 190), Self.ln2)
        expectOverlap(Enclosure.log(Rational(1, 1000), bits: 190), "-6.90775527898213705205397436405309262280330446588631892809998")
        expectOverlap(Enclosure.sqrt(Rational(2), bits: 190), Self.sqrt2)
        #expect(Enclosure.log(Rational(1), bits: 10) == Interval(exactly: 0))
        #expect(Enclosure.sqrt(Rational(9, 4), bits: 10) == Interval(exactly: Rational(3, 2)))
        #expect(Enclosure.sqrt(Rational(0), bits: 10) == Interval(exactly: 0))
        for bits in [0, 1, 30, 64, 190] {
            let l = Enclosure.log(Rational(12345, 67), bits: bits), s = Enclosure.sqrt(Rational(12345, 67), bits: bits)
            #expect(l.width <= Rational(1).timesPowerOfTwo(-bits) && isDyadic(l))
            #expect(s.width <= Rational(1).timesPowerOfTwo(-bits) && isDyadic(s))
        }
    }

    /// Tightening: each enclosure at more bits lies inside (overlaps and is narrower than) the one
    /// at fewer bits, and the width bound holds at every precision.
    @Test(arguments: ["1/3", "-5", "17/2", "-123/7", "1e-9"])
    func tighteningWithPrecision(_ x: String) throws {
        let xr = try Rational(parsing: x)
        var previous: Interval? = nil
        for bits in stride(from: 8, through: 200, by: 24) {
            let enc = Enclosure.exp(xr, bits: bits)
            if let p = previous {
                #expect(p.intersection(enc) != nil)
                #expect(enc.width < p.width)
            }
            previous = enc
            if xr.signum > 0 {
                let l = Enclosure.log(xr, bits: bits)
                #expect(l.width <= Rational(1).timesPowerOfTwo(-bits))
                // log(exp(x)) contains x: consistency of the two enclosures.
                #expect(Enclosure.log(enc, bits: bits + 2).contains(xr))
            }
        }
    }

    /// exp(a + b) and exp(a) * exp(b) are both enclosures of the same number: they must overlap.
    @Test func expAdditionLawOverlaps() {
        var rng = SplitMix64(seed: 0x1234_5678)
        for _ in 0..<40 {
            let a = Rational(Int(rng.next() % 4001) - 2000, Int(rng.next() % 97) + 1)
            let b = Rational(Int(rng.next() % 4001) - 2000, Int(rng.next() % 89) + 1)
            let sum = Enclosure.exp(a + b, bits: 80)
            let product = Enclosure.exp(a, bits: 80) * Enclosure.exp(b, bits: 80)
            #expect(sum.intersection(product) != nil, "exp(\(a) + \(b))")
            // sqrt(x)^2 encloses x
            let x = a.magnitude
            let s = Enclosure.sqrt(x, bits: 80)
            #expect((s * s).contains(x), "sqrt(\(x))")
        }
    }

    @Test func intervalOverloadsAreMonotone() {
        let x = Interval(lo: Rational(1, 2), hi: Rational(3, 2))
        let e = Enclosure.exp(x, bits: 60)
        #expect(e.contains(Enclosure.exp(Rational(1), bits: 60)))
        #expect(Enclosure.log(x, bits: 60).contains(Enclosure.log(Rational(1), bits: 60)))
        #expect(Enclosure.sqrt(x, bits: 60).contains(Enclosure.sqrt(Rational(1), bits: 60)))
    }
}

/// A small seeded PRNG for property tests (SplitMix64, Steele et al. 2014).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
