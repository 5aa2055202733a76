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
            // The XSD rejects each TODO element but the controller's, an id (a string) that the XSD cannot check.
            #expect(result.diagnostics.count == 10)
        } else {
            // Eleven TODOs: ten values no type accepts and a controller reference no manifest defines.
            #expect(result.diagnostics.map(\.message).filter { $0.contains("'TODO'") }.count == 11)
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
                "controller": .scalar("c-hospital", quoted: true), "transferImpactAssessedFor": .list([], quoted: true),
                "trainingPurposeCompatible": .scalar("true", quoted: false),
            ]
            return ManifestDraft.Field(field.name, answers[field.name]!)
        })
        let controller = "apiVersion: placet/v1\nkind: Controller\nid: c-hospital\nestablishedIn: [PT]\n"
        let result = Fixtures.load([ManifestInput(path: "filled.yaml", bytes: DraftRenderer.render([filled], as: .yaml)!),
                                    ManifestInput(path: "controller.yaml", text: controller)])
        #expect(result.diagnostics.map(\.message) == [])
    }

    @Test(arguments: [
        ("{\"@type\": \"sc:Dataset\", \"name\": }", "invalid JSON: unexpected '}'; expected a JSON value", 1, 33),
        ("[1, 2]", "a Croissant description is a JSON object, found a list", 1, 1),
        ("{\"@type\": \"sc:Person\", \"name\": \"x\"}", "not a Croissant dataset: '@type' must be sc:Dataset", 1, 1),
        ("{\"@type\": \"sc:Dataset\"}", "the dataset has no 'name': give the manifest an id with --id", 1, 1),
    ])
    func malformedCroissant(text: String, message: String, line: Int, column: Int) {
        #expect(throws: ImportError(message, at: Position(line: line, column: column))) {
            try CroissantImporter.draft(from: Array(text.utf8))
        }
    }

    @Test func malformedFrontMatter() {
        // At the end of the front matter's last line (where the ']' is missing), not on the
        // closing '---', which is not part of the YAML.
        #expect(throws: ImportError("invalid YAML front matter: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1)", at: Position(line: 2, column: 14))) {
            try ModelCardImporter.draft(from: "---\nlicense: [mit\n---\n# X\n")
        }
        // YAML also ends lines at NEL and LS, Markdown does not: the card's line 2 holds both of
        // the front matter's YAML lines, and the error is at the end of it.
        for yamlOnlyBreak in ["\u{85}", "\u{2028}"] {
            #expect(throws: ImportError("invalid YAML front matter: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2)", at: Position(line: 2, column: 22))) {
                try ModelCardImporter.draft(from: "---\nname: x\(yamlOnlyBreak)license: [mit\n---\n# X\n")
            }
        }
        #expect(throws: ImportError("cannot name the model: no model_name, model-index name or '# ' heading in the card; give the manifest an id with --id")) {
            try ModelCardImporter.draft(from: "Just prose.\n")
        }
    }

    @Test func importCommandWritesAndExits() throws {
        let result = try PlacetExecutable.run(["import", "croissant", "Tests/PlacetTests/Fixtures/croissant-plain.json", "--format", "json"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"personalData\": \"TODO\""))
        let missing = try PlacetExecutable.run(["import", "hf-model-card", "/nonexistent/README.md"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: /nonexistent/README.md: cannot read the file: No such file or directory\n"), "\(missing.stderr)")
        let broken = try PlacetExecutable.run(["import", "croissant", "Package.swift"])
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix("Package.swift:1:1: error: invalid JSON"))
    }
}

/// The importers on real files from several publishers (Tests/PlacetTests/Fixtures/Importers,
/// origins in its SOURCES.md): each keeps what its source says, and fills nothing it does not.
@Suite struct CorpusImportTests {
    static let corpus = Fixtures.packageRoot.appendingPathComponent("Tests/PlacetTests/Fixtures/Importers")

    struct Card: Sendable, CustomStringConvertible {
        var file: String
        var id: String
        var name: String
        var license: String?
        var baseModel: String?
        /// nil: a TODO, because the card lists no training datasets.
        var trainedOn: [String]?
        var description: String { file }
    }

