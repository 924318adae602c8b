import Foundation
import Testing
import IntRSConformance
import IntRSCore

/// The noise suites generate deterministically and the fast runtime conforms to them; a tampered
/// file is caught with the case id named.
@Suite struct NoiseVectorSuitesTests {
    @Test("chacha20, sampler, noise-pmf, noise-table: deterministic and conforming",
          arguments: [ChaCha20Suite.name, SamplerSuite.name, NoisePMFSuite.name, NoiseTableSuite.name])
    func suite(_ name: String) throws {
        let s = VectorSuites.all.first { $0.name == name }!
        let a = try s.generate()
        // The checked-in file must be exactly what the reference generates now.
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Vectors").appendingPathComponent(s.fileName)
        #expect(a == (try Data(contentsOf: url)), "\(s.fileName) is stale: run intrs vectors generate")
        #expect(try s.conform(a) == [])
        #expect(a.count < 200_000)
    }

    @Test("sampler vectors name the stream-spec version they follow (version 2) in the file name and sources")
    func streamSpecProvenance() throws {
        #expect(StreamSpecification.version == 2)
        #expect(SamplerSuite.fileName == "sampler.v2.json" && EndToEndSuite.fileName == "end-to-end.v2.json")
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Vectors")
        for data in [try SamplerSuite.generate(), try Data(contentsOf: dir.appendingPathComponent(EndToEndSuite.fileName))] {
            #expect(String(decoding: data, as: UTF8.self).contains("\"Vectors/stream-spec.md version 2 "))
        }
    }

    @Test("a changed sample or word count in sampler.v2.json is reported with its case id")
    func tamperedSampler() throws {
        let data = try SamplerSuite.generate()
        var text = String(decoding: data, as: UTF8.self)
        // Change the first word count of the first case.
        let r = text.range(of: "\"wordsAfterEach\" : [\n")!
        let numStart = text[r.upperBound...].firstIndex { $0.isNumber }!
        let numEnd = text[numStart...].firstIndex { !$0.isNumber }!
        let old = Int(text[numStart..<numEnd])!
        text.replaceSubrange(numStart..<numEnd, with: String(old + 1))
        let problems = try SamplerSuite.conform(Data(text.utf8))
        #expect(problems.count == 1)
        #expect(problems.first?.contains("case 1") == true)
    }

    @Test("a changed RFC block in chacha20.v1.json is reported")
    func tamperedChaCha() throws {
        var text = String(decoding: try ChaCha20Suite.generate(), as: UTF8.self)
        text = text.replacingOccurrences(of: "10f1e7e4", with: "10f1e7e5")
        #expect(try ChaCha20Suite.conform(Data(text.utf8)).contains { $0.contains("case 1") })
    }
}
