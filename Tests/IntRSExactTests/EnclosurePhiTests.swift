import Testing
@testable import IntRSExact

/// Reference values: mpmath 1.3.0 at 70 significant digits (`mpmath.ncdf`; quantiles by
/// `mpmath.findroot` on `log(ncdf(x)) - log(p)`), rounded to 50 significant digits here (the check allows one unit of the last digit), e.g.
/// `python3 -c "import mpmath as m; m.mp.dps=70; print(m.ncdf(1))"`. PhiInv(0.975) also matches the
/// issue's 1.959963984540054...
@Suite("Enclosures: Phi and PhiInv (ENC-1)")
struct EnclosurePhiTests {
    @Test(arguments: [
        ("1", "0.8413447460685429485852325456320379224779129667266"),
        ("-3", "0.0013498980316300945266518147675949773778293681583806"),
        ("-10", "7.619853024160526065973343251599308363504033277957E-24"),
        ("-40", "3.6558935409150297037489858026882836650539446199774E-350"),
        ("0.5", "0.69146246127401310363770461060833773988360217555458"),
        ("2.5", "0.99379033467422386483302189542580777887210225307691"),
        ("-1/3", "0.36944134018176363827279228206957358332825436995755"),
        ("5", "0.99999971334842812080608832624766712535464614557699"),
        ("-7.25", "0.00000000000020838581586720694311899976407259467739394371609234"),
    ])
    func phiKnownValues(_ x: String, _ value: String) throws {
        let xr = try Rational(parsing: x)
        for bits in [20, 64, 150] {
            let enc = Enclosure.phi(xr, bits: bits)
            expectOverlap(enc, value)
            #expect(isDyadic(enc))
            #expect(enc.width <= Rational(1).timesPowerOfTwo(-bits))
            if xr.signum < 0 {
                // relative precision in the lower tail
                #expect(enc.lo.signum > 0)
                #expect(enc.width <= enc.lo.timesPowerOfTwo(-bits))
            }
        }
    }

    @Test func phiAtZeroAndFarTails() {
        #expect(Enclosure.phi(Rational(0), bits: 30) == Interval(exactly: Rational(1, 2)))
        let far = Enclosure.phi(Rational(-1000), bits: 64)
        #expect(far.lo.signum >= 0 && far.hi <= Rational(1).timesPowerOfTwo(-2048 - 64))
        let up = Enclosure.phi(Rational(1000), bits: 64)
        #expect(up.hi == 1 && up.width <= Rational(1).timesPowerOfTwo(-64))
        // Phi(-x) + Phi(x) = 1
        for x in [Rational(1, 7), Rational(3), Rational(37, 4)] {
            let s = Enclosure.phi(-x, bits: 80) + Enclosure.phi(x, bits: 80)
            #expect(s.contains(1))
        }
    }

    @Test func phiIsMonotoneAndTightens() {
        var previousHi: Rational? = nil
        for i in -40...40 {
            let x = Rational(i, 4)
            let enc = Enclosure.phi(x, bits: 40)
            if let p = previousHi { #expect(p <= enc.hi) }
            previousHi = enc.hi
        }
        for x in [Rational(-23, 10), Rational(1, 1000), Rational(41, 5)] {
            var last: Interval? = nil
            for bits in [8, 32, 64, 128] {
                let enc = Enclosure.phi(x, bits: bits)
                if let l = last { #expect(l.intersection(enc) != nil && enc.width <= l.width) }
                last = enc
            }
        }
        let i = Enclosure.phi(Interval(lo: Rational(-1), hi: Rational(1)), bits: 40)
        #expect(i.lo < Rational(16, 100) && i.hi > Rational(84, 100))
    }

    @Test(arguments: [
        ("0.975", "1.9599639845400542355245944305205515279555500778695"),
        ("1e-6", "-4.753424308822898948193988187004275005642233726827"),
        ("1e-300", "-37.047096299361199237222962507860436844345288438012"),
        ("0.01", "-2.326347874040841100885606163346911723351817141532"),
        ("0.999", "3.0902323061678135415403998301073792054910084918658"),
        ("1e-20", "-9.2623400897984075737173569778753251175358395118478"),
    ])
    func phiInverseKnownValues(_ p: String, _ value: String) throws {
        let pr = try Rational(parsing: p)
        for bits in [24, 64] {
            let enc = Enclosure.phiInverse(pr, bits: bits)
            expectOverlap(enc, value)
            #expect(isDyadic(enc))
            #expect(enc.width <= Rational(1).timesPowerOfTwo(-bits))
            // Phi(PhiInv(p)) contains p: the bracket's defining property.
            #expect(Enclosure.phi(enc, bits: bits + 8).contains(pr))
        }
        #expect(Enclosure.phiInverse(Rational(1, 2), bits: 10) == Interval(exactly: 0))
    }

    @Test func phiInverseIsMonotone() {
        var previous: Interval? = nil
        for i in 1..<40 {
            let enc = Enclosure.phiInverse(Rational(i, 40), bits: 32)
            if let p = previous { #expect(p.hi <= enc.lo) }
            previous = enc
        }
    }
}