    static let cards: [Card] = [
        Card(file: "card-huggingface-hub-sample-simple-model-index.md", id: "mdl-my-cool-model", name: "my-cool-model",
             license: "mit", trainedOn: ["ds-beans"]),
        Card(file: "card-thudm-glm-4-9b-chat.md", id: "mdl-glm-4-9b-chat", name: "GLM-4-9B-Chat",
             license: "glm-4 (https://huggingface.co/THUDM/glm-4-9b-chat/blob/main/LICENSE)"),
        Card(file: "card-qwen-qwen1.5-7b-chat.md", id: "mdl-qwen1-5-7b-chat", name: "Qwen1.5-7B-Chat",
             license: "tongyi-qianwen (https://huggingface.co/Qwen/Qwen1.5-7B-Chat/blob/main/LICENSE)"),
        // The card's model-index names it StarCoderBase-3B; the importer keeps what the card says.
        // Its model-index benchmark (nuprl/MultiPL-E) is not training data.
        Card(file: "card-stabilityai-stable-code-3b.md", id: "mdl-starcoderbase-3b", name: "StarCoderBase-3B", license: "other",
             trainedOn: ["ds-tiiuae-falcon-refinedweb", "ds-bigcode-the-stack-github-issues", "ds-bigcode-commitpackft",
                         "ds-bigcode-starcoderdata", "ds-eleutherai-proof-pile-2", "ds-meta-math-metamathqa"]),
        // Evaluated on LibriSpeech and Common Voice, trained on neither as far as the card says.
        Card(file: "card-openai-whisper-base.md", id: "mdl-whisper-base", name: "whisper-base", license: "apache-2.0"),
        Card(file: "card-teknium-openhermes-2.5-mistral-7b.md", id: "mdl-openhermes-2-mistral-7b", name: "OpenHermes-2-Mistral-7B",
             license: "apache-2.0", baseModel: "mistralai/Mistral-7B-v0.1"),
    ]

    struct CroissantFile: Sendable, CustomStringConvertible {
        var file: String
        var id: String
        var name: String
        var owner: String?
        var license: String?
        var url: String?
        var description: String { file }
    }

    static let croissantFiles: [CroissantFile] = [
        CroissantFile(file: "croissant-huggingface-squad-v2.json", id: "ds-squad-v2", name: "squad_v2", owner: "Pranav R",
                      license: "https://choosealicense.com/licenses/cc-by-sa-4.0/", url: "https://huggingface.co/datasets/rajpurkar/squad_v2"),
        // The name is a language map; English is chosen.
        CroissantFile(file: "croissant-mlcommons-minimal-multilingual.json", id: "ds-minimal-example-with-multilingual-descriptions",
                      name: "minimal_example_with_multilingual_descriptions",
                      license: "https://creativecommons.org/licenses/by/4.0/", url: "https://example.com/dataset/recipes/minimal-recommended"),
        CroissantFile(file: "croissant-commoncrawl-cc-main-2025-43.json", id: "ds-cc-main-2025-43", name: "CC-MAIN-2025-43",
                      owner: "The Common Crawl Foundation", license: "https://commoncrawl.org/terms-of-use",
                      url: "https://data.commoncrawl.org/crawl-data/CC-MAIN-2025-43/index.html"),
        // A one-node JSON-LD list, and a licence given as a CreativeWork object.
        CroissantFile(file: "croissant-kaggle-car-price.json", id: "ds-car-price-dataset", name: "Car Price Dataset", owner: "Tech",
                      license: "Other (specified in description)", url: "https://www.kaggle.com/datasets/asinow/car-price-dataset/versions/1"),
        CroissantFile(file: "croissant-openml-covertype.json", id: "ds-covertype", name: "covertype",
                      license: "Public", url: "https://www.openml.org/d/180"),
        CroissantFile(file: "croissant-dataverse-minimal.json", id: "ds-minimal", name: "Minimal", owner: "Durbin, Philip",
                      license: "http://creativecommons.org/publicdomain/zero/1.0"),
    ]

