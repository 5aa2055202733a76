// Findings written through their rule's template (the fixed bytes quoted once per rule) against
// findings written member by member: the same bytes in a report's pretty layout and on one
// line, for every shape a finding takes, one after another as a decision lists them.

import Foundation
@testable import PlacetEngine
import PlacetLanguage
@testable import PlacetReports
import Testing

@Suite struct FindingTemplateTests {
    static let citations = ["GDPR Art. 44", "EDPB \"Recommendations\" 01/2020\\annex", "AI Act Art. 26(9)"]

    static let findings: [Finding] = [
        Finding(rule: "gdpr.transfer", effect: .block, waived: false, waiver: nil, subjects: ["ds-1"],
                message: "ds-1 leaves the EEA", citations: citations, location: nil),
        Finding(rule: "gdpr.transfer", effect: .block, waived: true, waiver: "wv-7 \"q3\"", subjects: ["ds-1", "ds-2 via m-1"],
                message: "two subjects\nand a line break", citations: citations, location: nil),
        Finding(rule: "cost.budget", effect: .warn, waived: false, waiver: nil, subjects: [],
                message: "", citations: [], location: nil),
        // The same rule id with another effect or other citations: a template must not be reused for it.
        Finding(rule: "gdpr.transfer", effect: .warn, waived: false, waiver: nil, subjects: ["é€𝄞"],
                message: "tab\there, control \u{1}", citations: citations, location: nil),
        Finding(rule: "gdpr.transfer", effect: .block, waived: false, waiver: nil, subjects: ["ds-3"],
                message: "other citations", citations: ["GDPR Art. 46"], location: nil),
        Finding(rule: "gdpr.transfer", effect: .block, waived: false, waiver: nil, subjects: ["ds-4"],
                message: "first again", citations: citations, location: nil),
    ]

    /// Writers for the two layouts: items of a findings array in a pretty report (one line each), and compact.
    static let layouts: [(name: String, make: @Sendable () -> JSONWriter)] = [
        ("pretty, a report's findings", { JSONWriter(itemsAtDepth: JSONWriter.lineBreakDepth, capacity: 1024) }),
        ("compact, a stream line", { JSONWriter(pretty: false, capacity: 1024) }),
    ]

    @Test(arguments: layouts.indices)
    func templatesWriteWhatMembersWrite(layout: Int) throws {
        var general = Self.layouts[layout].make()
        var templated = Self.layouts[layout].make()
        #expect(templated.nextContainerIsInline)
        var templates = FindingTemplates()
        // Twice through, so the second pass finds every template already made.
        for finding in Self.findings + Self.findings {
            JSONRenderer.write(finding, to: &general)
            JSONRenderer.write(finding, to: &templated, templates: &templates)
        }
        #expect(String(decoding: templated.output, as: UTF8.self) == String(decoding: general.output, as: UTF8.self))
        let parsed = try JSONSerialization.jsonObject(with: Data(("[" + String(decoding: templated.output, as: UTF8.self) + "]").utf8)) as? [[String: Any]]
        #expect(parsed?.count == 2 * Self.findings.count)
        #expect(parsed?[1]["waiver"] as? String == "wv-7 \"q3\"")
        #expect(parsed?[3]["effect"] as? String == "warn")
        #expect(parsed?[4]["citations"] as? [String] == ["GDPR Art. 46"])
    }

    /// Where a finding's object breaks lines (a shallower layout than reports use), it is written member by member.
    @Test func shallowFindingsAreWrittenInGeneral() {
        var general = JSONWriter(itemsAtDepth: 1, capacity: 1024)
        var templated = JSONWriter(itemsAtDepth: 1, capacity: 1024)
        #expect(!templated.nextContainerIsInline)
        var templates = FindingTemplates()
        for finding in Self.findings {
            JSONRenderer.write(finding, to: &general)
            JSONRenderer.write(finding, to: &templated, templates: &templates)
        }
        #expect(templated.output == general.output)
        #expect(templated.output.contains(0x0A))
    }
}
