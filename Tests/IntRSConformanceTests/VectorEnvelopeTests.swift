import Foundation
import Testing
import IntRSCore
@testable import IntRSConformance

private struct ToyCase: VectorCase, Equatable {
    var id: Int
    var result: VectorResult
    var value: String
}

private typealias ToyFile = VectorFile<NoParameters, ToyCase>

@Suite("Vector envelope")
struct VectorEnvelopeTests {
    private func file(_ ids: [Int]) -> ToyFile {
        ToyFile(suite: "toy", version: 1, description: "toy", seed: nil,
                groups: [VectorGroup(description: "g", parameters: NoParameters(),
                                     cases: ids.map { ToyCase(id: $0, result: .valid, value: "1/3") })])
    }

    @Test func roundTripIsByteIdentical() throws {
        let f = file([1, 2, 3])
        let a = try CanonicalJSON.encode(f)
        let b = try CanonicalJSON.encode(try ToyFile.decode(a, file: "toy.v1.json"))
        #expect(a == b)
        #expect(f.fileName == "toy.v1.json")
        #expect(f.schema == "toy.v1.schema.json")
        #expect(String(decoding: a, as: UTF8.self).hasSuffix("}\n"))
    }

    @Test func rejectsDuplicateCaseIDs() throws {
        let data = try CanonicalJSON.encode(file([1, 2, 2]))
        do {
            _ = try ToyFile.decode(data, file: "toy.v1.json")
            Issue.record("duplicate case ids were accepted")
        } catch let e as VectorError {
            #expect(e.description.contains("duplicate case id 2"))
        }
    }

    @Test func rejectsWrongCaseCount() throws {
        var f = file([1, 2])
        f.numberOfCases = 3
        let data = try CanonicalJSON.encode(f)
        do {
            _ = try ToyFile.decode(data, file: "toy.v1.json")
            Issue.record("a wrong numberOfCases was accepted")
        } catch let e as VectorError {
            #expect(e.description.contains("numberOfCases"))
        }
    }

    @Test func malformedFileNamesTheField() throws {
        let text = #"{"format":"intrs-vectors","suite":"toy","version":"one"}"#
        do {
            _ = try ToyFile.decode(Data(text.utf8), file: "toy.v1.json")
            Issue.record("a malformed file was accepted")
        } catch let e as VectorError {
            #expect(e.description.contains("toy.v1.json"))
            #expect(e.description.contains("version"))
        }
    }

    @Test func firstDifferenceNamesTheLine() {
        let d = Vectors.firstDifference(Data("a\nb\nc".utf8), Data("a\nx\nc".utf8))
        #expect(d.contains("line 2"))
    }
}
