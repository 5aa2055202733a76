// `--format html`: one self-contained page for auditors (inline CSS and SVG, no scripts, no
// network): header with engine, policy digest, as-of date and input digests; summary; a
// placement matrix drawn as SVG (rows: models, columns: targets, cells coloured approve /
// warn / waived / block); every placement in a table; the cited legal articles in legal order
// with the rules citing them; each finding once, under its rule with the rule's citations;
// waivers with approver, justification and expiry. Prints on A4: ids never wrap mid-word and
// nothing asks the reader to hover.

import PlacetEngine
import PlacetLanguage

public struct HTMLRenderer: Sendable {
    /// Long lists are cut here and counted, so huge inventories still give a readable page.
    public var listLimit = 100

    public init() {}

    private enum CellState: Int, Comparable, CaseIterable {
        case approve, warn, waived, block
        static func < (lhs: CellState, rhs: CellState) -> Bool { lhs.rawValue < rhs.rawValue }
        var color: String {
            switch self {
            case .approve: "#2e7d32"
            case .warn: "#f9a825"
            case .waived: "#6a1b9a"
            case .block: "#c62828"
            }
        }
        var label: String {
            switch self {
            case .approve: "approve"
            case .warn: "approve with warnings"
            case .waived: "approve under a waiver"
            case .block: "block"
            }
        }

        init(_ decision: Decision) {
            if decision.outcome == .block {
                self = .block
            } else if decision.findings.contains(where: \.waived) {
                self = .waived
            } else {
                self = decision.findings.contains { $0.effect == .warn } ? .warn : .approve
            }
        }
    }

