// `placet diff --format text`: each placement that changes, with its decision before and
// after and the findings removed (-) and added (+), then a summary line.

import PlacetEngine
import PlacetLanguage

public struct DiffTextRenderer: Sendable {
    public var colored: Bool

    public init(colored: Bool = false) {
        self.colored = colored
    }

    private func paint(_ text: String, _ code: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func render(_ report: DiffReport) -> [UInt8] {
        guard report.errors.isEmpty, let impact = report.impact else {
            let count = report.errors.count
            return Array("\(count) error\(count == 1 ? "" : "s"): nothing was compared (the errors are on standard error)\n".utf8)
        }
        var out = ""
        for change in impact.changes {
            let before = change.before.map { decision($0.outcome) } ?? "not assessed"
            let after = change.after.map { decision($0.outcome) } ?? "not assessed"
            out += change.decisionChanged
                ? "\(change.placement): \(before) -> \(after)\n"
                : "\(change.placement): \(before), findings change\n"
            for finding in change.removedFindings { out += "  \(paint("-", "31")) \(line(finding))\n" }
            for finding in change.addedFindings { out += "  \(paint("+", "32")) \(line(finding))\n" }
        }
        let placements = "\(impact.placements) placement\(impact.placements == 1 ? "" : "s")"
        if impact.changes.isEmpty {
            out += "\(placements): no decision or finding changes (as of \(impact.asOf))\n"
        } else {
            let decisions = impact.decisionsChanged
            out += "\(placements): \(decisions) decision\(decisions == 1 ? "" : "s") changed, "
                + "\(impact.findingsChanged) with changed findings only (as of \(impact.asOf))\n"
        }
        return Array(out.utf8)
    }

    private func decision(_ outcome: Outcome) -> String {
        outcome == .approve ? paint("approve", "32") : paint("block", "31")
    }

    private func line(_ finding: FindingSummary) -> String {
        let tag = finding.waived ? "waived" : finding.effect.rawValue
        return "\(tag.padding(6)) \(finding.rule) [\(finding.subjects.joined(separator: ", "))]"
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
