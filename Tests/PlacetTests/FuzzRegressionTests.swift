// Inputs the fuzz targets in Fuzz/ found breaking a contract, each kept as a small input that
// shows it, with the contract it broke. A crash found by fuzzing is added here before its fix.

import Foundation
import PlacetLanguage
import PlacetManifests
import PlacetReports
import Testing

@Suite struct FuzzRegressionTests {
    /// What a drafted manifest must never cause when read back: a file the importer wrote broken.
    static func brokenDraftDiagnostics(_ loaded: ManifestLoadResult) -> [String] {
        let malformed: Set = ["manifest.malformedYAML", "manifest.malformedJSON", "manifest.notAManifest", "manifest.unknownField",
                              "manifest.missingKind", "manifest.unknownKind"]
        return loaded.diagnostics.filter { diagnostic in
            malformed.contains(diagnostic.id)
                || (diagnostic.id == "manifest.invalidXML" && !diagnostic.message.contains(ManifestDraft.placeholder))
        }.map { "\($0.id): \($0.message)" }
    }

    /// fuzz-import-model-card: a heading with control characters went into the YAML draft's
    /// first comment line as it was, and the draft no longer parsed ("control characters are not
    /// allowed"); a line break in a name would end that comment early and add YAML of its own.
    @Test(arguments: [
        "# Chu:  Pred\u{01}\u{00}radtor\n\nGradient-boosted.\n",
        "---\nmodel_name: \"m\\nkind: Dataset\\nid: injected\"\n---\n# Model\n",
        "# a\u{85}b\u{2028}c\u{9F}d\u{7F}e\r\n",
    ])
    func modelCardDraftsReadBackInEveryFormat(card: String) throws {
        let draft = try ModelCardImporter.draft(from: card, hints: SchemaHints(schema: Fixtures.baseline.schema)).draft
        for format in ManifestExportFormat.allCases {
            let bytes = try #require(DraftRenderer.render([draft], as: format))
            let loaded = Fixtures.load([ManifestInput(path: "draft.\(format.rawValue)", bytes: bytes)])
            #expect(Self.brokenDraftDiagnostics(loaded) == [], "\(format.rawValue):\n\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    /// fuzz-verify-log: a line whose `,"hash":"` key ends inside its own closing `"}` crashed
    /// `placet verify-log` (a range with its bounds reversed) instead of reporting the line.
    @Test(arguments: ["{\"seq\":\"x\",\"hash\":\"}\n", ",\"hash\":\"}", "{\"hash\":\"}"])
    func aRecordWithoutRoomForItsHashIsTampered(log: String) {
        #expect(DecisionLog.verify(log) == .tampered(line: 1, reason: "not a log record (altered)"))
    }

    /// fuzz-manifest-json: an invalid escape whose escaped byte is a line break was reported one
    /// column past the end of its line (the reader had stepped over the line break); it is now
    /// reported at its backslash.
    @Test(arguments: [("{\"id\": \"\\\n\"}", 1, 9), ("{\"id\": \"\\q\"}", 1, 9), ("[\n{\"a\": \"x\\\n\n\"}]", 2, 9)])
    func anInvalidEscapeIsReportedAtItsBackslash(json: String, line: Int, column: Int) {
        let loaded = Fixtures.load([ManifestInput(path: "escape.json", text: json)])
        let error = loaded.diagnostics.first { $0.id == "manifest.malformedJSON" }
        #expect(error?.message.contains("invalid escape") == true, "\(loaded.diagnostics.map(\.message))")
        #expect(error?.location?.line == line && error?.location?.column == column, "\(String(describing: error?.location))")
    }

    /// fuzz-manifest-yaml: an error at the end of a YAML file without a final line break was
    /// reported on a line after the last (libyaml reads such a file as if it had one).
    @Test(arguments: [("apiVersion: placet/v1\nkind: Target\nRRRR", 3, 5), ("a: [x,\ny", 2, 2), ("é: [", 1, 5)])
    func aYAMLErrorAtTheEndIsOnTheLastLine(yaml: String, line: Int, column: Int) {
        let error = Fixtures.load(yaml: yaml).diagnostics.first { $0.id == "manifest.malformedYAML" }
        #expect(error?.location?.line == line && error?.location?.column == column, "\(String(describing: error?.location)) \(error?.message ?? "")")
    }
}
