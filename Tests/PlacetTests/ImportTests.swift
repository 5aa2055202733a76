// Importers: the exact manifests drafted from Croissant files and model cards, their TODO
// placeholders failing validation, and errors on malformed input.

import Foundation
import PlacetManifests
import Testing

@Suite struct ImportTests {
    static let fixtures = Fixtures.packageRoot.appendingPathComponent("Tests/PlacetTests/Fixtures")

    private func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
    }

    private func yaml(_ draft: ManifestDraft) -> String {
        String(decoding: DraftRenderer.render([draft], as: .yaml) ?? [], as: UTF8.self)
    }

    @Test(arguments: ["croissant-rai", "croissant-plain"])
    func croissantDraftIsExact(name: String) throws {
        let draft = try CroissantImporter.draft(from: [UInt8](fixture("\(name).json")))
        #expect(yaml(draft) == String(decoding: try fixture("\(name).expected.yaml"), as: UTF8.self))
    }

    @Test func croissantMapsWhatItStates() throws {
        let draft = try CroissantImporter.draft(from: [UInt8](fixture("croissant-rai.json")))
        #expect(draft.id == "ds-patient-triage-notes")
        #expect(draft.fields.first { $0.name == "owner" }?.value == .scalar("Example University Hospital; Dr. Ana Ribeiro", quoted: true))
        #expect(draft.fields.first { $0.name == "personalData" }?.value == .scalar("true", quoted: false))
        let plain = try CroissantImporter.draft(from: [UInt8](fixture("croissant-plain.json")))
        // Without a RAI section the importer cannot know: it must not say "false".
        if case .todo = plain.fields.first(where: { $0.name == "personalData" })?.value {} else {
            Issue.record("personalData must be a TODO when Croissant says nothing about personal data")
        }
    }

    @Test(arguments: ["model-card", "model-card-no-front-matter"])
    func modelCardDraftIsExact(name: String) throws {
        let result = try ModelCardImporter.draft(from: String(decoding: fixture("\(name).md"), as: UTF8.self))
        #expect(yaml(result.draft) == String(decoding: try fixture("\(name).expected.yaml"), as: UTF8.self))
        #expect(result.warnings.count == (name == "model-card" ? 0 : 1))
    }

    @Test func modelCardDatasetsBecomeTrainedOnReferences() throws {
        let result = try ModelCardImporter.draft(from: String(decoding: fixture("model-card.md"), as: UTF8.self), id: "mdl-support")
        #expect(result.draft.id == "mdl-support")
        #expect(result.draft.fields.first { $0.name == "trainedOn" }?.value
            == .list(["ds-example-org-support-tickets", "ds-wikipedia"], quoted: true))
        #expect(result.draft.fields.first { $0.name == "baseModel" }?.value == .scalar("example-org/base-7b", quoted: true))
    }

    /// A draft with TODOs must never pass: every placeholder is an error, in every format.
    @Test(arguments: ManifestExportFormat.allCases)
    func placeholdersFailValidation(format: ManifestExportFormat) throws {
        let draft = try CroissantImporter.draft(from: [UInt8](fixture("croissant-rai.json")))
        let bytes = try #require(DraftRenderer.render([draft], as: format))
        let result = Fixtures.load([ManifestInput(path: "draft.\(format.rawValue)", bytes: bytes)])
        #expect(result.hasErrors)
        if format == .xml {
            #expect(result.diagnostics.count == 8)  // the XSD rejects each TODO element
        } else {
            #expect(result.diagnostics.map(\.message).filter { $0.contains("'TODO'") }.count == 8)
        }
    }

    @Test func filledDraftLoadsClean() throws {
        let draft = try CroissantImporter.draft(from: [UInt8](fixture("croissant-rai.json")))
        let filled = ManifestDraft(kind: draft.kind, id: draft.id, fields: draft.fields.map { field in
            guard case .todo = field.value else { return field }
            let answers: [String: ManifestDraft.Value] = [
                "dataSubjects": .list(["PT"], quoted: true), "specialCategories": .list(["health"], quoted: true),
                "criminalData": .scalar("false", quoted: false), "lawfulBasis": .scalar("publicTask", quoted: true),
                "dpia": .scalar("completed", quoted: true), "residency": .list(["EU"], quoted: true),
                "transferMechanisms": .list([], quoted: true), "classification": .scalar("restricted", quoted: true),
            ]
            return ManifestDraft.Field(field.name, answers[field.name]!)
        })
        let result = Fixtures.load([ManifestInput(path: "filled.yaml", bytes: DraftRenderer.render([filled], as: .yaml)!)])
        #expect(result.diagnostics.map(\.message) == [])
    }

    @Test(arguments: [
        ("{\"@type\": \"sc:Dataset\", \"name\": }", "invalid JSON: unexpected '}'; expected a JSON value", 1, 33),
        ("[1, 2]", "a Croissant description is a JSON object, found a list", 1, 1),
        ("{\"@type\": \"sc:Person\", \"name\": \"x\"}", "not a Croissant dataset: '@type' must be sc:Dataset", 1, 1),
        ("{\"@type\": \"sc:Dataset\"}", "the dataset has no 'name'", 1, 1),
    ])
    func malformedCroissant(text: String, message: String, line: Int, column: Int) {
        #expect(throws: ImportError(message, at: Position(line: line, column: column))) {
            try CroissantImporter.draft(from: Array(text.utf8))
        }
    }

    @Test func malformedFrontMatter() {
        #expect(throws: ImportError("invalid YAML front matter: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1)", at: Position(line: 3, column: 1))) {
            try ModelCardImporter.draft(from: "---\nlicense: [mit\n---\n# X\n")
        }
        #expect(throws: ImportError("cannot name the model: no model_name, model-index name or '# ' heading in the card")) {
            try ModelCardImporter.draft(from: "Just prose.\n")
        }
    }

    @Test func importCommandWritesAndExits() throws {
        let result = try PlacetExecutable.run(["import", "croissant", "Tests/PlacetTests/Fixtures/croissant-plain.json", "--format", "json"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"personalData\": \"TODO\""))
        let missing = try PlacetExecutable.run(["import", "hf-model-card", "/nonexistent/README.md"])
        #expect(missing.status == 2)
        let broken = try PlacetExecutable.run(["import", "croissant", "Package.swift"])
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix("Package.swift:1:1: error: invalid JSON"))
    }
}