    public func render(_ report: Report) -> [UInt8] {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Placet compliance report — \(escape(report.asOf.description))</title>
            <style>
            @page { size: A4; margin: 15mm; }
            body { font: 10.5pt/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1b1b1b; max-width: 180mm; margin: 0 auto; padding: 8mm 0; }
            h1 { font-size: 18pt; margin: 0 0 4pt; } h2 { font-size: 13pt; border-bottom: 1px solid #ccc; padding-bottom: 2pt; margin-top: 16pt; }
            h3 { font-size: 11pt; margin: 12pt 0 2pt; } h3 code { font-size: 10.5pt; } h2, h3 { break-after: avoid; page-break-after: avoid; }
            p { margin: 3pt 0 6pt; }
            table { border-collapse: collapse; width: 100%; font-size: 9pt; page-break-inside: auto; }
            th, td { border: 1px solid #d0d0d0; padding: 3pt 5pt; text-align: left; vertical-align: top; }
            th { background: #f2f2f2; } tr { break-inside: avoid; page-break-inside: avoid; }
            code, .digest { font-family: "SF Mono", Menlo, Consolas, monospace; font-size: 8.5pt; }
            code, .digest, .nowrap { white-space: nowrap; overflow-wrap: normal; word-break: keep-all; }
            .digest { font-size: 7.5pt; }
            .meta td:first-child { width: 20%; font-weight: 600; }
            .sub { color: #555; font-size: 8.5pt; } .cites { color: #333; break-after: avoid; page-break-after: avoid; } .cite { white-space: nowrap; }
            .num { text-align: right; } .block { color: #c62828; font-weight: 600; } .warn { color: #8a6d00; font-weight: 600; }
            .approve { color: #2e7d32; font-weight: 600; } .waived { color: #6a1b9a; font-weight: 600; } .expired { color: #c62828; font-weight: 600; }
            .legend .swatch { display: inline-block; width: 10pt; height: 10pt; margin: 0 3pt -1pt 0; border-radius: 2pt; }
            .legend .item { white-space: nowrap; margin-left: 10pt; }
            a { color: inherit; text-decoration: none; }
            svg { max-width: 100%; height: auto; } .matrix { break-inside: avoid; page-break-inside: avoid; }
            @media screen { .hint::after { content: " Hover a cell for its placements and rules."; } }
            @media print { body { padding: 0; max-width: none; } }
            </style>
            </head>
            <body>
            <h1>Placet compliance report</h1>

            """
        html += "<table class=\"meta\">\n"
        html += row(["Evaluation date", escape(report.asOf.description)])
        html += row(["Engine", "placet \(escape(report.engineVersion))"])
        html += row(["Policies", "<code>\(escape(report.policyPack.isEmpty ? "policies" : report.policyPack))</code>"])
        html += row(["Policy digest", "<span class=\"digest\">\(escape(report.policyDigest))</span>"])
        html += row(["Inputs", report.inputs.map { "<code>\(escape($0.path))</code><br><span class=\"digest\">\(escape($0.digest))</span>" }.joined(separator: "<br>")])
        html += "</table>\n"

        if !report.errors.isEmpty {
            html += "<h2>Errors: nothing was approved</h2>\n<table><tr><th>file</th><th>line</th><th>message</th></tr>\n"
            for error in report.errors.prefix(listLimit) {
                html += row([escape(error.location?.file ?? ""), error.location.map { String($0.line) } ?? "", escape(error.message)])
            }
            html += "</table>\n</body>\n</html>\n"
            return Array(html.utf8)
        }

        let summary = report.summary
        html += "<h2>Summary</h2>\n<table><tr><th class=\"num\">placements</th><th class=\"num\">approved</th><th class=\"num\">blocked</th><th class=\"num\">warnings</th><th class=\"num\">waived findings</th></tr>\n"
        html += "<tr><td class=\"num\">\(summary.placements)</td><td class=\"num approve\">\(summary.approved)</td><td class=\"num block\">\(summary.blocked)</td><td class=\"num warn\">\(summary.warnings)</td><td class=\"num waived\">\(summary.waived)</td></tr>\n</table>\n"

        let byRule = report.findingsByRule
        html += "<h2>Placement matrix</h2>\n" + matrix(report)
        html += placements(report)
        html += articles(byRule)
        html += findings(byRule)
        html += waivers(report)
        html += "</body>\n</html>\n"
        return Array(html.utf8)
    }

    private func row(_ cells: [String]) -> String {
        "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
    }

    /// Rows are models (or "no model" for storage), columns are targets; each cell takes the
    /// worst state among the placements of that model on that target. The tooltips repeat what
    /// the placements table says, for readers on screen.
    private func matrix(_ report: Report) -> String {
        var cells: [String: [String: (state: CellState, lines: [String])]] = [:]
        var targets: Set<String> = []
        for decision in report.decisions {
            let model = decision.model ?? "(no model)"
            let target = decision.target ?? "(no target)"
            targets.insert(target)
            let rules = decision.findings.map { $0.rule + ($0.waived ? " (waived)" : "") }
            let line = "\(decision.placement): \(decision.outcome.rawValue)" + (rules.isEmpty ? "" : " — " + rules.joined(separator: ", "))
            var cell = cells[model, default: [:]][target] ?? (.approve, [])
            cell.state = max(cell.state, CellState(decision))
            cell.lines.append(line)
            cells[model, default: [:]][target] = cell
        }
        let rows = cells.keys.sorted()
        let columns = targets.sorted()
        guard !rows.isEmpty else { return "<p>No placements.</p>\n" }
        let cell = 22, left = 12 + 7 * min(32, rows.map(\.count).max() ?? 10), top = 12 + 6 * min(32, columns.map(\.count).max() ?? 10)
        let width = left + columns.count * cell + 10, height = top + rows.count * cell + 10
        var svg = "<div class=\"matrix\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"Placement matrix: models by targets\">\n"
        svg += "<style>text { font: 10px Helvetica, Arial, sans-serif; fill: #1b1b1b; }</style>\n"
        for (index, column) in columns.enumerated() {
            let x = left + index * cell + cell / 2
            svg += "<text transform=\"translate(\(x),\(top - 6)) rotate(-55)\">\(escape(shorten(column)))</text>\n"
        }
        for (rowIndex, model) in rows.enumerated() {
            let y = top + rowIndex * cell
            svg += "<text x=\"\(left - 6)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"end\">\(escape(shorten(model)))</text>\n"
            for (columnIndex, target) in columns.enumerated() {
                let x = left + columnIndex * cell
                if let entry = cells[model]?[target] {
                    let tooltip = "\(model) on \(target): \(entry.state.label)\n" + entry.lines.prefix(20).joined(separator: "\n")
                        + (entry.lines.count > 20 ? "\n…and \(entry.lines.count - 20) more" : "")
                    svg += "<rect x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" rx=\"3\" fill=\"\(entry.state.color)\" class=\"\(entry.state)\"><title>\(escape(tooltip))</title></rect>\n"
                } else {
                    svg += "<rect x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" rx=\"3\" fill=\"#eeeeee\"/>\n"
                }
            }
        }
        svg += "</svg></div>\n"
        let legend = CellState.allCases.map { ($0.color, $0.label) } + [("#eeeeee", "no placement")]
        svg += "<p class=\"legend\">Rows: models; columns: targets; every placement is listed below.<span class=\"hint\"></span>"
            + legend.map { "<span class=\"item\"><span class=\"swatch\" style=\"background:\($0.0)\"></span>\($0.1)</span>" }.joined() + "</p>\n"
        return svg
    }

    /// Every placement with its decision and the rules that blocked it, warned about it or were
    /// waived for it; the findings themselves are under their rules.
    private func placements(_ report: Report) -> String {
        let decisions = report.decisions
        var html = "<h2>Placements</h2>\n<table><tr><th>placement, model on target</th><th>decision</th><th>findings</th></tr>\n"
        for decision in decisions.prefix(listLimit) {
            let state = CellState(decision)
            let what = "<code>\(escape(decision.placement))</code><br><span class=\"sub\"><code>\(escape(decision.model ?? "(no model)"))</code> on <code>\(escape(decision.target ?? "(no target)"))</code></span>"
            let findings = decision.findings.map { finding in
                let status = finding.waived ? "waived" : finding.effect.rawValue
                return "<span class=\"nowrap\"><a href=\"#rule-\(escape(finding.rule))\"><code>\(escape(finding.rule))</code></a> <span class=\"\(status)\">\(status)</span></span>"
            }
            html += row([what, "<span class=\"\(state)\">\(state.label)</span>",
                         findings.isEmpty ? "—" : findings.joined(separator: "<br>")])
        }
        html += "</table>\n"
        if decisions.count > listLimit { html += "<p>…and \(decisions.count - listLimit) more placements (see the JSON report).</p>\n" }
        return html
    }

    /// The cited articles in legal order, each with the rules that cite it and how many
    /// placements those rules blocked, warned about or were waived for.
    private func articles(_ byRule: [RuleFindings]) -> String {
        var rulesByCitation: [String: [RuleFindings]] = [:]
        for rule in byRule {
            for citation in rule.citations { rulesByCitation[citation, default: []].append(rule) }
        }
        guard !rulesByCitation.isEmpty else { return "" }
        var html = "<h2>Findings by legal article</h2>\n<table><tr><th>article</th><th>rules citing it</th><th class=\"num\">placements blocked</th><th class=\"num\">warned</th><th class=\"num\">waived</th></tr>\n"
        for citation in rulesByCitation.keys.sorted(by: LegalOrder.areInIncreasingOrder) {
            let rules = rulesByCitation[citation] ?? []
            let findings = rules.flatMap(\.findings)
            func count(_ status: String) -> Int { Set(findings.filter { $0.status == status }.map(\.decision.placement)).count }
            let links = rules.map { "<a href=\"#rule-\(escape($0.rule))\"><code>\(escape($0.rule))</code></a>" }.joined(separator: ", ")
            let counts = ["block", "warn", "waived"].map { status in
                let count = count(status)
                return count == 0 ? "<td class=\"num\">0</td>" : "<td class=\"num \(status)\">\(count)</td>"
            }
            html += "<tr><td class=\"cite\">\(escape(citation))</td><td>\(links)</td>" + counts.joined() + "</tr>\n"
        }
        return html + "</table>\n"
    }

    /// Each finding once, under its rule, which states its citations once.
    private func findings(_ byRule: [RuleFindings]) -> String {
        guard !byRule.isEmpty else { return "<h2>Findings by rule</h2>\n<p>No findings.</p>\n" }
        var html = "<h2>Findings by rule</h2>\n"
        for rule in byRule {
            let cites = rule.citations.map { "<span class=\"cite\">\(escape($0))</span>" }.joined(separator: "; ")
            html += "<h3 id=\"rule-\(escape(rule.rule))\"><code>\(escape(rule.rule))</code></h3>\n<p class=\"cites\">Cites \(cites).</p>\n"
            html += "<table><tr><th>placement</th><th>target</th><th>status</th><th>message</th></tr>\n"
            for entry in rule.findings.prefix(listLimit) {
                let waiver = entry.finding.waiver.map { " (waived by <code>\(escape($0))</code>)" } ?? ""
                html += row(["<code>\(escape(entry.decision.placement))</code>", "<code>\(escape(entry.decision.target ?? ""))</code>",
                             "<span class=\"\(entry.status)\">\(entry.status)</span>", keepingIdsWhole(entry.finding.message) + waiver])
            }
            html += "</table>\n"
            if rule.findings.count > listLimit { html += "<p>…and \(rule.findings.count - listLimit) more.</p>\n" }
        }
        return html
    }

    private func shorten(_ text: String) -> String {
        text.count > 32 ? String(text.prefix(31)) + "…" : text
    }

    private func waivers(_ report: Report) -> String {
        let waivers = report.assessment?.waivers ?? []
        guard !waivers.isEmpty else { return "<h2>Waivers</h2>\n<p>No waivers.</p>\n" }
        var html = "<h2>Waivers</h2>\n<table><tr><th>waiver, rule and placement</th><th>expires</th><th>status</th><th>approved by</th><th>justification</th></tr>\n"
        for waiver in waivers {
            let status = waiver.state == .active ? "<span class=\"waived\">active</span>" : "<span class=\"expired\">\(escape(waiver.state.rawValue))</span>"
            let what = "<code>\(escape(waiver.id))</code><br><span class=\"sub\">rule</span> <a href=\"#rule-\(escape(waiver.rule))\"><code>\(escape(waiver.rule))</code></a>"
                + "<br><span class=\"sub\">on</span> <code>\(escape(waiver.placement))</code>"
            html += row([what, "<span class=\"nowrap\">\(escape(waiver.expires.description))</span>", status, escape(waiver.approvedBy), escape(waiver.justification)])
        }
        return html + "</table>\n"
    }

    /// Escaped text in which no hyphenated word (an id such as `aws-eu-central-1`) is split
    /// across lines: browsers otherwise break after any hyphen.
    private func keepingIdsWhole(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word in
            word.contains("-") ? "<span class=\"nowrap\">\(escape(String(word)))</span>" : escape(String(word))
        }.joined(separator: " ")
    }

    private func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
