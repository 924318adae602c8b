import Foundation
import IntRSReference

/// One comparison: a runtime's int8 output tensor for one operator (or layer) on one case, with the output
/// every known rule gives for the same inputs.
public struct RuleObservation: Sendable {
    /// What the report groups by: an operator kind ("conv2d") or a layer ("layer 2 conv2d").
    public var group: String
    /// Which case / tensor this is, for people ("case 7, tensor logits").
    public var label: String
    public var actual: [Int]
    /// Expected output per rule; a rule that is not defined for these inputs is absent.
    public var expected: [Int8RequantizationRule: [Int]]
    /// Optional per-element context shown with the first difference (e.g. "acc=-3, M0=1073741824, shift=-1").
    public var context: [String]?

    public init(group: String, label: String, actual: [Int], expected: [Int8RequantizationRule: [Int]], context: [String]? = nil) {
        self.group = group; self.label = label; self.actual = actual; self.expected = expected; self.context = context
    }
}

/// How one rule fares on one group.
public struct RuleTally: Codable, Sendable, Equatable {
    public var rule: String
    /// Elements compared (0 when the rule is not defined for some observation of the group).
    public var compared: Int
    public var bitExact: Int
    /// Runtime minus rule, as "d": count (sorted keys; 0 is the bit-exact count).
    public var differences: [String: Int]
    public var firstDifference: FirstDifference?
    /// False when the rule is undefined for some observation (then it cannot explain the group).
    public var defined: Bool

    public struct FirstDifference: Codable, Sendable, Equatable {
        public var label: String
        public var element: Int
        public var runtime: Int
        public var expected: Int
        public var context: String?
    }
}

/// The verdict for one group (operator or layer).
public struct GroupVerdict: Codable, Sendable, Equatable {
    public var group: String
    public var observations: Int
    /// Elements compared.
    public var compared: Int
    public var tallies: [RuleTally]
    /// The rules that explain EVERY compared element (several when the cases do not separate them).
    public var explainedBy: [String]
    /// A sentence: the rule, the rules that remain, or "none of the known rules" and the closest one.
    public var verdict: String
}

/// The whole classification: per group, and the rules that explain every group at once.
public struct RuleClassification: Codable, Sendable, Equatable {
    public var groups: [GroupVerdict]
    /// Rules that explain every group (empty: no single rule; see the groups, the runtime may be mixed).
    public var explainedByAll: [String]
    public var verdict: String

    /// True when `rule` explains every compared element of every group and something was compared.
    public func conforms(to rule: Int8RequantizationRule) -> Bool {
        !groups.isEmpty && groups.allSatisfy { $0.compared > 0 } && explainedByAll.contains(rule.rawValue)
    }
}

/// The rule classifier: a rule is reported only when it explains every compared output of a group.
public enum RuleClassifier {
    public static func classify(_ obs: [RuleObservation], rules: [Int8RequantizationRule] = Int8RequantizationRule.allCases) -> RuleClassification {
        var order: [String] = []
        var byGroup: [String: [RuleObservation]] = [:]
        for o in obs {
            if byGroup[o.group] == nil { order.append(o.group) }
            byGroup[o.group, default: []].append(o)
        }
        var verdicts: [GroupVerdict] = []
        for g in order {
            let os = byGroup[g]!
            let compared = os.reduce(0) { $0 + $1.actual.count }
            var tallies: [RuleTally] = []
            for rule in rules {
                var t = RuleTally(rule: rule.rawValue, compared: 0, bitExact: 0, differences: [:], firstDifference: nil, defined: true)
                for o in os {
                    guard let e = o.expected[rule], e.count == o.actual.count else { t.defined = false; continue }
                    for i in e.indices {
                        let d = o.actual[i] - e[i]
                        t.compared += 1
                        t.differences["\(d)", default: 0] += 1
                        if d == 0 { t.bitExact += 1 }
                        else if t.firstDifference == nil {
                            t.firstDifference = .init(label: o.label, element: i, runtime: o.actual[i], expected: e[i], context: o.context?[i])
                        }
                    }
                }
                if !t.defined { t.compared = 0; t.bitExact = 0; t.differences = [:]; t.firstDifference = nil }
                tallies.append(t)
            }
            let explained = tallies.filter { $0.defined && $0.compared > 0 && $0.bitExact == $0.compared }.map(\.rule)
            let verdict: String
            if compared == 0 {
                verdict = "nothing compared"
            } else if explained.count == 1 {
                verdict = "\(explained[0]) explains all \(compared) outputs"
            } else if explained.count > 1 {
                verdict = "\(explained.count) rules explain all \(compared) outputs (the cases do not separate them): \(explained.joined(separator: ", "))"
            } else if let best = tallies.filter(\.defined).max(by: { $0.bitExact < $1.bitExact }) {
                let fd = best.firstDifference.map { " first difference vs \(best.rule): \($0.label) element \($0.element): runtime \($0.runtime), rule \($0.expected)" + ($0.context.map { " (\($0))" } ?? "") } ?? ""
                verdict = "none of the known rules: closest \(best.rule) with \(best.bitExact) of \(best.compared) bit-exact;" + fd
            } else {
                verdict = "none of the known rules is defined for this operator"
            }
            verdicts.append(GroupVerdict(group: g, observations: os.count, compared: compared, tallies: tallies, explainedBy: explained, verdict: verdict))
        }
        var all = Set(rules.map(\.rawValue))
        for v in verdicts { all.formIntersection(v.explainedBy) }
        let allList = rules.map(\.rawValue).filter { all.contains($0) }
        let overall: String
        if verdicts.isEmpty { overall = "nothing compared" }
        else if allList.count == 1 { overall = "the runtime follows \(allList[0]) on every operator" }
        else if allList.count > 1 { overall = "the runtime is explained on every operator by each of: \(allList.joined(separator: ", ")) (not separated by these cases)" }
        else if verdicts.allSatisfy({ !$0.explainedBy.isEmpty }) {
            overall = "mixed: no single rule explains every operator; per operator: " + verdicts.map { "\($0.group): \($0.explainedBy.joined(separator: "|"))" }.joined(separator: "; ")
        } else {
            overall = "none of the known rules explains " + verdicts.filter { $0.explainedBy.isEmpty }.map(\.group).joined(separator: ", ")
        }
        return RuleClassification(groups: verdicts, explainedByAll: allList, verdict: overall)
    }

    /// A Markdown report for people.
    public static func markdown(_ c: RuleClassification, title: String) -> String {
        var s = "# \(title)\n\n**Verdict:** \(c.verdict)\n\n"
        for g in c.groups {
            s += "## \(g.group)\n\n\(g.observations) observations, \(g.compared) outputs compared. \(g.verdict)\n\n"
            s += "| rule | bit-exact | compared | differences (runtime - rule: count) | first difference |\n|---|---|---|---|---|\n"
            for t in g.tallies {
                let h = t.differences.keys.sorted { Int($0)! < Int($1)! }.map { "\($0): \(t.differences[$0]!)" }.joined(separator: ", ")
                let fd = t.firstDifference.map { "\($0.label) [\($0.element)]: \($0.runtime) vs \($0.expected)" + ($0.context.map { " (\($0))" } ?? "") } ?? ""
                s += "| \(t.rule) | \(t.defined ? "\(t.bitExact)" : "undefined") | \(t.compared) | \(h) | \(fd) |\n"
            }
            s += "\n"
        }
        return s
    }
}
