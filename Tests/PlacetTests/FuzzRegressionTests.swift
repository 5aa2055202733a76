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
        // A name with an escaped quote and then 70 braces: written as one quoted YAML string,
        // which the nesting check took for 70 levels of flow mappings.
        "# se0\u{1B}\"" + String(repeating: "{", count: 70) + "&--\nlicense:",
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

    /// fuzz-import-model-card: YAML's nesting check, which runs before libyaml, ended a
    /// double-quoted string at an escaped quote (`\"`) and a single-quoted one at a doubled
    /// quote (`''`), then counted the braces inside the string as nesting: a quoted name with
    /// 70 braces was refused as "nested deeper than 64 levels".
    @Test(arguments: [
        "name: \"a\\\"" + String(repeating: "{", count: 70) + "\"",
        "name: 'a''" + String(repeating: "{", count: 70) + "'",
    ])
    func bracesInAQuotedStringAreNotNesting(value: String) {
        let yaml = "apiVersion: placet/v1\nkind: Target\nid: t-1\n" + value + "\n"
        #expect(!Fixtures.load(yaml: yaml).diagnostics.contains { $0.message.contains("nested deeper") }, "\(yaml)")
    }

    /// Braces outside quotes still count, after strings that end in an escape: 70 levels of
    /// flow mappings are refused before libyaml.
    @Test(arguments: ["name: 'a''b'", "name: \"a\\\\\"", "name: \"a\\\"b\""])
    func flowNestingBeyondTheLimitIsStillRefused(before: String) {
        let yaml = "apiVersion: placet/v1\nkind: Target\nid: t-1\n" + before + "\nx: " + String(repeating: "{", count: 70) + "\n"
        #expect(Fixtures.load(yaml: yaml).diagnostics.contains { $0.message.contains("nested deeper than 64") })
    }

    /// The first diagnostic with `id` (and `message` in its text), for a position check.
    static func first(_ id: String, containing message: String = "", in loaded: ManifestLoadResult) -> Diagnostic? {
        loaded.diagnostics.first { $0.id == id && (message.isEmpty || $0.message.contains(message)) }
    }

    /// fuzz-manifest-yaml: libyaml ends a line at a lone CR, NEL, LS and PS, and Placet's line
    /// table and own checks at LF only, so an error after such breaks was on a line the file did
    /// not have by Placet's count (263 of 171), or quoted another line. Positions from libyaml
    /// (a scanner error, a field's key) and from Placet (invalid UTF-8, nesting) are now on
    /// libyaml's count, each quoting its own line; CRLF and LF are as before.
    @Test(arguments: ["\r", "\u{85}", "\u{2028}", "\u{2029}", "\r\n", "\n"])
    func aYAMLPositionCountsLibyamlsLineBreaks(lineBreak: String) {
        func lines(_ lines: String...) -> String { lines.joined(separator: lineBreak) }
        let head = lines("apiVersion: placet/v1", "kind: Target", "id: t1")
        let scanner = Fixtures.load(yaml: head + lineBreak + "name: @x").diagnostics.first { $0.id == "manifest.malformedYAML" }
        #expect(scanner?.location?.line == 4 && scanner?.location?.column == 7, "\(String(describing: scanner))")
        #expect(scanner?.location?.sourceLine == "name: @x")

        let unknown = Fixtures.load(yaml: head + lineBreak + "colour: red").diagnostics.first { $0.id == "manifest.unknownField" }
        #expect(unknown?.location?.line == 4 && unknown?.location?.column == 1, "\(String(describing: unknown))")
        #expect(unknown?.location?.sourceLine == "colour: red")

        let nested = Fixtures.load(yaml: lines("apiVersion: placet/v1", "kind: Target", "x: " + String(repeating: "[", count: 65)))
        let nesting = Self.first("manifest.malformedYAML", containing: "nested deeper", in: nested)
        #expect(nesting?.location?.line == 3 && nesting?.location?.column == 68, "\(String(describing: nesting))")

        let bytes = Array(lines("apiVersion: placet/v1", "kind: Target", "name: caf").utf8) + [0xFF]
        let invalid = Fixtures.load([ManifestInput(path: "bytes.yaml", bytes: bytes)]).diagnostics.first { $0.id == "manifest.invalidUTF8" }
        #expect(invalid?.location?.line == 3 && invalid?.location?.column == 10, "\(String(describing: invalid))")
        #expect(invalid?.location?.sourceLine == "name: caf\u{FFFD}")
    }

    /// fuzz-server (XML bodies): XML 1.0 ends a line at a lone CR as at LF, and so do editors,
    /// but libxml2 2.9 counts LF alone and runs its columns on past a lone CR: an error after lone
    /// CRs was at line 1 with a column past most of the file. libxml2's positions are now mapped
    /// onto XML's lines, each quoting its own line; CRLF and LF are as before.
    @Test(arguments: ["\r", "\r\n", "\n"])
    func anXMLPositionCountsALoneCarriageReturn(lineBreak: String) {
        let xml = ["<manifests xmlns=\"\(XSDGenerator.namespace)\">", "<dataset id=\"d\">", "<name>x</name>", "<<</dataset></manifests>"]
            .joined(separator: lineBreak)
        let error = Self.first("manifest.invalidXML", in: Fixtures.load([ManifestInput(path: "cr.xml", text: xml)]))
        #expect(error?.location?.line == 4 && error?.location?.column == 2, "\(String(describing: error))")
        #expect(error?.location?.sourceLine == "<<</dataset></manifests>")

        let bytes = Array(["<manifests>", "<dataset id=\"caf"].joined(separator: lineBreak).utf8) + [0xFF]
        let invalid = Fixtures.load([ManifestInput(path: "bytes.xml", bytes: bytes)]).diagnostics.first { $0.id == "manifest.invalidUTF8" }
        #expect(invalid?.location?.line == 2 && invalid?.location?.column == 17, "\(String(describing: invalid))")
    }

    /// fuzz-manifest-xml: libxml2 reports a failed decoding of the raw bytes (a document it
    /// takes for UCS-4 by its first bytes) at line 0, column 0; it is at line 1, with no column.
    @Test func anXMLEncodingErrorIsOnTheFirstLine() {
        let bytes: [UInt8] = [0x3C, 0, 0, 0, 0, 0, 0, 0, 0x61, 0, 0, 0]
        let loaded = Fixtures.load([ManifestInput(path: "ucs4.xml", bytes: bytes)])
        let error = Self.first("manifest.invalidXML", containing: "input conversion failed", in: loaded)
        #expect(error?.location?.line == 1 && error?.location?.column == 0, "\(loaded.diagnostics)")
        #expect(loaded.diagnostics.allSatisfy { ($0.location?.line ?? 1) >= 1 }, "\(loaded.diagnostics)")
    }

    /// fuzz-server (XML bodies): libxml2's column was past the end of its line: for an error in
    /// an entity's replacement text, which it reports at that text's line and column (2:81 on an
    /// 11-byte line), and for input it decodes from another encoding, counting each UTF-8 byte of
    /// an `é` as a character. The first has no place in the file, so no column; the second is
    /// kept at its line's end.
    @Test(arguments: [
        ("<!DOCTYPE manifests [<!ENTITY e \"&#10;<b" + String(repeating: " ", count: 80) + "0='1'/>\">]>\n<manifests>&e;</manifests>\n",
         "error parsing attribute name"),
        ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<manifests>" + String(repeating: "é", count: 10) + "<<",
         "invalid element name"),
    ])
    func anXMLErrorColumnIsInsideItsLine(xml: String, message: String) {
        let loaded = Fixtures.load([ManifestInput(path: "column.xml", text: xml)])
        let lines = xml.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(Self.first("manifest.invalidXML", containing: message, in: loaded) != nil, "\(loaded.diagnostics)")
        for diagnostic in loaded.diagnostics {
            let location = diagnostic.location
            let line = location.flatMap { $0.line >= 1 && $0.line <= lines.count ? lines[$0.line - 1] : nil }
            #expect(line != nil && location!.column <= line!.unicodeScalars.count + 1, "\(diagnostic.message) at \(String(describing: location))")
        }
    }
}
