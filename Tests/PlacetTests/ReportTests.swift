// Report formats: each validates against its official schema, is deterministic, and says what
// it must; the decision log detects tampering.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import PlacetXML
import Testing

/// The official JUnit, SARIF and OSCAL schemas live outside this repository (CI lays them out
/// in ../shared/schemas and sets PLACET_SCHEMAS). Without them these tests are skipped with the
/// reason; in CI (CI=true) they run and a missing folder fails them, so CI proves validity.
enum OfficialSchemas {
    static let environment = ProcessInfo.processInfo.environment
    static let inCI = environment["CI"] == "true"

    /// PLACET_SCHEMAS, relative to the package root when not absolute.
    static let folder: URL? = environment["PLACET_SCHEMAS"].flatMap { path in
        path.isEmpty ? nil : path.hasPrefix("/") ? URL(fileURLWithPath: path) : Fixtures.packageRoot.appendingPathComponent(path)
    }

    static var available: Bool {
        guard let folder else { return false }
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("junit-10.xsd").path)
    }

    static let runs = available || inCI
    static let skipped: Comment = "the official schemas are not here: set PLACET_SCHEMAS to the folder holding junit-10.xsd, sarif-schema-2.1.0.json and the OSCAL XSD (CI sets ../shared/schemas)"

    /// Python's jsonschema validates SARIF; CI installs it.
    static let jsonSchemaAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jsonschema"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static let sarifRuns = (available && jsonSchemaAvailable) || inCI
    static let sarifSkipped: Comment = "needs PLACET_SCHEMAS (the official SARIF schema) and Python's jsonschema (pip install jsonschema); CI has both"

    static func url(_ name: String) throws -> URL {
        let folder = try #require(folder, "PLACET_SCHEMAS is not set (CI must set it to ../shared/schemas)")
        let url = folder.appendingPathComponent(name)
        try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) is missing")
        return url
    }
}

enum ReportFixtures {

    static func acmeReport(asOf: String = "2028-01-01") -> Report {
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: ["policies/examples/acme"].map { Fixtures.packageRoot.appendingPathComponent($0).path })
        let date = CivilDate(iso: asOf)!
        return Report(engineVersion: "test", policyDigest: Fixtures.baseline.digest, asOf: date, inputs: loaded.inventory.files,
                      assessment: PlacementAssessor(policy: Fixtures.baseline, asOf: date).assess(loaded.inventory),
                      diagnostics: loaded.diagnostics, rules: Fixtures.baseline.rules.map(RuleDescriptor.init))
    }

    static func errorReport() -> Report {
        Report(engineVersion: "test", policyDigest: "", asOf: CivilDate(iso: "2028-01-01")!, inputs: [], assessment: nil,
               diagnostics: [Diagnostic(id: "manifest.unknownField", message: "Dataset 'd': unknown field 'x' <&>",
                                        location: SourceLocation(file: "m.yaml", line: 3, column: 1))])
    }

    static func validate(xml: [UInt8], against schema: String) throws -> [String] {
        let xsd = try String(contentsOf: try OfficialSchemas.url(schema), encoding: .utf8)
        let validator = try XMLSchemaValidator(xsd: xsd)
        let document = try XMLDocument(parsing: xml, url: "report.xml")
        return validator.validate(document).map { "\($0.line): \($0.message)" }
    }
}

@Suite(.serialized) struct ReportTests {
    @Test(.enabled(if: OfficialSchemas.runs, OfficialSchemas.skipped), arguments: [ReportFixtures.acmeReport(), ReportFixtures.errorReport()])
    func junitValidatesAgainstTheJenkinsSchema(report: Report) throws {
        let xml = try #require(JUnitRenderer().render(report))
        #expect(try ReportFixtures.validate(xml: xml, against: "junit-10.xsd") == [])
    }

