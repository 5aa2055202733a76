// A scripted LSP session against the real `placet lsp` process over stdio: initialize, a type
// error published at its range and cleared by the fix, then hover, definition, references,
// completion, formatting, rename and code lens on the repository's pack and the acme example,
// an XML manifest's definition, outline and lens, and a clean shutdown. Every wait has a deadline.

import Foundation
import PlacetLanguageServer
import Testing

@Suite struct LanguageServerProcessTests {
    @Test func scriptedSession() throws {
        let server = try LSPProcess()
        defer { _ = server.waitForExit(timeout: 0) }
        let root = Fixtures.packageRoot.absoluteString
        let initialize = try #require(server.request("initialize", .object([
            "processId": .null, "rootUri": .string(root), "capabilities": .object([:]),
            "initializationOptions": .object(["inventory": "policies/examples/acme", "asOf": "2028-01-01"])])))
        #expect(initialize["result"]?["capabilities"]?["hoverProvider"] == true)
        #expect(initialize["result"]?["serverInfo"]?["name"]?.string == "placet")
        server.notify("initialized", .object([:]))

        // A policy file with a type error; then the keystroke that fixes it.
        let uri = LSPText.uri("policies/rules/session.placet")
        let broken = "rule session.production\n  effect warn\n  cites \"GDPR Art. 5(1)\"\n  when placement.stage == productoin\n  message \"in production\"\n"
        server.notify("textDocument/didOpen", .object(["textDocument": .object([
            "uri": .string(uri), "languageId": "placet", "version": 1, "text": .string(broken)])]))
        let diagnostics = try #require(server.diagnostics(for: uri))
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["code"]?.string == "type.unknownCase")
        #expect(diagnostics.first?["message"]?.string == "unknown case 'productoin' of Stage; did you mean 'production'?")
        #expect(diagnostics.first?["range"] == .object([
            "start": .object(["line": 3, "character": 26]), "end": .object(["line": 3, "character": 36])]))
        server.notify("textDocument/didChange", .object([
            "textDocument": .object(["uri": .string(uri), "version": 2]),
            "contentChanges": [.object(["range": .object(["start": .object(["line": 3, "character": 33]),
                                                          "end": .object(["line": 3, "character": 35])]),
                                        "text": "io"])]]))
        #expect(try #require(server.diagnostics(for: uri)) == [])

        let gdprURI = LSPText.uri("policies/rules/gdpr.placet")
        let gdpr = LSPText.text("policies/rules/gdpr.placet")
        server.notify("textDocument/didOpen", .object(["textDocument": .object([
            "uri": .string(gdprURI), "languageId": "placet", "version": 1, "text": .string(gdpr)])]))

        let hover = server.request("textDocument/hover", LSPText.at(gdprURI, LSPText.position(of: "gdpr.transfer", in: gdpr)))
        #expect(hover?["result"]?["contents"]?["value"]?.string?.contains("**cites** GDPR Art. 44; GDPR Art. 45; GDPR Art. 46; GDPR Art. 49") == true)

        let definition = server.request("textDocument/definition", LSPText.at(gdprURI, LSPText.position(of: "safeguarded(d", in: gdpr)))
        let definitions = LSPText.text("policies/reference/definitions.placet")
        #expect(definition?["result"]?["uri"]?.string == LSPText.uri("policies/reference/definitions.placet"))
        #expect(definition?["result"]?["range"]?["start"] == LSPText.position(of: "safeguarded(d: Dataset", in: definitions))

        let references = server.request("textDocument/references", .object([
            "textDocument": .object(["uri": .string(gdprURI)]), "position": LSPText.position(of: "gdpr.transfer", in: gdpr),
            "context": .object(["includeDeclaration": true])]))
        let files = Set((references?["result"]?.array ?? []).compactMap { $0["uri"]?.string?.split(separator: "/").last.map(String.init) })
        #expect(files.isSuperset(of: ["gdpr.placet", "waivers.yaml", "gdpr-transfer.test.yaml"]))

        let completion = server.request("textDocument/completion", LSPText.at(gdprURI, LSPText.position(of: "d.criminalData and", in: gdpr, plus: 2)))
        let labels = (completion?["result"]?["items"]?.array ?? []).compactMap { $0["label"]?.string }
        #expect(labels.contains("criminalData") && labels.contains("art10Authorised"))

        server.notify("textDocument/didChange", .object([
            "textDocument": .object(["uri": .string(uri), "version": 3]),
            "contentChanges": [.object(["text": "def   twice( n :number ) : number = n*2\n"])]]))
        let formatting = server.request("textDocument/formatting", .object(["textDocument": .object(["uri": .string(uri)]),
                                                                          "options": .object(["tabSize": 2, "insertSpaces": true])]))
        #expect(formatting?["result"]?[0]?["newText"]?.string == "def twice(n: number): number = n * 2\n")

        let rename = server.request("textDocument/rename", .object([
            "textDocument": .object(["uri": .string(gdprURI)]), "position": LSPText.position(of: "safeguarded(d", in: gdpr),
            "newName": "protectedBySafeguard"]))
        let changes = rename?["result"]?["changes"]
        #expect(changes?[gdprURI]?.array?.count == 2)
        #expect(changes?[LSPText.uri("policies/reference/definitions.placet")]?.array?.count == 1)

        let lenses = server.request("textDocument/codeLens", .object(["textDocument": .object(["uri": .string(gdprURI)])]))
        let transfer = (lenses?["result"]?.array ?? []).first { $0["range"]?["start"] == LSPText.position(of: "gdpr.transfer", in: gdpr) }
        #expect(transfer?["command"]?["title"]?.string == "fires on \(LanguageServerTests.acmePlacementsFiring("gdpr.transfer")) placements (as of 2028-01-01)")

        // An XML manifest opened in the acme folder: checked with its neighbours, a reference leads to
        // the id attribute of the manifest it names, an outline by id, an explain lens on the placement.
        server.notify("textDocument/didOpen", .object(["textDocument": .object([
            "uri": .string(ScoringXML.uri), "languageId": "xml", "version": 1, "text": .string(ScoringXML.text)])]))
        #expect(try #require(server.diagnostics(for: ScoringXML.uri)) == [])
        let xmlDefinition = server.request("textDocument/definition", LSPText.at(
            ScoringXML.uri, LSPText.position(of: "<model>mdl-xml-scorer", in: ScoringXML.text, plus: 9)))
        #expect(xmlDefinition?["result"] == ScoringXML.idAttribute("mdl-xml-scorer"))
        let xmlDocument = JSONValue.object(["textDocument": .object(["uri": .string(ScoringXML.uri)])])
        let outline = server.request("textDocument/documentSymbol", xmlDocument)?["result"]?.array ?? []
        #expect(outline.map { $0["name"]?.string } == ["mdl-xml-scorer", "tgt-xml-frankfurt", "pl-xml-scoring", "w-xml-scoring"])
        let xmlLenses = server.request("textDocument/codeLens", xmlDocument)?["result"]?.array ?? []
        #expect(xmlLenses.map { $0["command"]?["arguments"] } == [["pl-xml-scoring", .string(ScoringXML.uri)]])

        #expect(server.request("shutdown")?["result"] == .null)
        server.notify("exit", .null)
        #expect(server.waitForExit() == 0)
    }

    @Test func commandLinePoliciesAreTheDefaultPack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placet-lsp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pack = folder.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.policiesDirectory, to: pack)
        let server = try LSPProcess(in: folder, arguments: ["--policies", "mine"])
        defer { _ = server.waitForExit(timeout: 0) }
        _ = try #require(server.request("initialize", .object(["rootUri": .string(folder.absoluteString), "capabilities": .object([:])])))
        server.notify("initialized", .object([:]))
        let uri = pack.appendingPathComponent("rules/gdpr.placet").absoluteString
        let text = try String(contentsOf: pack.appendingPathComponent("rules/gdpr.placet"), encoding: .utf8)
        server.notify("textDocument/didOpen", .object(["textDocument": .object([
            "uri": .string(uri), "languageId": "placet", "version": 1,
            "text": .string(text.replacingOccurrences(of: "d.criminalData and", with: "d.criminalDate and"))])]))
        let diagnostics = try #require(server.diagnostics(for: uri))
        #expect(diagnostics.map { $0["code"]?.string } == ["type.unknownField"])
        // The definition is in the pack from the command line, not in the bundled one.
        let definition = server.request("textDocument/definition", LSPText.at(uri, LSPText.position(of: "personal(d)", in: text)))
        #expect(definition?["result"]?["uri"]?.string == pack.appendingPathComponent("reference/definitions.placet").absoluteString)
    }
}
