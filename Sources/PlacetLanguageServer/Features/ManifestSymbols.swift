// Policy symbols named in manifests and policy tests: a field by its key, an enum case by its
// value, a kind by `kind:`, a rule id anywhere (waivers, `rules:`, expected findings). Found from
// the text around a position (ManifestContext), so a half-typed manifest still answers.

import Foundation
import PlacetEngine
import PlacetLanguage

struct ManifestSymbols {
    let declarations: IndexDeclarations

    /// The record kinds a manifest can have (`Target`, not a value record).
    var manifestKinds: [String] { declarations.records.values.filter { !$0.isValue }.map(\.name.name) }

    /// The context at offsets of a text asked in increasing order: in XML one pass over the
    /// text (XMLManifestScanner), in YAML and JSON the text around each.
    func contextReader(for text: DocumentText) -> (Int) -> ManifestContext {
        let path = text.path
        if path.hasSuffix(".xml") {
            var scanner = XMLManifestScanner(bytes: text.bytes, kinds: manifestKinds)
            return { scanner.context(at: $0) }
        }
        if path.hasSuffix(".json") || path.hasSuffix(".jsonl") {
            let lineOnly = path.hasSuffix(".jsonl")
            return { ManifestContext(json: text.bytes, offset: $0, lineOnly: lineOnly) }
        }
        return { ManifestContext(bytes: text.bytes, offset: $0) }
    }

    func context(in text: DocumentText, offset: Int) -> ManifestContext {
        contextReader(for: text)(offset)
    }

    /// The type of a manifest field, when the kind declares it.
    func fieldType(kind: String?, key: String?) -> IndexType? {
        guard let kind, let key, let field = declarations.field(key, of: kind) else { return nil }
        return IndexType(field.type)
    }

    /// The symbol under an offset and the range of the word naming it.
    func symbol(in text: DocumentText, at offset: Int) -> (PolicySymbol, Range<Int>)? {
        symbol(in: text, at: offset, reading: contextReader(for: text))
    }

    /// `reading`: the context reader of the text, asked only when the word is not a rule id.
    func symbol(in text: DocumentText, at offset: Int, reading: (Int) -> ManifestContext) -> (PolicySymbol, Range<Int>)? {
        let range = text.word(at: offset)
        let word = text.text(range)
        guard !word.isEmpty else { return nil }
        if declarations.rules[word] != nil { return (.rule(word), range) }
        let context = reading(offset)
        if context.onKey {
            guard let kind = context.kind, declarations.field(word, of: kind) != nil else { return nil }
            return (.field(type: kind, field: word), range)
        }
        if context.key == "kind", declarations.records[word] != nil { return (.type(word), range) }
        let type = fieldType(kind: context.kind, key: context.key)
        if let enumeration = declarations.isEnumeration(type?.element ?? type?.unwrapped),
           let owner = declarations.owner(ofCase: word, in: enumeration) {
            return (.enumCase(type: owner, case: word), range)
        }
        return nil
    }

    /// Every place a symbol is named in a manifest or policy-test text, as UTF-8 ranges.
    func occurrences(of symbol: PolicySymbol, in text: DocumentText) -> [Range<Int>] {
        let word: String
        switch symbol {
        case .rule(let id): word = id
        case .field(_, let field): word = field
        case .enumCase(_, let name): word = name
        case .type(let name): word = name
        default: return []
        }
        let reader = contextReader(for: text)
        return ManifestSymbols.wordRanges(of: word, in: text.bytes).filter { range in
            self.symbol(in: text, at: range.lowerBound, reading: reader).map { $0.0 == symbol && $0.1 == range } ?? false
        }
    }

    /// Each manifest's id in a manifest text, with its manifest's kind: the value after an `id`
    /// key (`id: x`, `"id": "x"`, `<target id="x">`), for outlines and explain lenses.
    func manifestIDs(in text: DocumentText) -> [(kind: String?, value: Range<Int>)] {
        let reader = contextReader(for: text)
        return ManifestSymbols.wordRanges(of: SchemaContract.id, in: text.bytes).compactMap { range in
            let context = reader(range.lowerBound)
            guard context.onKey, context.key == SchemaContract.id, let value = ManifestSymbols.idValue(after: range.upperBound, in: text) else { return nil }
            return (context.kind, value)
        }
    }

    /// The value after an `id` key: `id: x`, `"id": "x"`, `id="x"`.
    static func idValue(after keyEnd: Int, in text: DocumentText) -> Range<Int>? {
        let bytes = text.bytes
        let quotesAndSpaces = [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: " ")]
        var position = keyEnd
        while position < bytes.count, quotesAndSpaces.contains(bytes[position]) { position += 1 }
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") || bytes[position] == UInt8(ascii: "=") else { return nil }
        position += 1
        while position < bytes.count, quotesAndSpaces.contains(bytes[position]) { position += 1 }
        let range = text.word(at: position)
        return range.lowerBound == position && !range.isEmpty ? range : nil
    }

    /// Where `word` stands alone (not inside a longer name) in `bytes`.
    static func wordRanges(of word: String, in bytes: [UInt8]) -> [Range<Int>] {
        let needle = Array(word.utf8)
        guard let first = needle.first, needle.count <= bytes.count else { return [] }
        func isNameByte(_ byte: UInt8) -> Bool {
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte >= 0x80
        }
        var ranges: [Range<Int>] = []
        var position = 0
        while position + needle.count <= bytes.count {
            if bytes[position] == first, bytes[position..<position + needle.count].elementsEqual(needle),
               position == 0 || !isNameByte(bytes[position - 1]),
               position + needle.count == bytes.count || !isNameByte(bytes[position + needle.count]) {
                ranges.append(position..<position + needle.count)
                position += needle.count
            } else {
                position += 1
            }
        }
        return ranges
    }

    /// The manifest and policy-test files references are looked for in: the pack's tests, the
    /// inventory setting's folder, and the folders of open manifests; open documents' text first.
    static func files(in workspace: Workspace) -> [String] {
        var folders: Set<String> = []
        var files: Set<String> = []
        if let pack = workspace.packFolder { folders.insert(pack) }
        if let inventory = workspace.settings.inventory { folders.insert(workspace.absolute(inventory)) }
        for document in workspace.documents.values where document.kind == .manifest || document.kind == .policyTest {
            files.insert(document.path)
            folders.insert((document.path as NSString).deletingLastPathComponent)
        }
        for folder in folders {
            // A root folder of a large tree: 10,000 entries are enough.
            let relatives = FolderFiles.relativePaths(under: folder, limit: 10_000) { relative in
                let kind = DocumentKind.of(path: relative)
                return kind == .manifest || kind == .policyTest
            } ?? []
            for relative in relatives { files.insert((folder as NSString).appendingPathComponent(relative)) }
        }
        return files.sorted()
    }
}
