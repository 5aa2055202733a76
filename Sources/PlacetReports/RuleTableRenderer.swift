// The rules of a policy pack as a table (`placet rules`): id, effect, what the rule checks,
// citations and effective date, in id order, as text, GitHub Markdown or JSON. "What it checks"
// is the first sentence of the `#` comment written directly above the rule in its policy file.

import Foundation
import PlacetEngine
import PlacetLanguage

/// One rule as the table shows it.
public struct RuleSummary: Sendable, Equatable {
    public let id: String
    public let effect: Effect
    public let unwaivable: Bool
    /// The first sentence of the rule's documentation comment; nil when it has none.
    public let summary: String?
    public let citations: [String]
    public let effective: CivilDate?

    public init(_ rule: RuleDefinition, sources: [SourceFile]) {
        id = rule.id
        effect = rule.effect
        unwaivable = rule.unwaivable
        citations = rule.citations
        effective = rule.effective
        let source = sources.first { $0.path == rule.location.file }
        summary = source.flatMap { RuleSummary.firstSentence(RuleSummary.documentation(above: rule.location.line, in: $0)) }
    }

    /// "block", "block unwaivable" or "warn", as the rule writes it.
    public var effectText: String { unwaivable ? "\(effect.rawValue) unwaivable" : effect.rawValue }

    /// The `#` lines directly above `line` (no blank line between), without their markers,
    /// up to the first empty comment line: the comment's first paragraph, joined by spaces.
    static func documentation(above line: Int, in source: SourceFile) -> String {
        var lines: [String] = []
        var number = line - 1
        while number >= 1 {
            let text = source.lineText(number).trimmingWhitespace
            guard text.hasPrefix("#") else { break }
            lines.append(String(text.dropFirst()).trimmingWhitespace)
            number -= 1
        }
        let paragraph = lines.reversed().prefix { !$0.isEmpty }
        return paragraph.joined(separator: " ")
    }

    /// Words whose period does not end a sentence ("Art. 5", "e.g. this").
    private static let abbreviations: Set<String> = ["art", "arts", "no", "nos", "cf", "e.g", "i.e", "etc", "para", "paras", "reg", "vs", "p", "pp"]

    /// Text up to the first `.`, `!` or `?` (with any closing quotes or brackets) that is followed by
    /// the end or by a space and something other than a lower-case letter or digit, and that does
    /// not end an abbreviation. The whole text when no sentence ends; nil when it is empty.
    static func firstSentence(_ text: String) -> String? {
        let characters = Array(text)
        guard !characters.isEmpty else { return nil }
        let closing: Set<Character> = ["\"", "'", ")", "]", "\u{201D}", "\u{2019}"]
        for index in characters.indices where ".!?".contains(characters[index]) {
            var end = index + 1
            while end < characters.count, closing.contains(characters[end]) { end += 1 }
            guard end == characters.count || characters[end].isWhitespace else { continue }
            var next = end
            while next < characters.count, characters[next].isWhitespace { next += 1 }
            if next < characters.count, characters[next].isLowercase || characters[next].isNumber { continue }
            if characters[index] == "." {
                var start = index
                while start > 0, !characters[start - 1].isWhitespace, characters[start - 1] != "(" { start -= 1 }
                if abbreviations.contains(String(characters[start..<index]).lowercased()) { continue }
            }
            return String(characters[..<end])
        }
        return text
    }
}

public struct RuleTableRenderer: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, markdown, json
    }

    /// In id order.
    public let rules: [RuleSummary]

    public init(policy: CompiledPolicy) {
        rules = policy.rules.map { RuleSummary($0, sources: policy.program.sources) }.sorted { $0.id < $1.id }
    }

    public init(rules: [RuleSummary]) {
        self.rules = rules.sorted { $0.id < $1.id }
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .text: text()
        case .markdown: markdown()
        case .json: json()
        }
    }

    static let headers = ["Rule", "Effect", "What it checks", "Citations", "Effective"]
    static let none = "—"

    private func cells(_ rule: RuleSummary) -> [String] {
        [rule.id, rule.effectText, rule.summary ?? Self.none,
         rule.citations.isEmpty ? Self.none : rule.citations.joined(separator: ", "),
         rule.effective?.description ?? Self.none]
    }

    /// Aligned columns, two spaces apart, no trailing spaces.
    func text() -> String {
        let rows = [Self.headers] + rules.map(cells)
        var widths = [Int](repeating: 0, count: Self.headers.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        var out = ""
        for row in rows {
            var line = ""
            for (column, cell) in row.enumerated() {
                line += cell
                if column < row.count - 1 { line += String(repeating: " ", count: widths[column] - cell.count + 2) }
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    /// A GitHub table; `|` in a cell is escaped.
    func markdown() -> String {
        func row(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        var out = row(Self.headers)
        out += "| " + Self.headers.map { _ in "---" }.joined(separator: " | ") + " |\n"
        for rule in rules {
            var cells = cells(rule)
            cells[0] = "`\(rule.id)`"
            out += row(cells)
        }
        return out
    }

    /// `[{"id", "effect", "unwaivable", "summary", "citations", "effective"}]`; absent values are null.
    func json() -> String {
        var json = JSONWriter()
        json.beginArray()
        for rule in rules {
            json.beginObjectValue()
            json.key("id"); json.string(rule.id)
            json.key("effect"); json.string(rule.effect.rawValue)
            json.key("unwaivable"); json.bool(rule.unwaivable)
            json.key("summary"); if let summary = rule.summary { json.string(summary) } else { json.null() }
            json.key("citations")
            json.beginArrayValue()
            for citation in rule.citations { json.string(citation) }
            json.endArray()
            json.key("effective"); if let effective = rule.effective { json.string(effective.description) } else { json.null() }
            json.endObject()
        }
        json.endArray()
        return String(decoding: json.output, as: UTF8.self) + "\n"
    }
}

private extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
