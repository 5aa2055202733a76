// Manifest loading: formats, the schema deciding what scalars mean, and every kind of bad
// input reported with file, line and column.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import Testing

@Suite struct ManifestTests {
    static let target = """
        apiVersion: placet/v1
        kind: Target
        id: t-oslo
        provider: azure
        country: NO
        frameworks: [ray]
        accessFrom: [NO, SE]
        """

    private func value(_ result: ManifestLoadResult, kind: String, id: String, field: String) -> Value? {
        let schema = Fixtures.baseline.schema
        guard let kindIndex = schema.recordIndex[kind], let row = result.inventory.tables[kindIndex].indexByID[id],
              let fieldIndex = schema.records[kindIndex].fieldIndex[field] else { return nil }
        return result.inventory.tables[kindIndex].rows[row][fieldIndex]
    }

    private func countryIndex(_ code: String) -> Int {
        let schema = Fixtures.baseline.schema
        return schema.enumerations[schema.enumerationIndex["Country"]!].caseIndex[code]!
    }

    @Test func norwayIsACountryNotFalse() {
        let result = Fixtures.load(yaml: Self.target + "\n---\n" + """
            apiVersion: placet/v1
            kind: Dataset
            id: ds-nordic
            personalData: true
            controller: c-nordic
            lawfulBasis: contract
            dataSubjects: [NO, SE]
            ---
            apiVersion: placet/v1
            kind: Controller
            id: c-nordic
            establishedIn: [NO]
            """)
        #expect(result.diagnostics.isEmpty)
        #expect(value(result, kind: "Target", id: "t-oslo", field: "country") == .enumCase(countryIndex("NO")))
        #expect(value(result, kind: "Dataset", id: "ds-nordic", field: "dataSubjects")
            == .collection([.enumCase(countryIndex("NO")), .enumCase(countryIndex("SE"))]))
    }

    @Test func numbersAndDatesFollowTheSchema() {
        let result = Fixtures.load(yaml: """
            apiVersion: placet/v1
            kind: Model
            id: m-big
            useCase: general
            riskTier: minimal
            gpai: true
            trainingFlops: 1e25
            ---
            apiVersion: placet/v1
            kind: Model
            id: m-small
            useCase: general
            riskTier: minimal
            trainingFlops: 5.0e23
            """)
        #expect(result.diagnostics.isEmpty)
        #expect(value(result, kind: "Model", id: "m-big", field: "trainingFlops") == .number(1e25))
        #expect(value(result, kind: "Model", id: "m-small", field: "trainingFlops") == .number(5.0e23))
        #expect(value(result, kind: "Model", id: "m-small", field: "euDatabaseId") == .absent)
        #expect(value(result, kind: "Model", id: "m-small", field: "conformityAssessment") == .enumCase(0))
    }

    @Test func jsonObjectArrayAndLinesAllLoad() {
        let targetJSON = #"{"apiVersion": "placet/v1", "kind": "Target", "id": "t-1", "provider": "aws", "country": "DE", "accessFrom": ["DE"]}"#
        let array = #"[{"apiVersion": "placet/v1", "kind": "Target", "id": "t-2", "provider": "gcp", "country": "FR", "accessFrom": ["FR"]},"#
            + #" {"apiVersion": "placet/v1", "kind": "Target", "id": "t-3", "provider": "ovh", "country": "FR", "gpuHourCost": 2.5, "accessFrom": ["FR"]}]"#
        let lines = #"{"apiVersion": "placet/v1", "kind": "Target", "id": "t-4", "provider": "aws", "country": "IE", "accessFrom": ["IE"]}"#
            + "\n\n" + #"{"apiVersion": "placet/v1", "kind": "Target", "id": "t-5", "provider": "aws", "country": "SE", "accessFrom": ["SE"]}"# + "\n"
        let result = Fixtures.load([
            ManifestInput(path: "a.json", text: targetJSON), ManifestInput(path: "b.json", text: array),
            ManifestInput(path: "c.jsonl", text: lines),
        ])
        #expect(result.diagnostics.isEmpty)
        let targets = result.inventory.tables[Fixtures.baseline.schema.recordIndex["Target"]!]
        #expect(targets.ids == ["t-1", "t-2", "t-3", "t-4", "t-5"])
        #expect(targets.origins.map(\.line) == [1, 1, 1, 1, 3])
        #expect(value(result, kind: "Target", id: "t-3", field: "gpuHourCost") == .number(2.5))
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let path: String
        let text: String
        let id: String
        let line: Int
        let column: Int
        let message: String
        var testDescription: String { name }
    }

    static let dataset = "apiVersion: placet/v1\nkind: Dataset\nid: ds-1\n"

    static let errorCases: [ErrorCase] = [
        ErrorCase(name: "unknown field", path: "m.yaml", text: dataset + "personalData: false\nclasification: public\n",
                  id: "manifest.unknownField", line: 5, column: 1,
                  message: "Dataset 'ds-1': unknown field 'clasification'; did you mean 'classification'?"),
        ErrorCase(name: "unknown kind", path: "m.yaml", text: "apiVersion: placet/v1\nkind: Datset\nid: x\n",
                  id: "manifest.unknownKind", line: 2, column: 7, message: "unknown kind 'Datset'; did you mean 'Dataset'?"),
        ErrorCase(name: "missing required field", path: "m.yaml", text: dataset + "name: x\n",
                  id: "manifest.missingField", line: 1, column: 1, message: "Dataset 'ds-1': missing required field 'personalData' (bool)"),
        ErrorCase(name: "wrong type", path: "m.yaml", text: dataset + "personalData: yes\n",
                  id: "manifest.wrongType", line: 4, column: 15, message: "Dataset 'ds-1', field 'personalData': expected true or false, found 'yes'"),
        ErrorCase(name: "quoted bool is text", path: "m.yaml", text: dataset + "personalData: \"true\"\n",
                  id: "manifest.wrongType", line: 4, column: 15, message: "Dataset 'ds-1', field 'personalData': expected true or false, found 'true'"),
        ErrorCase(name: "number in JSON string field", path: "m.json",
                  text: #"{"apiVersion": "placet/v1", "kind": "Target", "id": "t", "provider": 3, "country": "DE"}"#,
                  id: "manifest.wrongType", line: 1, column: 70, message: "Target 't', field 'provider': expected a string, found a number"),
        ErrorCase(name: "unknown enum value", path: "m.yaml", text: dataset + "personalData: false\nclassification: secret\n",
                  id: "manifest.unknownValue", line: 5, column: 17,
                  message: "Dataset 'ds-1', field 'classification': unknown Classification 'secret'; expected one of public, internal, confidential, restricted"),
        ErrorCase(name: "unknown country code", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Target\nid: t\nprovider: aws\ncountry: UK\n",
                  id: "manifest.unknownValue", line: 5, column: 10, message: "Target 't', field 'country': unknown Country 'UK'"),
        ErrorCase(name: "lower-case country code", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Target\nid: t\nprovider: aws\ncountry: de\n",
                  id: "manifest.unknownValue", line: 5, column: 10, message: "Target 't', field 'country': unknown Country 'de'; did you mean 'DE'?"),
        ErrorCase(name: "bad date", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Waiver\nid: w\nrule: gdpr.dpia\nplacement: p\nexpires: 2026-02-30\napprovedBy: a\njustification: b\n",
                  id: "manifest.badDate", line: 6, column: 10, message: "Waiver 'w', field 'expires': '2026-02-30' is not a real date"),
        ErrorCase(name: "date in another format", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Waiver\nid: w\nrule: gdpr.dpia\nplacement: p\nexpires: 30.06.2026\napprovedBy: a\njustification: b\n",
                  id: "manifest.badDate", line: 6, column: 10, message: "Waiver 'w', field 'expires': '30.06.2026' is not a date written YYYY-MM-DD"),
        ErrorCase(name: "tab in the indentation", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Target\nid: t\ncertifications:\n\t- iso27001\n",
                  id: "manifest.malformedYAML", line: 5, column: 1, message: "a tab character in the indentation: YAML is indented with spaces, not tabs"),
        ErrorCase(name: "waiver of unknown rule", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Waiver\nid: w\nrule: gdpr.transfers\nplacement: p\nexpires: 2026-02-03\napprovedBy: a\njustification: b\n",
                  id: "manifest.unknownRule", line: 4, column: 7, message: "Waiver 'w': waiver names unknown rule 'gdpr.transfers'; did you mean 'gdpr.transfer'?"),
        ErrorCase(name: "dangling reference", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Placement\nid: p\nworkload: storage\ntarget: t-nowhere\nstage: production\n",
                  id: "manifest.danglingReference", line: 5, column: 9, message: "Placement 'p', field 'target': no Target with id 't-nowhere'"),
        ErrorCase(name: "duplicate id", path: "m.yaml", text: dataset + "personalData: false\n---\n" + dataset + "personalData: false\n",
                  id: "manifest.duplicateID", line: 8, column: 5, message: "duplicate Dataset id 'ds-1': first defined at m.yaml:1"),
        ErrorCase(name: "subjects required for personal data", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Controller\nid: c-1\nestablishedIn: [DE]\n---\n" + dataset
                    + "personalData: true\ncontroller: c-1\nlawfulBasis: consent\n",
                  id: "manifest.conditionallyRequired", line: 6, column: 1,
                  message: "Dataset 'ds-1': field 'dataSubjects' is required (and may not be empty) when personalData"),
        ErrorCase(name: "controller required for personal data", path: "m.yaml",
                  text: dataset + "personalData: true\ndataSubjects: [EU]\nlawfulBasis: consent\n",
                  id: "manifest.conditionallyRequired", line: 1, column: 1,
                  message: "Dataset 'ds-1': field 'controller' is required (and may not be empty) when personalData"),
        ErrorCase(name: "a controller reference that no manifest defines", path: "m.yaml",
                  text: dataset + "personalData: true\ncontroller: acme-eu\ndataSubjects: [EU]\nlawfulBasis: consent\n",
                  id: "manifest.danglingReference", line: 5, column: 13,
                  message: "Dataset 'ds-1', field 'controller': no Controller with id 'acme-eu'"),
        ErrorCase(name: "a controller established nowhere", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Controller\nid: c-1\nestablishedIn: []\n",
                  id: "manifest.conditionallyRequired", line: 1, column: 1,
                  message: "Controller 'c-1': field 'establishedIn' is required (and may not be empty) when true"),
        ErrorCase(name: "a processor's target must say where the data can be reached from", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Target\nid: t\nprovider: aws\ncountry: DE\n",
                  id: "manifest.conditionallyRequired", line: 1, column: 1,
                  message: "Target 't': field 'accessFrom' is required (and may not be empty) when operator is absent"),
        ErrorCase(name: "a v1 use case names its replacements", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Model\nid: m\nuseCase: annex3.essentialServices\nriskTier: high\n",
                  id: "manifest.removedValue", line: 4, column: 10,
                  message: "Model 'm', field 'useCase': unknown UseCase 'annex3.essentialServices': it was removed in schema revision 2; use annex3.publicBenefits, annex3.creditScoring, annex3.insurancePricing or annex3.emergencyTriage"),
        ErrorCase(name: "a v1 use case with one replacement", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Model\nid: m\nuseCase: transparency.emotionRecognition\nriskTier: limited\n",
                  id: "manifest.removedValue", line: 4, column: 10,
                  message: "Model 'm', field 'useCase': unknown UseCase 'transparency.emotionRecognition': it was removed in schema revision 2; use annex3.emotionRecognition"),
        ErrorCase(name: "annex3.biometrics names three replacements", path: "m.json",
                  text: #"{"apiVersion": "placet/v1", "kind": "Model", "id": "m", "useCase": "annex3.biometrics", "riskTier": "high"}"#,
                  id: "manifest.removedValue", line: 1, column: 68,
                  message: "Model 'm', field 'useCase': unknown UseCase 'annex3.biometrics': it was removed in schema revision 2; use annex3.remoteBiometricId, annex3.biometricCategorisation or annex3.emotionRecognition"),
        ErrorCase(name: "model required unless storage", path: "m.yaml",
                  text: "apiVersion: placet/v1\nkind: Target\nid: t\nprovider: aws\ncountry: DE\naccessFrom: [DE]\n---\napiVersion: placet/v1\nkind: Placement\nid: p\nworkload: inference\ntarget: t\nstage: production\n",
                  id: "manifest.conditionallyRequired", line: 8, column: 1,
                  message: "Placement 'p': field 'model' is required (and may not be empty) when workload != storage"),
        ErrorCase(name: "wrong apiVersion", path: "m.yaml", text: "apiVersion: placet/v2\nkind: Dataset\nid: d\npersonalData: false\n",
                  id: "manifest.badApiVersion", line: 1, column: 13, message: "unsupported apiVersion 'placet/v2'; expected 'placet/v1'"),
        ErrorCase(name: "malformed YAML", path: "m.yaml", text: "apiVersion: placet/v1\nkind: [Dataset\n",
                  id: "manifest.malformedYAML", line: 3, column: 1,
                  message: "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2)"),
        ErrorCase(name: "malformed JSON", path: "m.json", text: "{\"kind\": \"Dataset\",\n \"id\": }",
                  id: "manifest.malformedJSON", line: 2, column: 8, message: "unexpected '}'; expected a JSON value"),
        ErrorCase(name: "control character in JSON", path: "m.json", text: "\u{0}",
                  id: "manifest.malformedJSON", line: 1, column: 1, message: "unexpected control character 0x0; expected a JSON value"),
        ErrorCase(name: "invalid UTF-8", path: "m.yaml", text: dataset + "name: caf\u{FFFD}\n",
                  id: "manifest.invalidUTF8", line: 4, column: 10, message: "invalid UTF-8 byte 0xFF; manifests must be UTF-8"),
        ErrorCase(name: "not a manifest", path: "m.yaml", text: "just a string\n",
                  id: "manifest.notAManifest", line: 1, column: 1,
                  message: "expected a manifest (a mapping with apiVersion, kind and id) or a list of them, found 'just a string'"),
        ErrorCase(name: "absurd JSON nesting", path: "m.json", text: String(repeating: "[", count: 100_000),
                  id: "manifest.malformedJSON", line: 1, column: 65, message: "JSON nested deeper than 64 levels"),
        ErrorCase(name: "absurd YAML nesting", path: "m.yaml", text: "a: " + String(repeating: "[", count: 100_000),
                  id: "manifest.malformedYAML", line: 1, column: 68, message: "YAML nested deeper than 64 levels"),
    ]

    @Test(arguments: errorCases)
    func reportsError(_ testCase: ErrorCase) {
        var bytes = Array(testCase.text.utf8)
        if testCase.id == "manifest.invalidUTF8" {
            // Replace the U+FFFD placeholder (EF BF BD) with a lone 0xFF byte.
            if let at = bytes.firstIndex(of: 0xEF) { bytes.replaceSubrange(at..<(at + 3), with: [0xFF]) }
        }
        let result = Fixtures.load([ManifestInput(path: testCase.path, bytes: bytes)])
        #expect(result.hasErrors)
        let first = result.diagnostics.first { $0.id == testCase.id }
        #expect(first?.message == testCase.message, "all: \(result.diagnostics.map(\.message))")
        #expect(first?.location?.file == testCase.path)
        #expect(first?.location?.line == testCase.line)
        #expect(first?.location?.column == testCase.column)
    }

    @Test func everyFileIsReportedNotJustTheFirst() {
        let result = Fixtures.load([
            ManifestInput(path: "a.yaml", text: Self.dataset + "personalData: maybe\n"),
            ManifestInput(path: "b.json", text: "{oops}"),
            ManifestInput(path: "c.yaml", text: Self.dataset.replacingOccurrences(of: "ds-1", with: "ds-2") + "personalData: false\nowner: [x]\n"),
        ])
        #expect(result.diagnostics.map(\.location?.file) == ["a.yaml", "b.json", "c.yaml"])
    }

    @Test func errorCountIsBounded() {
        let many = (0..<2_000).map { "{\"apiVersion\": \"placet/v1\", \"kind\": \"Dataset\", \"id\": \"d\($0)\", \"personalData\": 1}" }
            .joined(separator: "\n")
        let result = Fixtures.load([ManifestInput(path: "many.jsonl", text: many)])
        #expect(result.diagnostics.count == 501)
        #expect(result.diagnostics.last?.message.hasSuffix("error limit of 500 reached; further errors are not shown") == true)
        // The cap notice is a note, so "500 errors" counts errors only.
        #expect(result.diagnostics.filter(\.isError).count == 500)
        #expect(result.diagnostics.last?.severity == .note)
    }

    @Test func yamlAliasBombFailsFast() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 {
            text += "l\(level): &l\(level) [" + Array(repeating: level == 1 ? "*a" : "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let started = Date()
        let result = Fixtures.load(yaml: text)
        #expect(Date().timeIntervalSince(started) < TestTiming.seconds(10))
        #expect(result.diagnostics.first?.message.contains("more than 2000000 nodes") == true)
    }

    @Test func directoriesAreReadRecursivelyInSortedOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("placet-discover-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("b/c"), withIntermediateDirectories: true)
        for name in ["z.yaml", "a.json", "b/c/d.jsonl", "b/notes.txt", "b/e.yml"] {
            try Data().write(to: root.appendingPathComponent(name))
        }
        let (files, diagnostics) = ManifestLoader.discover(paths: [root.path, root.appendingPathComponent("b/notes.txt").path])
        #expect(diagnostics.isEmpty)
        #expect(files.map { String($0.dropFirst(root.path.count + 1)) } == ["a.json", "b/c/d.jsonl", "b/e.yml", "z.yaml", "b/notes.txt"])
    }

    @Test func directoryWithoutManifestsIsAnError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("placet-empty-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: root.appendingPathComponent("README.txt"))
        let (files, diagnostics) = ManifestLoader.discover(paths: [root.path])
        #expect(files.isEmpty)
        #expect(diagnostics.map(\.message) == ["\(root.path): no manifest files (.yaml, .yml, .json, .jsonl, .xml) in this directory"])
    }

    @Test func missingPathIsAnError() {
        let (_, diagnostics) = ManifestLoader.discover(paths: ["/nonexistent/placet"])
        #expect(diagnostics.map(\.message) == ["/nonexistent/placet: no such file or directory"])
    }

    @Test func exampleInventoryLoadsClean() {
        let result = ManifestLoader(policy: Fixtures.baseline).load(paths: [Fixtures.acmeDirectory.path])
        #expect(result.diagnostics.map(\.message) == [])
        let placements = result.inventory.tables[Fixtures.baseline.program.placementRecord]
        #expect(placements.count == 30)
        #expect(result.inventory.files.count == 8)
    }
}

@Suite struct JSONDuplicateKeyTests {
    /// Small objects compare keys one by one and large ones hash them: both must see a repeat.
    @Test(arguments: [2, 15, 16, 17, 40])
    func aRepeatedKeyIsAnErrorAtAnySize(keys: Int) {
        let members = (0..<keys).map { "\"k\($0)\": \($0)" } + ["\"k\(keys - 1)\": 0"]
        let bytes = Array(("{" + members.joined(separator: ", ") + "}").utf8)
        let result: ReadError? = bytes.withUnsafeBufferPointer { buffer in
            do throws(ReadError) {
                _ = try JSONReader.read(buffer, range: 0..<buffer.count)
                return nil
            } catch {
                return error
            }
        }
        #expect(result?.message == "duplicate key 'k\(keys - 1)'")
        let distinct = Array(("{" + (0..<keys).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + "}").utf8)
        let parsed = distinct.withUnsafeBufferPointer { buffer in try? JSONReader.read(buffer, range: 0..<buffer.count) }
        #expect(parsed != nil)
    }
}
