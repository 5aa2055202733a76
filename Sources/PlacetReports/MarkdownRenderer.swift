// `--format markdown`: a summary table and the blocked placements with their findings and
// citations, small enough to post as a pull-request comment.

import PlacetEngine
import PlacetLanguage

public struct MarkdownRenderer: Sendable {
    /// More blocked placements than this are counted, not listed, to keep comments postable.
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
        out += "As of \(report.asOf), policy `\(report.policyDigest.prefix(19))…`, placet \(report.engineVersion).\n"
        let blocked = report.decisions.filter { $0.outcome == .block }
        if !blocked.isEmpty {
            out += "\n### Blocked\n"
            for decision in blocked.prefix(listLimit) {
                out += "\n**\(cell(decision.placement))**"
                if let target = decision.target { out += " → `\(cell(target))`" }
                out += "\n\n"
                for finding in decision.findings {
                    let tag = finding.waived ? "waived" : finding.effect.rawValue
                    out += "- `\(finding.rule)` (\(tag)): \(cell(finding.message)) — _\(cell(finding.citations.joined(separator: "; ")))_\n"
                }
            }
            if blocked.count > listLimit { out += "\n…and \(blocked.count - listLimit) more blocked placements (see the JSON or HTML report).\n" }
        }
        if !report.notices.isEmpty {
            out += "\n### Waiver notices\n\n"
            for notice in report.notices { out += "- `\(cell(notice.waiver))`: \(cell(notice.message))\n" }
        }
        out += "\n<details><summary>Evidence</summary>\n\n| input | SHA-256 |\n| --- | --- |\n"
        out += "| policies | `\(report.policyDigest)` |\n"
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
