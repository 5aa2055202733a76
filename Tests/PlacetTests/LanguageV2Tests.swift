// Pack v2 language features: value records, record literals, member access with narrowing,
// removed enum cases with their replacements, documentation comments, and their formatting.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import Testing

enum LanguageV2Policy {
    /// A value record, a map of them, definitions that read them, and a rule over manifests.
    static let text = """
        # An adequacy decision.
        value record Approval {
          # When the decision took effect.
          from: date
          # When it lapses, if it does.
          until: date?
          decision: string
          scope: string = ""
        }

        # Decisions by country.
        const ADEQ: map of Country to Approval = [
          CH: {from: 2000-07-26, decision: "2000/518/EC"},
          GB: {from: 2021-06-28, until: 2031-12-28, decision: "(EU) 2021/1772", scope: "UK GDPR"}
        ]

        const SWISS: Approval = if ADEQ[CH] is present then ADEQ[CH] else {from: 2000-01-01, decision: "none"}

        def adequateOn(c: Country): bool =
          ADEQ[c] is present and ADEQ[c].from <= today and (ADEQ[c].until is absent or today < ADEQ[c].until)

        def decisionOf(a: Approval): string = a.decision

        # Transfers to a country with a v2 adequacy decision.
        rule test.v2-adequacy
          effect warn
          when ADEQ[placement.target.country] is present and adequateOn(placement.target.country) and ADEQ[placement.target.country].scope != "x"
          message "adequate under {ADEQ[placement.target.country].decision}: {ADEQ[placement.target.country]}"
        """

    static let enumText = """
        enum Purpose {
          general, a.x, a.y, b
          removed a.old in revision 2: a.x, a.y, b
          removed c in revision 2: b
        }

        record Gadget {
          id: string
          use: Purpose
        }
        """
}

@Suite struct LanguageV2Tests {
    private func compile(_ text: String) throws -> CompiledPolicy {
        let (policy, diagnostics) = Fixtures.compile(adding: text)
        #expect(diagnostics.filter(\.isError).map(\.message) == [])
        return try #require(policy)
    }

    @Test func valueRecordsAreNotManifestKinds() throws {
        let policy = try compile(LanguageV2Policy.text)
        let schema = policy.program.schema
        #expect(schema.recordIndex["Approval"] == nil)
        let adequacy = try #require(schema.valueRecordIndex["Approval"].map { schema.valueRecords[$0] })
        #expect(adequacy.fields.map(\.name) == ["from", "until", "decision", "scope"])
        #expect(XSDGenerator.xsd(for: schema) == XSDGenerator.xsd(for: Fixtures.baseline.program.schema))
        let loaded = Fixtures.load(yaml: "apiVersion: placet/v1\nkind: Approval\nid: a\n", policy: policy)
        #expect(loaded.diagnostics.map(\.id) == ["manifest.unknownKind"])
    }

