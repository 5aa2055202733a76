// The baseline pack v2 rule by rule (SPEC §3, §4, §2.7): each of the 23 rules firing and, with one
// fact changed, not firing; effective dates; waivers; the semantic traps of located(P),
// adequacy and the EEA; and the order of findings and decisions.
//
// Every table case starts from one small inventory that no rule objects to (one controller
// established in Germany, one dataset, one model, one target, one placement `pl-1`) and changes
// one or two fields.

import PlacetEngine
import PlacetLanguage
import Testing

/// Builds YAML manifests from a base field list plus changes; `RuleYAML.omit` removes a field.
enum RuleYAML {
    static let omit = "<omit>"

    /// One manifest: the base fields in order (each replaced or removed by `changes`), then any
    /// field `changes` adds, in key order.
    static func manifest(_ kind: String, _ id: String, _ base: [(String, String)], _ changes: [String: String] = [:]) -> String {
        var lines = ["apiVersion: placet/v1", "kind: \(kind)", "id: \(id)"]
        let baseKeys = Set(base.map(\.0))
        for (key, value) in base {
            let value = changes[key] ?? value
            if value != omit { lines.append("\(key): \(value)") }
        }
        for key in changes.keys.sorted() where !baseKeys.contains(key) && changes[key] != omit {
            lines.append("\(key): \(changes[key]!)")
        }
        return lines.joined(separator: "\n")
    }

    /// ACME, established in Germany: the controller of the base dataset.
    static let controller = manifest("Controller", "c-1", [("establishedIn", "[DE]")])
        + "\n---\n" + manifest("Controller", "c-us", [("establishedIn", "[US]")])

    /// Personal data of EU subjects with a lawful basis and a completed DPIA: no GDPR rule fires.
    static let dataset: [(String, String)] = [
        ("personalData", "true"), ("controller", "c-1"), ("dataSubjects", "[EU]"), ("lawfulBasis", "contract"),
        ("dpia", "completed"),
    ]
    /// A general-purpose (use case `general`) minimal-risk model: no AI Act rule fires.
    static let model: [(String, String)] = [("useCase", "general"), ("riskTier", "minimal")]
    /// An EU (Germany) target offering spark, run by a processor under an Art. 28 agreement and
    /// reachable from Germany only.
    static let target: [(String, String)] = [
        ("provider", "aws"), ("country", "DE"), ("frameworks", "[spark]"), ("accessFrom", "[DE]"), ("processorAgreement", "true"),
    ]
    /// Inference in production, the scope of the most rules.
    static let placement: [(String, String)] = [
        ("workload", "inference"), ("model", "m-1"), ("datasets", "[ds-1]"), ("target", "t-1"), ("stage", "production"),
    ]

    /// The base inventory with changes, plus any extra manifests.
    static func inventory(dataset: [String: String] = [:], model: [String: String] = [:], target: [String: String] = [:],
                          placement: [String: String] = [:], extra: [String] = []) -> String {
        ([controller, manifest("Dataset", "ds-1", Self.dataset, dataset), manifest("Model", "m-1", Self.model, model),
          manifest("Target", "t-1", Self.target, target), manifest("Placement", "pl-1", Self.placement, placement)] + extra)
            .joined(separator: "\n---\n")
    }

    static func waiver(_ id: String, rule: String, placement: String = "pl-1", expires: String) -> String {
        manifest("Waiver", id, [("rule", rule), ("placement", placement), ("expires", expires),
                                ("approvedBy", "dpo@example.com"), ("justification", "migration in progress")])
    }
}

/// The rules SPEC §4 (pack v2) gives the effect `warn`; every other rule blocks.
private let warnRules: Set<String> = ["aiact.gpai-classification"]

private func rule(of summary: String) -> String {
    String(summary.prefix { $0 != " " })
}

private func effect(of summary: String) -> Effect {
    warnRules.contains(rule(of: summary)) ? .warn : .block
}

/// SPEC §4: block when any block finding is not waived, else approve.
private func outcome(of summaries: [String]) -> Outcome {
    summaries.contains { !$0.hasSuffix(" waived") && effect(of: $0) == .block } ? .block : .approve
}

/// A high-risk model that meets every AI Act high-risk obligation.
private func highRisk(_ changes: [String: String] = [:]) -> [String: String] {
    ["riskTier": "high", "conformityAssessment": "completed", "euDatabaseId": "EUDB-2027-0001", "humanOversight": "true"]
        .merging(changes) { $1 }
}

/// A general-purpose AI model above the systemic-risk threshold (Art. 51(2): greater than 1e25),
/// with its Art. 53 duties met but no Art. 55 measures.
private func gpai(_ changes: [String: String] = [:]) -> [String: String] {
    ["gpai": "true", "trainingFlops": "2e25", "technicalDocumentation": "true", "copyrightPolicy": "true",
     "trainingContentSummary": "true"].merging(changes) { $1 }
}

/// One case: changes to the base inventory, the date, and placement pl-1's exact findings.
struct RuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var dataset: [String: String] = [:]
    var model: [String: String] = [:]
    var target: [String: String] = [:]
    var placement: [String: String] = [:]
    var asOf = "2028-01-01"
    var expected: [String]

    var testDescription: String { "\(name) (as of \(asOf))" }

    var yaml: String {
        RuleYAML.inventory(dataset: dataset, model: model, target: target, placement: placement)
    }

    /// Assesses the case and checks pl-1's findings, their effects and the decision.
    func check(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let assessment = Fixtures.assess(yaml: yaml, asOf: asOf, sourceLocation: sourceLocation) else { return }
        let decision = assessment.decision("pl-1")
        #expect(decision?.summaries == expected, sourceLocation: sourceLocation)
        #expect(decision?.findings.map(\.effect) == expected.map(effect(of:)), sourceLocation: sourceLocation)
        #expect(decision?.outcome == outcome(of: expected), sourceLocation: sourceLocation)
        #expect(assessment.notices.isEmpty, sourceLocation: sourceLocation)
    }
}

@Suite struct RuleTests {
    // MARK: The base inventory

    @Test func baseInventoryIsApprovedWithoutFindings() {
        let assessment = Fixtures.assess(yaml: RuleYAML.inventory())
        #expect(assessment?.decisions.map(\.placement) == ["pl-1"])
        #expect(assessment?.decision("pl-1")?.outcome == .approve)
        #expect(assessment?.decision("pl-1")?.summaries == [])
    }

    // MARK: SPEC §4: each rule fires, and with one fact changed does not

