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
        #expect(xml.contains(#"<testsuite name="placet.gdpr" tests="7" failures="6" errors="0" skipped="0" time="0">"#))
        #expect(xml.contains(#"<testsuite name="placet.residency" tests="4" failures="3" errors="0" skipped="1" time="0">"#))
        #expect(xml.contains(#"<testsuite name="placet.placements" tests="6" failures="0" errors="0" skipped="0" time="0">"#))
        #expect(xml.contains(#"<testcase name="pl-chatbot-finetune-gcp: gdpr.transfer [ds-support-transcripts]" classname="placet.gdpr.gdpr.transfer" time="0">"#))
    }

    @Test(.enabled(if: OfficialSchemas.runs, OfficialSchemas.skipped), arguments: [ReportFixtures.acmeReport(), ReportFixtures.errorReport()])
    func oscalValidatesAgainstNISTSchema(report: Report) throws {
        let xml = try #require(OSCALRenderer().render(report))
        #expect(try ReportFixtures.validate(xml: xml, against: "oscal_assessment-results_schema.xsd") == [])
    }

    @Test func oscalLinksFindingsToObservations() throws {
        let xml = String(decoding: try #require(OSCALRenderer().render(ReportFixtures.acmeReport())), as: UTF8.self)
        #expect(xml.components(separatedBy: "<observation ").count - 1 == 24)
        #expect(xml.components(separatedBy: "<finding ").count - 1 == 17)
        #expect(xml.components(separatedBy: "<related-observation ").count - 1 == 24)
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
        #expect(rules?.count == 17)
        let results = run?["results"] as? [[String: Any]] ?? []
        #expect(results.count == 24)
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
        #expect(text.hasPrefix("## Placet: 13 of 19 placements blocked\n"))
        #expect(text.contains("| 19 | 6 | 13 | 3 | 1 |"))
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
        #expect(html.contains("<title>mdl-support-chatbot on gcp-us-central1: block\npl-chatbot-finetune-gcp: block — gdpr.transfer</title>"))
        #expect(html.contains("<h3>GDPR Art. 44</h3>"))
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
        #expect(DecisionLog.verify(text) == .intact(records: 38))
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
        #expect(DecisionLog.verify(try String(contentsOf: file, encoding: .utf8)) == .intact(records: 76))
        let verify = try PlacetExecutable.run(["verify-log", file.path])
        #expect(verify.status == 0)
        #expect(verify.stdout == "\(file.path): intact, 76 records\n")
    }
}
