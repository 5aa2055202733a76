// The language server driven in process, on the repository's policies/ and the acme example:
// diagnostics as you type, hover, navigation, rename, completion, formatting, symbols, lenses
// and quick fixes, each with its expected result.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetLanguageServer
import PlacetManifests
import Testing

@Suite struct LanguageServerTests {
    static let gdpr = "policies/rules/gdpr.placet"
    static let definitions = "policies/reference/definitions.placet"

    @Test func typeErrorIsPublishedAtItsRangeAndClearedByTheFix() throws {
        let server = InProcessServer()
        let uri = LSPText.uri(Self.gdpr)
        let text = LSPText.text(Self.gdpr)
        let broken = text.replacingOccurrences(of: "d.lawfulBasis is absent", with: "d.lawfulBasys is absent")
        server.open(uri, broken)
        let diagnostics = try #require(server.publishedDiagnostics()[uri])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["code"]?.string == "type.unknownField")
        #expect(diagnostics.first?["message"]?.string == "unknown field 'lawfulBasys' on Dataset; did you mean 'lawfulBasis'?")
        let start = LSPText.position(of: "lawfulBasys", in: broken)
        #expect(diagnostics.first?["range"]?["start"] == start)
        #expect(diagnostics.first?["range"]?["end"]?["character"]?.int == (start["character"]?.int ?? 0) + 11)
        // The fix-it travels as a quick fix.
        let actions = server.request("textDocument/codeAction", .object([
            "textDocument": .object(["uri": .string(uri)]), "range": diagnostics[0]["range"] ?? .null,
            "context": .object(["diagnostics": .array(diagnostics)])]))
        #expect(actions[0]?["title"]?.string == "Replace with 'lawfulBasis'")
        #expect(actions[0]?["edit"]?["changes"]?[uri]?[0]?["newText"]?.string == "lawfulBasis")

        server.change(uri, text)
        #expect(server.publishedDiagnostics()[uri] == [])
    }

    @Test func lintWarningsAreWarningsWithACitationQuickFix() throws {
        let server = InProcessServer()
        let uri = LSPText.uri("policies/rules/extra.placet")
        let text = "rule extra.uncited\n  effect warn\n  when placement.model is absent\n  message \"no model\"\n"
        server.open(uri, text)
        let diagnostics = try #require(server.publishedDiagnostics()[uri])
        let lint = try #require(diagnostics.first { $0["code"]?.string == "lint.missingCitation" })
        #expect(lint["severity"]?.int == 2)
        let actions = server.request("textDocument/codeAction", .object([
            "textDocument": .object(["uri": .string(uri)]), "range": lint["range"] ?? .null,
            "context": .object(["diagnostics": [lint]])]))
        #expect(actions[0]?["title"]?.string == "Add a 'cites' clause")
        #expect(actions[0]?["edit"]?["changes"]?[uri]?[0]?["newText"]?.string == "\n  cites \"TODO: the provision this rule encodes\"")
        #expect(actions[0]?["edit"]?["changes"]?[uri]?[0]?["range"]?["start"] == .object(["line": 1, "character": 13]))
    }

    @Test func manifestDiagnosticsUseThePacksSchema() throws {
        let server = InProcessServer()
        let uri = LSPText.uri("policies/examples/acme/targets.yaml")
        let text = LSPText.text("policies/examples/acme/targets.yaml").replacingOccurrences(of: "country: DE", with: "country: DX")
        server.open(uri, text, language: "yaml")
        let diagnostics = try #require(server.publishedDiagnostics()[uri])
        #expect(diagnostics.count == 2)  // two targets are in DE
        #expect(diagnostics.first?["message"]?.string?.contains("unknown Country 'DX'") == true)
        #expect(diagnostics.first?["range"]?["start"] == LSPText.position(of: "DX", in: text))
    }

