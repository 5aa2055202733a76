// `placet rules`: the rules table in each format for a small pack, the first sentence of a
// rule's comment, and the README's copy of the baseline table, which must not drift.

import Foundation
@testable import PlacetLanguage
@testable import PlacetReports
import Testing

@Suite struct RulesCommandTests {
    /// The baseline schema and reference with three rules of our own: a documented rule with pipes
    /// and an abbreviation, a rule without comment, citation or date, and an unwaivable one.
    static let rules = """
        # The file's header is not a rule's documentation.

        # Art. 5 says a | b: production needs care. The rest is not shown.
        rule sample.pipes
          effect block
          cites "Reg. A | B", "Reg. C"
          effective 2026-03-01
          when placement.stage == production
          message "production"

        rule sample.bare
          effect warn
          when placement.stage == development
          message "development"

        # Staging placements are
        # blocked whatever the waivers
        #
        # Second paragraph.
        rule sample.alpha
          effect block unwaivable
          cites "X Art. 1"
          when placement.stage == staging
          message "staging"
        """

    private func pack() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-rules-\(UUID().uuidString)")
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory.appendingPathComponent("rules"), withIntermediateDirectories: true)
        for folder in ["schema", "reference"] {
            try fileManager.copyItem(at: Fixtures.policiesDirectory.appendingPathComponent(folder), to: directory.appendingPathComponent(folder))
        }
        try Self.rules.write(to: directory.appendingPathComponent("rules/sample.placet"), atomically: true, encoding: .utf8)
        return directory
    }

    private func rules(_ format: String) throws -> CommandResult {
        let directory = try pack()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try PlacetExecutable.run(["rules", "--policies", directory.path, "--format", format])
    }

    @Test func textIsAlignedColumnsInIdOrder() throws {
        let result = try rules("text")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        #expect(result.stdout == """
            Rule          Effect            What it checks                                       Citations           Effective
            sample.alpha  block unwaivable  Staging placements are blocked whatever the waivers  X Art. 1            —
            sample.bare   warn              —                                                    —                   —
            sample.pipes  block             Art. 5 says a | b: production needs care.            Reg. A | B, Reg. C  2026-03-01

            """)
    }

    @Test func markdownIsAGitHubTableWithPipesEscaped() throws {
        let result = try rules("markdown")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            | Rule | Effect | What it checks | Citations | Effective |
            | --- | --- | --- | --- | --- |
            | `sample.alpha` | block unwaivable | Staging placements are blocked whatever the waivers | X Art. 1 | — |
            | `sample.bare` | warn | — | — | — |
            | `sample.pipes` | block | Art. 5 says a \\| b: production needs care. | Reg. A \\| B, Reg. C | 2026-03-01 |

            """)
    }

    @Test func jsonIsAnArrayOfRules() throws {
        let result = try rules("json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            [
              {
                "id": "sample.alpha",
                "effect": "block",
                "unwaivable": true,
                "summary": "Staging placements are blocked whatever the waivers",
                "citations": [
                  "X Art. 1"
                ],
                "effective": null
              },
              {
                "id": "sample.bare",
                "effect": "warn",
                "unwaivable": false,
                "summary": null,
                "citations": [],
                "effective": null
              },
              {
                "id": "sample.pipes",
                "effect": "block",
                "unwaivable": false,
                "summary": "Art. 5 says a | b: production needs care.",
                "citations": [
                  "Reg. A | B",
                  "Reg. C"
                ],
                "effective": "2026-03-01"
              }
            ]

            """)
    }

    @Test func aPolicyErrorExitsTwo() throws {
        let directory = try pack()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "rule broken.one\n  effect block\n  when placement.stag == production\n  message \"x\"\n"
            .write(to: directory.appendingPathComponent("rules/broken.placet"), atomically: true, encoding: .utf8)
        let result = try PlacetExecutable.run(["rules", "--policies", directory.path])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("broken.placet:3:18: error: unknown field 'stag' on Placement"), "\(result.stderr)")
    }

    @Test(arguments: [
        ("Art. 5(1): the listed AI practices \"shall be prohibited\". No waiver can allow them.",
         "Art. 5(1): the listed AI practices \"shall be prohibited\"."),
        ("Chapter V: adequacy (Art. 45) or a derogation (Art. 49). Data carried by a model counts.",
         "Chapter V: adequacy (Art. 45) or a derogation (Art. 49)."),
        ("Large-scale processing, e.g. profiling, needs an assessment. More.", "Large-scale processing, e.g. profiling, needs an assessment."),
        ("Is it \"lawful?\" Only with a basis.", "Is it \"lawful?\""),
        ("No sentence end here", "No sentence end here"),
    ])
    func firstSentence(_ text: String, _ expected: String) {
        #expect(RuleSummary.firstSentence(text) == expected)
    }

    /// The README's table is `placet rules --format markdown` over policies/; regenerate it with
    /// scripts/update-readme-rules.sh.
    @Test func theREADMETableMatchesTheRules() throws {
        let readme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- placet rules: begin -->\n"))
        let end = try #require(readme.range(of: "<!-- placet rules: end -->", range: begin.upperBound..<readme.endIndex))
        let table = String(readme[begin.upperBound..<end.lowerBound])
        let result = try PlacetExecutable.run(["rules", "--policies", "policies", "--format", "markdown"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(table == result.stdout, "README.md's rules table is out of date: run scripts/update-readme-rules.sh")
        #expect(table.split(separator: "\n").count == Fixtures.baseline.rules.count + 2)
    }
}
