// `placet import hf-model-card`: a Hugging Face model card (README.md with YAML front matter)
// to a Model manifest. The card's license, base model and datasets are mapped (datasets become
// `trainedOn` references, which fail until those Dataset manifests exist); what the AI Act needs
// and a card does not state (use case, risk tier, general-purpose status, training compute)
// becomes a TODO placeholder.

import PlacetLanguage
import Yams

public enum ModelCardImporter {
    public struct Result: Sendable {
        public var draft: ManifestDraft
        /// Things worth telling the person running the import (no front matter, say).
        public var warnings: [String]
    }

    public static func draft(from text: String, id: String? = nil, hints: SchemaHints) throws(ImportError) -> Result {
        var warnings: [String] = []
        let (frontMatter, body) = split(text)
        var metadata: [MappingEntry] = []
        if let frontMatter {
            let documents: [DocumentNode]
            do {
                documents = try YAMLReader.read(frontMatter)
            } catch {
                throw ImportError("invalid YAML front matter: \(error.message)", at: cardPosition(of: error.position, inFrontMatter: frontMatter))
            }
            switch documents.first {
            case .mapping(let entries, _)?: metadata = entries
            case nil: break
            case let other?:
                throw ImportError("the front matter must be a YAML mapping, found \(other.kindDescription)", at: Position(line: 2, column: 1))
            }
        } else {
            warnings.append("the model card has no YAML front matter (--- ... ---): every fact is a TODO")
        }
        let card = CardMetadata(metadata)
        let heading = importedLines(body).lazy
            .map { $0.trimming(" \t") }
            .first { $0.hasPrefix("# ") }
            .map { String($0.dropFirst(2)).trimming(" \t") }
        let name = (card.strings("model_name").first ?? card.modelIndexName ?? heading).map(decodingHTMLEntities) ?? ""
        guard !name.isEmpty || id != nil else {
            throw ImportError("cannot name the model: no model_name, model-index name or '# ' heading in the card; give the manifest an id with --id")
        }
        let label = name.isEmpty ? id ?? "" : name

        var fields: [ManifestDraft.Field] = name.isEmpty ? [] : [.init("name", .scalar(name, quoted: true))]
        // `license: other` means "not in the Hub's list": the licence is license_name, published
        // at license_link.
        let declared = card.strings("license").first
        let license = declared?.lowercased() == "other" || declared == nil
            ? licenseText(name: card.strings("license_name").first ?? declared, link: card.strings("license_link").first)
            : declared
        if let license { fields.append(.init("license", .scalar(license, quoted: true))) }
        // The schema's baseModel holds one string; a merge or adapter card lists several, and
        // every one is kept, comma-separated (Hub ids hold no commas).
        let bases = card.strings("base_model")
        if !bases.isEmpty { fields.append(.init("baseModel", .scalar(bases.joined(separator: ", "), quoted: true))) }
        var notes = ["Imported from the Hugging Face model card of '\(label)'. Replace every TODO before use: check refuses a manifest that still has one."]
        let pipeline = card.strings("pipeline_tag").first
        if let pipeline { notes.append("pipeline_tag: \(pipeline)") }
        let tags = card.strings("tags")
        if !tags.isEmpty { notes.append("tags: \(tags.joined(separator: ", "))") }
        let languages = card.strings("language")
        if !languages.isEmpty { notes.append("language: \(languages.joined(separator: ", "))") }
        // What the system is for, its tier and its place on the market are the provider's
        // statements under the AI Act; a card does not make them.
        fields += hints.todos(SchemaContract.model, ["useCase", "riskTier", "gpai", "trainingFlops", "placedOnMarket"])
        // Training data is what `datasets:` lists. The model-index results name the benchmarks the
        // model was evaluated on, which are not lineage: they are noted, never `trainedOn`.
        let benchmarks = card.evaluationDatasets
        if !benchmarks.isEmpty { notes.append("evaluated on (model-index, not training data): \(benchmarks.joined(separator: ", "))") }
        let datasets = card.strings("datasets")
        if !datasets.isEmpty {
            // References by id: they fail until those datasets have manifests (import them with
            // `placet import croissant`), so lineage is never silently dropped.
            fields.append(.init("trainedOn", .list(datasets.map { "ds-" + slug($0) }, quoted: true)))
            notes.append("datasets on the card: \(datasets.joined(separator: ", "))")
        } else {
            fields += hints.todos(SchemaContract.model, ["trainedOn"])
        }
        return Result(draft: ManifestDraft(kind: SchemaContract.model, id: id ?? "mdl-" + slug(name), fields: fields, notes: notes), warnings: warnings)
    }