    static func text(_ file: String) throws -> String {
        String(decoding: try Data(contentsOf: corpus.appendingPathComponent(file)), as: UTF8.self)
    }

    static func value(_ draft: ManifestDraft, _ field: String) -> ManifestDraft.Value? {
        draft.fields.first { $0.name == field }?.value
    }

    /// The draft with every TODO answered and a Dataset manifest for each `trainedOn` reference:
    /// what is left is exactly what the importer wrote, and it must load without a diagnostic.
    static func expectLoadsWhenFilled(_ draft: ManifestDraft, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let answers: [String: ManifestDraft.Value] = [
            "useCase": .scalar("general", quoted: true), "riskTier": .scalar("minimal", quoted: true),
            "gpai": .scalar("false", quoted: false), "trainingFlops": .scalar("0", quoted: false), "trainedOn": .list([], quoted: true),
            "personalData": .scalar("false", quoted: false), "dataSubjects": .list([], quoted: true),
            "specialCategories": .list([], quoted: true), "criminalData": .scalar("false", quoted: false),
            "lawfulBasis": .scalar("legitimateInterests", quoted: true), "dpia": .scalar("notStarted", quoted: true),
            "residency": .list([], quoted: true), "transferMechanisms": .list([], quoted: true),
            "classification": .scalar("public", quoted: true), "controller": .scalar("c-1", quoted: true),
            "transferImpactAssessedFor": .list([], quoted: true), "trainingPurposeCompatible": .scalar("false", quoted: false),
            "placedOnMarket": .scalar("2026-01-15", quoted: true),
        ]
        let filled = ManifestDraft(kind: draft.kind, id: draft.id, fields: draft.fields.map { field in
            guard case .todo = field.value else { return field }
            return ManifestDraft.Field(field.name, answers[field.name] ?? field.value)
        }, notes: draft.notes)
        var references = [ManifestDraft(kind: "Controller", id: "c-1", fields: [.init("establishedIn", .list(["DE"], quoted: true))])]
        if case .list(let ids, _)? = value(draft, "trainedOn") {
            references += ids.map { ManifestDraft(kind: "Dataset", id: $0, fields: [.init("personalData", .scalar("false", quoted: false))]) }
        }
        for format in [ManifestExportFormat.yaml, .json] {
            let bytes = DraftRenderer.render([filled] + references, as: format) ?? []
            let result = Fixtures.load([ManifestInput(path: "filled.\(format.rawValue)", bytes: bytes)])
            #expect(result.diagnostics.map(\.message) == [], "\(format)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: cards)
    func modelCard(_ card: Card) throws {
        let draft = try ModelCardImporter.draft(from: Self.text(card.file)).draft
        #expect(draft.id == card.id)
        #expect(Self.value(draft, "name") == .scalar(card.name, quoted: true))
        #expect(Self.value(draft, "license") == card.license.map { .scalar($0, quoted: true) })
        #expect(Self.value(draft, "baseModel") == card.baseModel.map { .scalar($0, quoted: true) })
        if let trainedOn = card.trainedOn {
            #expect(Self.value(draft, "trainedOn") == .list(trainedOn, quoted: true))
        } else {
            guard case .todo(_, list: true)? = Self.value(draft, "trainedOn") else {
                Issue.record("trainedOn must stay a TODO when the card lists no datasets")
                return
            }
        }
        // Fail-closed: the AI Act facts a card never states are TODOs, which fail validation.
        let todos = draft.fields.filter { if case .todo = $0.value { true } else { false } }.map(\.name)
        #expect(todos == ["useCase", "riskTier", "gpai", "trainingFlops", "placedOnMarket"] + (card.trainedOn == nil ? ["trainedOn"] : []))
        let unfilled = Fixtures.load([ManifestInput(path: "draft.yaml", bytes: DraftRenderer.render([draft], as: .yaml) ?? [])])
        #expect(unfilled.hasErrors)
        Self.expectLoadsWhenFilled(draft)
    }

    @Test(arguments: croissantFiles)
    func croissant(_ file: CroissantFile) throws {
        let draft = try CroissantImporter.draft(from: Array(Self.text(file.file).utf8))
        #expect(draft.id == file.id)
        #expect(Self.value(draft, "name") == .scalar(file.name, quoted: true))
        #expect(Self.value(draft, "owner") == file.owner.map { .scalar($0, quoted: true) })
        #expect(Self.value(draft, "license") == file.license.map { .scalar($0, quoted: true) })
        #expect(Self.value(draft, "url") == file.url.map { .scalar($0, quoted: true) })
        guard case .todo? = Self.value(draft, "personalData") else {
            Issue.record("none of these files has a RAI section: personalData must stay a TODO")
            return
        }
        Self.expectLoadsWhenFilled(draft)
    }

    @Test func benchmarksAreNotTrainingData() throws {
        let draft = try ModelCardImporter.draft(from: Self.text("card-openai-whisper-base.md")).draft
        #expect(draft.notes.contains("evaluated on (model-index, not training data): librispeech_asr, mozilla-foundation/common_voice_11_0"))
        let code = try ModelCardImporter.draft(from: Self.text("card-stabilityai-stable-code-3b.md")).draft
        guard case .list(let ids, _)? = Self.value(code, "trainedOn") else { Issue.record("no trainedOn list"); return }
        #expect(!ids.contains { $0.contains("multipl") })
    }

    /// A Windows checkout of a card imports exactly as its LF original.
    @Test(arguments: ["card-thudm-glm-4-9b-chat.md", "card-stabilityai-stable-code-3b.md"])
    func crlfCardImportsLikeItsLFTwin(file: String) throws {
        let lf = try Self.text(file)
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(crlf.utf8.count > lf.utf8.count)
        let fromCRLF = try ModelCardImporter.draft(from: crlf)
        let fromLF = try ModelCardImporter.draft(from: lf)
        #expect(fromCRLF.draft == fromLF.draft)
        #expect(fromCRLF.warnings == fromLF.warnings)
    }

    // No real card with a base_model list was found for the corpus; this one is written to the
    // Hub's documented shape (a merge of two models).
    @Test func everyBaseModelIsKept() throws {
        let card = "---\nlicense: mit\nbase_model:\n  - OpenGVLab/InternViT-300M-448px\n  - Qwen/Qwen2-0.5B-Instruct\nbase_model_relation: merge\n---\n\n# InternVL2-1B\n"
        let draft = try ModelCardImporter.draft(from: card).draft
        #expect(Self.value(draft, "baseModel") == .scalar("OpenGVLab/InternViT-300M-448px, Qwen/Qwen2-0.5B-Instruct", quoted: true))
        Self.expectLoadsWhenFilled(draft)
    }

    @Test(arguments: [
        ("license: other\nlicense_name: llama3\nlicense_link: LICENSE", "llama3 (LICENSE)"),
        ("license: other\nlicense_name: yi-license", "yi-license"),
        ("license_name: baichuan2-community-license", "baichuan2-community-license"),
        ("license: other", "other"),
        ("license: apache-2.0\nlicense_name: apache-2.0", "apache-2.0"),
    ])
    func otherLicenseKeepsItsName(frontMatter: String, license: String) throws {
        let draft = try ModelCardImporter.draft(from: "---\n\(frontMatter)\n---\n# M\n").draft
        #expect(Self.value(draft, "license") == .scalar(license, quoted: true))
    }

    @Test(arguments: [
        (#"{"@type": "sc:CreativeWork", "name": "CC0: Public Domain", "url": "https://creativecommons.org/publicdomain/zero/1.0/"}"#,
         "CC0: Public Domain (https://creativecommons.org/publicdomain/zero/1.0/)"),
        (#"{"@type": "sc:CreativeWork", "name": "Other (specified in description)"}"#, "Other (specified in description)"),
        (#"["cc-by-4.0", {"@type": "sc:CreativeWork", "name": "MIT", "url": "https://opensource.org/license/mit"}]"#,
         "cc-by-4.0; MIT (https://opensource.org/license/mit)"),
        (#"{"@id": "https://spdx.org/licenses/Apache-2.0.html"}"#, "https://spdx.org/licenses/Apache-2.0.html"),
    ])
    func croissantLicenseObjectsAndLists(license: String, expected: String) throws {
        let draft = try CroissantImporter.draft(from: Array(#"{"@type": "sc:Dataset", "name": "d", "license": \#(license)}"#.utf8))
        #expect(Self.value(draft, "license") == .scalar(expected, quoted: true))
    }

    @Test(arguments: [
        (#""&lt;script&gt;alert(1)&lt;/script&gt; notes""#, "<script>alert(1)</script> notes", "ds-script-alert-1-script-notes"),
        (#"{"@language": "en", "@value": "Triage notes"}"#, "Triage notes", "ds-triage-notes"),
        (#"[{"@language": "de", "@value": "Notizen"}, {"@language": "en", "@value": "Notes"}]"#, "Notes", "ds-notes"),
        (#"[{"@language": "nb", "@value": "Norsk bokmål"}, {"@language": "da", "@value": "Ærø"}]"#, "Norsk bokmål", "ds-norsk-bokmal"),
        (#"{"de": "Straße", "fr": "Rue"}"#, "Straße", "ds-strasse"),
        (#""Ærø Færgen""#, "Ærø Færgen", "ds-aero-faergen"),
        (#""Crème brûlée &amp; Łódź""#, "Crème brûlée & Łódź", "ds-creme-brulee-lodz"),
        (#""Caf&#233; &#x2014; Þingvellir""#, "Café — Þingvellir", "ds-cafe-thingvellir"),
    ])
    func namesBecomeCleanIDs(json: String, name: String, id: String) throws {
        let draft = try CroissantImporter.draft(from: Array(#"{"@type": "sc:Dataset", "name": \#(json)}"#.utf8))
        #expect(draft.id == id)
        #expect(Self.value(draft, "name") == .scalar(name, quoted: true))
    }

    @Test func modelCardNamesAreCleanIDs() throws {
        let draft = try ModelCardImporter.draft(from: "---\nmodel_name: NorBERT bokmål &amp; nynorsk\n---\n").draft
        #expect(draft.id == "mdl-norbert-bokmal-nynorsk")
        #expect(Self.value(draft, "name") == .scalar("NorBERT bokmål & nynorsk", quoted: true))
    }

    /// --id imports a source that names nothing; the draft has no name field and still fails closed.
    @Test func idLetsAnUnnamedSourceImport() throws {
        let card = try ModelCardImporter.draft(from: "Just prose.\n", id: "mdl-prose").draft
        #expect(card.id == "mdl-prose")
        #expect(Self.value(card, "name") == nil)
        #expect(card.notes.first?.hasPrefix("Imported from the Hugging Face model card of 'mdl-prose'.") == true)
        let dataset = try CroissantImporter.draft(from: Array(#"{"@type": "sc:Dataset"}"#.utf8), id: "ds-unnamed")
        #expect(dataset.id == "ds-unnamed")
        #expect(Self.value(dataset, "name") == nil)
        for draft in [card, dataset] {
            let result = Fixtures.load([ManifestInput(path: "draft.yaml", bytes: DraftRenderer.render([draft], as: .yaml) ?? [])])
            #expect(result.hasErrors)
            Self.expectLoadsWhenFilled(draft)
        }
    }

    @Test func cannotNameSuggestsID() throws {
        let result = try PlacetExecutable.run(["import", "hf-model-card", "Package.swift"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("give the manifest an id with --id"))
        let named = try PlacetExecutable.run(["import", "hf-model-card", "--id", "mdl-x", "Package.swift"])
        #expect(named.status == 0)
        #expect(named.stdout.contains("id: \"mdl-x\""))
    }
}

/// The importers against the baseline pack's schema, whose field documentation gives the hints.
extension CroissantImporter {
    static func draft(from bytes: [UInt8], id: String? = nil) throws(ImportError) -> ManifestDraft {
        try draft(from: bytes, id: id, hints: SchemaHints(schema: Fixtures.baseline.schema))
    }
}

extension ModelCardImporter {
    static func draft(from text: String, id: String? = nil) throws(ImportError) -> Result {
        try draft(from: text, id: id, hints: SchemaHints(schema: Fixtures.baseline.schema))
    }
}
