// `--format html`: one self-contained page for auditors (inline CSS and SVG, no scripts, no
// network): header with engine, policy digest, as-of date and input digests; summary; a
// placement matrix drawn as SVG (rows: models, columns: targets, cells coloured approve /
// warn / block, each with a tooltip naming placements and rules); findings grouped by legal
// article; waivers with approver, justification and expiry. Prints on A4.

import PlacetEngine
import PlacetLanguage

public struct HTMLRenderer: Sendable {
    /// Long lists are cut here and counted, so huge inventories still give a readable page.
    public var listLimit = 100

    public init() {}

    private enum CellState: Int, Comparable {
        case approve, warn, block
        static func < (lhs: CellState, rhs: CellState) -> Bool { lhs.rawValue < rhs.rawValue }
        var color: String {
            switch self {
            case .approve: "#2e7d32"
            case .warn: "#f9a825"
            case .block: "#c62828"
            }
        }
        var label: String {
            switch self {
            case .approve: "approve"
            case .warn: "approve with warnings"
            case .block: "block"
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
            body { font: 10.5pt/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1b1b1b; max-width: 190mm; margin: 0 auto; padding: 8mm 0; }
            h1 { font-size: 18pt; margin: 0 0 4pt; } h2 { font-size: 13pt; border-bottom: 1px solid #ccc; padding-bottom: 2pt; margin-top: 16pt; }
            h3 { font-size: 11pt; margin: 10pt 0 2pt; }
            table { border-collapse: collapse; width: 100%; font-size: 9pt; page-break-inside: auto; }
            th, td { border: 1px solid #d0d0d0; padding: 3pt 5pt; text-align: left; vertical-align: top; }
            th { background: #f2f2f2; } tr { page-break-inside: avoid; }
            code, .digest { font-family: "SF Mono", Menlo, Consolas, monospace; font-size: 8.5pt; overflow-wrap: anywhere; }
            .digest { word-break: break-all; }
            .meta td:first-child { width: 28%; font-weight: 600; }
            .num { text-align: right; } .block { color: #c62828; font-weight: 600; } .warn { color: #8a6d00; font-weight: 600; }
            .approve { color: #2e7d32; font-weight: 600; } .expired { color: #c62828; font-weight: 600; }
            .legend span { display: inline-block; width: 10pt; height: 10pt; margin: 0 3pt -1pt 10pt; border-radius: 2pt; }
            svg { max-width: 100%; height: auto; } .matrix { page-break-inside: avoid; }
            @media print { body { padding: 0; } a { color: inherit; text-decoration: none; } }
            </style>
            </head>
            <body>
            <h1>Placet compliance report</h1>

            """
        html += "<table class=\"meta\">\n"
        html += row(["Evaluation date", escape(report.asOf.description)])
        html += row(["Engine", "placet \(escape(report.engineVersion))"])
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
        html += "<tr><td class=\"num\">\(summary.placements)</td><td class=\"num approve\">\(summary.approved)</td><td class=\"num block\">\(summary.blocked)</td><td class=\"num warn\">\(summary.warnings)</td><td class=\"num\">\(summary.waived)</td></tr>\n</table>\n"

        html += "<h2>Placement matrix</h2>\n" + matrix(report)
        html += findingsByArticle(report)
        html += waivers(report)
        html += "</body>\n</html>\n"
        return Array(html.utf8)
    }

    private func row(_ cells: [String]) -> String {
        "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
    }

    /// Rows are models (or "no model" for storage), columns are targets; each cell takes the
    /// worst state among the placements of that model on that target.
    private func matrix(_ report: Report) -> String {
        var cells: [String: [String: (state: CellState, lines: [String])]] = [:]
        var targets: Set<String> = []
        for decision in report.decisions {
            let model = decision.model ?? "(no model)"
            let target = decision.target ?? "(no target)"
            targets.insert(target)
            let state: CellState = decision.outcome == .block ? .block
                : decision.findings.contains { $0.effect == .warn && !$0.waived } ? .warn : .approve
            let rules = decision.findings.map { $0.rule + ($0.waived ? " (waived)" : "") }
            let line = "\(decision.placement): \(decision.outcome.rawValue)" + (rules.isEmpty ? "" : " — " + rules.joined(separator: ", "))
            var cell = cells[model, default: [:]][target] ?? (.approve, [])
            cell.state = max(cell.state, state)
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
                    svg += "<rect x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" rx=\"3\" fill=\"\(entry.state.color)\"><title>\(escape(tooltip))</title></rect>\n"
                } else {
                    svg += "<rect x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cell - 2)\" height=\"\(cell - 2)\" rx=\"3\" fill=\"#eeeeee\"/>\n"
                }
            }
        }
        svg += "</svg></div>\n"
        svg += "<p class=\"legend\">Rows: models; columns: targets; hover a cell for its placements and rules.<span style=\"background:#2e7d32\"></span>approve<span style=\"background:#f9a825\"></span>approve with warnings<span style=\"background:#c62828\"></span>block<span style=\"background:#eeeeee\"></span>no placement</p>\n"
        return svg
    }

    private func shorten(_ text: String) -> String {
        text.count > 32 ? String(text.prefix(31)) + "…" : text
    }

    /// For each cited article, the placements its rules blocked or warned about.
    private func findingsByArticle(_ report: Report) -> String {
        var byArticle: [String: [(placement: String, finding: Finding)]] = [:]
        for decision in report.decisions {
            for finding in decision.findings {
                for citation in finding.citations { byArticle[citation, default: []].append((decision.placement, finding)) }
            }
        }
        guard !byArticle.isEmpty else { return "<h2>Findings by legal article</h2>\n<p>No findings.</p>\n" }
        var html = "<h2>Findings by legal article</h2>\n"
        for article in byArticle.keys.sorted() {
            let entries = byArticle[article]!
            let blocked = Set(entries.filter { $0.finding.effect == .block && !$0.finding.waived }.map(\.placement))
            html += "<h3>\(escape(article))</h3>\n<p>\(blocked.count) placement\(blocked.count == 1 ? "" : "s") blocked.</p>\n"
            html += "<table><tr><th>placement</th><th>rule</th><th>effect</th><th>message</th></tr>\n"
            for entry in entries.prefix(listLimit) {
                let effect = entry.finding.waived ? "<span>waived</span>" : "<span class=\"\(entry.finding.effect.rawValue)\">\(entry.finding.effect.rawValue)</span>"
                html += row(["<code>\(escape(entry.placement))</code>", "<code>\(escape(entry.finding.rule))</code>", effect, escape(entry.finding.message)])
            }
            html += "</table>\n"
            if entries.count > listLimit { html += "<p>…and \(entries.count - listLimit) more.</p>\n" }
        }
        return html
    }

    private func waivers(_ report: Report) -> String {
        let waivers = report.assessment?.waivers ?? []
        guard !waivers.isEmpty else { return "<h2>Waivers</h2>\n<p>No waivers.</p>\n" }
        var html = "<h2>Waivers</h2>\n<table><tr><th>waiver</th><th>rule</th><th>placement</th><th>expires</th><th>status</th><th>approved by</th><th>justification</th></tr>\n"
        for waiver in waivers {
            let status = waiver.state == .active ? "active" : "<span class=\"expired\">\(escape(waiver.state.rawValue))</span>"
            html += row(["<code>\(escape(waiver.id))</code>", "<code>\(escape(waiver.rule))</code>", "<code>\(escape(waiver.placement))</code>",
                         escape(waiver.expires.description), status, escape(waiver.approvedBy), escape(waiver.justification)])
        }
        return html + "</table>\n"
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