    /// A position libyaml gave in the front matter, as a position in the card. The card's lines
    /// end at LF, CRLF or a lone CR (as Markdown's do; `importedLines`), and the front matter
    /// starts on its second line with those lines joined by LF; libyaml's lines also end at NEL,
    /// LS and PS, so its line number is found by offset, not added to.
    static func cardPosition(of position: Position, inFrontMatter frontMatter: String) -> Position {
        let bytes = Array(frontMatter.utf8)
        guard let line = LineTable(bytes, breaks: .yaml).range(ofLine: position.line, in: bytes) else {
            return Position(line: position.line + 1, column: position.column)
        }
        // Columns count Unicode scalars: step over a scalar's continuation bytes.
        var offset = line.lowerBound
        for _ in 1..<max(1, position.column) where offset < line.upperBound {
            offset += 1
            while offset < line.upperBound, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
        }
        let inFrontMatter = LineTable(bytes).lineAndColumn(of: offset, in: bytes, counting: .unicodeScalars)
        // A column libyaml put past the line's end stays past it by as much.
        let beyond = max(0, position.column - 1 - bytes[line.lowerBound..<offset].count { $0 & 0xC0 != 0x80 })
        return Position(line: inFrontMatter.line + 1, column: inFrontMatter.column + beyond)
    }

    /// The front matter between a first line `---` and the next `---`, and the rest.
    static func split(_ text: String) -> (frontMatter: String?, body: String) {
        let lines = importedLines(text)
        guard lines.first.map({ $0.trimming(" \t") == "---" }) == true,
              let end = lines.dropFirst().firstIndex(where: { $0.trimming(" \t") == "---" }) else {
            return (nil, text)
        }
        return (lines[1..<end].joined(separator: "\n"), lines[(end + 1)...].joined(separator: "\n"))
    }
}

/// Front matter values: a scalar or a list of scalars.
struct CardMetadata {
    let entries: [MappingEntry]

    init(_ entries: [MappingEntry]) {
        self.entries = entries
    }

    func strings(_ key: String) -> [String] {
        guard let node = entries.first(where: { $0.key == key })?.value else { return [] }
        switch node {
        case .scalar(let text, _, _): return node.isNull ? [] : [text]
        case .sequence(let items, _):
            return items.compactMap { if case .scalar(let text, _, _) = $0, !$0.isNull { text } else { nil } }
        case .mapping: return []
        }
    }

    /// The datasets of `model-index: [{results: [{dataset: {type, name}}]}]`, each once: the
    /// benchmarks a model was evaluated on.
    var evaluationDatasets: [String] {
        guard case .sequence(let models, _)? = entries.first(where: { $0.key == "model-index" })?.value else { return [] }
        var seen: [String] = []
        for case .mapping(let model, _) in models {
            guard case .sequence(let results, _)? = model.first(where: { $0.key == "results" })?.value else { continue }
            for case .mapping(let result, _) in results {
                guard case .mapping(let dataset, _)? = result.first(where: { $0.key == "dataset" })?.value else { continue }
                let fields = CardMetadata(dataset)
                if let key = fields.strings("type").first ?? fields.strings("name").first, !seen.contains(key) { seen.append(key) }
            }
        }
        return seen
    }

    /// `model-index: [{name: ...}]`, where cards often name the model.
    var modelIndexName: String? {
        guard case .sequence(let items, _)? = entries.first(where: { $0.key == "model-index" })?.value,
              case .mapping(let first, _)? = items.first else { return nil }
        return CardMetadata(first).strings("name").first
    }
}

extension StringProtocol {
    func trimming(_ set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
