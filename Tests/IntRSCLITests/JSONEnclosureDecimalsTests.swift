import Foundation
import Testing
@testable import IntRSCLI
@testable import IntRSRun
import IntRSExact

/// `--json` enclosures carry a decimal rendering beside the exact p/q ends (theorem's report).
@Suite("JSON enclosure decimals")
struct JSONEnclosureDecimalsTests {
    struct Report: Encodable { var margin: Interval; var nested: [Interval]; var label: String; var point: Interval }

    @Test("every {lo, hi} object gets a decimal; other fields are untouched")
    func annotates() throws {
        let r = Report(margin: Interval(lo: Rational(1, 3), hi: Rational(1, 2)),
                       nested: [Interval(lo: Rational(-7, 4), hi: Rational(-7, 4))], label: "1/3",
                       point: Interval(exactly: Rational(5)))
        let data = try JSONEnclosureDecimals.encode(r, digits: 6)
        let obj = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let margin = try #require(obj["margin"] as? [String: Any])
        #expect(margin["decimal"] as? String == "[0.333333, 0.500000]")
        #expect(margin["lo"] as? String == "1/3")
        let nested = try #require((obj["nested"] as? [[String: Any]])?.first)
        #expect(nested["decimal"] as? String == "-1.750000")
        #expect(obj["label"] as? String == "1/3")
        #expect((obj["point"] as? [String: Any])?["decimal"] as? String == "5.000000")
    }
}
