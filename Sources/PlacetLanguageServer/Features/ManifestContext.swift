// Where a position is in a YAML or JSON manifest, read from the text around it (no parse, so it
// works on a half-typed line): the manifest's kind, the key whose value is there, and whether
// the position is on the key itself. Block and flow YAML, JSON and JSON Lines; XML is read by
// XMLManifestScanner (XMLManifestContext.swift) into the same context.

struct ManifestContext {
    /// The record kind of the manifest around the position (`kind: Dataset`).
    var kind: String?
    /// The field whose value the position is in, or the key the position is on.
    var key: String?
    var onKey = false
    /// The keys the manifest around the position already has.
    var presentKeys: Set<String> = []
    /// XML: the position is in the attributes of a manifest's element (`<target id="x">`), where
    /// only the id is written, not the other fields.
    var inAttribute = false

    /// Reads only the text around the offset: its line when the manifest is written in flow
    /// style (`{kind: Dataset, …}`), else its YAML document (between `---` lines), so looking
    /// at every occurrence of a word in a long file stays linear.
    ///
    /// Lines end at LF or CR, as the editor's do (LSP), and are found byte by byte: a `String`
    /// splits at neither inside CRLF, which is one `Character`. CRLF reads as a line and an empty
    /// one, which no rule here minds, so long as lines are counted the same way as they are split.
    init(bytes: [UInt8], offset: Int) {
        func isBreak(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }
        let clamped = min(max(0, offset), bytes.count)
        var lineStart = clamped
        while lineStart > 0, !isBreak(bytes[lineStart - 1]) { lineStart -= 1 }
        var lineEnd = clamped
        while lineEnd < bytes.count, !isBreak(bytes[lineEnd]) { lineEnd += 1 }
        let line = Substring(String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self))
        let before = String(decoding: bytes[lineStart..<clamped], as: UTF8.self)
        let isFlow = line.contains("{")
        func startsDocument(_ start: Int) -> Bool {
            start + 3 <= bytes.count && bytes[start] == UInt8(ascii: "-") && bytes[start + 1] == UInt8(ascii: "-") && bytes[start + 2] == UInt8(ascii: "-")
        }
        var documentStart = lineStart, documentEnd = lineEnd
        if !isFlow {
            while documentStart > 0 {
                var previous = documentStart - 1
                while previous > 0, !isBreak(bytes[previous - 1]) { previous -= 1 }
                if startsDocument(previous) { break }
                documentStart = previous
            }
            while documentEnd < bytes.count, !startsDocument(documentEnd + 1) {
                documentEnd += 1
                while documentEnd < bytes.count, !isBreak(bytes[documentEnd]) { documentEnd += 1 }
            }
        }
        let lines = bytes[documentStart..<documentEnd].split(omittingEmptySubsequences: false, whereSeparator: isBreak)
            .map { Substring(String(decoding: $0, as: UTF8.self)) }
        let lineNumber = bytes[documentStart..<lineStart].filter(isBreak).count

