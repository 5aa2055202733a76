// Type checker: each error it must catch, with its message and where it points, and that
import Foundation
// one run reports several errors.

import PlacetEngine
import PlacetLanguage
import Testing

@Suite struct TypeCheckerTests {
    /// A rule over datasets with one condition and one message, appended to the baseline pack.
    private static func rule(when condition: String, message: String = "x") -> String {
        """
        rule test.case
          effect block
          cites "Test Art. 1"
          for each d in direct(placement)
          when \(condition)
          message "\(message)"
        """
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let id: String
        let line: Int
        let column: Int
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown field", source: rule(when: "d.personalDta"), id: "type.unknownField", line: 5, column: 10,
             message: "unknown field 'personalDta' on Dataset; did you mean 'personalData'?"),
        Case(name: "unknown identifier", source: rule(when: "dd.personalData"), id: "type.unknownIdentifier", line: 5, column: 8,
             message: "unknown identifier 'dd'; did you mean 'd'?"),
        Case(name: "unknown enum case", source: rule(when: "d.dpia == complted"), id: "type.unknownCase", line: 5, column: 18,
             message: "unknown case 'complted' of Progress; did you mean 'completed'?"),
        Case(name: "unknown qualified case", source: rule(when: "d.classification == Classification.secret"), id: "type.unknownCase",
             line: 5, column: 43, message: "unknown case 'secret' of Classification"),
        Case(name: "type mismatch", source: rule(when: "d.dpia == 3"), id: "type.mismatch", line: 5, column: 8,
             message: "type mismatch: cannot compare Progress with number"),
        Case(name: "type mismatch in argument", source: rule(when: "personal(placement)"), id: "type.mismatch", line: 5, column: 17,
             message: "type mismatch: expected Dataset, found Placement in 'placement'"),
        Case(name: "ordering on an unordered type", source: rule(when: "placement.target.country < DE"), id: "type.unorderedComparison",
             line: 5, column: 8, message: "'<' needs numbers, dates or an ordered enum, but Country is not ordered"),
        Case(name: "non-boolean condition", source: rule(when: "d.name"), id: "type.nonBooleanCondition", line: 5, column: 8,
             message: "the 'when' clause must be a bool condition, but 'd.name' is string"),
        Case(name: "wrong number of arguments", source: rule(when: "personal(d, d)"), id: "type.argumentCount", line: 5, column: 8,
             message: "wrong number of arguments: 'personal' takes 1 argument, got 2"),
        Case(name: "optional without presence test", source: rule(when: "d.lawfulBasis == consent"),
             id: "type.optionalWithoutPresenceTest", line: 5, column: 8,
             message: "'d.lawfulBasis' is optional (LawfulBasis?) and may be absent; test 'd.lawfulBasis is present' first"),
        Case(name: "optional record field", source: rule(when: "placement.model.gpai"),
             id: "type.optionalWithoutPresenceTest", line: 5, column: 8,
             message: "'placement.model' is optional (Model?) and may be absent; test 'placement.model is present' first"),
        Case(name: "interpolation of an unknown name", source: rule(when: "personal(d)", message: "{dd.id} is wrong"),
             id: "type.unknownInterpolation", line: 6, column: 13, message: "unknown name 'dd' in interpolation; did you mean 'd'?"),
        Case(name: "duplicate rule id",
             source: "rule gdpr.transfer\n  effect warn\n  cites \"x\"\n  message \"again\"",
             id: "type.duplicateRule", line: 1, column: 6,
             message: "duplicate rule id 'gdpr.transfer': already defined at rules/gdpr.placet:76"),
        Case(name: "unknown definition", source: rule(when: "persnal(d)"), id: "type.unknownFunction", line: 5, column: 8,
             message: "unknown definition 'persnal'; did you mean 'personal'?"),
        Case(name: "presence test on a required field", source: rule(when: "d.personalData is present"), id: "type.notOptional",
             line: 5, column: 8, message: "'d.personalData' is bool, which is never absent; 'is present' needs an optional value"),
        Case(name: "unknown type", source: "def f(d: Datset): bool = true", id: "type.unknownType", line: 1, column: 10,
             message: "unknown type 'Datset'; did you mean 'Dataset'?"),
        Case(name: "recursion", source: "def loop(d: Dataset): bool = loop(d)", id: "type.recursion", line: 1, column: 5,
             message: "definition 'loop' calls itself (directly or through others); recursion is not allowed so every evaluation ends"),
        Case(name: "cyclic constant", source: "const A: number = B\nconst B: number = A", id: "type.cyclicConstant", line: 1, column: 7,
             message: "constant 'A' depends on itself"),
        Case(name: "membership of the wrong type", source: rule(when: "d.dpia in EEA"), id: "type.mismatch", line: 5, column: 8,
             message: "type mismatch: cannot look for Progress in set of Country"),
        Case(name: "unknown case group", source: rule(when: "placement.model is present and placement.model.useCase in prohibitd.*"),
             id: "type.unknownCase", line: 5, column: 66, message: "no case of UseCase starts with 'prohibitd.'; did you mean 'prohibited'?"),
        // Unknown fields get a suggestion on every kind, not only Dataset.
        Case(name: "unknown field on Model", source: rule(when: "placement.model is present and placement.model.trainingFlop > 0"),
             id: "type.unknownField", line: 5, column: 55, message: "unknown field 'trainingFlop' on Model; did you mean 'trainingFlops'?"),
        Case(name: "unknown field on an optional Model", source: rule(when: "placement.model.trainingFlop > 0"),
             id: "type.unknownField", line: 5, column: 24, message: "unknown field 'trainingFlop' on Model; did you mean 'trainingFlops'?"),
        Case(name: "unknown field on Target", source: rule(when: "placement.target.contry == DE"),
             id: "type.unknownField", line: 5, column: 25, message: "unknown field 'contry' on Target; did you mean 'country'?"),
        Case(name: "unknown field on Placement", source: rule(when: "placement.stag == production"),
             id: "type.unknownField", line: 5, column: 18, message: "unknown field 'stag' on Placement; did you mean 'stage'?"),
        Case(name: "unknown field on Waiver", source: "def expired(w: Waiver): bool = w.expirs < today",
             id: "type.unknownField", line: 1, column: 34, message: "unknown field 'expirs' on Waiver; did you mean 'expires'?"),
        Case(name: "unknown field on a new kind",
             source: "record Operator {\n  id: string\n  country: Country\n}\ndef local(c: Operator): bool = c.contry == DE",
             id: "type.unknownField", line: 5, column: 34, message: "unknown field 'contry' on Operator; did you mean 'country'?"),
        Case(name: "unknown field in a 'required when'",
             source: "record Operator {\n  id: string\n  active: bool = false\n  country: Country? required when activ\n}",
             id: "type.unknownIdentifier", line: 4, column: 35, message: "unknown identifier 'activ'; did you mean 'active'?"),
        // A case name in two enums, with nothing to choose between them.
        Case(name: "ambiguous case", source: rule(when: "vitalInterests in [consent, contract]"), id: "type.ambiguousCase",
             line: 5, column: 8, message: "'vitalInterests' is ambiguous; write Art9Condition.vitalInterests or LawfulBasis.vitalInterests"),
        Case(name: "case in three enums", source: "enum Triage { vitalInterests }\n" + rule(when: "vitalInterests in [consent]"),
             id: "type.ambiguousCase", line: 6, column: 8,
             message: "'vitalInterests' is ambiguous; write Art9Condition.vitalInterests, LawfulBasis.vitalInterests or Triage.vitalInterests"),
        Case(name: "ambiguous dotted case", source: "enum Triage { annex3.employment }\n" + rule(when: "annex3.employment in [general]"),
             id: "type.ambiguousCase", line: 6, column: 8,
             message: "'annex3.employment' is ambiguous; write Triage.annex3.employment or UseCase.annex3.employment"),
        Case(name: "unknown case with a context", source: rule(when: "helth in d.specialCategories"), id: "type.unknownCase",
             line: 5, column: 8, message: "unknown case 'helth' of SpecialCategory; did you mean 'health'?"),
    ]

    @Test(arguments: cases)
    func reportsError(_ testCase: Case) {
        let (policy, diagnostics) = Fixtures.compile(adding: testCase.source)
        #expect(policy == nil, "a policy with an error must not compile")
        let errors = diagnostics.filter(\.isError)
        let first = errors.first
        #expect(first?.id == testCase.id)
        #expect(first?.message == testCase.message)
        #expect(first?.location?.file == "test.placet")
        #expect(first?.location?.line == testCase.line)
        #expect(first?.location?.column == testCase.column)
    }

    /// `health` and `biometric` are cases of SpecialCategory and of Triage here: only the
    /// other side of each condition can say which is meant.
    @Test(arguments: [
        "health in d.specialCategories",
        "health not in d.specialCategories",
        "d.dpia != inProgress",
        "completed == d.dpia",
        "d.specialCategories == [health, biometric]",
        "[health, biometric] == d.specialCategories",
        "[health, biometric] intersect d.specialCategories is not empty",
        "d.specialCategories intersect [health, biometric] is not empty",
        "d.lawfulBasis is present and vitalInterests == d.lawfulBasis",
        "d.art9Condition is present and d.art9Condition in [vitalInterests, healthCare]",
        "placement.model is present and annex3.employment == placement.model.useCase",
        "hasCategory(d, health)",
    ])
    func enumCaseTakesItsTypeFromContext(condition: String) {
        let source = """
            enum Triage { health, biometric, annex3.employment }
            def hasCategory(d: Dataset, c: SpecialCategory): bool = c in d.specialCategories
            """ + "\n" + Self.rule(when: condition)
        let (policy, diagnostics) = Fixtures.compile(adding: source)
        #expect(diagnostics.filter(\.isError).map(\.message) == [])
        #expect(policy != nil)
    }

    @Test func ambiguousCaseIsOneError() {
        let (_, diagnostics) = Fixtures.compile(adding: Self.rule(when: "vitalInterests in [consent, contract]"))
        #expect(diagnostics.filter(\.isError).map(\.id) == ["type.ambiguousCase"])
    }

    struct Redeclaration: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let error: String
        let errorAt: String
        let noteAt: String
        var testDescription: String { name }
    }

    static let redeclarations: [Redeclaration] = [
        Redeclaration(
            name: "a baseline record",
            source: "record Dataset {\n  id: string\n  flavour: string\n}\n" + rule(when: "d.flavour == \"x\" and d.personalData"),
            error: "type 'Dataset' is already declared at schema/manifests.placet:15",
            errorAt: "test.placet:1:8", noteAt: "schema/manifests.placet:15:8"),
        Redeclaration(
            name: "a record of the same file",
            source: "record Operator {\n  id: string\n}\nrecord Operator {\n  id: string\n  country: Country\n}\n"
                + "def local(c: Operator): bool = c.country == DE",
            error: "type 'Operator' is already declared at test.placet:1",
            errorAt: "test.placet:4:8", noteAt: "test.placet:1:8"),
        Redeclaration(
            name: "a baseline enum",
            source: "enum Progress { notStarted, stalled }\n" + rule(when: "d.dpia == stalled or d.dpia == Progress.stalled"),
            error: "type 'Progress' is already declared at schema/enumerations.placet:40",
            errorAt: "test.placet:1:6", noteAt: "schema/enumerations.placet:40:14"),
    ]

    @Test(arguments: redeclarations)
    func redeclarationIsOneErrorWithANote(_ testCase: Redeclaration) {
        let (policy, diagnostics) = Fixtures.compile(adding: testCase.source)
        #expect(policy == nil)
        func place(_ diagnostic: Diagnostic) -> String {
            diagnostic.location.map { "\($0.file):\($0.line):\($0.column)" } ?? ""
        }
        let errors = diagnostics.filter(\.isError)
        #expect(errors.map(\.message) == [testCase.error])
        #expect(errors.map(\.id) == ["type.duplicateDeclaration"])
        #expect(errors.map(place) == [testCase.errorAt])
        // The note travels with the error, as data.
        #expect(diagnostics.filter { $0.severity == .note }.isEmpty)
        let notes = errors.flatMap(\.notes)
        #expect(notes.map(\.message) == ["'\(testCase.error.split(separator: "'")[1])' is first declared here"])
        #expect(notes.map { $0.location.map { "\($0.file):\($0.line):\($0.column)" } ?? "" } == [testCase.noteAt])
    }

    @Test func reportsSeveralErrorsInOneRun() {
        let source = """
            rule test.one
              effect block
              cites "x"
              for each d in direct(placement)
              when d.personalDta and d.dpia == complted
              message "{dd}"
            """
        let (_, diagnostics) = Fixtures.compile(adding: source)
        #expect(diagnostics.filter(\.isError).map(\.id) == ["type.unknownField", "type.unknownCase", "type.unknownInterpolation"])
    }

    @Test func presenceTestNarrowsTheOptional() {
        let source = Self.rule(when: "d.lawfulBasis is present and d.lawfulBasis == consent")
            + "\n" + Self.rule(when: "d.lawfulBasis is absent or d.lawfulBasis != consent").replacingOccurrences(of: "test.case", with: "test.other")
        let (policy, diagnostics) = Fixtures.compile(adding: source)
        #expect(diagnostics.filter(\.isError).map(\.message) == [])
        #expect(policy?.rules.count == 25)
    }

    @Test func diagnosticRendersWithCaret() {
        let (_, diagnostics) = Fixtures.compile(adding: Self.rule(when: "d.personalDta"))
        let rendered = DiagnosticRenderer().render(diagnostics[0])
        #expect(rendered == """
            test.placet:5:10: error: unknown field 'personalDta' on Dataset; did you mean 'personalData'?
             5 |   when d.personalDta
               |          ^~~~~~~~~~~
            """)
    }

    @Test func baselinePackHasTwentyThreeRules() {
        let policy = Fixtures.baseline
        #expect(policy.rules.map(\.id).sorted() == [
            "aiact.fundamental-rights-assessment", "aiact.gpai-classification", "aiact.gpai-copyright",
            "aiact.gpai-documentation", "aiact.gpai-systemic-risk", "aiact.high-risk-conformity", "aiact.high-risk-oversight",
            "aiact.high-risk-registration", "aiact.prohibited", "aiact.prohibited-intimate-imagery", "aiact.tier-understated",
            "aiact.transparency", "gdpr.criminal-data", "gdpr.dpia", "gdpr.lawful-basis", "gdpr.processor-contract",
            "gdpr.purpose-limitation", "gdpr.special-category", "gdpr.transfer", "gdpr.transfer-assessment",
            "platform.framework", "residency.location", "residency.sovereign",
        ])
        let table = Dictionary(uniqueKeysWithValues: policy.rules.map { ($0.id, $0) })
        #expect(table["aiact.prohibited"]?.unwaivable == true)
        #expect(policy.rules.filter(\.unwaivable).map(\.id).sorted() == ["aiact.prohibited", "aiact.prohibited-intimate-imagery"])
        #expect(table["gdpr.transfer-assessment"]?.effect == .block)
        #expect(policy.rules.filter { $0.effect == .warn }.map(\.id).sorted() == ["aiact.gpai-classification"])
        #expect(table["gdpr.transfer"]?.citations == ["GDPR Art. 44", "GDPR Art. 45", "GDPR Art. 46", "GDPR Art. 49"])
        #expect(table["aiact.tier-understated"]?.effective == CivilDate(iso: "2027-12-02"))
        #expect(table["aiact.transparency"]?.effective == CivilDate(iso: "2026-08-02"))
        #expect(table["aiact.gpai-systemic-risk"]?.effective == CivilDate(iso: "2025-08-02"))
        #expect(table["aiact.prohibited"]?.effective == CivilDate(iso: "2025-02-02"))
        #expect(table["gdpr.transfer"]?.effective == nil)
    }

    @Test func schemaComesFromThePolicyFiles() {
        // An auditor adds a field to Target without touching Swift.
        let (policy, diagnostics) = CompiledPolicy.compile(sources: Fixtures.baselineSources.map { source in
            guard source.path == "schema/manifests.placet" else { return source }
            return SourceFile(path: source.path, text: source.text.replacingOccurrences(
                of: "  accessFrom: set of Country = [] required when operator is absent\n}",
                with: "  accessFrom: set of Country = [] required when operator is absent\n  carbonIntensity: number = 0\n}"))
        })
        #expect(diagnostics.filter(\.isError).isEmpty)
        let target = policy?.schema.records.first { $0.name == "Target" }
        #expect(target?.fields.last?.name == "carbonIntensity")
    }
}
