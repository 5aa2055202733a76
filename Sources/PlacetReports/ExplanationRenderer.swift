// `placet explain` as text: the placement's facts, its decision, then every rule in id order
// with the values that decided it.

import PlacetEngine
import PlacetLanguage

public struct ExplanationRenderer: Sendable {
    public init() {}

    public func render(_ explanation: Explanation) -> [UInt8] {
        var out = "placement \(explanation.placement), as of \(explanation.asOf): \(explanation.decision.outcome.rawValue.uppercased())\n"
        for fact in explanation.facts { out += "  \(fact.text)\n" }
        for finding in explanation.decision.findings {
            let tag = finding.waived ? "waived" : finding.effect.rawValue
            out += "  \(tag): \(finding.rule) [\(finding.subjects.joined(separator: ", "))]\(finding.waiver.map { " by waiver \($0)" } ?? "")\n"
        }
        for rule in explanation.rules {
            out += "\n"
            switch rule.status {
            case .fired: out += "\(rule.rule) (\(rule.effect.rawValue)): FIRED"
            case .didNotFire: out += "\(rule.rule) (\(rule.effect.rawValue)): did not fire"
            case .notYetEffective(let date): out += "\(rule.rule) (\(rule.effect.rawValue)): not yet effective (applies from \(date))"
            }
            out += " — \(rule.citations.joined(separator: "; "))\n"
            if case .notYetEffective = rule.status { continue }
            if rule.lines.isEmpty { out += "    no condition: fires for every placement\n" }
            for line in rule.lines {
                out += String(repeating: "  ", count: line.depth + 2) + line.text + "\n"
            }
        }
        return Array(out.utf8)
    }
}
