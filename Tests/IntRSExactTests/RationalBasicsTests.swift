import Testing
@testable import IntRSExact

@Suite("Rational basics")
struct RationalBasicsTests {
    @Test func parsesDecimalsExactly() throws {
        #expect(try Rational(parsing: "0.001") == Rational(1, 1000))
        #expect(try Rational(parsing: "65025/16") == Rational(65025, 16))
        #expect(try Rational(parsing: "-2/4") == Rational(-1, 2))
        #expect(try Rational(parsing: "1e-6") == Rational(1, 1_000_000))
        #expect(try Rational(parsing: " 2.5E+1 ") == Rational(25))
    }

    @Test(arguments: ["", "abc", "1/0", "1//2", "1.2.3", "--1", "0x10", "1e", "1/2/3", "."])
    func rejectsMalformed(_ text: String) {
        #expect(throws: ExactError.self) { try Rational(parsing: text) }
    }

    @Test func arithmeticAndPrinting() {
        let a = Rational(1, 3), b = Rational(1, 6)
        #expect((a + b).description == "1/2")
        #expect((a - b).description == "1/6")
        #expect((a * b).description == "1/18")
        #expect((a / b).description == "2")
        var c = a
        c += b
        #expect(c == Rational(1, 2))
        #expect(a == Rational(1, 3)) // value semantics: a is untouched
        #expect(Rational(2, 3).decimalString(digits: 4) == "0.6667")
        #expect(Rational(-1, 8).decimalString(digits: 2) == "-0.13")
    }

    @Test func bigIntBasics() {
        let x = BigInt(1) << 100
        #expect(x.description == "1267650600228229401496703205376")
        #expect((x >> 99) == BigInt(2))
        #expect(BigInt(-7).floorDiv(BigInt(2)) == BigInt(-4))
        #expect(BigInt(-7).ceilDiv(BigInt(2)) == BigInt(-3))
        #expect(BigInt(Int128.min).asInt128 == Int128.min)
        #expect(BigInt(99).squareRootFloor() == BigInt(9))
    }
}
