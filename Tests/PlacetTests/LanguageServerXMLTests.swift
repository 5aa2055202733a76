// XML manifests in the language server (README "XML manifests"), on an XML document opened in
// the acme example's folder next to its YAML: diagnostics as you type; a reference (a field, an
// `<item>`, a waiver's placement and rule) leading to the manifest with that id, in XML or YAML,
// and from YAML to an XML manifest; references into XML; the outline by id; the "explain" lens
// on a placement's id.

import Foundation
import PlacetLanguageServer
import Testing

/// An XML manifest document for the acme folder: opened in the editor, never written to disk.
enum ScoringXML {
    static let path = "policies/examples/acme/scoring.xml"
    static var uri: String { LSPText.uri(path) }
    static let text = """
        <manifests xmlns="urn:placet:manifest:v1">
          <model id="mdl-xml-scorer">
            <useCase>general</useCase>
            <riskTier>minimal</riskTier>
            <trainedOn><item>ds-clickstream</item></trainedOn>
          </model>
          <target id="tgt-xml-frankfurt">
            <provider>onprem</provider>
            <country>DE</country>
            <operator>ctl-acme-de</operator>
          </target>
          <placement id="pl-xml-scoring">
            <workload>inference</workload>
            <model>mdl-xml-scorer</model>
            <datasets><item>ds-clickstream</item></datasets>
            <target>tgt-xml-frankfurt</target>
            <stage>production</stage>
          </placement>
          <waiver id="w-xml-scoring">
            <rule>gdpr.transfer</rule>
            <placement>pl-xml-scoring</placement>
            <expires>2029-06-30</expires>
            <approvedBy>dpo@acme.example</approvedBy>
            <justification>Scoring pilot.</justification>
          </waiver>
        </manifests>

        """

    /// The LSP range of `length` characters from the `offset`-th character of `needle` (its first
    /// occurrence) in `text`; the whole needle when no length is given.
    static func range(of needle: String, in text: String = text, plus offset: Int = 0, length: Int? = nil) -> JSONValue {
        .object(["start": LSPText.position(of: needle, in: text, plus: offset),
                 "end": LSPText.position(of: needle, in: text, plus: offset + (length ?? needle.utf16.count))])
    }

    /// Where the manifest with this id is defined: the value of its `id` attribute.
    static func idAttribute(_ id: String) -> JSONValue {
        .object(["uri": .string(uri), "range": range(of: "id=\"\(id)\"", plus: 4, length: id.utf16.count)])
    }
}

