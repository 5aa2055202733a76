// Manifest diagnostics land where the editor shows the error, whichever line breaks the file
// uses. LSP ends lines at LF, CRLF and a lone CR; Placet's positions count each format's own
// breaks (YAML: also NEL, LS and PS; XML: also a lone CR; JSON: LF only), so the server finds
// the line by the format's breaks and sends it by the editor's.
// Completion, hover and definition read the text around the cursor by the editor's lines, at
// every position of a manifest or a policy file in each style of line break.

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

    /// Block-style YAML (the acme files write their lists in flow style): list items, a nested
    /// mapping, comments and a second document.
    static let blockYAML = """
        # Two datasets in block style.
        apiVersion: placet/v1
        kind: Dataset
        id: ds-block
        personalData: true
        controller: ctl-acme
        dataSubjects:
          - EU
          - NO
        specialCategories:
          - health   # Art. 9(1)
          - 
        dpia: completed
        ---
        apiVersion: placet/v1
        kind: Placement
        id: pl-block
        model: mdl-hr-attrition
        datasets:
          - ds-block
        target: azure-norway-east
        workload: training

        """

    static func text(of file: String) -> String {
        switch file {
        case "block.yaml": blockYAML
        case "targets-extra.xml": xml
        case let policy where policy.hasSuffix(".placet"): LSPText.text("policies/rules/\(policy)")
        default: LSPText.text("policies/examples/acme/\(file)")
        }
    }

    static let cases: [Case] = [
        Case(file: "targets.yaml", lineBreak: "\r"), Case(file: "targets.yaml", lineBreak: "\r\n"),
        Case(file: "targets.yaml", lineBreak: "\u{85}"), Case(file: "targets.yaml", lineBreak: "\u{2028}"),
        Case(file: "targets.yaml", lineBreak: "\u{2029}"),
        Case(file: "more-placements.json", lineBreak: "\r"), Case(file: "more-placements.json", lineBreak: "\r\n"),
        // The schema's errors in XML come from libxml2, which counts lines at LF only and gives no
        // column: Placet places them at their element's start tag, on XML 1.0's lines.
        Case(file: "targets-extra.xml", lineBreak: "\r\n"), Case(file: "targets-extra.xml", lineBreak: "\r"),
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
        // JSON errors point at the string's opening quote; the schema's XML errors at their element's tag.
        let back = testCase.file.hasSuffix(".json") ? 1 : testCase.file.hasSuffix(".xml") ? "<country>".utf8.count : 0
        let expected = Self.lspPosition(of: before.utf8.count - back, in: text)
        #expect(error["range"]?["start"]?["line"]?.int == expected.line)
        #expect(error["range"]?["start"]?["character"]?.int == expected.character)
    }

    /// Completion reads the manifest around the cursor by its lines, which end where the
    /// editor's do: a list item under a key, a key with its value, a new key after CRLF or CR.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func manifestCompletionFollowsTheEditorsLines(_ lineBreak: String) throws {
        let lines = ["apiVersion: placet/v1", "kind: Dataset", "id: ds-new", "personalData: true", "specialCategories:", "  - ", "dpia: ", ""]
        let text = lines.joined(separator: lineBreak)
        let server = InProcessServer()
        let uri = LSPText.uri("policies/examples/acme/new-dataset.yaml")
        server.open(uri, text, language: "yaml")
        func labels(_ line: Int, _ character: Int) -> [String] {
            server.request("textDocument/completion", LSPText.at(uri, .object(["line": JSONValue(line), "character": JSONValue(character)])))["items"]?
                .array?.compactMap { $0["label"]?.string } ?? []
        }
        // The list item under `specialCategories:` takes the key from the line above.
        #expect(labels(5, 4).contains("health"))
        #expect(labels(6, 6) == ["notStarted", "inProgress", "completed"])
        let keys = labels(7, 0)
        #expect(keys.contains("lawfulBasis") && !keys.contains("personalData") && !keys.contains("kind"))
    }

    /// Every position of a manifest or a policy file, whichever line breaks it uses, gets an
    /// answer to the requests that read the text around the cursor (a crash here takes the
    /// editor's server down).
    @Test(arguments: ["block.yaml", "controllers.yaml", "more-placements.json", "bulk.jsonl", "targets-extra.xml", "platform.placet"],
          ["\n", "\r\n", "\r"])
    func everyPositionIsAnswered(_ file: String, _ lineBreak: String) throws {
        let text = Self.text(of: file).replacingOccurrences(of: "\n", with: lineBreak)
        let server = InProcessServer()
        let isPolicy = file.hasSuffix(".placet")
        let uri = LSPText.uri(isPolicy ? "policies/rules/\(file)" : "policies/examples/acme/\(file)")
        server.open(uri, text, language: file.hasSuffix(".xml") ? "xml" : "yaml")
        // The LSP position of every UTF-8 offset, in one pass (as `lspPosition` counts them).
        let bytes = Array(text.utf8)
        var positions: [JSONValue] = []
        var line = 0, lineStart = 0
        for offset in 0...bytes.count {
            // Only offsets that start a character: LSP cannot name the others.
            if offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { continue }
            if offset > 0, bytes[offset - 1] == 0x0A || (bytes[offset - 1] == 0x0D && (offset >= bytes.count || bytes[offset] != 0x0A)) {
                line += 1
                lineStart = offset
            }
            let character = String(decoding: bytes[lineStart..<offset], as: UTF8.self).utf16.count
            positions.append(.object(["line": JSONValue(line), "character": JSONValue(character)]))
        }
        let methods = ["textDocument/completion", "textDocument/hover", "textDocument/definition"]
            + (isPolicy ? ["textDocument/references", "textDocument/prepareRename"] : [])
        var errors: [String] = []
        for position in positions {
            for method in methods {
                let response = server.request(method, LSPText.at(uri, position))
                // prepareRename refuses, with an error, where nothing can be renamed.
                if let error = response["error"], method != "textDocument/prepareRename" { errors.append("\(method) at \(position): \(error)") }
            }
        }
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(positions.count > text.utf8.count / 2)
    }
}