    @Test func recordLiteralsEvaluateWithDefaultsAndAbsentOptionals() throws {
        let policy = try compile(LanguageV2Policy.text)
        let evaluator = Evaluator(program: policy.program, today: CivilDate(iso: "2028-01-01")!)
        let index = try #require(policy.program.constants.firstIndex { $0.name == "ADEQ" })
        let country = policy.program.schema.enumerations[policy.program.schema.enumerationIndex["Country"]!]
        guard case .map(let entries) = evaluator.constants[index] else { Issue.record("not a map"); return }
        let ch = entries[.enumCase(country.caseIndex["CH"]!)]
        #expect(ch == .structure([.date(CivilDate(iso: "2000-07-26")!), .absent, .string("2000/518/EC"), .string("")]))
        let gb = entries[.enumCase(country.caseIndex["GB"]!)]
        #expect(gb == .structure([.date(CivilDate(iso: "2021-06-28")!), .date(CivilDate(iso: "2031-12-28")!),
                                  .string("(EU) 2021/1772"), .string("UK GDPR")]))
        let swiss = try #require(policy.program.constants.firstIndex { $0.name == "SWISS" })
        #expect(evaluator.constants[swiss] == ch)
    }

    @Test(arguments: [("GB", "2028-01-01", true), ("GB", "2032-01-01", false), ("CH", "2028-01-01", true), ("US", "2028-01-01", false)])
    func memberAccessWithNarrowingDecides(country: String, asOf: String, fires: Bool) throws {
        let policy = try compile(LanguageV2Policy.text)
        let assessment = try #require(Fixtures.assess(yaml: RuleYAML.inventory(target: ["country": country]), asOf: asOf, policy: policy))
        let finding = assessment.decision("pl-1")?.findings.first { $0.rule == "test.v2-adequacy" }
        #expect((finding != nil) == fires)
        if country == "GB", fires {
            #expect(finding?.message == "adequate under (EU) 2021/1772: {from: 2021-06-28, until: 2031-12-28, decision: (EU) 2021/1772, scope: UK GDPR}")
        }
    }

    @Test func explainShowsValueRecordMembers() throws {
        let policy = try compile(LanguageV2Policy.text)
        let loaded = Fixtures.load(yaml: RuleYAML.inventory(target: ["country": "GB"]), policy: policy)
        let explanation = try #require(PlacementExplainer(policy: policy, asOf: CivilDate(iso: "2028-01-01")!)
            .explain(placement: "pl-1", in: loaded.inventory))
        let lines = explanation.rules.first { $0.rule == "test.v2-adequacy" }?.lines.map(\.text) ?? []
        #expect(lines.contains { $0.contains("ADEQ[placement.target.country].scope = UK GDPR") })
    }

    @Test func documentationComesFromTheLinesAbove() throws {
        let policy = try compile(LanguageV2Policy.text)
        let program = policy.program
        let adequacy = program.schema.valueRecords[program.schema.valueRecordIndex["Approval"]!]
        #expect(adequacy.fields.map(\.documentation) == ["When the decision took effect.", "When it lapses, if it does.", "", ""])
        #expect(program.constants.first { $0.name == "ADEQ" }?.documentation == "Decisions by country.")
        #expect(program.rules.first { $0.id == "test.v2-adequacy" }?.documentation == "Transfers to a country with a v2 adequacy decision.")
        let dataset = program.schema.records[program.schema.recordIndex["Dataset"]!]
        #expect(dataset.fields[dataset.fieldIndex["personalData"]!].documentation == "GDPR Art. 4(1): personal data present (true or false).")
        #expect(dataset.fields[dataset.fieldIndex["id"]!].documentation == "")
    }

    static let errorCases: [(String, String, String, Int, Int)] = [
        ("const A: Approval = {decision: \"x\"}", "type.missingLiteralField",
         "Approval literal is missing the required field 'from'", 1, 21),
        ("const A: Approval = {from: 2000-01-01, decision: \"x\", scop: \"y\"}", "type.unknownField",
         "unknown field 'scop' on Approval; did you mean 'scope'?", 1, 55),
        ("const A: Approval = {from: 2000-01-01, decision: \"x\", from: 2001-01-01}", "type.duplicateLiteralField",
         "field 'from' is given twice in this Approval literal (first at 2:22)", 1, 55),
        ("const A: string = {from: 2000-01-01}", "type.unexpectedRecordLiteral",
         "a record literal needs a value record type here, but string is expected", 1, 19),
        ("def f(a: Approval): bool = {from: 2000-01-01} == a", "type.unexpectedRecordLiteral",
         "a record literal needs a value record type from its context, as in 'const NAME: Adequacy = {...}'", 1, 28),
        ("def f(a: Approval): date = a.until", "type.optionalWithoutPresenceTest",
         "'a.until' is optional (date?) and may be absent; test 'a.until is present' first", 1, 28),
        ("def f(a: Approval): string = a.decison", "type.unknownField",
         "unknown field 'decison' on Approval; did you mean 'decision'?", 1, 32),
    ]

    @Test(arguments: errorCases)
    func recordLiteralAndMemberErrors(source: String, id: String, message: String, line: Int, column: Int) {
        let text = "value record Approval { from: date  until: date?  decision: string  scope: string = \"\" }\n" + source
        let (_, diagnostics) = Fixtures.compile(adding: text)
        let errors = diagnostics.filter(\.isError)
        #expect(errors.map(\.id) == [id])
        #expect(errors.first?.message == message)
        #expect(errors.first?.location?.line == line + 1)
        #expect(errors.first?.location?.column == column)
    }

    static let removedCases: [(String, String, Int, Int)] = [
        ("def f(g: Gadget): bool = g.use == a.old", "unknown Purpose 'a.old': it was removed in schema revision 2; use a.x, a.y or b", 12, 35),
        ("def f(g: Gadget): bool = g.use == Purpose.c", "unknown Purpose 'c': it was removed in schema revision 2; use b", 12, 43),
        ("def f(g: Gadget): bool = g.use in [b, c]", "unknown Purpose 'c': it was removed in schema revision 2; use b", 12, 39),
    ]

    @Test(arguments: removedCases)
    func removedCasesInPolicyCode(source: String, message: String, line: Int, column: Int) {
        let (_, diagnostics) = Fixtures.compile(adding: LanguageV2Policy.enumText + "\n\n" + source)
        let errors = diagnostics.filter(\.isError)
        #expect(errors.map(\.id) == ["type.removedCase"])
        #expect(errors.first?.message == message)
        #expect(errors.first?.location?.line == line)
        #expect(errors.first?.location?.column == column)
    }

    @Test func removedCaseReplacementsMustExist() {
        let (_, diagnostics) = Fixtures.compile(adding: "enum P {\n  a, b\n  removed c: a, bb\n}\n")
        #expect(diagnostics.filter(\.isError).map(\.message) == ["unknown case 'bb' of P as the replacement of 'c'; did you mean 'b'?"])
        #expect(diagnostics.first?.location?.line == 3)
        #expect(diagnostics.first?.location?.column == 17)
        let (_, again) = Fixtures.compile(adding: "enum P {\n  a, b\n  removed b: a\n}\n")
        #expect(again.filter(\.isError).map(\.message) == ["enum 'P' cannot both have and remove the case 'b'"])
    }

    @Test func removedCasesWithoutRevisionStillGuide() throws {
        let policy = try compile("enum P { a, b\n  removed c: a }\nrecord G { id: string  p: P }\n")
        let loaded = Fixtures.load(yaml: "apiVersion: placet/v1\nkind: G\nid: g\np: c\n", policy: policy)
        #expect(loaded.diagnostics.map(\.message).first?.hasSuffix("unknown P 'c': it was removed from the schema; use a") == true)
    }

    static let manifestFormats: [(String, String, Int)] = [
        ("g.yaml", "apiVersion: placet/v1\nkind: Gadget\nid: g-1\nuse: a.old\n", 4),
        ("g.json", "{\"apiVersion\": \"placet/v1\", \"kind\": \"Gadget\", \"id\": \"g-1\",\n \"use\": \"a.old\"}", 2),
        ("g.xml", "<?xml version=\"1.0\"?>\n<manifests xmlns=\"urn:placet:manifest:v1\">\n  <gadget id=\"g-1\"><use>a.old</use></gadget>\n</manifests>\n", 3),
    ]

    @Test(arguments: manifestFormats)
    func removedValuesInManifests(path: String, text: String, line: Int) throws {
        let policy = try compile(LanguageV2Policy.enumText)
        let loaded = Fixtures.load([ManifestInput(path: path, text: text)], policy: policy)
        #expect(loaded.diagnostics.map(\.id) == ["manifest.removedValue"])
        #expect(loaded.diagnostics.first?.message.hasSuffix(
            "unknown Purpose 'a.old': it was removed in schema revision 2; use a.x, a.y or b") == true)
        #expect(loaded.diagnostics.first?.location?.line == line)
        let xsd = XSDGenerator.xsd(for: policy.program.schema)
        #expect(!xsd.contains("\"a.old\"") && xsd.contains("\"a.x\""))
    }

    static let unformatted = """
        # Purposes.
        enum Purpose { general, a.x, a.y, b,
          removed a.old in revision 2: a.x, a.y, b  # split
          removed c: b }

        value record Approval {
          # When.
          from: date
          until: date?
          decision: string
          scope: string = ""
        }

        const ADEQ: map of Country to Approval = [CH: {from: 2000-07-26, decision: "2000/518/EC"}, GB: {from: 2021-06-28, until: 2031-12-28, decision: "(EU) 2021/1772", scope: "a long scope text, long enough to break"}]

        const ONE: Approval = {from: 2000-07-26, decision: "a decision with a long enough name", scope: "and a long scope, too"}

        def d(c: Country): string = if ADEQ[c] is present then ADEQ[c].decision else "none"
        """

    @Test func formatterRoundTripsTheNewConstructs() throws {
        let (text, diagnostics) = PolicyFormatter.format(SourceFile(path: "v2.placet", text: Self.unformatted))
        #expect(diagnostics.map(\.message) == [])
        let formatted = try #require(text)
        #expect(formatted == """
            # Purposes.
            enum Purpose {
              general, a.x, a.y, b,
              removed a.old in revision 2: a.x, a.y, b  # split
              removed c: b
            }

            value record Approval {
              # When.
              from: date
              until: date?
              decision: string
              scope: string = ""
            }

            const ADEQ: map of Country to Approval = [
              CH: {from: 2000-07-26, decision: "2000/518/EC"},
              GB: {
                from: 2021-06-28,
                until: 2031-12-28,
                decision: "(EU) 2021/1772",
                scope: "a long scope text, long enough to break"
              }
            ]

            const ONE: Approval = {
              from: 2000-07-26,
              decision: "a decision with a long enough name",
              scope: "and a long scope, too"
            }

            def d(c: Country): string = if ADEQ[c] is present then ADEQ[c].decision else "none"

            """)
        let (again, _) = PolicyFormatter.format(SourceFile(path: "v2.placet", text: formatted))
        #expect(again == formatted)
        let (_, compileDiagnostics) = Fixtures.compile(adding: formatted)
        #expect(compileDiagnostics.filter(\.isError).map(\.message) == [])
    }

    @Test func linterSeesUsesThroughLiteralsAndMembers() throws {
        let text = LanguageV2Policy.text + "\n\nconst START: date = 2000-07-26\nconst OTHER: Approval = {from: START, decision: \"x\"}\n"
        let policy = try compile(text)
        let messages = Linter(program: policy.program, asOf: CivilDate(iso: "2028-01-01")!).run().map(\.message)
        #expect(!messages.contains { $0.contains("'START'") })
        #expect(!messages.contains { $0.contains("'ADEQ'") })
        #expect(messages.contains { $0.contains("'OTHER'") })
    }
}
