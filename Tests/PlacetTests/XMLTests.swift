// XML manifests through libxml2: schema validation, equivalence with YAML, round trips,
// and hostile documents.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import Testing

@Suite(.serialized) struct XMLTests {
    static let namespace = "urn:placet:manifest:v1"

    private func acme() -> ManifestLoadResult {
        ManifestLoader(policy: Fixtures.baseline).load(paths: [Fixtures.acmeDirectory.path])
    }

    private func json(_ inventory: Inventory, asOf: String) -> [UInt8] {
        let date = CivilDate(iso: asOf)!
        let assessment = PlacementAssessor(policy: Fixtures.baseline, asOf: date).assess(inventory)
        // Input digests name the files, which differ by format by design; everything else must not.
        let report = Report(engineVersion: "test", policyDigest: Fixtures.baseline.digest, asOf: date, inputs: [],
                            assessment: assessment, diagnostics: [])
        return JSONRenderer().render(report)
    }

    @Test(arguments: ["2028-01-01", "2026-11-29"])
    func xmlEvaluatesExactlyLikeYAML(asOf: String) throws {
        let yaml = acme()
        #expect(yaml.diagnostics.isEmpty)
        let xml = try #require(ManifestWriter(policy: Fixtures.baseline, inventory: yaml.inventory).write(.xml))
        let fromXML = Fixtures.load([ManifestInput(path: "acme.xml", bytes: xml)])
        #expect(fromXML.diagnostics.map(\.message) == [])
        #expect(json(fromXML.inventory, asOf: asOf) == json(yaml.inventory, asOf: asOf))
    }