        let scope: [Substring] = isFlow ? [line] : lines
        for scopeLine in scope {
            for (key, value) in ManifestContext.pairs(in: scopeLine, flow: isFlow) {
                presentKeys.insert(key)
                if key == "kind", kind == nil, !value.isEmpty { kind = value }
            }
        }
        if isFlow {
            // The last `key:` before the position, after the last `{` or `,`.
            let separators = before.lastIndex { $0 == "{" || $0 == "," }
            let segment = separators.map { String(before[before.index(after: $0)...]) } ?? before
            if let colon = segment.firstIndex(of: ":") {
                key = ManifestContext.unquoted(segment[..<colon])
            } else {
                key = ManifestContext.unquoted(Substring(segment))
                onKey = true
            }
            return
        }
        let indentation = line.prefix { $0 == " " }.count
        let content = line.dropFirst(indentation)
        if content.hasPrefix("- ") || content == "-" {
            // A list item: the key is the nearest line above with less indentation.
            var number = lineNumber - 1
            while number >= 0 {
                let above = lines[number]
                let aboveIndentation = above.prefix { $0 == " " }.count
                if aboveIndentation <= indentation, let colon = above.firstIndex(of: ":"), !above.dropFirst(aboveIndentation).hasPrefix("-") {
                    key = ManifestContext.unquoted(above[above.index(above.startIndex, offsetBy: aboveIndentation)..<colon])
                    break
                }
                if above.hasPrefix("---") { break }
                number -= 1
            }
            return
        }
        if let colon = before.firstIndex(of: ":") {
            key = ManifestContext.unquoted(before[before.index(before.startIndex, offsetBy: min(indentation, before.count))..<colon])
        } else {
            let keyEnd = line.firstIndex(of: ":") ?? line.endIndex
            key = ManifestContext.unquoted(line[line.index(line.startIndex, offsetBy: min(indentation, line.count))..<keyEnd])
            onKey = true
        }
    }

    /// The `key: value` pairs of one line (a value only when it is a plain word).
    static func pairs(in line: Substring, flow: Bool) -> [(String, String)] {
        var pairs: [(String, String)] = []
        let segments: [Substring] = flow ? line.split { $0 == "{" || $0 == "," || $0 == "}" } : [line]
        for segment in segments {
            guard let colon = segment.firstIndex(of: ":") else { continue }
            let rawKey = segment[..<colon]
            if !flow, rawKey.first == " " || rawKey.first == "-" { continue }  // only the manifest's own keys
            let key = unquoted(rawKey)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            let value = unquoted(segment[segment.index(after: colon)...].split(separator: "#").first ?? "")
            pairs.append((key, value))
        }
        return pairs
    }

    static func unquoted(_ text: Substring) -> String {
        var trimmed = text.drop { $0 == " " || $0 == "\t" || $0 == "-" }
        while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed = trimmed.dropLast() }
        if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
            trimmed = trimmed.dropFirst().dropLast()
        }
        return String(trimmed)
    }
}

extension ManifestContext {
    /// The context in JSON or JSON Lines: the enclosing object (brace matching outside
    /// strings) gives the kind and present keys; the nearest `"key":` before the position the key.
    /// `lineOnly`: JSON Lines, where each manifest is one line, so only that line is read.
    init(json bytes: [UInt8], offset: Int, lineOnly: Bool) {
        let clamped = min(max(0, offset), bytes.count)
        var scanStart = 0
        if lineOnly {
            scanStart = clamped
            while scanStart > 0, bytes[scanStart - 1] != UInt8(ascii: "\n") { scanStart -= 1 }
        }
        // Each byte's nesting depth of objects, and where the enclosing object opens.
        var depth = 0, inString = false, escaped = false
        var opens: [Int] = []
        var objectStart = 0
        for position in scanStart..<clamped {
            let byte = bytes[position]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): opens.append(position); depth += 1
            case UInt8(ascii: "}"): if !opens.isEmpty { opens.removeLast() }; depth -= 1
            default: break
            }
        }
        objectStart = opens.last ?? scanStart
        var objectEnd = clamped
        var level = 0
        var scanningString = inString
        while objectEnd < bytes.count {
            let byte = bytes[objectEnd]
            if scanningString {
                if byte == UInt8(ascii: "\"") { scanningString = false }
            } else if byte == UInt8(ascii: "\"") {
                scanningString = true
            } else if byte == UInt8(ascii: "{") {
                level += 1
            } else if byte == UInt8(ascii: "}") {
                if level == 0 { break }
                level -= 1
            }
            objectEnd += 1
        }
        let object = String(decoding: bytes[objectStart..<objectEnd], as: UTF8.self)
        for (key, value) in ManifestContext.pairs(in: Substring(object), flow: true) {
            presentKeys.insert(key)
            if key == "kind", kind == nil, !value.isEmpty { kind = value }
        }
        let before = String(decoding: bytes[objectStart..<clamped], as: UTF8.self)
        if inString, !before.hasSuffix(":") {
            // In a string: a key when a colon follows it.
            let rest = bytes[clamped...].prefix { $0 != UInt8(ascii: "\"") }.count
            let after = bytes.dropFirst(clamped + rest + 1).drop { $0 == UInt8(ascii: " ") }
            if after.first == UInt8(ascii: ":") {
                onKey = true
                let start = before.lastIndex(of: "\"").map { before.index(after: $0) } ?? before.endIndex
                key = String(before[start...]) + String(decoding: bytes[clamped..<clamped + rest], as: UTF8.self)
                return
            }
        }
        if let colon = before.lastIndex(of: ":") {
            let head = before[..<colon]
            if let close = head.lastIndex(of: "\""), let open = head[..<close].lastIndex(of: "\"") {
                key = String(head[head.index(after: open)..<close])
            }
        }
    }
}