    static let gdprCases: [RuleCase] = [
        // gdpr.lawful-basis
        RuleCase(name: "lawful-basis: personal data without a lawful basis", dataset: ["lawfulBasis": RuleYAML.omit],
                 expected: ["gdpr.lawful-basis [ds-1]"]),
        RuleCase(name: "lawful-basis: no lawful basis, but not personal data",
                 dataset: ["lawfulBasis": RuleYAML.omit, "personalData": "false"], expected: []),
        RuleCase(name: "lawful-basis: no lawful basis, reached only through the model's lineage (EDPB Opinion 28/2024)",
                 dataset: ["lawfulBasis": RuleYAML.omit], model: ["trainedOn": "[ds-1]"], placement: ["datasets": "[]"],
                 expected: ["gdpr.lawful-basis [ds-1]"]),
        RuleCase(name: "lawful-basis: through lineage, but the model's anonymity was assessed",
                 dataset: ["lawfulBasis": RuleYAML.omit], model: ["trainedOn": "[ds-1]", "anonymityAssessed": "true"],
                 placement: ["datasets": "[]"], expected: []),
        // gdpr.special-category
        RuleCase(name: "special-category: health data without an Art. 9(2) condition",
                 dataset: ["specialCategories": "[health]"], expected: ["gdpr.special-category [ds-1]"]),
        RuleCase(name: "special-category: health data with an Art. 9(2) condition",
                 dataset: ["specialCategories": "[health]", "art9Condition": "explicitConsent"], expected: []),
        // gdpr.criminal-data
        RuleCase(name: "criminal-data: criminal data not authorised", dataset: ["criminalData": "true"],
                 expected: ["gdpr.criminal-data [ds-1]"]),
        RuleCase(name: "criminal-data: criminal data authorised by law",
                 dataset: ["criminalData": "true", "art10Authorised": "true"], expected: []),
        // gdpr.dpia
        RuleCase(name: "dpia: criminal data, DPIA in progress",
                 dataset: ["criminalData": "true", "art10Authorised": "true", "dpia": "inProgress"],
                 expected: ["gdpr.dpia [ds-1]"]),
        RuleCase(name: "dpia: special categories, DPIA not started",
                 dataset: ["specialCategories": "[health]", "art9Condition": "healthCare", "dpia": "notStarted"],
                 expected: ["gdpr.dpia [ds-1]"]),
        RuleCase(name: "dpia: high-risk model, DPIA in progress", dataset: ["dpia": "inProgress"],
                 model: ["riskTier": "high"], placement: ["stage": "development"], expected: ["gdpr.dpia [ds-1]"]),
        RuleCase(name: "dpia: minimal-risk model, DPIA in progress", dataset: ["dpia": "inProgress"],
                 placement: ["stage": "development"], expected: []),
        RuleCase(name: "dpia: high-risk model, DPIA in progress, but not personal data",
                 dataset: ["dpia": "inProgress", "personalData": "false"], model: ["riskTier": "high"],
                 placement: ["stage": "development"], expected: []),
        RuleCase(name: "dpia: criminal data, DPIA completed",
                 dataset: ["criminalData": "true", "art10Authorised": "true", "dpia": "completed"], expected: []),
        // gdpr.transfer
        RuleCase(name: "transfer: EU subjects to India", target: ["country": "IN"], expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "transfer: EU subjects to Japan (adequate)", target: ["country": "JP"], expected: []),
        RuleCase(name: "transfer: US subjects only to India, but the controller is established in Germany (Art. 3(1))",
                 dataset: ["dataSubjects": "[US]"], target: ["country": "IN"], expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "transfer: US subjects only to India by a controller established in the US: no GDPR",
                 dataset: ["dataSubjects": "[US]", "controller": "c-us"], target: ["country": "IN"], expected: []),
        RuleCase(name: "transfer: non-personal data to India", dataset: ["personalData": "false"],
                 target: ["country": "IN"], expected: []),
        RuleCase(name: "transfer: SCCs on the dataset only do not bind the importer",
                 dataset: ["transferMechanisms": "[scc]"], target: ["country": "IN"], expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "transfer: a derogation only is no basis for systematic hosting (EDPB 2/2018)",
                 dataset: ["transferMechanisms": "[derogation]"], target: ["country": "IN", "transferMechanisms": "[derogation]"],
                 expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "transfer: SCCs on the dataset, BCRs on the target: no common safeguard",
                 dataset: ["transferMechanisms": "[scc]"], target: ["country": "IN", "transferMechanisms": "[bcr]"],
                 expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "transfer: remote access from India to an EU region is a transfer",
                 target: ["accessFrom": "[DE, IN]"], expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "transfer: a target in India run by the data's own controller is no transfer",
                 target: ["country": "IN", "operator": "c-1", "accessFrom": "[]", "processorAgreement": "false"], expected: []),
        // gdpr.transfer-assessment
        RuleCase(name: "transfer-assessment: India with SCCs on both sides, no assessment",
                 dataset: ["transferMechanisms": "[scc]"], target: ["country": "IN", "transferMechanisms": "[scc]"],
                 expected: ["gdpr.transfer-assessment [ds-1]"]),
        RuleCase(name: "transfer-assessment: India with BCRs on both sides, no assessment",
                 dataset: ["transferMechanisms": "[bcr]"], target: ["country": "IN", "transferMechanisms": "[bcr]"],
                 expected: ["gdpr.transfer-assessment [ds-1]"]),
        RuleCase(name: "transfer-assessment: India with SCCs on both sides, assessed for India",
                 dataset: ["transferMechanisms": "[scc]", "transferImpactAssessedFor": "[IN]"],
                 target: ["country": "IN", "transferMechanisms": "[scc]"], expected: []),
        RuleCase(name: "transfer-assessment: assessed for India, but the US is reached too and not assessed",
                 dataset: ["transferMechanisms": "[scc]", "transferImpactAssessedFor": "[IN]"],
                 target: ["country": "IN", "transferMechanisms": "[scc]", "accessFrom": "[IN, US]"],
                 expected: ["gdpr.transfer-assessment [ds-1]"]),
        RuleCase(name: "transfer-assessment: SCCs but Germany is no transfer", dataset: ["transferMechanisms": "[scc]"],
                 target: ["transferMechanisms": "[scc]"], expected: []),
        // gdpr.processor-contract
        RuleCase(name: "processor-contract: a processor without an Art. 28 agreement",
                 target: ["processorAgreement": "false"], expected: ["gdpr.processor-contract [ds-1]"]),
        RuleCase(name: "processor-contract: the controller's own data centre needs none",
                 target: ["processorAgreement": "false", "operator": "c-1", "accessFrom": "[]"], expected: []),
        RuleCase(name: "processor-contract: another controller's data centre is a processor to c-1",
                 target: ["processorAgreement": "false", "operator": "c-us", "accessFrom": "[]"],
                 expected: ["gdpr.processor-contract [ds-1]"]),
        RuleCase(name: "processor-contract: not personal data",
                 dataset: ["personalData": "false"], target: ["processorAgreement": "false"], expected: []),
        // gdpr.purpose-limitation
        RuleCase(name: "purpose-limitation: training on personal data without a compatibility assessment",
                 placement: ["workload": "training", "stage": "development"], expected: ["gdpr.purpose-limitation [ds-1]"]),
        RuleCase(name: "purpose-limitation: fine-tuning on personal data without a compatibility assessment",
                 placement: ["workload": "fineTuning", "stage": "development"], expected: ["gdpr.purpose-limitation [ds-1]"]),
        RuleCase(name: "purpose-limitation: training with the purpose documented as compatible",
                 dataset: ["trainingPurposeCompatible": "true"], placement: ["workload": "training", "stage": "development"],
                 expected: []),
    ]