    @Test func yamlToXMLToYAMLGivesTheSameManifests() throws {
        let original = acme()
        let writer = ManifestWriter(policy: Fixtures.baseline, inventory: original.inventory)
        let yaml = try #require(writer.write(.yaml))
        let xml = try #require(writer.write(.xml))
        let fromXML = Fixtures.load([ManifestInput(path: "acme.xml", bytes: xml)])
        let backToYAML = try #require(ManifestWriter(policy: Fixtures.baseline, inventory: fromXML.inventory).write(.yaml))
        #expect(String(decoding: backToYAML, as: UTF8.self) == String(decoding: yaml, as: UTF8.self))
        let reread = Fixtures.load([ManifestInput(path: "acme.yaml", bytes: backToYAML)])
        #expect(reread.diagnostics.isEmpty)
        for kind in Fixtures.baseline.schema.records.indices {
            #expect(reread.inventory.tables[kind].rows == original.inventory.tables[kind].rows)
            #expect(reread.inventory.tables[kind].ids == original.inventory.tables[kind].ids)
        }
        let fromJSON = Fixtures.load([ManifestInput(path: "acme.json", bytes: try #require(writer.write(.json)))])
        #expect(fromJSON.diagnostics.isEmpty)
        #expect(fromJSON.inventory.tables.map(\.rows) == original.inventory.tables.map(\.rows))
    }

    /// docs/schema holds a copy for people validating XML without the binary; it must not drift.
    @Test func documentedXSDIsTheOneGeneratedFromTheBaselineSchema() throws {
        let documented = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("docs/schema/placet-manifest-v1.xsd"), encoding: .utf8)
        #expect(documented == XSDGenerator.xsd(for: Fixtures.baseline.schema))
    }

    @Test func norwayInXMLIsNorway() {
        let text = """
            <?xml version="1.0"?>
            <manifests xmlns="\(Self.namespace)">
              <target id="t-oslo"><country>NO</country><provider>azure</provider><frameworks><item>ray</item></frameworks><accessFrom><item>NO</item></accessFrom></target>
            </manifests>
            """
        let result = Fixtures.load([ManifestInput(path: "t.xml", text: text)])
        #expect(result.diagnostics.isEmpty)
        let schema = Fixtures.baseline.schema
        let kind = schema.recordIndex["Target"]!
        let country = schema.enumerations[schema.enumerationIndex["Country"]!].caseIndex["NO"]!
        #expect(result.inventory.tables[kind].rows.first?[schema.records[kind].fieldIndex["country"]!] == .enumCase(country))
        #expect(result.inventory.tables[kind].origins.first?.line == 3)
    }

    @Test func schemaViolationsAreReportedWithTheirLines() {
        let text = """
            <?xml version="1.0"?>
            <manifests xmlns="\(Self.namespace)">
              <dataset id="d">
                <personalDta>false</personalDta>
              </dataset>
              <target id="t"><provider>aws</provider><country>XX</country></target>
            </manifests>
            """
        let result = Fixtures.load([ManifestInput(path: "bad.xml", text: text)])
        #expect(result.diagnostics.map(\.location?.line) == [4, 6])
        #expect(result.diagnostics.map(\.location?.column) == [5, 42])
        #expect(result.diagnostics.map(\.location?.file) == ["bad.xml", "bad.xml"])
        #expect(result.diagnostics[0].message.hasPrefix("Element '{urn:placet:manifest:v1}personalDta': This element is not expected."))
        #expect(result.diagnostics[1].message.hasPrefix("Element '{urn:placet:manifest:v1}country': [facet 'enumeration'] The value 'XX' is not an element of the set"))
    }

    /// libxml2 keeps no column for elements: a violation is placed at the start tag of the
    /// element it names, found in the text, whatever else shares its line.
    static let misplacedElements: [(text: String, expected: [Position])] = {
        let namespace = #"<manifests xmlns="urn:placet:manifest:v1">"#
        let twins = #"<target id="t"><provider>aws</provider><country>XX</country></target>"#
            + #"<target id="u"><provider>aws</provider><country>YY</country></target></manifests>"#
        let tricky = "<!-- <dataset id=\"x\"> -->\n" + namespace + #"<dataset id="dé" a='>'><personalDta/></dataset></manifests>"#
        let breaks = namespace + "\r\n" + #" <placement id="p" note="n"/>"# + "\r"
            + #"  <target id="t"><provider>aws</provider><country>XX</country></target></manifests>"#
        return [
            // Two elements of one name on one line: each error at its own.
            (namespace + twins, [Position(line: 1, column: 82), Position(line: 1, column: 151)]),
            // A tag in a comment, `>` in a quoted value, and a non-ASCII letter before the
            // element (columns count characters, not bytes).
            (tricky, [Position(line: 2, column: 43), Position(line: 2, column: 66)]),
            // An attribute's error is its element's; lines end at CRLF and at a lone CR alike.
            (breaks, [Position(line: 2, column: 2), Position(line: 2, column: 2), Position(line: 3, column: 42)]),
        ]
    }()

    @Test(arguments: misplacedElements)
    func schemaViolationsPointAtTheirElement(text: String, expected: [Position]) {
        let result = Fixtures.load([ManifestInput(path: "bad.xml", text: text)])
        let positions = result.diagnostics.map { Position(line: $0.location?.line ?? 0, column: $0.location?.column ?? 0) }
        #expect(positions == expected, "\(result.diagnostics.map(\.message))")
    }

    /// Manifests read from XML point where their element starts, so a dangling reference shows
    /// its own element, not the start of its line.
    @Test func referencesPointAtTheirElement() {
        let text = "<manifests xmlns=\"\(Self.namespace)\">\n  <placement id=\"p\"><workload>inference</workload><target>t-missing</target><stage>production</stage></placement>\n</manifests>\n"
        let result = Fixtures.load([ManifestInput(path: "p.xml", text: text)])
        #expect(result.diagnostics.map(\.message) == ["Placement 'p', field 'target': no Target with id 't-missing'"])
        #expect(result.diagnostics.first?.location?.line == 2)
        #expect(result.diagnostics.first?.location?.column == 51)
        let kind = Fixtures.baseline.schema.recordIndex["Placement"]!
        #expect(result.inventory.tables[kind].origins.first.map { [$0.line, $0.column] } == [2, 3])
    }

    @Test func referencesAndRequirementsStillApplyAfterTheXSD() {
        let text = """
            <manifests xmlns="\(Self.namespace)">
              <placement id="p"><workload>inference</workload><target>t-missing</target><stage>production</stage></placement>
            </manifests>
            """
        let result = Fixtures.load([ManifestInput(path: "p.xml", text: text)])
        #expect(result.diagnostics.map(\.message) == ["Placement 'p', field 'target': no Target with id 't-missing'"])
        #expect(result.diagnostics.first?.location?.line == 2)
    }

    @Test func malformedXMLIsAnError() {
        let result = Fixtures.load([ManifestInput(path: "broken.xml", text: "<manifests xmlns=\"\(Self.namespace)\">\n<dataset id=\"d\">\n</manifests>\n")])
        #expect(result.diagnostics.first?.message == "Opening and ending tag mismatch: dataset line 2 and manifests")
        #expect(result.diagnostics.first?.location?.line == 3)
    }

    @Test func externalEntitiesAreNeverRead() {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE manifests [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <manifests xmlns="\(Self.namespace)"><dataset id="d"><name>&xxe;</name><personalData>false</personalData></dataset></manifests>
            """
        let result = Fixtures.load([ManifestInput(path: "xxe.xml", text: text)])
        #expect(result.diagnostics.map(\.message) == ["DOCTYPE declarations are not allowed in manifests (no DTDs, no entities)"])
        #expect(result.inventory.tables.allSatisfy { $0.count == 0 })
        #expect(!result.diagnostics.contains { $0.message.contains("root:") })
    }

    @Test func billionLaughsFailsFast() {
        var entities = "<!ENTITY lol \"lol\">"
        for level in 1...9 {
            let previous = level == 1 ? "&lol;" : "&lol\(level - 1);"
            entities += "<!ENTITY lol\(level) \"\(String(repeating: previous, count: 10))\">"
        }
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE manifests [\(entities)]>\n<manifests xmlns=\"\(Self.namespace)\"><dataset id=\"d\"><name>&lol9;</name><personalData>false</personalData></dataset></manifests>\n"
        let started = Date()
        let result = Fixtures.load([ManifestInput(path: "laughs.xml", text: text)])
        #expect(Date().timeIntervalSince(started) < TestTiming.seconds(1))
        #expect(result.hasErrors)
        #expect(result.diagnostics.first?.message == "Detected an entity reference loop")
    }

    @Test func deepNestingFailsWithALimitMessage() {
        let text = "<manifests xmlns=\"\(Self.namespace)\">" + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000) + "</manifests>"
        let result = Fixtures.load([ManifestInput(path: "deep.xml", text: text)])
        #expect(result.diagnostics.first?.message == "Excessive depth in document: 256 use XML_PARSE_HUGE option")
    }

    @Test func hundredMegabyteDocumentIsRefusedBeforeReading() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-big-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: { _ = FileManager.default.createFile(atPath: file.path, contents: nil); return file }())
        try handle.truncate(atOffset: 100 << 20)  // a sparse 100 MB file
        try handle.close()
        let result = ManifestLoader(policy: Fixtures.baseline).load(paths: [file.path])
        #expect(result.diagnostics.map(\.message) == [
            "\(file.path): XML document is 104857600 bytes, over the limit of 33554432 bytes for XML manifests; split it or use JSON Lines",
        ])
    }

    @Test func errorsDoNotLeakBetweenCallsOrThreads() async {
        let bad = ManifestInput(path: "bad.xml", text: "<manifests xmlns=\"\(Self.namespace)\"><dataset id=\"d\"></manifests>")
        let good = ManifestInput(path: "good.xml", text: "<manifests xmlns=\"\(Self.namespace)\"><dataset id=\"d\"><personalData>false</personalData></dataset></manifests>")
        #expect(Fixtures.load([bad]).hasErrors)
        #expect(Fixtures.load([good]).diagnostics.isEmpty)
        let outcomes = await withTaskGroup(of: (Bool, Int).self) { group in
            for index in 0..<16 {
                group.addTask { (index % 2 == 0, Fixtures.load([index % 2 == 0 ? good : bad]).diagnostics.count) }
            }
            var collected: [(Bool, Int)] = []
            for await outcome in group { collected.append(outcome) }
            return collected
        }
        #expect(outcomes.filter(\.0).allSatisfy { $0.1 == 0 })
        #expect(outcomes.filter { !$0.0 }.allSatisfy { $0.1 > 0 })
    }
}
