import Foundation
import Testing
import IntRSCore
import IntRSReference
import IntRSConformance

@Suite("requantization rule classifier")
struct RuleClassifierTests {
    typealias R = Int8RequantizationRule

    /// Observations from the int8-rules model group: for each model, the expected output of every rule.
    static func observations(runtime: (R, String) -> R?, tamper: ((inout [Int]) -> Void)? = nil) throws -> [RuleObservation] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: dir.appendingPathComponent("Vectors/int8-rules.v1.json"))
        let f = try JSONDecoder().decode(VectorFile<Int8RulesSuite.Parameters, Int8RulesSuite.Case>.self, from: data)
        var obs: [RuleObservation] = []
        var first = true
        for (g, c) in f.allCases where g.parameters.kind == "models" {
            var expected: [R: [Int]] = [:]
            for r in R.allCases { expected[r] = c.outputs![r.rawValue]! }
            // Half the models are labelled "conv2d" so that a runtime can be mixed per operator.
            let group = c.id % 2 == 0 ? "fullyConnected" : "conv2d"
            for r in R.allCases {
                guard let follows = runtime(r, group) else { continue }
                var actual = expected[follows]!
                if first, let t = tamper { t(&actual); first = false }
                obs.append(RuleObservation(group: group, label: "case \(c.id)", actual: actual, expected: expected))
                break
            }
        }
        return obs
    }

    /// Outputs synthesised by the reference under each rule are identified as that rule, and only that rule.
    @Test(arguments: Int8RequantizationRule.allCases)
    func identifiesEachRule(rule: Int8RequantizationRule) throws {
        let c = RuleClassifier.classify(try Self.observations { _, _ in rule })
        #expect(c.explainedByAll == [rule.rawValue], "\(c.verdict)")
        #expect(c.conforms(to: rule))
        for other in R.allCases where other != rule { #expect(!c.conforms(to: other)) }
        for g in c.groups { #expect(g.explainedBy == [rule.rawValue]) }
    }

    /// A runtime off by one on a single output is explained by no rule, and the evidence names it.
    @Test func brokenRuntimeFails() throws {
        let c = RuleClassifier.classify(try Self.observations(runtime: { _, _ in .doubleRounding }, tamper: { $0[0] += 1 }))
        #expect(!c.conforms(to: .doubleRounding))
        #expect(c.explainedByAll.isEmpty)
        let bad = c.groups.first { $0.explainedBy.isEmpty }!
        #expect(bad.verdict.hasPrefix("none of the known rules"))
        let t = bad.tallies.first { $0.rule == "double-rounding" }!
        #expect(t.bitExact == t.compared - 1)
        #expect(t.differences["1"] == 1)
        #expect(t.firstDifference?.element == 0)
    }

    /// A runtime that follows one rule on conv2d and another on fullyConnected is reported per operator.
    @Test func mixedRuntimeIsReportedPerOperator() throws {
        let c = RuleClassifier.classify(try Self.observations { _, g in g == "conv2d" ? .doubleRounding : .float64HalfAway })
        #expect(c.explainedByAll.isEmpty)
        #expect(c.verdict.hasPrefix("mixed"))
        #expect(c.groups.first { $0.group == "conv2d" }!.explainedBy == ["double-rounding"])
        #expect(c.groups.first { $0.group == "fullyConnected" }!.explainedBy == ["float64-half-away"])
    }

    /// When the cases do not separate two rules, both remain and the verdict says so.
    @Test func unseparatedRulesBothRemain() {
        let o = RuleObservation(group: "conv2d", label: "x", actual: [1, 2], expected: [.doubleRounding: [1, 2], .singleRounding: [1, 2], .float32HalfEven: [1, 3]])
        let c = RuleClassifier.classify([o])
        #expect(c.explainedByAll == ["double-rounding", "single-rounding"])
        #expect(c.groups[0].verdict.contains("do not separate"))
        #expect(c.groups[0].tallies.first { $0.rule == "exact-half-away" }!.defined == false)
    }

    /// The pair table in Vectors/README.md is the one the current file gives, and every pair is separated.
    @Test func pairTableIsCurrentAndComplete() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: dir.appendingPathComponent("Vectors/int8-rules.v1.json"))
        for p in try Int8RulesSuite.pairCounts(data) { #expect(p.rescale > 0 && p.models > 0, "\(p.pair)") }
        let readme = try String(contentsOf: dir.appendingPathComponent("Vectors/README.md"), encoding: .utf8)
        #expect(readme.contains(try Int8RulesSuite.pairTable(data)))
    }
}
