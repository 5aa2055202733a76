// Manifest diagnostics land where the editor shows the error, whichever line breaks the file
// uses. LSP ends lines at LF, CRLF and a lone CR; Placet's positions count each format's own
// breaks (YAML: also NEL, LS and PS; XML: also a lone CR; JSON: LF only), so the server finds
// the line by the format's breaks and sends it by the editor's.

import Foundation
import PlacetLanguageServer
import Testing

@Suite struct LanguageServerLineBreakTests {
    /// An acme manifest with an unknown country, and the line breaks before the error replaced.
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let lineBreak: String
        var testDescription: String { "\(file) with \(lineBreak.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ")) breaks" }
    }

    static let xml = """
        <manifests xmlns="urn:placet:manifest:v1">
          <target id="azure-norway-east">
            <provider>azure</provider>
            <region>norwayeast</region>
            <country>DE</country>
          </target>
        </manifests>

        """

    static func text(of file: String) -> String {
        file.hasSuffix(".xml") ? xml : LSPText.text("policies/examples/acme/\(file)")
    }

    static let cases: [Case] = [
        Case(file: "targets.yaml", lineBreak: "\r"), Case(file: "targets.yaml", lineBreak: "\r\n"),
        Case(file: "targets.yaml", lineBreak: "\u{85}"), Case(file: "targets.yaml", lineBreak: "\u{2028}"),
        Case(file: "targets.yaml", lineBreak: "\u{2029}"),
        Case(file: "more-placements.json", lineBreak: "\r"), Case(file: "more-placements.json", lineBreak: "\r\n"),
        // Not a lone CR in XML: the schema's errors come from libxml2, which counts lines at LF
        // only and gives no column, so they land at the start of their LF-delimited stretch.
        Case(file: "targets-extra.xml", lineBreak: "\r\n"),
    ]

    /// Where LSP puts a UTF-8 offset: LF, CRLF and a lone CR end lines; characters in UTF-16.
    static func lspPosition(of offset: Int, in text: String) -> (line: Int, character: Int) {
        let bytes = Array(text.utf8)
        var line = 0, lineStart = 0, index = 0
        while index < offset {
            if bytes[index] == 0x0A || (bytes[index] == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        return (line, String(decoding: bytes[lineStart..<offset], as: UTF8.self).utf16.count)
    }

    @Test(arguments: cases)
    func manifestDiagnosticsLandOnTheEditorsLine(_ testCase: Case) throws {
        let original = Self.text(of: testCase.file)
        // The first occurrence of the value to break, and every line break before it replaced.
        let needle = testCase.file.hasSuffix(".json") ? "batchScoring" : "DE"
        let broken = testCase.file.hasSuffix(".json") ? "batchScorinX" : "DX"
        let errorAt = try #require(original.range(of: needle))
        let before = original[..<errorAt.lowerBound].replacingOccurrences(of: "\n", with: testCase.lineBreak)
        let text = before + broken + original[errorAt.upperBound...]
        let server = InProcessServer()
        let uri = LSPText.uri("policies/examples/acme/\(testCase.file)")
        server.open(uri, text, language: testCase.file.hasSuffix(".xml") ? "xml" : "yaml")
        let diagnostics = try #require(server.publishedDiagnostics()[uri])
        let error = try #require(diagnostics.first { $0["message"]?.string?.contains(broken) == true },
                                 "no diagnostic naming \(broken): \(diagnostics)")
        // JSON errors point at the string's opening quote; the schema's XML errors at their line.
        let expected = Self.lspPosition(of: before.utf8.count - (testCase.file.hasSuffix(".json") ? 1 : 0), in: text)
        #expect(error["range"]?["start"]?["line"]?.int == expected.line)
        #expect(error["range"]?["start"]?["character"]?.int == (testCase.file.hasSuffix(".xml") ? 0 : expected.character))
    }
}
