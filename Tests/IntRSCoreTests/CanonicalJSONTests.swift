import Foundation
import Testing
import IntRSCore

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    struct Sample: Codable { var zeta: Int; var alpha: String; var path: String }

    @Test func sortedKeysUnescapedSlashesTrailingNewline() throws {
        let text = String(decoding: try CanonicalJSON.encode(Sample(zeta: 1, alpha: "1/3", path: "a/b")), as: UTF8.self)
        #expect(text == "{\n  \"alpha\" : \"1/3\",\n  \"path\" : \"a/b\",\n  \"zeta\" : 1\n}\n")
        #expect(try CanonicalJSON.line(Sample(zeta: 1, alpha: "x", path: "y")) == #"{"alpha":"x","path":"y","zeta":1}"#)
    }
}
