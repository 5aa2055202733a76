// Where a position is in an XML manifest (SPEC §2.6: `<manifests>`, a child per manifest named
// by its kind in lower case with its `id` as an attribute, a child per field, an `<item>` per
// member of a collection), from the tags before it, with no parse, so a half-typed document
// answers: the open elements give the kind (depth 1) and the field (depth 2, also around
// `<item>`s); a position in a tag name is on a key; in a manifest element's `id="…"`, the
// attribute name is the key and its value the value, as `id: …` is in YAML.

extension ManifestContext {
    init(kind: String?, key: String?, onKey: Bool, presentKeys: Set<String>, inAttribute: Bool = false) {
        self.kind = kind
        self.key = key
        self.onKey = onKey
        self.presentKeys = presentKeys
        self.inAttribute = inAttribute
    }

    /// The record kind an element names (`target` is `Target`).
    static func kind(named element: String, in kinds: [String]) -> String? {
        kinds.first { $0.lowercased() == element.lowercased() }
    }
}

/// Reads an XML manifest forward, tag by tag, to the positions it is asked about: asked in
/// increasing order (every `id` of a file, every occurrence of a word), they take one pass.
struct XMLManifestScanner {
    let bytes: [UInt8]
    /// The record kinds a manifest element may name.
    let kinds: [String]
    /// The first byte not read yet (just after the last tag read).
    private var position = 0
    /// The elements open at `position`: `manifests`, a manifest, a field, an item.
    private var open: [String] = []
    /// The attributes and fields of the manifest open at `position`.
    private var manifestKeys: Set<String> = []

    init(bytes: [UInt8], kinds: [String]) {
        self.bytes = bytes
        self.kinds = kinds
    }

    /// The context at `offset`. An offset before the last one asked is read from the start again.
    mutating func context(at offset: Int) -> ManifestContext {
        let clamped = min(max(0, offset), bytes.count)
        if clamped < position { self = XMLManifestScanner(bytes: bytes, kinds: kinds) }
        while position < clamped {
            guard bytes[position] == UInt8(ascii: "<") else {
                position += 1
                continue
            }
            var end = position + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: ">") { end += 1 }
            if end >= clamped {
                // The offset is inside this tag, which stays unread for the offsets after it.
                if let context = context(inTag: position + 1..<end, offset: clamped) { return context }
                break
            }
            read(tag: position + 1..<end)
            position = end + 1
        }
        return ManifestContext(kind: open.count >= 2 ? ManifestContext.kind(named: open[1], in: kinds) : nil,
                               key: open.count >= 3 ? open[2] : nil, onKey: false, presentKeys: manifestKeys)
    }

    /// The context of an offset in a tag (between `<` and `>`): on its name, or in the `id`
    /// attribute of a manifest's element; nil elsewhere (the context is that of the open elements).
    private func context(inTag inner: Range<Int>, offset: Int) -> ManifestContext? {
        guard inner.lowerBound < bytes.count, bytes[inner.lowerBound] != UInt8(ascii: "/") else { return nil }
        let nameEnd = nameEnd(from: inner.lowerBound, before: inner.upperBound)
        let name = String(decoding: bytes[inner.lowerBound..<nameEnd], as: UTF8.self)
        if offset <= nameEnd {
            return ManifestContext(kind: open.count >= 2 ? ManifestContext.kind(named: open[1], in: kinds) : nil,
                                   key: name, onKey: true, presentKeys: manifestKeys)
        }
        guard open.count == 1, let kind = ManifestContext.kind(named: name, in: kinds) else { return nil }
        let attributes = attributes(from: nameEnd, before: inner.upperBound)
        let names = Set(attributes.map { String(decoding: bytes[$0.name], as: UTF8.self) })
        for attribute in attributes {
            let attributeName = String(decoding: bytes[attribute.name], as: UTF8.self)
            if attribute.name.contains(offset) || attribute.name.upperBound == offset {
                return ManifestContext(kind: kind, key: attributeName, onKey: true, presentKeys: names, inAttribute: true)
            }
            if let value = attribute.value, value.contains(offset) || value.upperBound == offset {
                return ManifestContext(kind: kind, key: attributeName, onKey: false, presentKeys: names, inAttribute: true)
            }
        }
        return ManifestContext(kind: kind, key: nil, onKey: false, presentKeys: names, inAttribute: true)
    }

    /// Reads a whole tag (`inner` is between `<` and `>`): an opening tag opens an element, a closing tag closes one.
    private mutating func read(tag inner: Range<Int>) {
        guard let first = bytes[inner].first, first != UInt8(ascii: "?"), first != UInt8(ascii: "!") else { return }
        if first == UInt8(ascii: "/") {
            if !open.isEmpty { open.removeLast() }
            return
        }
        guard bytes[inner].last != UInt8(ascii: "/") else { return }  // an empty element opens nothing
        let nameEnd = nameEnd(from: inner.lowerBound, before: inner.upperBound)
        let name = String(decoding: bytes[inner.lowerBound..<nameEnd], as: UTF8.self)
        open.append(name)
        if open.count == 2 {
            manifestKeys = Set(attributes(from: nameEnd, before: inner.upperBound).map { String(decoding: bytes[$0.name], as: UTF8.self) })
        }
        if open.count == 3 { manifestKeys.insert(name) }
    }

    private func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Where the name starting at `start` ends: at a space, `/`, `=` or the tag's end.
    private func nameEnd(from start: Int, before end: Int) -> Int {
        var position = start
        while position < end, !isSpace(bytes[position]), bytes[position] != UInt8(ascii: "/"), bytes[position] != UInt8(ascii: "=") {
            position += 1
        }
        return position
    }

    /// The attributes of a tag from `start` to `end`: each name, and its value between the quotes
    /// (to the tag's end while the closing quote is not typed yet).
    private func attributes(from start: Int, before end: Int) -> [(name: Range<Int>, value: Range<Int>?)] {
        var attributes: [(name: Range<Int>, value: Range<Int>?)] = []
        var position = start
        while position < end {
            while position < end, isSpace(bytes[position]) || bytes[position] == UInt8(ascii: "/") { position += 1 }
            guard position < end else { break }
            let nameStart = position
            position = max(nameEnd(from: position, before: end), position + 1)
            let name = nameStart..<position
            while position < end, isSpace(bytes[position]) { position += 1 }
            guard position < end, bytes[position] == UInt8(ascii: "=") else {
                attributes.append((name, nil))
                continue
            }
            position += 1
            while position < end, isSpace(bytes[position]) { position += 1 }
            guard position < end, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
                attributes.append((name, nil))
                continue
            }
            let quote = bytes[position]
            let valueStart = position + 1
            var valueEnd = valueStart
            while valueEnd < end, bytes[valueEnd] != quote { valueEnd += 1 }
            attributes.append((name, valueStart..<valueEnd))
            position = valueEnd + 1
        }
        return attributes
    }
}