extension LanguageServerTests {
    @Test func xmlManifestDiagnosticsAsYouType() throws {
        let server = InProcessServer()
        server.open(ScoringXML.uri, ScoringXML.text, language: "xml")
        #expect(server.publishedDiagnostics()[ScoringXML.uri] == [])

        let badStage = ScoringXML.text.replacingOccurrences(of: "<stage>production", with: "<stage>prod")
        server.change(ScoringXML.uri, badStage)
        let schema = try #require(server.publishedDiagnostics()[ScoringXML.uri])
        #expect(schema.count == 1)
        #expect(schema.first?["severity"]?.int == 1)
        #expect(schema.first?["message"]?.string?.hasSuffix(
            "The value 'prod' is not an element of the set {'development', 'staging', 'production'}.") == true)
        // At the element's start tag, not only its line: libxml2 keeps no column for elements.
        #expect(schema.first?["range"]?["start"] == LSPText.position(of: "<stage>prod", in: badStage))

        let badModel = ScoringXML.text.replacingOccurrences(of: "<model>mdl-xml-scorer", with: "<model>mdl-xml-scorr")
        server.change(ScoringXML.uri, badModel, version: 3)
        let reference = try #require(server.publishedDiagnostics()[ScoringXML.uri])
        #expect(reference.map { $0["message"]?.string } == [
            "Placement 'pl-xml-scoring', field 'model': no Model with id 'mdl-xml-scorr'; did you mean 'mdl-xml-scorer'?"])
        #expect(reference.first?["range"]?["start"]?["line"] == LSPText.position(of: "<model>mdl-xml-scorr", in: badModel)["line"])
    }

    @Test func aReferenceInAnXMLManifestLeadsToTheManifestWithThatID() throws {
        let server = InProcessServer()
        let xml = ScoringXML.text
        server.open(ScoringXML.uri, xml, language: "xml")
        func definition(_ needle: String, plus offset: Int) -> JSONValue {
            server.request("textDocument/definition", LSPText.at(ScoringXML.uri, LSPText.position(of: needle, in: xml, plus: offset)))
        }
        func location(_ relative: String, _ needle: String, plus offset: Int, length: Int) -> JSONValue {
            .object(["uri": .string(LSPText.uri(relative)),
                     "range": ScoringXML.range(of: needle, in: LSPText.text(relative), plus: offset, length: length)])
        }
        // A model, a target and a placement defined in the same XML document: their `id` attributes.
        #expect(definition("<model>mdl-xml-scorer", plus: 9) == ScoringXML.idAttribute("mdl-xml-scorer"))
        #expect(definition("<target>tgt-xml-frankfurt", plus: 10) == ScoringXML.idAttribute("tgt-xml-frankfurt"))
        #expect(definition("<placement>pl-xml-scoring", plus: 12) == ScoringXML.idAttribute("pl-xml-scoring"))
        // A dataset in a list's `<item>` and a target's operator (a Controller) defined in the folder's YAML.
        #expect(definition("<datasets><item>ds-clickstream", plus: 18)
            == location("policies/examples/acme/datasets.yaml", "id: ds-clickstream", plus: 4, length: 14))
        #expect(definition("<operator>ctl-acme-de", plus: 12)
            == location("policies/examples/acme/controllers.yaml", "id: ctl-acme-de", plus: 4, length: 11))
        // A waiver's rule leads to the rule; an id where it is defined leads nowhere.
        let gdpr = LSPText.text(Self.gdpr)
        #expect(definition("<rule>gdpr.transfer", plus: 8)
            == .object(["uri": .string(LSPText.uri(Self.gdpr)), "range": ScoringXML.range(of: "gdpr.transfer", in: gdpr)]))
        #expect(definition("id=\"mdl-xml-scorer", plus: 6) == .null)

        // From a YAML manifest of the same folder to the XML manifest.
        let yamlURI = LSPText.uri("policies/examples/acme/scoring-placements.yaml")
        let yaml = "apiVersion: placet/v1\nkind: Placement\nid: pl-yaml-scoring\nworkload: inference\nmodel: mdl-xml-scorer\n"
            + "target: tgt-xml-frankfurt\nstage: development\n"
        server.open(yamlURI, yaml, language: "yaml")
        let fromYAML = server.request("textDocument/definition", LSPText.at(yamlURI, LSPText.position(of: "mdl-xml-scorer", in: yaml, plus: 3)))
        #expect(fromYAML == ScoringXML.idAttribute("mdl-xml-scorer"))
    }

    @Test func referencesFindFieldsAndRulesInXMLManifests() throws {
        let server = InProcessServer()
        let xml = ScoringXML.text
        server.open(ScoringXML.uri, xml, language: "xml")
        func references(_ uri: String, _ position: JSONValue) -> [JSONValue] {
            server.request("textDocument/references", .object([
                "textDocument": .object(["uri": .string(uri)]), "position": position,
                "context": .object(["includeDeclaration": true])])).array ?? []
        }
        // The placement's `<model>` field: its opening tag, not the `<model id=…>` manifest or a closing tag.
        let model = references(ScoringXML.uri, LSPText.position(of: "<model>mdl-xml-scorer", in: xml, plus: 2))
        #expect(model.filter { $0["uri"]?.string == ScoringXML.uri }.map { $0["range"] } == [ScoringXML.range(of: "model>mdl-xml-scorer", length: 5)])
        let files = Set(model.compactMap { $0["uri"]?.string?.split(separator: "/").last.map(String.init) })
        #expect(files.isSuperset(of: ["manifests.placet", "placements.yaml", "scoring.xml"]))

        // A rule id from its rule: the XML waiver's `<rule>` too.
        let gdpr = LSPText.text(Self.gdpr)
        server.open(LSPText.uri(Self.gdpr), gdpr)
        let rule = references(LSPText.uri(Self.gdpr), LSPText.position(of: "gdpr.transfer", in: gdpr, plus: 2))
        #expect(rule.filter { $0["uri"]?.string == ScoringXML.uri }.map { $0["range"] } == [ScoringXML.range(of: "gdpr.transfer")])
    }

    @Test func xmlManifestOutlineExplainLensAndIDAttribute() throws {
        let server = InProcessServer(options: .object(["asOf": "2028-01-01"]))
        let xml = ScoringXML.text
        server.open(ScoringXML.uri, xml, language: "xml")
        let document = JSONValue.object(["textDocument": .object(["uri": .string(ScoringXML.uri)])])

        let symbols = server.request("textDocument/documentSymbol", document).array ?? []
        #expect(symbols.map { $0["name"]?.string } == ["mdl-xml-scorer", "tgt-xml-frankfurt", "pl-xml-scoring", "w-xml-scoring"])
        #expect(symbols.map { $0["detail"]?.string } == ["Model", "Target", "Placement", "Waiver"])
        #expect(symbols.first?["selectionRange"] == ScoringXML.idAttribute("mdl-xml-scorer")["range"])

        let lenses = server.request("textDocument/codeLens", document).array ?? []
        #expect(lenses.count == 1)
        #expect(lenses.first?["range"] == ScoringXML.idAttribute("pl-xml-scoring")["range"])
        #expect(lenses.first?["command"]?["title"]?.string == "explain")
        #expect(lenses.first?["command"]?["arguments"] == ["pl-xml-scoring", .string(ScoringXML.uri)])
        let explanation = server.request("workspace/executeCommand", .object([
            "command": "placet.explain", "arguments": lenses.first?["command"]?["arguments"] ?? .null]))
        #expect(explanation.string?.hasPrefix("placement pl-xml-scoring, as of 2028-01-01: APPROVE\n") == true)

        // The `id` attribute is the id field: hover documents it, and no field is completed among attributes.
        let idPosition = LSPText.position(of: "id=\"pl-xml-scoring", in: xml, plus: 1)
        let hover = server.request("textDocument/hover", LSPText.at(ScoringXML.uri, idPosition))
        #expect(hover["contents"]?["value"]?.string?.hasPrefix("```placet\nid: string\n```") == true)
        #expect(server.request("textDocument/completion", LSPText.at(ScoringXML.uri, idPosition))["items"] == [])
        // Between a manifest's fields, its id is not offered as a field element: it is already written.
        let inPlacement = LSPText.position(of: "<stage>", in: xml, plus: 1)
        let keys = server.request("textDocument/completion", LSPText.at(ScoringXML.uri, inPlacement))["items"]?
            .array?.compactMap { $0["label"]?.string } ?? []
        #expect(keys.contains("stage") && keys.contains("framework") && keys.contains("fria"))
        #expect(!keys.contains("id") && !keys.contains("model") && !keys.contains("workload"))
    }
}
