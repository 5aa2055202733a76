// Completion. In policy files a placeholder name is put at the cursor and the file parsed again
// (as IDEs complete half-typed code), so the index can say what is expected there: the fields
// of the record before a `.`, the cases of the enum the context expects, the names in scope;
// at the start of a line, rule clauses and declaration words. In manifests: the kind's
// field names as keys, and enum cases, kinds and booleans as values.

import PlacetLanguage

extension LanguageServer {
    static let completionMarker = "placetCompletionMarker"
    static let clauseWords = ["effect", "unwaivable", "cites", "effective", "for each", "when", "subject", "message"]
    static let declarationWords = ["rule", "def", "const", "record", "value record", "enum", "ordered enum"]

    /// LSP CompletionItemKind values.
    enum ItemKind: Int {
        case function = 3, field = 5, variable = 6, keyword = 14, value = 12, constant = 21, enumMember = 20, structure = 22
    }

    func item(_ label: String, _ kind: ItemKind, detail: String? = nil) -> JSONValue {
        .object(["label": .string(label), "kind": JSONValue(kind.rawValue), "detail": detail.map(JSONValue.string)])
    }

    func completion(_ params: JSONValue) throws -> JSONValue {
        let document = try document(params)
        let offset = document.text.offset(of: params["position"], encoding: encoding)
        let items: [JSONValue] = switch document.kind {
        case .policy: policyCompletions(document, offset: offset)
        case .manifest, .policyTest: manifestCompletions(document, offset: offset)
        case .other: []
        }
        return .object(["isIncomplete": false, "items": .array(items)])
    }

    func policyCompletions(_ document: OpenDocument, offset: Int) -> [JSONValue] {
        let analysis = policyAnalysis()
        let bytes = document.text.bytes
        var wordStart = offset
        while wordStart > 0, isNameByte(bytes[wordStart - 1]) { wordStart -= 1 }
        var lineStart = wordStart
        while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        let linePrefix = String(decoding: bytes[lineStart..<wordStart], as: UTF8.self)
        if linePrefix.allSatisfy({ $0 == " " || $0 == "\t" }) {
            let words = linePrefix.isEmpty ? LanguageServer.declarationWords : LanguageServer.clauseWords
            return words.map { item($0, .keyword) }
        }
        if linePrefix.hasSuffix("effect ") { return ["block", "warn"].map { item($0, .keyword) } }

        // Parse the file with a name at the cursor, then ask the index what is expected there.
        var edited = bytes
        edited.insert(contentsOf: Array(LanguageServer.completionMarker.utf8), at: offset)
        guard let file = analysis.fileIDs[document.path] else { return [] }
        let source = SourceFile(path: document.path, text: String(decoding: edited, as: UTF8.self))
        var sources = analysis.sources
        var files = analysis.files
        sources[file] = source
        files[file] = Parser.parse(source, fileID: file).0
        let index = PolicyIndex(files: files, sources: sources)
        let declarations = index.declarations
        let cursor = offset + 1

        if let member = index.memberSite(file: file, offset: cursor), let record = member.baseType.name,
           let declaration = declarations.records[record] {
            return declaration.fields.map { item($0.name.name, .field, detail: "\(IndexType($0.type))") }
        }
        guard let site = index.nameSite(file: file, offset: cursor) else { return [] }
        var items: [JSONValue] = []
        if let enumeration = declarations.isEnumeration(site.expected?.element ?? site.expected) {
            // After `annex3.` (or `UseCase.annex3.`), the cases of that group, without the prefix.
            let written = document.text.text(site.span.start..<offset)
            var prefix = written.contains(".") ? String(written[...(written.lastIndex(of: ".") ?? written.startIndex)]) : ""
            if let head = prefix.split(separator: ".").first, declarations.enumerations[String(head)] != nil {
                prefix = String(prefix.dropFirst(head.count + 1))
            }
            for (_, name) in declarations.cases(of: enumeration) where name.hasPrefix(prefix) {
                items.append(item(String(name.dropFirst(prefix.count)), .enumMember, detail: enumeration))
            }
            if !prefix.isEmpty { return items }
        }
        for local in site.locals { items.append(item(local.name, .variable, detail: local.type?.description)) }
        for (name, constant) in declarations.constants.sorted(by: { $0.key < $1.key }) {
            items.append(item(name, .constant, detail: "\(IndexType(constant.type))"))
        }
        for (name, function) in declarations.functions.sorted(by: { $0.key < $1.key }) {
            items.append(item(name, .function, detail: "\(IndexType(function.returnType))"))
        }
        items.append(item("today", .variable, detail: "date"))
        items.append(item("count", .function, detail: "number"))
        return items
    }

    func isNameByte(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "_")
    }

    func manifestCompletions(_ document: OpenDocument, offset: Int) -> [JSONValue] {
        let declarations = policyAnalysis().index.declarations
        let context = ManifestSymbols(declarations: declarations).context(in: document.text, offset: offset)
        // In an XML manifest's attributes only its id is written: no field to offer there.
        if context.inAttribute { return [] }
        if context.onKey {
            var keys: [JSONValue] = []
            // XML names the kind by the element and has no apiVersion.
            for key in ["apiVersion", "kind"] where !context.presentKeys.contains(key) && !document.path.hasSuffix(".xml") {
                keys.append(item(key, .field))
            }
            guard let kind = context.kind, let record = declarations.records[kind] else { return keys }
            for field in record.fields where !context.presentKeys.contains(field.name.name) {
                keys.append(.object(["label": .string(field.name.name), "kind": JSONValue(ItemKind.field.rawValue),
                                     "detail": .string("\(IndexType(field.type))"),
                                     "documentation": field.documentation.isEmpty ? nil : .string(field.documentation)]))
            }
            return keys
        }
        switch context.key {
        case "apiVersion": return [item("placet/v1", .value)]
        case "kind":
            return declarations.records.values.filter { !$0.isValue }.map(\.name.name).sorted().map { item($0, .structure) }
        default: break
        }
        let type = ManifestSymbols(declarations: declarations).fieldType(kind: context.kind, key: context.key)
        if let enumeration = declarations.isEnumeration(type?.element ?? type?.unwrapped) {
            return declarations.cases(of: enumeration).map { item($0.name, .enumMember, detail: $0.owner) }
        }
        if type?.unwrapped == .named("bool") { return [item("true", .value), item("false", .value)] }
        if context.key == SchemaContract.WaiverField.rule || context.key == "rules" {
            return declarations.rules.keys.sorted().map { item($0, .value, detail: "rule") }
        }
        return []
    }
}
