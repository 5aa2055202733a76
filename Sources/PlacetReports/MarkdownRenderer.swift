// `--format markdown`: a summary table, each finding once under its rule (rules in the legal
// order of their citations, which are stated once per rule), and the approved placements with
// their warnings and waived findings; small enough to post as a pull-request comment.

import PlacetEngine
import PlacetLanguage

public struct MarkdownRenderer: Sendable {
    /// More findings (or approved placements) than this are counted, not listed, to keep
    /// comments postable.
    public var listLimit = 50

    public init() {}

    public func render(_ report: Report) -> [UInt8] {
        var out = "## Placet: "
        if !report.errors.isEmpty {
            out += "\(report.errors.count) error\(report.errors.count == 1 ? "" : "s"), nothing approved\n\n"
            out += "| file | line | message |\n| --- | --- | --- |\n"
            for error in report.errors.prefix(listLimit) {
                out += "| \(cell(error.location?.file ?? "")) | \(error.location.map { String($0.line) } ?? "") | \(cell(error.message)) |\n"
            }
            if report.errors.count > listLimit { out += "\n…and \(report.errors.count - listLimit) more errors.\n" }
            return Array(out.utf8)
        }
        let summary = report.summary
        out += summary.blocked == 0 ? "all \(summary.placements) placements approved\n\n" : "\(summary.blocked) of \(summary.placements) placements blocked\n\n"
        out += "| placements | approved | blocked | warnings | waived |\n| ---: | ---: | ---: | ---: | ---: |\n"
        out += "| \(summary.placements) | \(summary.approved) | \(summary.blocked) | \(summary.warnings) | \(summary.waived) |\n\n"
        out += "As of \(report.asOf), policies \(cell(report.policyPack.isEmpty ? "policies" : report.policyPack)) `\(report.policyDigest.prefix(19))…`, placet \(report.engineVersion).\n"
        let byRule = report.findingsByRule
        if !byRule.isEmpty {
            out += "\n### Findings by rule\n"
            var listed = 0, total = 0
            for rule in byRule {
                total += rule.findings.count
                guard listed < listLimit else { continue }
                out += "\n#### `\(cell(rule.rule))`"
                if !rule.citations.isEmpty { out += " — _\(cell(rule.citations.joined(separator: "; ")))_" }
                out += "\n\n"
                for entry in rule.findings.prefix(listLimit - listed) {
                    out += "- **\(cell(entry.decision.placement))**"
                    if let target = entry.decision.target { out += " → `\(cell(target))`" }
                    out += " (\(entry.status)\(entry.finding.waiver.map { " by `\(cell($0))`" } ?? "")): \(cell(entry.finding.message))\n"
                    listed += 1
                }
            }
            if total > listed { out += "\n…and \(total - listed) more findings (see the JSON or HTML report).\n" }
        }
        let approved = report.decisions.filter { $0.outcome == .approve }
        if !approved.isEmpty {
            out += "\n### Approved placements\n\n| placement | target | warnings and waived findings |\n| --- | --- | --- |\n"
            for decision in approved.prefix(listLimit) {
                let findings = decision.findings.map { finding in
                    "`\(cell(finding.rule))` (" + (finding.waived ? "waived" + (finding.waiver.map { " by `\(cell($0))`" } ?? "") : finding.effect.rawValue) + ")"
                }
                out += "| \(cell(decision.placement)) | \(decision.target.map { "`\(cell($0))`" } ?? "") | \(findings.isEmpty ? "—" : findings.joined(separator: ", ")) |\n"
            }
            if approved.count > listLimit { out += "\n…and \(approved.count - listLimit) more approved placements.\n" }
        }
        if !report.notices.isEmpty {
            out += "\n### Waiver notices\n\n"
            for notice in report.notices { out += "- `\(cell(notice.waiver))`: \(cell(notice.message))\n" }
        }
        out += "\n<details><summary>Evidence</summary>\n\n| input | SHA-256 |\n| --- | --- |\n"
        out += "| policies: \(cell(report.policyPack.isEmpty ? "policies" : report.policyPack)) | `\(report.policyDigest)` |\n"
        for input in report.inputs { out += "| \(cell(input.path)) | `\(input.digest)` |\n" }
        out += "\n</details>\n"
        return Array(out.utf8)
    }

    /// Text safe inside a table cell or list item.
    private func cell(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "|": out += "\\|"
            case "\n", "\r": out += " "
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