    @Test func policyTestFilesRunAsYouType() throws {
        let server = InProcessServer(options: .object(["asOf": "2028-01-01"]))
        let path = "policies/tests/gdpr-lawful-basis.test.yaml"
        let uri = LSPText.uri(path)
        let text = LSPText.text(path)
        server.open(uri, text, language: "yaml")
        #expect(server.publishedDiagnostics()[uri] == [])
        let wrong = text.replacingOccurrences(of: #"pl-1: {decision: block, findings: ["gdpr.lawful-basis [ds-nobasis]"]}"#,
                                              with: #"pl-1: {decision: approve, findings: []}"#)
        server.change(uri, wrong)
        let diagnostics = try #require(server.publishedDiagnostics()[uri])
        #expect(diagnostics.first?["code"]?.string == "test.failed")
        #expect(diagnostics.first?["message"]?.string?.hasPrefix("test 'personal data without a lawful basis is blocked' fails: pl-1: expected decision approve, got block") == true)
        #expect(diagnostics.first?["range"]?["start"]?["line"]?.int == 12)
    }

    @Test func hoverShowsRulesFieldsConstantsAndCases() throws {
        let server = InProcessServer()
        let uri = LSPText.uri(Self.gdpr)
        let text = LSPText.text(Self.gdpr)
        server.open(uri, text)
        func hover(_ needle: String, plus offset: Int = 0) -> String {
            server.request("textDocument/hover", LSPText.at(uri, LSPText.position(of: needle, in: text, plus: offset)))["contents"]?["value"]?.string ?? ""
        }
        let rule = hover("gdpr.lawful-basis")
        #expect(rule.hasPrefix("```placet\nrule gdpr.lawful-basis\n```"))
        #expect(rule.contains("**effect** block"))
        #expect(rule.contains("**cites** GDPR Art. 6(1)"))
        #expect(rule.contains("Processing of personal data needs a lawful basis."))
        let field = hover("lawfulBasis is absent")
        #expect(field.hasPrefix("```placet\nlawfulBasis: LawfulBasis?\n```"))
        #expect(field.contains("GDPR Art. 6(1) basis"))
        #expect(hover("d in located").hasPrefix("```placet\nd: Dataset\n```"))
        #expect(hover("placement.workload").hasPrefix("```placet\nplacement: Placement\n```"))
        #expect(hover("training, fineTuning").hasPrefix("```placet\nWorkload.training\n```"))

        let definitionsURI = LSPText.uri(Self.definitions)
        let definitions = LSPText.text(Self.definitions)
        server.open(definitionsURI, definitions)
        let today = server.request("textDocument/hover", LSPText.at(definitionsURI, LSPText.position(of: "<= today", in: definitions, plus: 4)))
        #expect(today["contents"]?["value"]?.string?.hasPrefix("```placet\ntoday: date\n```") == true)
        let eea = server.request("textDocument/hover", LSPText.at(definitionsURI, LSPText.position(of: "c in EU", in: definitions, plus: 5)))
        let value = eea["contents"]?["value"]?.string ?? ""
        #expect(value.hasPrefix("```placet\nconst EU: set of Country = [\n  AT, BE, BG"))
        #expect(value.contains("The European Union: the 27 member states"))
    }

    @Test func hoverInAManifestDocumentsFieldsAndEnumCases() throws {
        let server = InProcessServer()
        let uri = LSPText.uri("policies/examples/acme/datasets.yaml")
        let text = LSPText.text("policies/examples/acme/datasets.yaml")
        server.open(uri, text, language: "yaml")
        let key = server.request("textDocument/hover", LSPText.at(uri, LSPText.position(of: "personalData:", in: text)))
        #expect(key["contents"]?["value"]?.string?.contains("GDPR Art. 4(1): personal data present") == true)
        let value = server.request("textDocument/hover", LSPText.at(uri, LSPText.position(of: "lawfulBasis: ", in: text, plus: 14)))
        #expect(value["contents"]?["value"]?.string?.hasPrefix("```placet\nLawfulBasis.") == true)
    }

    @Test func xmlManifestsHoverAndComplete() throws {
        let server = InProcessServer()
        let uri = LSPText.uri("policies/examples/acme/targets-extra.xml")
        let text = """
            <manifests xmlns="urn:placet:manifest:v1">
              <target id="azure-norway-east">
                <provider>azure</provider>
                <country>NO</country>
                <frameworks><item>spark</item></frameworks>
                <
              </target>
            </manifests>

            """
        server.open(uri, text, language: "xml")
        let country = server.request("textDocument/hover", LSPText.at(uri, LSPText.position(of: "country>NO", in: text, plus: 2)))
        #expect(country["contents"]?["value"]?.string?.hasPrefix("```placet\ncountry: Country\n```") == true)
        let norway = server.request("textDocument/hover", LSPText.at(uri, LSPText.position(of: ">NO<", in: text, plus: 1)))
        #expect(norway["contents"]?["value"]?.string?.hasPrefix("```placet\nCountry.NO\n```") == true)
        let spark = server.request("textDocument/hover", LSPText.at(uri, LSPText.position(of: ">spark<", in: text, plus: 1)))
        #expect(spark["contents"]?["value"]?.string?.hasPrefix("```placet\nFramework.spark\n```") == true)
        let keys = server.request("textDocument/completion", LSPText.at(uri, LSPText.position(of: "<\n  </target>", in: text, plus: 1)))["items"]?
            .array?.compactMap { $0["label"]?.string } ?? []
        #expect(keys.contains("operator") && !keys.contains("country") && !keys.contains("kind"))
    }

    @Test func definitionAndReferencesCrossFilesTestsAndWaivers() throws {
        let server = InProcessServer(options: .object(["inventory": "policies/examples/acme"]))
        let uri = LSPText.uri(Self.gdpr)
        let text = LSPText.text(Self.gdpr)
        server.open(uri, text)
        let definition = server.request("textDocument/definition", LSPText.at(uri, LSPText.position(of: "personal(d) and d.lawful", in: text)))
        #expect(definition["uri"]?.string == LSPText.uri(Self.definitions))
        #expect(definition["range"]?["start"] == LSPText.position(of: "personal(d: Dataset)", in: LSPText.text(Self.definitions)))

        var params = LSPText.at(uri, LSPText.position(of: "gdpr.transfer", in: text, plus: 2))
        params = .object(["textDocument": params["textDocument"] ?? .null, "position": params["position"] ?? .null,
                          "context": .object(["includeDeclaration": true])])
        let references = server.request("textDocument/references", params).array ?? []
        let files = Set(references.compactMap { $0["uri"]?.string?.split(separator: "/").last.map(String.init) })
        #expect(files.isSuperset(of: ["gdpr.placet", "waivers.yaml", "gdpr-transfer.test.yaml"]))

        // From a waiver, the rule id leads to the rule.
        let waiversURI = LSPText.uri("policies/examples/acme/waivers.yaml")
        let waivers = LSPText.text("policies/examples/acme/waivers.yaml")
        server.open(waiversURI, waivers, language: "yaml")
        let fromWaiver = server.request("textDocument/definition", LSPText.at(waiversURI, LSPText.position(of: "gdpr.transfer", in: waivers)))
        #expect(fromWaiver["uri"]?.string == uri)
        #expect(fromWaiver["range"]?["start"] == LSPText.position(of: "gdpr.transfer", in: text))
    }

    @Test func aReferenceInAManifestLeadsToTheManifestWithThatID() throws {
        let server = InProcessServer()
        let uri = LSPText.uri("policies/examples/acme/placements.yaml")
        let text = LSPText.text("policies/examples/acme/placements.yaml")
        server.open(uri, text, language: "yaml")
        let definition = server.request("textDocument/definition", LSPText.at(uri, LSPText.position(of: "model: mdl-hr-attrition", in: text, plus: 9)))
        let models = LSPText.text("policies/examples/acme/models.yaml")
        #expect(definition["uri"]?.string == LSPText.uri("policies/examples/acme/models.yaml"))
        #expect(definition["range"]?["start"] == LSPText.position(of: "id: mdl-hr-attrition", in: models, plus: 4))
        let dataset = server.request("textDocument/definition", LSPText.at(uri, LSPText.position(of: "datasets: [ds-hr-analytics]", in: text, plus: 12)))
        #expect(dataset["uri"]?.string == LSPText.uri("policies/examples/acme/datasets.yaml"))
    }

    @Test func renameADefinitionEditsEveryUse() throws {
        let server = InProcessServer()
        let uri = LSPText.uri(Self.definitions)
        let text = LSPText.text(Self.definitions)
        server.open(uri, text)
        let position = LSPText.position(of: "personal(d: Dataset)", in: text)
        let prepared = server.request("textDocument/prepareRename", LSPText.at(uri, position))
        #expect(prepared["placeholder"]?.string == "personal")
        let edit = server.request("textDocument/rename", .object(["textDocument": .object(["uri": .string(uri)]),
                                                                   "position": position, "newName": "personalData"]))
        let changes = edit["changes"]
        #expect(changes?[uri]?.array?.count == 2)
        #expect(changes?[LSPText.uri(Self.gdpr)]?.array?.count == 6)
        #expect(changes?[LSPText.uri(Self.gdpr)]?[0]?["newText"]?.string == "personalData")
        // Rules cannot be renamed (their ids are in waivers and decision logs).
        let gdpr = LSPText.text(Self.gdpr)
        server.open(LSPText.uri(Self.gdpr), gdpr)
        let refused = server.request("textDocument/prepareRename", LSPText.at(LSPText.uri(Self.gdpr), LSPText.position(of: "gdpr.transfer", in: gdpr)))
        #expect(refused["error"]?["message"]?.string == "only definitions, constants and variables can be renamed")
    }

    @Test func completionOffersFieldsCasesNamesAndClauses() throws {
        let server = InProcessServer()
        let uri = LSPText.uri("policies/rules/draft.placet")
        let text = "rule draft.one\n  effect block\n  cites \"X\"\n  for each d in direct(placement)\n  when d.\n  message \"m\"\n"
        server.open(uri, text)
        func labels(_ position: JSONValue, in document: String = uri) -> [String] {
            server.request("textDocument/completion", LSPText.at(document, position))["items"]?.array?.compactMap { $0["label"]?.string } ?? []
        }
        let fields = labels(LSPText.position(of: "d.\n", in: text, plus: 2))
        #expect(fields.contains("personalData") && fields.contains("dpia") && fields.contains("lawfulBasis"))

        server.change(uri, text.replacingOccurrences(of: "when d.", with: "when d.dpia < "))
        let cases = labels(.object(["line": 4, "character": 16]))
        #expect(Array(cases.prefix(3)) == ["notStarted", "inProgress", "completed"])

        server.change(uri, text.replacingOccurrences(of: "when d.", with: "when placement.model.useCase in annex3."), version: 3)
        let group = labels(.object(["line": 4, "character": 41]))
        #expect(group.contains("employment") && !group.contains("annex3.employment"))

        server.change(uri, text.replacingOccurrences(of: "when d.", with: "when pers"), version: 4)
        let names = labels(.object(["line": 4, "character": 11]))
        #expect(names.contains("personal") && names.contains("d") && names.contains("placement") && names.contains("EEA"))

        let clauses = labels(.object(["line": 5, "character": 2]))
        #expect(clauses.contains("when") && clauses.contains("cites") && clauses.contains("for each"))
        #expect(labels(.object(["line": 6, "character": 0])).contains("rule"))
    }

    @Test func completionInYAMLManifests() throws {
        let server = InProcessServer()
        let uri = LSPText.uri("policies/examples/acme/new.yaml")
        let text = "apiVersion: placet/v1\nkind: Dataset\nid: ds-new\npersonalData: true\ndpia: \n\n"
        server.open(uri, text, language: "yaml")
        func labels(_ line: Int, _ character: Int) -> [String] {
            server.request("textDocument/completion", LSPText.at(uri, .object(["line": JSONValue(line), "character": JSONValue(character)])))["items"]?
                .array?.compactMap { $0["label"]?.string } ?? []
        }
        #expect(labels(4, 6) == ["notStarted", "inProgress", "completed"])
        let keys = labels(5, 0)
        #expect(keys.contains("lawfulBasis") && keys.contains("dataSubjects") && !keys.contains("personalData") && !keys.contains("kind"))
        #expect(labels(1, 6).contains("Placement"))
    }

    @Test func formattingUsesTheFormatter() throws {
        let server = InProcessServer()
        let uri = LSPText.uri("policies/rules/messy.placet")
        server.open(uri, "def   twice( n :number ) : number = n*2\n")
        let edits = server.request("textDocument/formatting", .object(["textDocument": .object(["uri": .string(uri)]),
                                                                        "options": .object(["tabSize": 2, "insertSpaces": true])]))
        #expect(edits[0]?["newText"]?.string == "def twice(n: number): number = n * 2\n")
        server.change(uri, "def twice(n: number): number = n * 2\n")
        #expect(server.request("textDocument/formatting", .object(["textDocument": .object(["uri": .string(uri)])])) == .array([]))
    }

    @Test func documentSymbolsOutlineAPolicyFile() throws {
        let server = InProcessServer()
        let uri = LSPText.uri("policies/reference/sets.placet")
        server.open(uri, LSPText.text("policies/reference/sets.placet"))
        let symbols = server.request("textDocument/documentSymbol", .object(["textDocument": .object(["uri": .string(uri)])])).array ?? []
        let names = symbols.compactMap { $0["name"]?.string }
        #expect(Array(names.prefix(4)) == ["EU", "EEA", "Adequacy", "ADEQUACY"])
        #expect(symbols[2]["children"]?.array?.compactMap { $0["name"]?.string } == ["from", "until", "decision", "scope"])
    }

    @Test func codeLensesCountFiringPlacementsAndExplainPlacements() throws {
        let server = InProcessServer(options: .object(["placet": .object(["inventory": "policies/examples/acme", "asOf": "2028-01-01"])]))
        let uri = LSPText.uri(Self.gdpr)
        let text = LSPText.text(Self.gdpr)
        server.open(uri, text)
        let lenses = server.request("textDocument/codeLens", .object(["textDocument": .object(["uri": .string(uri)])])).array ?? []
        let transfer = lenses.first { $0["range"]?["start"] == LSPText.position(of: "gdpr.transfer", in: text) }
        #expect(transfer?["command"]?["title"]?.string == "fires on \(Self.acmePlacementsFiring("gdpr.transfer")) placements (as of 2028-01-01)")

        let placementsURI = LSPText.uri("policies/examples/acme/placements.yaml")
        let placements = LSPText.text("policies/examples/acme/placements.yaml")
        server.open(placementsURI, placements, language: "yaml")
        let explain = server.request("textDocument/codeLens", .object(["textDocument": .object(["uri": .string(placementsURI)])])).array ?? []
        #expect(explain.first?["command"]?["command"]?.string == "placet.explain")
        #expect(explain.first?["command"]?["arguments"]?[0]?.string == "pl-hr-attrition-prod-eu")
        let result = server.request("workspace/executeCommand", .object(["command": "placet.explain",
                                                                         "arguments": explain.first?["command"]?["arguments"] ?? .null]))
        #expect(result.string?.hasPrefix("placement pl-hr-attrition-prod-eu, as of 2028-01-01: ") == true)
    }

    @Test func requestsFollowTheLifecycle() {
        let outbox = InProcessServer.Outbox()
        let server = LanguageServer(today: CivilDateFixture.date2028) { outbox.messages.append($0) }
        func request(_ id: Int, _ method: String, _ params: JSONValue = .object([:])) -> JSONValue? {
            server.handle(.object([("jsonrpc", "2.0"), ("id", JSONValue(id)), ("method", .string(method)), ("params", params)]))
            return outbox.messages.last { $0["id"]?.int == id }
        }
        #expect(request(1, "textDocument/hover")?["error"]?["code"]?.int == ResponseError.serverNotInitialized)
        let root = JSONValue.object(["rootUri": .string(Fixtures.packageRoot.absoluteString), "capabilities": .object([:])])
        #expect(request(2, "initialize", root)?["result"]?["capabilities"]?["positionEncoding"]?.string == "utf-16")
        #expect(request(3, "initialize", root)?["error"]?["code"]?.int == ResponseError.invalidRequest)
        #expect(request(4, "shutdown")?["result"] == .null)
        #expect(request(5, "textDocument/hover")?["error"]?["code"]?.int == ResponseError.invalidRequest)
        server.handle(.object([("jsonrpc", "2.0"), ("method", "exit")]))
        #expect(server.exitStatus == 0)
    }

    @Test func utf8PositionsWhenTheClientOffersThem() throws {
        let server = InProcessServer(capabilities: .object(["general": .object(["positionEncodings": ["utf-8", "utf-16"]])]))
        let uri = LSPText.uri("policies/rules/accents.placet")
        // "é" is two UTF-8 bytes and one UTF-16 unit: the range must count bytes.
        server.open(uri, "# é\nrule accents.one\n  effect warn\n  cites \"é\"\n  when placement.stage == production\n  message \"é {placement.ide}\"\n")
        let diagnostics = try #require(server.publishedDiagnostics()[uri])
        #expect(diagnostics.first?["code"]?.string == "type.unknownField")
        #expect(diagnostics.first?["range"]?["start"] == .object(["line": 5, "character": 25]))
    }

    /// What `placet check` says: placements with a finding of the rule.
    static func acmePlacementsFiring(_ rule: String) -> Int {
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: [Fixtures.acmeDirectory.path])
        let assessment = PlacementAssessor(policy: Fixtures.baseline, asOf: CivilDateFixture.date2028).assess(loaded.inventory)
        return assessment.decisions.filter { $0.findings.contains { $0.rule == rule } }.count
    }
}
