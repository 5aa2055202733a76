// `--format text`: for people. One line per placement with its decision, its findings
// indented beneath, notices, then a summary line. Colour only when asked (a terminal).

import PlacetEngine
import PlacetLanguage

public struct TextRenderer: Sendable {
    public var colored: Bool

    public init(colored: Bool = false) {
        self.colored = colored
    }

    private func paint(_ text: String, _ code: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func render(_ report: Report) -> [UInt8] {
        var out = ""
        if !report.errors.isEmpty {
            let count = report.errors.count
            out += "\(count) error\(count == 1 ? "" : "s"): nothing was approved (the errors are on standard error)\n"
            if !report.policyPack.isEmpty { out += "policies: \(report.policyLine)\n" }
            return Array(out.utf8)
        }
        for decision in report.decisions {
            let label = decision.outcome == .approve ? paint("APPROVE", "1;32") : paint("BLOCK  ", "1;31")
            out += "\(label) \(decision.placement)\n"
            for finding in decision.findings {
                let tag: String
                if finding.waived {
                    tag = paint("waived", "36")
                } else if finding.effect == .block {
                    tag = paint("block ", "31")
                } else {
                    tag = paint("warn  ", "33")
                }
                out += "  \(tag) \(finding.rule): \(finding.message)\n"
                out += "         cites \(finding.citations.joined(separator: "; "))"
                if let waiver = finding.waiver { out += "; waived by \(waiver)" }
                out += "\n"
            }
        }
        for notice in report.notices {
            out += "\(paint("notice", "36")): waiver \(notice.waiver): \(notice.message)\n"
        }
        let summary = report.summary
        out += "\(summary.placements) placement\(summary.placements == 1 ? "" : "s"): \(summary.approved) approved, "
            + "\(summary.blocked) blocked; \(summary.warnings) warning\(summary.warnings == 1 ? "" : "s"), "
            + "\(summary.waived) waived (as of \(report.asOf))\n"
        out += "policies: \(report.policyLine)\n"
        return Array(out.utf8)
    }
}
