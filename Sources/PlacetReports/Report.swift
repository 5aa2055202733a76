// PlacetReports: one renderer per output format. Each takes a Report (the assessment, or
// the errors that stopped it) and returns bytes; none does I/O, and each is deterministic.

import PlacetEngine
import PlacetLanguage

/// What a run has to say: its assessment when there was one, and every error and warning.
public struct Report: Sendable {
    public var engineVersion: String
    public var policyDigest: String
    /// The pack that decided, as the user should recognise it: a folder or "bundled baseline vN".
    public var policyPack: String
    public var asOf: CivilDate
    public var inputs: [InputFile]
    public var assessment: Assessment?
    public var diagnostics: [Diagnostic]
    /// The rules of the policy that decided, for formats that describe them (SARIF, OSCAL, HTML).
    public var rules: [RuleDescriptor]

    public init(engineVersion: String, policyDigest: String, policyPack: String = "", asOf: CivilDate, inputs: [InputFile],
                assessment: Assessment?, diagnostics: [Diagnostic], rules: [RuleDescriptor] = []) {
        self.rules = rules
        self.policyPack = policyPack
        self.engineVersion = engineVersion
        self.policyDigest = policyDigest
        self.asOf = asOf
        self.inputs = inputs
        self.assessment = assessment
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter(\.isError) }

    /// Decisions only count when no error stands: fail closed.
    public var decisions: [Decision] { errors.isEmpty ? assessment?.decisions ?? [] : [] }
    public var notices: [Notice] { errors.isEmpty ? assessment?.notices ?? [] : [] }

    public var summary: Summary {
        errors.isEmpty ? assessment?.summary ?? Summary() : Summary()
    }
}

extension Report {
    /// One line naming the pack and its digest, for every human-readable format.
    public var policyLine: String {
        let name = policyPack.isEmpty ? "policies" : policyPack
        return policyDigest.isEmpty ? name : "\(name) (\(policyDigest))"
    }
}

/// One finding with the placement it was made on, as the human-readable reports list it.
public struct PlacedFinding: Sendable {
    public let decision: Decision
    public let finding: Finding

    /// What became of the finding: `block`, `warn` or `waived`.
    public var status: String { finding.waived ? "waived" : finding.effect.rawValue }
}

/// The findings of one rule across all placements, so a report can state the rule's citations
/// once and list each finding once under it.
public struct RuleFindings: Sendable {
    public let rule: String
    public let citations: [String]
    public let findings: [PlacedFinding]
}

extension Report {
    /// Findings grouped by rule, rules in the legal order of their citations (then by id);
    /// within a rule, findings keep the decisions' order.
    public var findingsByRule: [RuleFindings] {
        var groups: [String: [PlacedFinding]] = [:]
        for decision in decisions {
            for finding in decision.findings { groups[finding.rule, default: []].append(PlacedFinding(decision: decision, finding: finding)) }
        }
        let rules = groups.map { rule, findings in RuleFindings(rule: rule, citations: findings[0].finding.citations, findings: findings) }
        return rules.sorted { lhs, rhs in
            let left = lhs.citations.sorted(by: LegalOrder.areInIncreasingOrder)
            let right = rhs.citations.sorted(by: LegalOrder.areInIncreasingOrder)
            if left.isEmpty != right.isEmpty { return right.isEmpty }
            if left != right { return left.lexicographicallyPrecedes(right, by: LegalOrder.areInIncreasingOrder) }
            return lhs.rule < rhs.rule
        }
    }
}

/// Citations in the order a lawyer reads them: by instrument ("AI Act" before "GDPR"), articles
/// before annexes, by number (Art. 5 before Art. 14 before Art. 50), then paragraph and point
/// (Art. 35(1) before Art. 35(3) before Art. 35(3)(b)). Anything else — case law, a policy's own
/// commitments — comes after, alphabetically.
public enum LegalOrder {
    public static func areInIncreasingOrder(_ lhs: String, _ rhs: String) -> Bool {
        let left = key(lhs), right = key(rhs)
        return left == right ? lhs < rhs : left < right
    }

    /// One step of a citation's path: numbers compare as numbers and come before letters.
    enum Part: Comparable {
        case number(Int)
        case text(String)
    }

    struct Key: Comparable {
        var isArticle: Bool
        var instrument: String
        var path: [Part]

        static func < (lhs: Key, rhs: Key) -> Bool {
            if lhs.isArticle != rhs.isArticle { return lhs.isArticle }
            if lhs.instrument.lowercased() != rhs.instrument.lowercased() { return lhs.instrument.lowercased() < rhs.instrument.lowercased() }
            if lhs.instrument != rhs.instrument { return lhs.instrument < rhs.instrument }
            return lhs.path.lexicographicallyPrecedes(rhs.path)
        }
    }

    static func key(_ citation: String) -> Key {
        let other = Key(isArticle: false, instrument: citation, path: [])
        for (marker, kind) in [("Art. ", 0), ("Annex ", 1)] {
            guard let range = citation.range(of: marker),
                  range.lowerBound == citation.startIndex || citation[citation.index(before: range.lowerBound)] == " " else { continue }
            let instrument = String(citation[..<range.lowerBound].reversed().drop { $0 == " " }.reversed())
            let rest = citation[range.upperBound...]
            let head = rest.prefix { $0.isLetter || $0.isNumber }
            let number = kind == 0 ? Int(head.prefix { $0.isNumber }) : Int(head) ?? roman(String(head))
            guard let number else { return other }
            var path: [Part] = [.number(kind), .number(number)]
            let suffix = kind == 0 ? head.drop { $0.isNumber } : ""
            if !suffix.isEmpty { path.append(.text(String(suffix))) }
            for step in rest.dropFirst(head.count).split(whereSeparator: { "() ".contains($0) }) {
                path.append(Int(step).map(Part.number) ?? .text(String(step)))
            }
            return Key(isArticle: true, instrument: instrument, path: path)
        }
        return other
    }

    /// Annex numbers are Roman: I, II, …, XIII.
    private static func roman(_ text: String) -> Int? {
        let values: [Character: Int] = ["I": 1, "V": 5, "X": 10, "L": 50, "C": 100]
        let digits = text.compactMap { values[$0] }
        guard !digits.isEmpty, digits.count == text.count else { return nil }
        var total = 0
        for (index, digit) in digits.enumerated() {
            total += index + 1 < digits.count && digit < digits[index + 1] ? -digit : digit
        }
        return total
    }
}
