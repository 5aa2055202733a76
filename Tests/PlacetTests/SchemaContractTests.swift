// The schema contract: the names the engine relies on are checked once against a pack's
// schema, required ones are reported with `type.contractMissing`, optional ones may be left
// out; and `required when` cannot depend on `today`.

import PlacetEngine
import PlacetLanguage
import Testing

@Suite struct SchemaContractTests {
    /// A rule with no condition: a pack needs no more to compile.
    private static let rule = """
        rule test.always
          effect warn
          cites "Test Art. 1"
          message "x"
        """

    private static func compile(_ text: String) -> (CompiledPolicy?, [Diagnostic]) {
        CompiledPolicy.compile(sources: [SourceFile(path: "schema.placet", text: text)])
    }

    struct Missing: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let message: String
        /// `line:column` in schema.placet, or nil when the diagnostic has no location.
        let at: String?
        var testDescription: String { name }
    }

    static let missing: [Missing] = [
        Missing(name: "waiver without expires",
                source: "record Placement {\n  id: string\n}\nrecord Waiver {\n  id: string\n  rule: string\n  placement: Placement\n}\n" + rule,
                message: "the policies declare no record 'Waiver' with field 'expires' (date), which the engine needs for waivers; add it to the schema",
                at: "4:8"),
        Missing(name: "waiver whose placement is a string",
                source: "record Placement {\n  id: string\n}\nrecord Waiver {\n  id: string\n  rule: string\n  placement: string\n  expires: date\n}\n" + rule,
                message: "the policies declare no record 'Waiver' with field 'placement' (Placement), which the engine needs for waivers; add it to the schema",
                at: "4:8"),
        Missing(name: "no placement",
                source: "record Model {\n  id: string\n}\n" + rule,
                message: "the policies declare no record 'Placement', which the engine needs to evaluate placements; add it to the schema",
                at: nil),
    ]

    @Test(arguments: missing)
    func reportsAMissingRequiredName(_ testCase: Missing) {
        let (policy, diagnostics) = Self.compile(testCase.source)
        #expect(policy == nil, "a pack without a required name must not compile")
        let errors = diagnostics.filter(\.isError)
        #expect(errors.map(\.id) == ["type.contractMissing"])
        #expect(errors.first?.message == testCase.message)
        #expect(errors.first?.location.map { "\($0.line):\($0.column)" } == testCase.at)
        if testCase.at != nil { #expect(errors.first?.location?.file == "schema.placet") }
    }

    @Test func packWithoutTheOptionalPartsCompilesAndRuns() throws {
        let (compiled, diagnostics) = Self.compile("record Placement {\n  id: string\n}\n" + Self.rule)
        #expect(diagnostics.filter(\.isError).map(\.message) == [])
        let policy = try #require(compiled)
        let contract = policy.program.contract
        #expect(contract.waiver == nil)
        #expect(contract.target == nil)
        #expect(contract.model == nil && contract.dataset == nil && contract.controller == nil)
        #expect(contract.placement.model == nil && contract.placement.target == nil && contract.placement.datasets == nil)
        #expect(contract.placement.workload == nil && contract.placement.stage == nil && contract.placement.framework == nil)
        let assessment = try #require(Fixtures.assess(yaml: "apiVersion: placet/v1\nkind: Placement\nid: pl-1\n", policy: policy))
        #expect(assessment.decision("pl-1")?.summaries == ["test.always [pl-1]"])
        #expect(assessment.notices.isEmpty && assessment.waivers.isEmpty)
    }

    @Test func targetWithoutGPUHourCostIsOptional() throws {
        let source = "record Target {\n  id: string\n}\nrecord Placement {\n  id: string\n  target: Target\n}\n" + Self.rule
        let (compiled, diagnostics) = Self.compile(source)
        #expect(diagnostics.filter(\.isError).map(\.message) == [])
        let contract = try #require(compiled).program.contract
        #expect(contract.target?.record == 0)
        #expect(contract.target?.gpuHourCost == nil)
        #expect(contract.placement.target?.field == 1 && contract.placement.target?.kind == 0)
    }

    @Test func baselineResolvesEveryName() throws {
        let program = Fixtures.baseline.program
        let schema = program.schema
        let contract = program.contract
        #expect(schema.records[contract.placement.record].name == SchemaContract.placement)
        let waiver = try #require(contract.waiver)
        #expect(schema.records[waiver.record].fields[waiver.expires].name == SchemaContract.WaiverField.expires)
        #expect(waiver.approvedBy != nil && waiver.justification != nil)
        let target = try #require(contract.target)
        #expect(target.gpuHourCost.map { schema.records[target.record].fields[$0].name } == SchemaContract.TargetField.gpuHourCost)
        #expect(contract.placement.model != nil && contract.placement.target != nil && contract.placement.datasets != nil)
        #expect(contract.placement.workload != nil && contract.placement.stage != nil && contract.placement.framework != nil)
        #expect([contract.model, contract.dataset, contract.controller].allSatisfy { $0 != nil })
    }

    /// `today` directly, and through constants and definitions however deep.
    @Test(arguments: [
        ("", "today", "'today'", 3),
        ("const now: date = today\n", "now", "'today' (through the constant 'now')", 4),
        ("const now: date = today\nconst later: date = now\n", "later", "'today' (through the constant 'later')", 5),
        ("def current(): date = today\n", "current()", "'today' (through the definition 'current')", 4),
        ("def current(): date = now\nconst now: date = today\ndef latest(): date = current()\n", "latest()",
         "'today' (through the definition 'latest')", 6),
    ])
    func requiredWhenRejectsToday(constants: String, name: String, use: String, line: Int) {
        let source = constants + "record Operator {\n  id: string\n  since: date? required when \(name) > 2020-01-01\n}"
        let column = 30
        let (policy, diagnostics) = Fixtures.compile(adding: source)
        #expect(policy == nil)
        let errors = diagnostics.filter(\.isError)
        #expect(errors.map(\.id) == ["type.todayInRequiredWhen"])
        #expect(errors.first?.message
            == "'required when' cannot use \(use): whether a field is required cannot depend on the evaluation date")
        #expect(errors.first?.location?.file == "test.placet")
        #expect(errors.first?.location?.line == line)
        #expect(errors.first?.location?.column == column)
    }

    /// Constants and definitions without `today` are allowed in `required when`, and constants in
    /// field defaults (these are checked before constants and definitions, which made them crash).
    @Test func requiredWhenAndDefaultsMayUseConstants() {
        let source = """
            const STRICT: bool = true
            const HOME: Country = DE
            record Operator {
              id: string
              home: Country = HOME
              registeredIn: Country? required when STRICT and local(home)
            }
            def local(c: Country): bool = c == HOME
            """
        let (policy, diagnostics) = Fixtures.compile(adding: source)
        #expect(diagnostics.filter(\.isError).map(\.message) == [])
        #expect(policy != nil)
    }
}
