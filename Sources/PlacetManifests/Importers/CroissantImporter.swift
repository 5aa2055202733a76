// `placet import croissant`: an MLCommons Croissant 1.0 (JSON-LD) dataset description to a
// Dataset manifest. What Croissant states is mapped (name, url, creator, license, and the RAI
// extension's personal and sensitive information); what it cannot know (data subjects'
// location, lawful basis, residency...) becomes a TODO placeholder that fails validation
// until a person fills it. An importer never invents a legal fact.

import PlacetLanguage

public struct ImportError: Error, Sendable, Equatable {
    public var message: String
    public var position: Position?

    public init(_ message: String, at position: Position? = nil) {
        self.message = message
        self.position = position
    }
}

public enum CroissantImporter {
    public static func draft(from bytes: [UInt8], id: String? = nil, hints: SchemaHints) throws(ImportError) -> ManifestDraft {
        let parsed: Swift.Result<DocumentNode, ReadError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(ReadError) {
                return .success(try JSONReader.read(buffer, range: 0..<buffer.count))
            } catch {
                return .failure(error)
            }
        }
        var root: DocumentNode
        switch parsed {
        case .success(let node): root = node
        case .failure(let error): throw ImportError("invalid JSON: \(error.message)", at: error.position)
        }
        // JSON-LD may wrap the one node in a list (Kaggle's files do): that node is the dataset.
        if case .sequence(let items, _) = root, items.count == 1, case .mapping? = items.first { root = items[0] }
        guard case .mapping(let entries, let position) = root else {
            throw ImportError("a Croissant description is a JSON object, found \(root.kindDescription)", at: root.position)
        }
        let object = JSONObject(entries)
        let type = object.strings("@type")
        guard type.contains(where: { $0 == "sc:Dataset" || $0 == "Dataset" || $0 == "schema:Dataset" || $0.hasSuffix("schema.org/Dataset") }) else {
            throw ImportError("not a Croissant dataset: '@type' must be sc:Dataset", at: position)
        }
        // A name may be a plain string, a language-tagged value, a list of those, or a language
        // map; catalogue pages also HTML-escape it. With --id the draft needs no name.
        let name = object.localizedString("name").map(decodingHTMLEntities)?.trimming(" \t\n") ?? ""
        guard !name.isEmpty || id != nil else {
            throw ImportError("the dataset has no 'name': give the manifest an id with --id", at: position)
        }
        let label = name.isEmpty ? id ?? "" : name

        var fields: [ManifestDraft.Field] = name.isEmpty ? [] : [.init("name", .scalar(name, quoted: true))]
        let creators = object.names("creator")
        if !creators.isEmpty { fields.append(.init("owner", .scalar(creators.joined(separator: "; "), quoted: true))) }
        let licenses = object.licenses()
        if !licenses.isEmpty { fields.append(.init("license", .scalar(licenses.joined(separator: "; "), quoted: true))) }
        if let url = (object.strings("url") + object.strings("@id")).first { fields.append(.init("url", .scalar(url, quoted: true))) }

        var notes = ["Imported from Croissant '\(label)'. Replace every TODO before use: check refuses a manifest that still has one."]
        let sensitive = object.strings("rai:personalSensitiveInformation")
        // The RAI extension is the only place Croissant speaks of personal data. Its presence is a
        // statement that there is some; its absence says nothing, so personalData stays a TODO.
        if !sensitive.isEmpty {
            notes.append("RAI personalSensitiveInformation: \(sensitive.joined(separator: "; "))")
            fields.append(.init("personalData", .scalar("true", quoted: false)))
        } else {
            notes.append("Croissant's RAI section does not say whether the data is personal.")
            fields += hints.todos(SchemaContract.dataset, ["personalData"])
        }
        for key in ["rai:dataCollection", "rai:dataUseCases"] {
            if let text = object.strings(key).first { notes.append("\(key.dropFirst(4)): \(text)") }
        }
        // Facts of law and contract no catalogue records: a person states each of them.
        fields += hints.todos(SchemaContract.dataset, [
            "controller", "dataSubjects", "specialCategories", "criminalData", "lawfulBasis", "dpia", "residency",
            "transferMechanisms", "transferImpactAssessedFor", "trainingPurposeCompatible", "classification",
        ])
        return ManifestDraft(kind: SchemaContract.dataset, id: id ?? "ds-" + slug(name), fields: fields, notes: notes)
    }
}

/// Read access to a JSON-LD object whose values may be a string, an object or a list of either.
struct JSONObject {
    let entries: [MappingEntry]

    init(_ entries: [MappingEntry]) {
        self.entries = entries
    }

    func value(_ key: String) -> DocumentNode? {
        entries.first { $0.key == key }?.value
    }

    /// Strings under `key`: a string, each string of a list, or an object's `@value`/`@id`.
    func strings(_ key: String) -> [String] {
        guard let node = value(key) else { return [] }
        return Self.strings(node)
    }

    private static func strings(_ node: DocumentNode) -> [String] {
        switch node {
        case .scalar(let text, .text, _): return [text]
        case .scalar: return []
        case .sequence(let items, _): return items.flatMap(strings)
        case .mapping(let entries, _):
            let object = JSONObject(entries)
            return object.strings("@value") + object.strings("@id") + object.strings("url")
        }
    }

    /// Names under `key`: strings, or the `name` of objects (a creator is a Person or Organization).
    func names(_ key: String) -> [String] {
        guard let node = value(key) else { return [] }
        let items: [DocumentNode] = if case .sequence(let list, _) = node { list } else { [node] }
        return items.compactMap { item in
            switch item {
            case .scalar(let text, .text, _): text
            case .mapping(let entries, _): JSONObject(entries).strings("name").first
            default: nil
            }
        }
    }

    /// One string under `key` in the reader's language: a string; a `{"@language", "@value"}`
    /// object or a list of them; or a language map (`{"en": ..., "de": ...}`). English first,
    /// then the first given.
    func localizedString(_ key: String) -> String? {
        guard let node = value(key) else { return nil }
        var tagged: [(language: String, text: String)] = []
        func collect(_ node: DocumentNode, language: String) {
            switch node {
            case .scalar(let text, .text, _): tagged.append((language, text))
            case .scalar: break
            case .sequence(let items, _): for item in items { collect(item, language: language) }
            case .mapping(let entries, _):
                let object = JSONObject(entries)
                if let value = object.value("@value") {
                    collect(value, language: object.strings("@language").first ?? language)
                } else if !entries.contains(where: { $0.key.hasPrefix("@") }) {
                    for entry in entries { collect(entry.value, language: entry.key) }
                }
            }
        }
        collect(node, language: "")
        let english = tagged.first { $0.language.lowercased() == "en" || $0.language.lowercased().hasPrefix("en-") }
        return (english ?? tagged.first)?.text
    }

    /// Licences under `license`: each string as given; each object (a schema.org CreativeWork)
    /// as its name with its URL (or `@id`) in parentheses.
    func licenses() -> [String] {
        guard let node = value("license") else { return [] }
        let items: [DocumentNode] = if case .sequence(let list, _) = node { list } else { [node] }
        return items.compactMap { item in
            switch item {
            case .scalar(let text, .text, _): return text.isEmpty ? nil : text
            case .scalar, .sequence: return nil
            case .mapping(let entries, _):
                let object = JSONObject(entries)
                let name = object.localizedString("name").map(decodingHTMLEntities)
                return licenseText(name: name, link: (object.strings("url") + object.strings("@id")).first)
                    ?? object.strings("@value").first
            }
        }
    }
}