    @Test func junitCountsFailuresPerRegime() throws {
        let xml = String(decoding: try #require(JUnitRenderer().render(ReportFixtures.acmeReport())), as: UTF8.self)
        #expect(xml.contains(#"<testsuite name="placet.aiact" tests="22" failures="20" errors="0" skipped="0" time="0">"#))
        #expect(xml.contains(#"<testsuite name="placet.gdpr" tests="13" failures="13" errors="0" skipped="0" time="0">"#))
        #expect(xml.contains(#"<testsuite name="placet.residency" tests="4" failures="3" errors="0" skipped="1" time="0">"#))
        #expect(xml.contains(#"<testsuite name="placet.placements" tests="8" failures="0" errors="0" skipped="0" time="0">"#))
        #expect(xml.contains(#"<testcase name="pl-chatbot-finetune-gcp: gdpr.transfer [ds-support-transcripts]" classname="placet.gdpr.gdpr.transfer" time="0">"#))
    }

    @Test(.enabled(if: OfficialSchemas.runs, OfficialSchemas.skipped), arguments: [ReportFixtures.acmeReport(), ReportFixtures.errorReport()])
    func oscalValidatesAgainstNISTSchema(report: Report) throws {
        let xml = try #require(OSCALRenderer().render(report))
        #expect(try ReportFixtures.validate(xml: xml, against: "oscal_assessment-results_schema.xsd") == [])
    }

    @Test func oscalLinksFindingsToObservations() throws {
        let xml = String(decoding: try #require(OSCALRenderer().render(ReportFixtures.acmeReport())), as: UTF8.self)
        #expect(xml.components(separatedBy: "<observation ").count - 1 == 40)
        #expect(xml.components(separatedBy: "<finding ").count - 1 == 23)
        #expect(xml.components(separatedBy: "<related-observation ").count - 1 == 40)
        #expect(xml.contains(#"<prop name="citation" ns="https://placet.example/ns/oscal" value="GDPR Art. 44"/>"#))
    }

    @Test(.enabled(if: OfficialSchemas.sarifRuns, OfficialSchemas.sarifSkipped))
    func sarifValidatesAgainstTheSARIFSchema() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-\(UUID().uuidString).sarif")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(SARIFRenderer().render(ReportFixtures.acmeReport())).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))); print('valid')",
                             file.path, try OfficialSchemas.url("sarif-schema-2.1.0.json").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output == "valid\n")
    }