    static let residencyAndPlatformCases: [RuleCase] = [
        // residency.location
        RuleCase(name: "location: residency [FR], target in DE", dataset: ["residency": "[FR]"],
                 expected: ["residency.location [ds-1]"]),
        RuleCase(name: "location: residency [DE], target in DE", dataset: ["residency": "[DE]"], expected: []),
        RuleCase(name: "location: residency [EU], target in DE", dataset: ["residency": "[EU]"], expected: []),
        RuleCase(name: "location: residency [EU], target in CH (adequate, outside the EU)", dataset: ["residency": "[EU]"],
                 target: ["country": "CH"], expected: ["residency.location [ds-1]"]),
        RuleCase(name: "location: residency [FR, CH], target in CH", dataset: ["residency": "[FR, CH]"],
                 target: ["country": "CH"], expected: []),
        // residency.sovereign
        RuleCase(name: "sovereign: restricted data on a non-sovereign target", dataset: ["classification": "restricted"],
                 expected: ["residency.sovereign [ds-1]"]),
        RuleCase(name: "sovereign: restricted data on a sovereign target", dataset: ["classification": "restricted"],
                 target: ["sovereign": "true"], expected: []),
        RuleCase(name: "sovereign: confidential data on a non-sovereign target", dataset: ["classification": "confidential"],
                 expected: []),
        // platform.framework
        RuleCase(name: "framework: ray asked, target offers spark", placement: ["framework": "ray"],
                 expected: ["platform.framework [t-1]"]),
        RuleCase(name: "framework: spark asked, target offers spark", placement: ["framework": "spark"], expected: []),
        RuleCase(name: "framework: spark asked, target offers none", target: ["frameworks": RuleYAML.omit],
                 placement: ["framework": "spark"], expected: ["platform.framework [t-1]"]),
        RuleCase(name: "framework: none asked, target offers none", target: ["frameworks": RuleYAML.omit], expected: []),
    ]

    static let aiActCases: [RuleCase] = [
        // aiact.prohibited
        RuleCase(name: "prohibited: social scoring declared prohibited",
                 model: ["useCase": "prohibited.socialScoring", "riskTier": "prohibited"], expected: ["aiact.prohibited [m-1]"]),
        RuleCase(name: "prohibited: general use case declared prohibited", model: ["riskTier": "prohibited"],
                 expected: ["aiact.prohibited [m-1]"]),
        RuleCase(name: "prohibited: manipulation declared minimal",
                 model: ["useCase": "prohibited.manipulation", "riskTier": "minimal"],
                 expected: ["aiact.prohibited [m-1]", "aiact.tier-understated [m-1]"]),
        RuleCase(name: "prohibited: general use case declared high (not prohibited)", model: ["riskTier": "high"],
                 placement: ["stage": "development"], expected: []),
        // aiact.tier-understated
        RuleCase(name: "tier-understated: employment declared minimal",
                 model: ["useCase": "annex3.employment", "riskTier": "minimal"], expected: ["aiact.tier-understated [m-1]"]),
        RuleCase(name: "tier-understated: employment declared limited",
                 model: ["useCase": "annex3.employment", "riskTier": "limited", "transparencyNotice": "true"],
                 expected: ["aiact.tier-understated [m-1]"]),
        RuleCase(name: "tier-understated: employment declared high",
                 model: ["useCase": "annex3.employment", "riskTier": "high"], placement: ["stage": "development"], expected: []),
        RuleCase(name: "tier-understated: chatbot declared minimal (Art. 50 follows the use case too)",
                 model: ["useCase": "transparency.chatbot", "riskTier": "minimal"],
                 expected: ["aiact.tier-understated [m-1]", "aiact.transparency [m-1]"]),
        RuleCase(name: "tier-understated: chatbot declared limited",
                 model: ["useCase": "transparency.chatbot", "riskTier": "limited", "transparencyNotice": "true"], expected: []),
        RuleCase(name: "tier-understated: social scoring declared high",
                 model: ["useCase": "prohibited.socialScoring", "riskTier": "high"], placement: ["stage": "development"],
                 expected: ["aiact.prohibited [m-1]", "aiact.tier-understated [m-1]"]),
        // aiact.high-risk-conformity, -registration, -oversight
        RuleCase(name: "high-risk: every obligation met", model: highRisk(), expected: []),
        RuleCase(name: "conformity: assessment in progress", model: highRisk(["conformityAssessment": "inProgress"]),
                 expected: ["aiact.high-risk-conformity [m-1]"]),
        RuleCase(name: "conformity: assessment in progress, batch scoring",
                 model: highRisk(["conformityAssessment": "inProgress"]), placement: ["workload": "batchScoring"],
                 expected: ["aiact.high-risk-conformity [m-1]"]),
        RuleCase(name: "conformity: assessment in progress, but in staging",
                 model: highRisk(["conformityAssessment": "inProgress"]), placement: ["stage": "staging"], expected: []),
        RuleCase(name: "conformity: assessment in progress, but training",
                 dataset: ["trainingPurposeCompatible": "true"], model: highRisk(["conformityAssessment": "inProgress"]),
                 placement: ["workload": "training"], expected: []),
        RuleCase(name: "conformity: assessment in progress, but fine-tuning",
                 dataset: ["trainingPurposeCompatible": "true"], model: highRisk(["conformityAssessment": "inProgress"]),
                 placement: ["workload": "fineTuning"], expected: []),
        RuleCase(name: "registration: no EU database id", model: highRisk(["euDatabaseId": RuleYAML.omit]),
                 expected: ["aiact.high-risk-registration [m-1]"]),
        RuleCase(name: "registration: no EU database id, but in development",
                 model: highRisk(["euDatabaseId": RuleYAML.omit]), placement: ["stage": "development"], expected: []),
        RuleCase(name: "oversight: no human oversight", model: highRisk(["humanOversight": "false"]),
                 expected: ["aiact.high-risk-oversight [m-1]"]),
        RuleCase(name: "oversight: no human oversight, but in staging", model: highRisk(["humanOversight": "false"]),
                 placement: ["stage": "staging"], expected: []),
        RuleCase(name: "high-risk: no obligation met",
                 model: ["riskTier": "high"],
                 expected: ["aiact.high-risk-conformity [m-1]", "aiact.high-risk-oversight [m-1]",
                            "aiact.high-risk-registration [m-1]"]),
        RuleCase(name: "high-risk: no obligation met, but declared limited with a notice",
                 model: ["riskTier": "limited", "transparencyNotice": "true"], expected: []),
        // aiact.transparency
        RuleCase(name: "transparency: limited in production without a notice", model: ["riskTier": "limited"],
                 expected: ["aiact.transparency [m-1]"]),
        RuleCase(name: "transparency: limited in production with a notice",
                 model: ["riskTier": "limited", "transparencyNotice": "true"], expected: []),
        RuleCase(name: "transparency: limited in staging without a notice", model: ["riskTier": "limited"],
                 placement: ["stage": "staging"], expected: []),
        RuleCase(name: "transparency: minimal in production without a notice", expected: []),
        // aiact.gpai-systemic-risk
        RuleCase(name: "gpai-systemic-risk: 2e25 FLOPs unmitigated", model: gpai(),
                 expected: ["aiact.gpai-systemic-risk [m-1]"]),
        RuleCase(name: "gpai-systemic-risk: 2e25 FLOPs mitigated", model: gpai(["systemicRiskMitigation": "true"]),
                 expected: []),
        RuleCase(name: "gpai-systemic-risk: designated by the Commission at 1e24 FLOPs (Art. 51(1)(b))",
                 model: gpai(["trainingFlops": "1e24", "systemicRiskDesignated": "true"]),
                 expected: ["aiact.gpai-systemic-risk [m-1]"]),
        RuleCase(name: "gpai-systemic-risk: 2e25 FLOPs but not declared GPAI: only the classification warning",
                 model: gpai(["gpai": "false"]), expected: ["aiact.gpai-classification [m-1]"]),
        // aiact.gpai-documentation, aiact.gpai-copyright
        RuleCase(name: "gpai-documentation: GPAI without documentation",
                 model: ["gpai": "true", "copyrightPolicy": "true", "trainingContentSummary": "true"],
                 expected: ["aiact.gpai-documentation [m-1]"]),
        RuleCase(name: "gpai-documentation: GPAI with documentation",
                 model: ["gpai": "true", "technicalDocumentation": "true", "copyrightPolicy": "true",
                         "trainingContentSummary": "true"], expected: []),
        RuleCase(name: "gpai-documentation: open-source GPAI is exempt (Art. 53(2))",
                 model: ["gpai": "true", "openSource": "true", "copyrightPolicy": "true", "trainingContentSummary": "true"],
                 expected: []),
        RuleCase(name: "gpai-documentation: open-source GPAI with systemic risk is not exempt",
                 model: gpai(["openSource": "true", "technicalDocumentation": "false", "systemicRiskMitigation": "true"]),
                 expected: ["aiact.gpai-documentation [m-1]"]),
        RuleCase(name: "gpai-documentation: GPAI at 2e25 FLOPs, neither documented nor mitigated",
                 model: gpai(["technicalDocumentation": "false"]),
                 expected: ["aiact.gpai-documentation [m-1]", "aiact.gpai-systemic-risk [m-1]"]),
        RuleCase(name: "gpai-copyright: no copyright policy", model: gpai(["copyrightPolicy": "false", "systemicRiskMitigation": "true"]),
                 expected: ["aiact.gpai-copyright [m-1]"]),
        RuleCase(name: "gpai-copyright: open source is no exemption from the training-content summary",
                 model: ["gpai": "true", "openSource": "true", "copyrightPolicy": "true"],
                 expected: ["aiact.gpai-copyright [m-1]"]),
        // aiact.gpai-classification
        RuleCase(name: "gpai-classification: 2e23 FLOPs, not declared GPAI", model: ["trainingFlops": "2e23"],
                 expected: ["aiact.gpai-classification [m-1]"]),
        RuleCase(name: "gpai-classification: exactly 1e23 FLOPs is not above the criterion", model: ["trainingFlops": "1e23"],
                 expected: []),
        // aiact.prohibited-intimate-imagery
        RuleCase(name: "prohibited-intimate-imagery: declared high",
                 model: ["useCase": "prohibited.intimateImageAbuse", "riskTier": "high"], placement: ["stage": "development"],
                 expected: ["aiact.prohibited-intimate-imagery [m-1]", "aiact.tier-understated [m-1]"]),
        RuleCase(name: "prohibited-intimate-imagery: declared high, the day before the omnibus prohibition",
                 model: ["useCase": "prohibited.intimateImageAbuse", "riskTier": "high"], placement: ["stage": "development"],
                 asOf: "2026-12-01", expected: []),
        RuleCase(name: "prohibited-intimate-imagery: declared high, the day the omnibus prohibition applies",
                 model: ["useCase": "prohibited.intimateImageAbuse", "riskTier": "high"], placement: ["stage": "development"],
                 asOf: "2026-12-02", expected: ["aiact.prohibited-intimate-imagery [m-1]"]),
        // aiact.fundamental-rights-assessment
        RuleCase(name: "fria: credit scoring without an Art. 27 assessment",
                 model: highRisk(["useCase": "annex3.creditScoring"]), expected: ["aiact.fundamental-rights-assessment [m-1]"]),
        RuleCase(name: "fria: credit scoring with a completed assessment",
                 model: highRisk(["useCase": "annex3.creditScoring"]), placement: ["fria": "completed"], expected: []),
        RuleCase(name: "fria: education by a public-service deployer",
                 model: highRisk(["useCase": "annex3.education"]), placement: ["publicService": "true"],
                 expected: ["aiact.fundamental-rights-assessment [m-1]"]),
        RuleCase(name: "fria: education by a private deployer", model: highRisk(["useCase": "annex3.education"]), expected: []),
        RuleCase(name: "fria: critical infrastructure is excluded even for a public body",
                 model: highRisk(["useCase": "annex3.criticalInfrastructure"]), placement: ["publicService": "true"],
                 expected: []),
    ]

    @Test(arguments: gdprCases) func gdprRule(_ testCase: RuleCase) {
        testCase.check()
    }

    @Test(arguments: residencyAndPlatformCases) func residencyAndPlatformRule(_ testCase: RuleCase) {
        testCase.check()
    }

    @Test(arguments: aiActCases) func aiActRule(_ testCase: RuleCase) {
        testCase.check()
    }

    /// Every rule of SPEC §4 appears in some firing case above, with its effect.
    @Test func tablesFireEveryRuleOfTheBaselinePack() {
        let fired = Set((Self.gdprCases + Self.residencyAndPlatformCases + Self.aiActCases).flatMap(\.expected).map(rule(of:)))
        #expect(fired == [
            "gdpr.lawful-basis", "gdpr.special-category", "gdpr.criminal-data", "gdpr.purpose-limitation", "gdpr.dpia",
            "gdpr.transfer", "gdpr.transfer-assessment", "gdpr.processor-contract", "residency.location",
            "residency.sovereign", "aiact.prohibited", "aiact.prohibited-intimate-imagery", "aiact.tier-understated",
            "aiact.high-risk-conformity", "aiact.high-risk-registration", "aiact.high-risk-oversight",
            "aiact.fundamental-rights-assessment", "aiact.transparency", "aiact.gpai-systemic-risk",
            "aiact.gpai-documentation", "aiact.gpai-copyright", "aiact.gpai-classification", "platform.framework",
        ])
        #expect(Set(Fixtures.baseline.rules.map(\.id)) == fired)
    }

    /// The effect, waivability and effective date of each rule, as SPEC §4's table gives them.
    @Test(arguments: [
        ("gdpr.lawful-basis", "block", ""), ("gdpr.special-category", "block", ""), ("gdpr.criminal-data", "block", ""),
        ("gdpr.purpose-limitation", "block", ""), ("gdpr.dpia", "block", ""), ("gdpr.transfer", "block", ""),
        ("gdpr.transfer-assessment", "block", ""), ("gdpr.processor-contract", "block", ""),
        ("residency.location", "block", ""), ("residency.sovereign", "block", ""),
        ("aiact.prohibited", "block unwaivable", "2025-02-02"),
        ("aiact.prohibited-intimate-imagery", "block unwaivable", "2026-12-02"), ("aiact.tier-understated", "block", "2027-12-02"),
        ("aiact.high-risk-conformity", "block", "2027-12-02"), ("aiact.high-risk-registration", "block", "2027-12-02"),
        ("aiact.high-risk-oversight", "block", "2027-12-02"), ("aiact.fundamental-rights-assessment", "block", "2027-12-02"),
        ("aiact.transparency", "block", "2026-08-02"), ("aiact.gpai-systemic-risk", "block", "2025-08-02"),
        ("aiact.gpai-documentation", "block", "2025-08-02"), ("aiact.gpai-copyright", "block", "2025-08-02"),
        ("aiact.gpai-classification", "warn", "2025-08-02"), ("platform.framework", "block", ""),
    ])
    func ruleHeaderMatchesSpec(id: String, effect: String, effective: String) {
        let definition = Fixtures.baseline.rules.first { $0.id == id }
        #expect(definition.map { $0.effect.rawValue + ($0.unwaivable ? " unwaivable" : "") } == effect)
        #expect(definition.map { $0.effective?.description ?? "" } == effective)
    }

    // MARK: SPEC §4: effective dates (silent the day before, in force on the date)

    static let effectiveDateCases: [RuleCase] = {
        let prohibited = ["useCase": "prohibited.socialScoring", "riskTier": "prohibited"]
        let systemic = gpai(["technicalDocumentation": "false"])
        let limited = ["riskTier": "limited"]
        let understated = ["useCase": "annex3.employment", "riskTier": "minimal"]
        let unmetHighRisk = ["useCase": "annex3.employment", "riskTier": "high"]
        return [
            RuleCase(name: "aiact.prohibited", model: prohibited, asOf: "2025-02-01", expected: []),
            RuleCase(name: "aiact.prohibited", model: prohibited, asOf: "2025-02-02", expected: ["aiact.prohibited [m-1]"]),
            RuleCase(name: "aiact.gpai-*", model: systemic, asOf: "2025-08-01", expected: []),
            RuleCase(name: "aiact.gpai-*", model: systemic, asOf: "2025-08-02",
                     expected: ["aiact.gpai-documentation [m-1]", "aiact.gpai-systemic-risk [m-1]"]),
            RuleCase(name: "aiact.gpai-classification", model: ["trainingFlops": "2e23"], asOf: "2025-08-01", expected: []),
            RuleCase(name: "aiact.gpai-classification", model: ["trainingFlops": "2e23"], asOf: "2025-08-02",
                     expected: ["aiact.gpai-classification [m-1]"]),
            RuleCase(name: "aiact.transparency", model: limited, asOf: "2026-08-01", expected: []),
            RuleCase(name: "aiact.transparency", model: limited, asOf: "2026-08-02", expected: ["aiact.transparency [m-1]"]),
            RuleCase(name: "aiact.tier-understated", model: understated, asOf: "2027-12-01", expected: []),
            RuleCase(name: "aiact.tier-understated", model: understated, asOf: "2027-12-02",
                     expected: ["aiact.tier-understated [m-1]"]),
            RuleCase(name: "aiact.high-risk-*", model: unmetHighRisk, asOf: "2027-12-01", expected: []),
            RuleCase(name: "aiact.high-risk-*", model: unmetHighRisk, asOf: "2027-12-02",
                     expected: ["aiact.high-risk-conformity [m-1]", "aiact.high-risk-oversight [m-1]",
                                "aiact.high-risk-registration [m-1]"]),
            // Per-model dates (SPEC §4): Annex I products from 2028-08-02 (omnibus).
            RuleCase(name: "Annex I product, conformity", model: ["riskTier": "high", "annexIProduct": "true", "euDatabaseId": "E-1",
                                                                  "humanOversight": "true"],
                     asOf: "2028-08-01", expected: []),
            RuleCase(name: "Annex I product, conformity", model: ["riskTier": "high", "annexIProduct": "true", "euDatabaseId": "E-1",
                                                                  "humanOversight": "true"],
                     asOf: "2028-08-02", expected: ["aiact.high-risk-conformity [m-1]"]),
            // GPAI models on the market before 2025-08-02 comply by 2027-08-02 (Art. 111(3)).
            RuleCase(name: "GPAI placed on the market 2025-08-01", model: gpai(["placedOnMarket": "2025-08-01"]),
                     asOf: "2027-08-01", expected: []),
            RuleCase(name: "GPAI placed on the market 2025-08-01", model: gpai(["placedOnMarket": "2025-08-01"]),
                     asOf: "2027-08-02", expected: ["aiact.gpai-systemic-risk [m-1]"]),
            RuleCase(name: "GPAI placed on the market 2025-08-02", model: gpai(["placedOnMarket": "2025-08-02"]),
                     asOf: "2025-08-02", expected: ["aiact.gpai-systemic-risk [m-1]"]),
            // Art. 50(2) marking by systems on the market before 2026-08-02: grace to 2026-12-02.
            RuleCase(name: "synthetic content placed 2026-08-01", model: ["useCase": "transparency.syntheticContent",
                                                                          "riskTier": "limited", "placedOnMarket": "2026-08-01"],
                     asOf: "2026-12-01", expected: []),
            RuleCase(name: "synthetic content placed 2026-08-01", model: ["useCase": "transparency.syntheticContent",
                                                                          "riskTier": "limited", "placedOnMarket": "2026-08-01"],
                     asOf: "2026-12-02", expected: ["aiact.transparency [m-1]"]),
            RuleCase(name: "synthetic content placed 2026-08-02", model: ["useCase": "transparency.syntheticContent",
                                                                          "riskTier": "limited", "placedOnMarket": "2026-08-02"],
                     asOf: "2026-08-02", expected: ["aiact.transparency [m-1]"]),
            RuleCase(name: "a chatbot placed 2026-08-01 gets no marking grace", model: ["useCase": "transparency.chatbot",
                                                                                         "riskTier": "limited", "placedOnMarket": "2026-08-01"],
                     asOf: "2026-08-02", expected: ["aiact.transparency [m-1]"]),
            // A rule without an effective date applies on any date.
            RuleCase(name: "gdpr.lawful-basis", dataset: ["lawfulBasis": RuleYAML.omit], asOf: "2018-05-25",
                     expected: ["gdpr.lawful-basis [ds-1]"]),
        ]
    }()

    @Test(arguments: effectiveDateCases) func effectiveDate(_ testCase: RuleCase) {
        testCase.check()
    }

    // MARK: SPEC §4: traps in located(P), adequacy, the EEA and the tiers

    static let semanticCases: [RuleCase] = [
        // One finding for a dataset reached directly and through lineage.
        RuleCase(name: "direct and lineage: one transfer finding", model: ["trainedOn": "[ds-1]"],
                 target: ["country": "IN"], expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "direct and lineage: one sovereign finding",
                 dataset: ["classification": "restricted"], model: ["trainedOn": "[ds-1]"],
                 expected: ["residency.sovereign [ds-1]"]),
        RuleCase(name: "lineage only: transfer still found", model: ["trainedOn": "[ds-1]"],
                 target: ["country": "IN"], placement: ["datasets": "[]"], expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "lineage only: residency still binds", dataset: ["residency": "[FR]"],
                 model: ["trainedOn": "[ds-1]"], placement: ["datasets": "[]"], expected: ["residency.location [ds-1]"]),
        // anonymityAssessed: lineage ignored, direct datasets still count.
        RuleCase(name: "anonymity assessed: lineage transfer ignored",
                 model: ["trainedOn": "[ds-1]", "anonymityAssessed": "true"], target: ["country": "IN"],
                 placement: ["datasets": "[]"], expected: []),
        RuleCase(name: "anonymity assessed: lineage sovereignty ignored", dataset: ["classification": "restricted"],
                 model: ["trainedOn": "[ds-1]", "anonymityAssessed": "true"], placement: ["datasets": "[]"],
                 expected: []),
        RuleCase(name: "anonymity assessed: a direct dataset still counts",
                 model: ["trainedOn": "[ds-1]", "anonymityAssessed": "true"], target: ["country": "IN"],
                 expected: ["gdpr.transfer [ds-1]"]),
        // Storage without a model: the AI Act rules are silent, the data rules are not.
        RuleCase(name: "storage without a model: AI Act silent",
                 model: ["useCase": "prohibited.socialScoring", "riskTier": "minimal", "gpai": "true", "trainingFlops": "1e26"],
                 placement: ["workload": "storage", "model": RuleYAML.omit], expected: []),
        RuleCase(name: "the same model placed for inference",
                 model: ["useCase": "prohibited.socialScoring", "riskTier": "minimal", "gpai": "true", "trainingFlops": "1e26"],
                 expected: ["aiact.gpai-copyright [m-1]", "aiact.gpai-documentation [m-1]", "aiact.gpai-systemic-risk [m-1]",
                            "aiact.prohibited [m-1]", "aiact.tier-understated [m-1]"]),
        RuleCase(name: "storage without a model: restricted data still needs sovereignty",
                 dataset: ["classification": "restricted"], placement: ["workload": "storage", "model": RuleYAML.omit],
                 expected: ["residency.sovereign [ds-1]"]),
        RuleCase(name: "storage without a model: transfer still found", target: ["country": "IN"],
                 placement: ["workload": "storage", "model": RuleYAML.omit], expected: ["gdpr.transfer [ds-1]"]),
        // United States: adequate only with DPF certification and from 2023-07-10.
        RuleCase(name: "US, DPF-certified, day before the DPF", target: ["country": "US", "dpfCertified": "true"],
                 asOf: "2023-07-09", expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "US, DPF-certified, on the DPF date", target: ["country": "US", "dpfCertified": "true"],
                 asOf: "2023-07-10", expected: []),
        RuleCase(name: "US, DPF-certified", target: ["country": "US", "dpfCertified": "true"], expected: []),
        RuleCase(name: "US, not DPF-certified", target: ["country": "US", "dpfCertified": "false"],
                 expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "DPF certification outside the US does not make India adequate",
                 target: ["country": "IN", "dpfCertified": "true"], expected: ["gdpr.transfer [ds-1]"]),
        // Brazil: adequate from 2026-01-26 (Implementing Decision (EU) 2026/179).
        RuleCase(name: "Brazil, day before adequacy", target: ["country": "BR", "accessFrom": "[BR]"], asOf: "2026-01-25",
                 expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "Brazil, on the adequacy date", target: ["country": "BR", "accessFrom": "[BR]"], asOf: "2026-01-26",
                 expected: []),
        // United Kingdom: the renewal applies until 27 December 2031, that day included.
        RuleCase(name: "UK, last day of the renewed decision", target: ["country": "GB", "accessFrom": "[GB]"],
                 asOf: "2031-12-27", expected: []),
        RuleCase(name: "UK, the day the decision lapses", target: ["country": "GB", "accessFrom": "[GB]"],
                 asOf: "2031-12-28", expected: ["gdpr.transfer [ds-1]"]),
        // The EU includes the outermost regions and Åland.
        RuleCase(name: "Réunion (outermost region) is in the EU", target: ["country": "RE", "accessFrom": "[RE]"],
                 expected: []),
        RuleCase(name: "Åland is in the EU", target: ["country": "AX", "accessFrom": "[AX]"], expected: []),
        RuleCase(name: "residency [FR] does not cover Réunion", dataset: ["residency": "[FR]"],
                 target: ["country": "RE", "accessFrom": "[RE]"], expected: ["residency.location [ds-1]"]),
        RuleCase(name: "the Faroe Islands are outside the EU but adequate", dataset: ["residency": "[EU]"],
                 target: ["country": "FO", "accessFrom": "[FO]"], expected: ["residency.location [ds-1]"]),
        // Norway: in the EEA, not in the EU.
        RuleCase(name: "Norway target: no transfer", target: ["country": "NO"], expected: []),
        RuleCase(name: "Norway target, residency [EU]", dataset: ["residency": "[EU]"], target: ["country": "NO"],
                 expected: ["residency.location [ds-1]"]),
        RuleCase(name: "Norway target, residency [EEA]", dataset: ["residency": "[EEA]"], target: ["country": "NO"],
                 expected: []),
        RuleCase(name: "Norway target, residency [NO]", dataset: ["residency": "[NO]"], target: ["country": "NO"],
                 expected: []),
        // Data subjects: EEA countries, EU and EEA count; others do not.
        RuleCase(name: "subjects [NO] to India", dataset: ["dataSubjects": "[NO]"], target: ["country": "IN"],
                 expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "subjects [EEA] to India", dataset: ["dataSubjects": "[EEA]"], target: ["country": "IN"],
                 expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "subjects [IS] to India", dataset: ["dataSubjects": "[IS]"], target: ["country": "IN"],
                 expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "subjects [CH, US] to India, by a controller in Germany", dataset: ["dataSubjects": "[CH, US]"],
                 target: ["country": "IN"], expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "subjects [CH, US] to India, by a controller in the US", dataset: ["dataSubjects": "[CH, US]", "controller": "c-us"],
                 target: ["country": "IN"], expected: []),
        RuleCase(name: "subjects [US, GR] to India", dataset: ["dataSubjects": "[US, GR]"], target: ["country": "IN"],
                 expected: ["gdpr.transfer [ds-1]"]),
        // anonymised: the GDPR rules do not apply; the residency rules still do.
        RuleCase(name: "everything wrong, not anonymised",
                 dataset: ["lawfulBasis": RuleYAML.omit, "specialCategories": "[health]", "criminalData": "true",
                           "dpia": "notStarted"],
                 target: ["country": "IN"],
                 expected: ["gdpr.criminal-data [ds-1]", "gdpr.dpia [ds-1]", "gdpr.lawful-basis [ds-1]",
                            "gdpr.special-category [ds-1]", "gdpr.transfer [ds-1]"]),
        RuleCase(name: "everything wrong, anonymised",
                 dataset: ["lawfulBasis": RuleYAML.omit, "specialCategories": "[health]", "criminalData": "true",
                           "dpia": "notStarted", "anonymised": "true"],
                 target: ["country": "IN"], expected: []),
        RuleCase(name: "anonymised, scc, to India: no transfer assessment either",
                 dataset: ["anonymised": "true", "transferMechanisms": "[scc]"], target: ["country": "IN"], expected: []),
        RuleCase(name: "anonymised restricted data: residency still binds",
                 dataset: ["anonymised": "true", "classification": "restricted", "residency": "[FR]"],
                 expected: ["residency.location [ds-1]", "residency.sovereign [ds-1]"]),
        // Transfer mechanisms: an Art. 46 safeguard on both sides still needs an assessment; a
        // derogation never suffices.
        RuleCase(name: "SCCs on both sides to a non-DPF US target: the assessment is missing",
                 dataset: ["transferMechanisms": "[scc]"], target: ["country": "US", "transferMechanisms": "[scc]"],
                 expected: ["gdpr.transfer-assessment [ds-1]"]),
        RuleCase(name: "derogation to a non-DPF US target: a transfer without a Chapter V tool",
                 dataset: ["transferMechanisms": "[derogation]"], target: ["country": "US"], expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "an EU region run by a US provider without DPF, reached from the US",
                 target: ["accessFrom": "[DE, US]", "dpfCertified": "false"], expected: ["gdpr.transfer [ds-1]"]),
        RuleCase(name: "an EU region run by a DPF-certified US provider, reached from the US",
                 target: ["accessFrom": "[DE, US]", "dpfCertified": "true"], expected: []),
        // Art. 6(3): the exemption holds only without profiling.
        RuleCase(name: "annex III, exemption, no profiling, declared minimal: still registered (Art. 49(2))",
                 model: ["useCase": "annex3.education", "riskTier": "minimal", "article6Exemption": "true",
                         "profiling": "false"], expected: ["aiact.high-risk-registration [m-1]"]),
        RuleCase(name: "annex III, exemption, no profiling, declared minimal, registered",
                 model: ["useCase": "annex3.education", "riskTier": "minimal", "article6Exemption": "true",
                         "profiling": "false", "euDatabaseId": "EUDB-1"], expected: []),
        RuleCase(name: "annex III, exemption, profiling, declared minimal",
                 model: ["useCase": "annex3.education", "riskTier": "minimal", "article6Exemption": "true",
                         "profiling": "true"], expected: ["aiact.high-risk-registration [m-1]", "aiact.tier-understated [m-1]"]),
        RuleCase(name: "annex III, no exemption, no profiling, declared minimal",
                 model: ["useCase": "annex3.education", "riskTier": "minimal", "article6Exemption": "false",
                         "profiling": "false"], expected: ["aiact.tier-understated [m-1]"]),
        // Art. 51(2): systemic risk is presumed above ("greater than") 10^25 FLOPs, not at it.
        RuleCase(name: "GPAI at exactly 1e25 FLOPs", model: gpai(["trainingFlops": "1e25"]), expected: []),
        RuleCase(name: "GPAI at 10000000000000000000000000 FLOPs", model: gpai(["trainingFlops": "10000000000000000000000000"]),
                 expected: []),
        RuleCase(name: "GPAI just above 1e25 FLOPs", model: gpai(["trainingFlops": "1.0000001e25"]),
                 expected: ["aiact.gpai-systemic-risk [m-1]"]),
        RuleCase(name: "GPAI at 9.9e24 FLOPs", model: gpai(["trainingFlops": "9.9e24"]), expected: []),
    ]

    @Test(arguments: semanticCases) func semantics(_ testCase: RuleCase) {
        testCase.check()
    }

    // MARK: SPEC §2.7: waivers

    /// pl-1 holds restricted data on a non-sovereign target: residency.sovereign blocks it.
    static func waivedInventory(_ waivers: [String], dataset: [String: String] = [:]) -> String {
        RuleYAML.inventory(dataset: ["classification": "restricted"].merging(dataset) { $1 }, extra: waivers)
    }

    struct WaiverCase: Sendable, CustomTestStringConvertible {
        var asOf: String
        var summaries: [String]
        var outcome: Outcome
        var notices: [String]
        var testDescription: String { "as of \(asOf)" }
    }

    static let expiryCases: [WaiverCase] = [
        WaiverCase(asOf: "2026-01-01", summaries: ["residency.sovereign [ds-1] waived"], outcome: .approve, notices: []),
        WaiverCase(asOf: "2027-06-29", summaries: ["residency.sovereign [ds-1] waived"], outcome: .approve, notices: []),
        WaiverCase(asOf: "2027-06-30", summaries: ["residency.sovereign [ds-1]"], outcome: .block,
                   notices: ["w-1: expired on 2027-06-30"]),
        WaiverCase(asOf: "2027-07-01", summaries: ["residency.sovereign [ds-1]"], outcome: .block,
                   notices: ["w-1: expired on 2027-06-30"]),
        WaiverCase(asOf: "2028-06-30", summaries: ["residency.sovereign [ds-1]"], outcome: .block,
                   notices: ["w-1: expired on 2027-06-30"]),
    ]

    @Test(arguments: expiryCases) func waiverHoldsOnDaysBeforeItExpires(_ testCase: WaiverCase) {
        let yaml = Self.waivedInventory([RuleYAML.waiver("w-1", rule: "residency.sovereign", expires: "2027-06-30")])
        let assessment = Fixtures.assess(yaml: yaml, asOf: testCase.asOf)
        let decision = assessment?.decision("pl-1")
        #expect(decision?.summaries == testCase.summaries)
        #expect(decision?.outcome == testCase.outcome)
        #expect(decision?.findings.map(\.waived) == [testCase.outcome == .approve])
        #expect(assessment?.notices.map { "\($0.waiver): \($0.message)" } == testCase.notices)
    }

    @Test func waivedFindingNamesItsWaiverAndKeepsItsEffect() {
        let yaml = Self.waivedInventory([RuleYAML.waiver("w-1", rule: "residency.sovereign", expires: "2027-06-30")])
        let finding = Fixtures.assess(yaml: yaml, asOf: "2027-06-29")?.decision("pl-1")?.findings.first
        #expect(finding?.waiver == "w-1")
        #expect(finding?.effect == .block)
        #expect(finding?.subjects == ["ds-1"])
        let summary = Fixtures.assess(yaml: yaml, asOf: "2027-06-29")?.summary
        #expect(summary?.approved == 1)
        #expect(summary?.blocked == 0)
        #expect(summary?.waived == 1)
    }

    @Test func waiverOnUnwaivableRuleIsIgnoredWithANotice() {
        let yaml = RuleYAML.inventory(model: ["useCase": "prohibited.socialScoring", "riskTier": "prohibited"],
                                      extra: [RuleYAML.waiver("w-1", rule: "aiact.prohibited", expires: "2099-01-01")])
        let assessment = Fixtures.assess(yaml: yaml, asOf: "2028-01-01")
        let decision = assessment?.decision("pl-1")
        #expect(decision?.summaries == ["aiact.prohibited [m-1]"])
        #expect(decision?.outcome == .block)
        #expect(assessment?.notices.map(\.waiver) == ["w-1"])
        #expect(assessment?.notices.first?.message.contains("unwaivable") == true)
    }

    @Test func waiverCoversOnlyItsPlacement() {
        let second = RuleYAML.manifest("Placement", "pl-2", RuleYAML.placement)
        let yaml = Self.waivedInventory([second, RuleYAML.waiver("w-1", rule: "residency.sovereign", expires: "2027-06-30")])
        let assessment = Fixtures.assess(yaml: yaml, asOf: "2027-01-01")
        #expect(assessment?.decisions.map(\.placement) == ["pl-1", "pl-2"])
        #expect(assessment?.decision("pl-1")?.summaries == ["residency.sovereign [ds-1] waived"])
        #expect(assessment?.decision("pl-1")?.outcome == .approve)
        #expect(assessment?.decision("pl-2")?.summaries == ["residency.sovereign [ds-1]"])
        #expect(assessment?.decision("pl-2")?.outcome == .block)
        #expect(assessment?.notices.isEmpty == true)
    }

    @Test func waiverCoversOnlyItsRule() {
        let yaml = Self.waivedInventory([RuleYAML.waiver("w-1", rule: "residency.sovereign", expires: "2027-06-30")],
                                        dataset: ["lawfulBasis": RuleYAML.omit])
        let decision = Fixtures.assess(yaml: yaml, asOf: "2027-01-01")?.decision("pl-1")
        #expect(decision?.summaries == ["gdpr.lawful-basis [ds-1]", "residency.sovereign [ds-1] waived"])
        #expect(decision?.outcome == .block)
    }

    @Test func waiverOnARuleThatDoesNotFireChangesNothing() {
        let yaml = Self.waivedInventory([RuleYAML.waiver("w-1", rule: "gdpr.transfer", expires: "2027-06-30")])
        let assessment = Fixtures.assess(yaml: yaml, asOf: "2027-01-01")
        #expect(assessment?.decision("pl-1")?.summaries == ["residency.sovereign [ds-1]"])
        #expect(assessment?.decision("pl-1")?.outcome == .block)
    }

    @Test func waiverDoesNotWaiveAWarning() {
        let yaml = RuleYAML.inventory(model: ["trainingFlops": "2e23"],
                                      extra: [RuleYAML.waiver("w-1", rule: "aiact.gpai-classification", expires: "2099-01-01")])
        let decision = Fixtures.assess(yaml: yaml, asOf: "2028-01-01")?.decision("pl-1")
        #expect(decision?.summaries == ["aiact.gpai-classification [m-1]"])
        #expect(decision?.findings.map(\.effect) == [.warn])
        #expect(decision?.outcome == .approve)
    }

    @Test func twoActiveWaiversOnTwoRulesApprove() {
        let yaml = Self.waivedInventory([RuleYAML.waiver("w-a", rule: "residency.sovereign", expires: "2027-06-30"),
                                         RuleYAML.waiver("w-b", rule: "residency.location", expires: "2027-03-01")],
                                        dataset: ["residency": "[FR]"])
        let early = Fixtures.assess(yaml: yaml, asOf: "2027-02-28")
        #expect(early?.decision("pl-1")?.summaries == ["residency.location [ds-1] waived", "residency.sovereign [ds-1] waived"])
        #expect(early?.decision("pl-1")?.outcome == .approve)
        let later = Fixtures.assess(yaml: yaml, asOf: "2027-03-01")
        #expect(later?.decision("pl-1")?.summaries == ["residency.location [ds-1]", "residency.sovereign [ds-1] waived"])
        #expect(later?.decision("pl-1")?.outcome == .block)
        #expect(later?.notices.map { "\($0.waiver): \($0.message)" } == ["w-b: expired on 2027-03-01"])
    }

    // MARK: SPEC §4, §5: order of findings and decisions

    @Test func findingsAreSortedByRuleThenSubject() {
        let yaml = [
            RuleYAML.controller,
            RuleYAML.manifest("Dataset", "ds-z", [("personalData", "true"), ("controller", "c-1"), ("dataSubjects", "[EU]"),
                                                  ("classification", "restricted")]),
            RuleYAML.manifest("Dataset", "ds-a", RuleYAML.dataset, ["classification": "restricted", "residency": "[FR]"]),
            RuleYAML.manifest("Dataset", "ds-m", [("personalData", "false")]),
            RuleYAML.manifest("Model", "m-1", RuleYAML.model, ["gpai": "true"]),
            RuleYAML.manifest("Target", "t-1", RuleYAML.target),
            RuleYAML.manifest("Placement", "pl-1", RuleYAML.placement, ["datasets": "[ds-z, ds-m, ds-a]", "framework": "ray"]),
        ].joined(separator: "\n---\n")
        let decision = Fixtures.assess(yaml: yaml)?.decision("pl-1")
        #expect(decision?.summaries == [
            "aiact.gpai-copyright [m-1]", "aiact.gpai-documentation [m-1]", "gdpr.lawful-basis [ds-z]", "platform.framework [t-1]",
            "residency.location [ds-a]", "residency.sovereign [ds-a]", "residency.sovereign [ds-z]",
        ])
        #expect(decision?.findings.allSatisfy { $0.subjects.count == 1 } == true)
        #expect(decision?.outcome == .block)
    }

    @Test func lineageFindingsSortWithDirectOnes() {
        // ds-b reached directly, ds-a only through lineage: both restricted, sorted by subject.
        let yaml = [
            RuleYAML.controller,
            RuleYAML.manifest("Dataset", "ds-b", RuleYAML.dataset, ["classification": "restricted"]),
            RuleYAML.manifest("Dataset", "ds-a", RuleYAML.dataset, ["classification": "restricted"]),
            RuleYAML.manifest("Model", "m-1", RuleYAML.model, ["trainedOn": "[ds-a]"]),
            RuleYAML.manifest("Target", "t-1", RuleYAML.target),
            RuleYAML.manifest("Placement", "pl-1", RuleYAML.placement, ["datasets": "[ds-b]"]),
        ].joined(separator: "\n---\n")
        #expect(Fixtures.assess(yaml: yaml)?.decision("pl-1")?.summaries
            == ["residency.sovereign [ds-a]", "residency.sovereign [ds-b]"])
    }

    /// Definitions of two manifests are memoised per (dataset, target) pair for the whole run:
    /// every pair must still get its own answer, in any order of placements.
    @Test func memoisedDefinitionsAnswerEachPairOnItsOwn() {
        let yaml = [
            RuleYAML.controller,
            RuleYAML.manifest("Dataset", "ds-eu", RuleYAML.dataset),
            RuleYAML.manifest("Dataset", "ds-open", RuleYAML.dataset, ["personalData": "false"]),
            RuleYAML.manifest("Model", "m-1", RuleYAML.model),
            RuleYAML.manifest("Target", "t-de", RuleYAML.target),
            RuleYAML.manifest("Target", "t-in", RuleYAML.target, ["country": "IN", "accessFrom": "[IN]"]),
            RuleYAML.manifest("Placement", "pl-1", RuleYAML.placement, ["datasets": "[ds-eu]", "target": "t-in"]),
            RuleYAML.manifest("Placement", "pl-2", RuleYAML.placement, ["datasets": "[ds-eu]", "target": "t-de"]),
            RuleYAML.manifest("Placement", "pl-3", RuleYAML.placement, ["datasets": "[ds-open]", "target": "t-in"]),
            RuleYAML.manifest("Placement", "pl-4", RuleYAML.placement, ["datasets": "[ds-eu, ds-open]", "target": "t-in"]),
            RuleYAML.manifest("Placement", "pl-5", RuleYAML.placement, ["datasets": "[ds-open, ds-eu]", "target": "t-de"]),
        ].joined(separator: "\n---\n")
        let assessment = Fixtures.assess(yaml: yaml)
        #expect(assessment?.decisions.map(\.summaries) == [
            ["gdpr.transfer [ds-eu]"], [], [], ["gdpr.transfer [ds-eu]"], [],
        ])
    }

    @Test func decisionsAreSortedByPlacementID() {
        let placements = [
            RuleYAML.manifest("Placement", "pl-c", RuleYAML.placement, ["framework": "ray"]),
            RuleYAML.manifest("Placement", "pl-a", RuleYAML.placement),
            RuleYAML.manifest("Placement", "pl-b", RuleYAML.placement, ["workload": "storage", "model": RuleYAML.omit,
                                                                       "framework": "mpi"]),
        ]
        let yaml = ([RuleYAML.controller, RuleYAML.manifest("Dataset", "ds-1", RuleYAML.dataset), RuleYAML.manifest("Model", "m-1", RuleYAML.model),
                     RuleYAML.manifest("Target", "t-1", RuleYAML.target)] + placements).joined(separator: "\n---\n")
        let assessment = Fixtures.assess(yaml: yaml)
        #expect(assessment?.decisions.map(\.placement) == ["pl-a", "pl-b", "pl-c"])
        #expect(assessment?.decisions.map(\.outcome) == [.approve, .block, .block])
        #expect(assessment?.decisions.map(\.summaries) == [[], ["platform.framework [t-1]"], ["platform.framework [t-1]"]])
    }
}