    @Test func sarifLocatesFindingsAtTheManifestLine() throws {
        let data = Data(SARIFRenderer().render(ReportFixtures.acmeReport()))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let run = (object?["runs"] as? [[String: Any]])?.first
        let rules = ((run?["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]]
        #expect(rules?.count == 23)
        let results = run?["results"] as? [[String: Any]] ?? []
        #expect(results.count == 40)
        let transfer = results.first { ($0["ruleId"] as? String) == "gdpr.transfer" }
        #expect(transfer?["level"] as? String == "error")
        let location = ((transfer?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        let uri = (location?["artifactLocation"] as? [String: Any])?["uri"] as? String
        #expect(uri?.hasSuffix("policies/examples/acme/datasets.yaml") == true)
        let region = location?["region"] as? [String: Int]
        let datasets = try String(contentsOf: Fixtures.acmeDirectory.appendingPathComponent("datasets.yaml"), encoding: .utf8)
        let line = datasets.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "id: ds-support-transcripts" }
        // The record's origin is its first line (apiVersion), two lines above its id.
        #expect(region?["startLine"] == line.map { $0 + 1 - 2 })
        #expect(Set(results.compactMap { $0["level"] as? String }) == ["error", "warning", "note"])
    }

    @Test func markdownIsShortAndSaysWhatWasBlocked() {
        let text = String(decoding: MarkdownRenderer().render(ReportFixtures.acmeReport()), as: UTF8.self)
        #expect(text.hasPrefix("## Placet: 22 of 30 placements blocked\n"))
        #expect(text.contains("| 30 | 8 | 22 | 2 | 1 |"))
        #expect(text.contains("**pl-chatbot-finetune-gcp** → `gcp-us-central1`"))
        #expect(text.contains("- `w-chatbot-transfer-2026`: expired on 2026-10-01"))
        let errors = String(decoding: MarkdownRenderer().render(ReportFixtures.errorReport()), as: UTF8.self)
        #expect(errors.contains("| m.yaml | 3 | Dataset 'd': unknown field 'x' &lt;&&gt; |"))
    }

    @Test func htmlIsSelfContainedWithAMatrixPicture() {
        let html = String(decoding: HTMLRenderer().render(ReportFixtures.acmeReport()), as: UTF8.self)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("href=\"http"))
        #expect(html.contains("@page { size: A4;"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(html.contains(Fixtures.baseline.digest))
        #expect(html.contains("<title>mdl-support-chatbot on gcp-us-central1: block\npl-chatbot-finetune-gcp: block — gdpr.purpose-limitation, gdpr.transfer</title>"))
        #expect(html.contains("<td class=\"cite\">GDPR Art. 44</td>"))
        #expect(html.contains("<span class=\"expired\">expired</span>"))
        #expect(html.contains("ignored (unwaivable rule)"))
        let filled = html.components(separatedBy: "fill=\"#c62828\"").count - 1
        #expect(filled > 0)
    }

    @Test(arguments: ["junit", "sarif", "markdown", "html", "oscal", "json", "text"])
    func everyFormatIsDeterministic(format: String) throws {
        let first = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2028-01-01", "--format", format])
        let second = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2028-01-01", "--format", format])
        #expect(first.status == 1)
        #expect(first.stdoutData == second.stdoutData)
        #expect(first.stdoutData.count > 500)
    }

    @Test(arguments: [("junit", "junit.xml"), ("sarif", "sarif"), ("markdown", "md"), ("html", "html"), ("oscal", "oscal.xml")])
    func exampleReportMatchesGolden(format: String, ext: String) throws {
        let result = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2028-01-01", "--format", format])
        let golden = try Data(contentsOf: Fixtures.goldenDirectory.appendingPathComponent("acme-2028-01-01.\(ext)"))
        #expect(result.status == 1)
        #expect(result.stdoutData == golden, "differs from Tests/PlacetTests/Golden/acme-2028-01-01.\(ext)")
    }

    @Test func oscalUUIDsAreValidAndNameBased() {
        let uuid = OSCALRenderer.uuid("x")
        #expect(uuid == OSCALRenderer.uuid("x"))
        #expect(uuid != OSCALRenderer.uuid("y"))
        #expect(uuid.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil)
    }
}

/// The human-readable reports (HTML and Markdown) of the acme example: what an auditor prints.
@Suite struct AuditorReportTests {
    static let report = ReportFixtures.acmeReport()
    static let html = String(decoding: HTMLRenderer().render(report), as: UTF8.self)
    static let markdown = String(decoding: MarkdownRenderer().render(report), as: UTF8.self)
    static let findings = report.decisions.flatMap { decision in decision.findings.map { (decision, $0) } }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// The page's text as a reader sees it: no head, no SVG (its tooltips only show on hover), no tags.
    static var htmlBodyText: String {
        var body = String(html[html.range(of: "<body>")!.upperBound...])
        while let start = body.range(of: "<svg"), let end = body.range(of: "</svg>", range: start.upperBound..<body.endIndex) {
            body.removeSubrange(start.lowerBound..<end.upperBound)
        }
        return body.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
    }

    @Test(arguments: [
        ("AI Act Art. 5", "AI Act Art. 14"),
        ("AI Act Art. 14", "AI Act Art. 50"),
        ("AI Act Art. 5", "AI Act Art. 50"),
        ("AI Act Art. 6(2)", "AI Act Art. 6(3)"),
        ("AI Act Art. 6(3)", "AI Act Art. 14"),
        ("AI Act Art. 51(2)", "AI Act Art. 53(1)"),
        ("AI Act Art. 55", "AI Act Annex III"),
        ("AI Act Annex III", "AI Act Annex IX"),
        ("AI Act Annex IX", "GDPR Art. 6(1)"),
        ("GDPR Art. 9(1)", "GDPR Art. 10"),
        ("GDPR Art. 35(1)", "GDPR Art. 35(3)"),
        ("GDPR Art. 35(3)", "GDPR Art. 35(3)(b)"),
        ("GDPR Art. 35(3)(b)", "GDPR Art. 35(4)"),
        ("GDPR Art. 6(1)(a)", "GDPR Art. 6(1)(f)"),
        ("GDPR Art. 49", "CJEU C-311/18"),
        ("CJEU C-311/18", "dataset classification"),
        ("dataset classification", "target capability"),
    ])
    func legalOrderPutsArticlesInNumericOrder(earlier: String, later: String) {
        #expect(LegalOrder.areInIncreasingOrder(earlier, later))
        #expect(!LegalOrder.areInIncreasingOrder(later, earlier))
    }

    @Test func legalOrderSortsTheBaselineCitations() {
        let citations = Set(Fixtures.baseline.rules.flatMap(\.citations))
        let expected = ["AI Act Art. 3(63)", "AI Act Art. 5(1)", "AI Act Art. 5(1) as amended by the digital omnibus on AI",
                        "AI Act Art. 6(2)", "AI Act Art. 6(3)", "AI Act Art. 14", "AI Act Art. 16", "AI Act Art. 26(2)", "AI Act Art. 26(9)",
                        "AI Act Art. 27(1)", "AI Act Art. 43", "AI Act Art. 49(1)", "AI Act Art. 49(2)", "AI Act Art. 49(5)", "AI Act Art. 50",
                        "AI Act Art. 51(1)", "AI Act Art. 51(2)", "AI Act Art. 53(1)(a)", "AI Act Art. 53(1)(b)", "AI Act Art. 53(1)(c)",
                        "AI Act Art. 53(1)(d)", "AI Act Art. 53(2)", "AI Act Art. 55(1)", "AI Act Art. 99(4)(g)", "AI Act Annex III",
                        "GDPR Art. 5(1)(b)", "GDPR Art. 6(1)", "GDPR Art. 6(4)", "GDPR Art. 9(1)", "GDPR Art. 9(2)", "GDPR Art. 10",
                        "GDPR Art. 28(1)", "GDPR Art. 28(3)", "GDPR Art. 35(1)", "GDPR Art. 35(3)(a)", "GDPR Art. 35(3)(b)", "GDPR Art. 44",
                        "GDPR Art. 45", "GDPR Art. 46", "GDPR Art. 46(1)", "GDPR Art. 49", "CJEU C-311/18"]
        #expect(Array(citations.sorted(by: LegalOrder.areInIncreasingOrder).prefix(expected.count)) == expected)
        #expect(citations.sorted(by: LegalOrder.areInIncreasingOrder) == citations.reversed().sorted(by: LegalOrder.areInIncreasingOrder))
    }

    @Test func htmlArticlesAreInLegalOrderEachOnce() {
        let rows = Self.html.components(separatedBy: "<tr><td class=\"cite\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        let cited = Set(Self.findings.flatMap(\.1.citations))
        #expect(rows.count == cited.count)
        #expect(Set(rows) == cited)
        #expect(rows == rows.sorted(by: LegalOrder.areInIncreasingOrder))
        #expect(rows.prefix(4) == ["AI Act Art. 3(63)", "AI Act Art. 5(1)", "AI Act Art. 5(1) as amended by the digital omnibus on AI", "AI Act Art. 6(2)"])
    }

    @Test func htmlListsEachFindingOnceUnderItsRule() {
        let text = Self.htmlBodyText
        for message in Set(Self.findings.map(\.1.message)) {
            let expected = Self.findings.filter { $0.1.message == message }.count
            #expect(Self.occurrences(of: message, in: text) == expected, "\(message)")
        }
        for rule in Set(Self.findings.map(\.1.rule)) {
            #expect(Self.occurrences(of: "<h3 id=\"rule-\(rule)\">", in: Self.html) == 1, "\(rule)")
        }
        // One table row per finding under the rule headings, none more.
        let section = String(Self.html[Self.html.range(of: "<h2>Findings by rule</h2>")!.upperBound...])
        #expect(Self.occurrences(of: "<tr><td><code>", in: section.components(separatedBy: "<h2>Waivers</h2>")[0]) == Self.findings.count)
    }

    @Test func htmlStatesEachRulesCitationsOnce() {
        let section = Self.html.components(separatedBy: "<h2>Findings by rule</h2>")[1].components(separatedBy: "<h2>Waivers</h2>")[0]
        let rules = Dictionary(Self.findings.map { ($0.1.rule, $0.1.citations) }, uniquingKeysWith: { first, _ in first })
        for citation in Set(rules.values.flatMap { $0 }) {
            let citing = rules.values.filter { $0.contains(citation) }.count
            #expect(Self.occurrences(of: "<span class=\"cite\">\(citation)</span>", in: section) == citing, "\(citation)")
        }
        #expect(section.contains("<p class=\"cites\">Cites <span class=\"cite\">AI Act Art. 14</span>; <span class=\"cite\">AI Act Art. 26(2)</span>.</p>"))
    }

    @Test func htmlListsApprovedPlacementsInThePage() {
        let text = Self.htmlBodyText
        let approved = Self.report.decisions.filter { $0.outcome == .approve }
        #expect(approved.count == 8)
        for decision in approved { #expect(text.contains(decision.placement), "\(decision.placement)") }
        #expect(text.contains("pl-imagegen-finetune-eumdl-catalog-imagegen on aws-eu-central-1approve with warningsaiact.gpai-classification warn"))
        #expect(text.contains("pl-patient-archive-backup(no model) on aws-eu-central-1approve under a waiverresidency.sovereign waived"))
        #expect(text.contains("pl-sepsis-alert-prod-onpremmdl-sepsis-alert on onprem-fra-gpuapprove—"))
    }

    @Test func htmlColoursWaivedCellsApartWithALegend() {
        let colours = ["approve": "#2e7d32", "warn": "#f9a825", "waived": "#6a1b9a", "block": "#c62828"]
        #expect(Set(colours.values).count == 4)
        #expect(Self.html.contains("fill=\"#6a1b9a\" class=\"waived\"><title>(no model) on aws-eu-central-1: approve under a waiver\npl-patient-archive-backup: approve — residency.sovereign (waived)</title>"))
        #expect(Self.html.contains("<span class=\"swatch\" style=\"background:#6a1b9a\"></span>approve under a waiver</span>"))
        #expect(Self.html.contains(".waived { color: #6a1b9a;"))
        #expect(Self.html.contains("<td><span class=\"waived\">waived</span></td>"))
    }

    @Test func htmlAsksNobodyToHoverOnPaper() {
        let lines = Self.html.split(separator: "\n").filter { !$0.hasPrefix("@media screen {") }
        #expect(Self.html.contains("@media screen { .hint::after { content: \" Hover a cell"))
        #expect(!lines.contains { $0.lowercased().contains("hover") })
    }

    @Test func htmlKeepsIdsWholeAndFitsA4() {
        #expect(Self.html.contains("code, .digest, .nowrap { white-space: nowrap; overflow-wrap: normal; word-break: keep-all; }"))
        #expect(!Self.html.contains("overflow-wrap: anywhere"))
        #expect(!Self.html.contains("break-all"))
        #expect(Self.html.contains("@page { size: A4; margin: 15mm; }"))
        // Hyphenated ids inside messages are kept on one line too.
        #expect(Self.html.contains("but <span class=\"nowrap\">aws-eu-central-1</span> is not sovereign"))
    }

    @Test func markdownListsEachFindingOnceUnderItsRule() {
        let items = Self.markdown.split(separator: "\n").filter { $0.hasPrefix("- **") }
        #expect(items.count == Self.findings.count)
        for (decision, finding) in Self.findings {
            let matching = items.filter { $0.hasPrefix("- **\(decision.placement)**") && $0.hasSuffix(finding.message) }
            #expect(matching.count == 1, "\(decision.placement) \(finding.rule)")
        }
        // Citations head their rule, once, and are not repeated on the findings.
        #expect(Self.occurrences(of: "GDPR Art. 44", in: Self.markdown) == 1)
        #expect(Self.occurrences(of: "AI Act Art. 14", in: Self.markdown) == 1)
        #expect(Self.markdown.contains("#### `aiact.high-risk-oversight` — _AI Act Art. 14; AI Act Art. 26(2)_\n"))
        #expect(!items.contains { $0.contains("_") })
        let headings = Self.markdown.split(separator: "\n").filter { $0.hasPrefix("#### ") }
        #expect(headings.prefix(4) == ["#### `aiact.gpai-classification` — _AI Act Art. 3(63); Commission guidelines on general-purpose AI models (July 2025)_",
                                       "#### `aiact.prohibited` — _AI Act Art. 5(1)_",
                                       "#### `aiact.prohibited-intimate-imagery` — _AI Act Art. 5(1) as amended by the digital omnibus on AI_",
                                       "#### `aiact.tier-understated` — _AI Act Art. 6(2); AI Act Art. 6(3); AI Act Annex III_"])
    }

    @Test func markdownShowsWarningsAndWaiversOnApprovedPlacements() {
        #expect(Self.markdown.contains("| pl-imagegen-finetune-eu | `aws-eu-central-1` | `aiact.gpai-classification` (warn) |\n"))
        #expect(Self.markdown.contains("| pl-patient-archive-backup | `aws-eu-central-1` | `residency.sovereign` (waived by `w-patient-backup-sovereign`) |\n"))
        #expect(Self.markdown.contains("| pl-sepsis-alert-prod-onprem | `onprem-fra-gpu` | — |\n"))
        #expect(Self.markdown.contains("- **pl-imagegen-finetune-eu** → `aws-eu-central-1` (warn): "))
    }
}

@Suite(.serialized) struct DecisionLogTests {
    private func freshLog() throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-log-\(UUID().uuidString).jsonl")
        try DecisionLog.append(ReportFixtures.acmeReport(), to: file.path)
        try DecisionLog.append(ReportFixtures.acmeReport(asOf: "2026-11-29"), to: file.path)
        return file
    }

    private func lines(_ file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func appendedLogIsIntact() throws {
        let file = try freshLog()
        defer { try? FileManager.default.removeItem(at: file) }
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(DecisionLog.verify(text) == .intact(records: 60))
        let first = try lines(file)[0]
        #expect(first.hasPrefix(#"{"seq":1,"time":""#))
        #expect(first.contains(#""previous":"sha256:0000000000000000000000000000000000000000000000000000000000000000","hash":"sha256:"#))
    }

    @Test func flippedByteIsFoundAtItsLine() throws {
        let file = try freshLog()
        defer { try? FileManager.default.removeItem(at: file) }
        var all = try lines(file)
        all[4] = all[4].replacingOccurrences(of: #""decision":"block""#, with: #""decision":"blocc""#)
            .replacingOccurrences(of: #""decision":"approve""#, with: #""decision":"approvf""#)
        #expect(DecisionLog.verify(all.joined(separator: "\n") + "\n") == .tampered(line: 5, reason: "record altered: its content does not match its hash"))
    }

    @Test func deletedLineIsFound() throws {
        let file = try freshLog()
        defer { try? FileManager.default.removeItem(at: file) }
        var all = try lines(file)
        all.remove(at: 6)
        #expect(DecisionLog.verify(all.joined(separator: "\n") + "\n") == .tampered(line: 7, reason: "record 7 removed before this line (sequence jumps to 8)"))
    }

    @Test func swappedLinesAreFound() throws {
        let file = try freshLog()
        defer { try? FileManager.default.removeItem(at: file) }
        var all = try lines(file)
        all.swapAt(10, 11)
        #expect(DecisionLog.verify(all.joined(separator: "\n") + "\n") == .tampered(line: 11, reason: "records reordered: record 12 comes before record 11"))
    }

    enum Edit: String, CaseIterable, Sendable {
        case none, flipped, deleted, swapped, emptyLine, noFinalNewline, truncated
    }

    /// `verify-log` reads the file a block at a time (a log grows without bound); with blocks
    /// of a few bytes, so that lines straddle blocks, it finds what the whole-text check finds.
    @Test(arguments: Edit.allCases) func aLogReadInBlocksIsCheckedAsAWhole(edit: Edit) throws {
        let file = try freshLog()
        defer { try? FileManager.default.removeItem(at: file) }
        var all = try lines(file)
        var ending = "\n"
        switch edit {
        case .none: break
        case .flipped: all[30] = all[30].replacingOccurrences(of: #""seq":31"#, with: #""seq":13"#)
        case .deleted: all.remove(at: 40)
        case .swapped: all.swapAt(50, 58)
        case .emptyLine: all.insert("", at: 20)
        case .noFinalNewline: ending = ""
        case .truncated: all[59] = String(all[59].prefix(100))
        }
        let text = all.joined(separator: "\n") + ending
        try Data(text.utf8).write(to: file)
        let whole = DecisionLog.verify(text)
        #expect((whole == .intact(records: 60)) == (edit == .none || edit == .noFinalNewline), "\(whole)")
        for blockSize in [1, 7, 4096, 1 << 20] {
            #expect(try DecisionLog.verify(file: file.path, blockSize: blockSize) == whole, "blocks of \(blockSize)")
        }
    }

    /// A line longer than the limit stops the check with an error naming it, rather than be
    /// read into memory whatever its length.
    @Test func aLineOverTheLimitIsAnError() throws {
        let file = try freshLog()
        defer { try? FileManager.default.removeItem(at: file) }
        let all = try lines(file)
        let longest = all.map(\.utf8.count).max()!
        #expect(try DecisionLog.verify(file: file.path, blockSize: 64, maximumLineLength: longest) == .intact(records: 60))
        try Data((all.prefix(3) + [String(repeating: "x", count: longest + 1)]).joined(separator: "\n").utf8).write(to: file)
        #expect {
            try DecisionLog.verify(file: file.path, blockSize: 64, maximumLineLength: longest)
        } throws: { error in
            (error as? DecisionLog.LogError)?.message == "\(file.path):4: line over \(longest) bytes, not a decision log record"
        }
        let missing = try PlacetExecutable.run(["verify-log", file.path + ".none"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: \(file.path).none: cannot read the log: No such file or directory\n")
    }

    /// `check --format json --log` writes its records as it decides; they are the records the
    /// whole-report path writes (text here), but for the time and so the hashes.
    @Test func streamedJSONLogsWhatTheWholeReportLogs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placet-logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var records: [[[String: String]]] = []
        for format in ["text", "json"] {
            let log = folder.appendingPathComponent("\(format).jsonl")
            let run = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2028-01-01", "--format", format,
                                                "--output", folder.appendingPathComponent("report").path, "--log", log.path])
            #expect(run.status == 1, "stderr: \(run.stderr)")
            #expect(try DecisionLog.verify(file: log.path) == .intact(records: 30))
            records.append(try lines(log).map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                // Each field as JSON text, without those that depend on the time.
                return try object.filter { !["time", "previous", "hash"].contains($0.key) }.mapValues { value in
                    String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
                }
            })
        }
        #expect(records[0].count == 30)
        #expect(records[1] == records[0])
    }

    /// A run whose report cannot be written adds nothing to the log, in every format; nor does
    /// a run with an error.
    @Test(arguments: ["json", "markdown"]) func aRunThatFailsLeavesTheLogAsItWas(format: String) throws {
        let file = try freshLog()
        defer { try? FileManager.default.removeItem(at: file) }
        let before = try Data(contentsOf: file)
        let full = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2028-01-01", "--format", format,
                                             "--output", "/dev/full", "--log", file.path])
        #expect(full.status == 2)
        #expect(full.stderr.hasPrefix("error: cannot write '/dev/full': "), "stderr: \(full.stderr)")
        let broken = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2028-01-01", "--format", format,
                                               "--policies", "/nonexistent", "--log", file.path])
        #expect(broken.status == 2)
        #expect(try Data(contentsOf: file) == before)
    }

    @Test func concurrentAppendersKeepOneChain() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-log-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let processes = (0..<4).map { _ in
            let process = Process()
            process.executableURL = PlacetExecutable.url
            process.arguments = ["check", "policies/examples/acme", "--as-of", "2028-01-01", "--format", "json", "--output", "/dev/null", "--log", file.path]
            process.currentDirectoryURL = Fixtures.packageRoot
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 1 })
        #expect(DecisionLog.verify(try String(contentsOf: file, encoding: .utf8)) == .intact(records: 120))
        let verify = try PlacetExecutable.run(["verify-log", file.path])
        #expect(verify.status == 0)
        #expect(verify.stdout == "\(file.path): intact, 120 records\n")
    }
}
