// The lexer: a cursor over UTF-8 bytes that yields tokens with their spans.
// A string literal is read into segments: `stringStart`, text (escapes read), interpolations
// (`interpolationStart`, the tokens of the expression, `interpolationEnd`) and `stringEnd`, so
// the parser reads interpolations as ordinary expressions and strings nest inside them.
// A string, with its interpolations, stays on one line.
// Comments run from `#` to the end of the line; the parser never sees them, but the lexer
// records them so a tool that prints source back (`placet fmt`) can keep them.

/// A `#` comment as written, for tools that print policy source back.
public struct SourceComment: Sendable, Hashable {
    /// From the `#` to the end of the line, without the line break.
    public var text: String
    public var span: Span
    /// On the same line as an earlier token (`x: T  # note`), rather than on a line of its own.
    public var isTrailing: Bool

    public init(text: String, span: Span, isTrailing: Bool) {
        self.text = text
        self.span = span
        self.isTrailing = isTrailing
    }

    /// UTF-8 offset of the `#`.
    public var offset: Int { span.start }
}

public struct Lexer {
    private let bytes: [UInt8]
    private let fileID: Int
    private var position: Int
    private let end: Int
    /// Bounded like the parser's and the type checker's, so a file of garbage cannot flood memory.
    package private(set) var bag = DiagnosticBag(limit: DiagnosticBag.languageLimit)
    public var diagnostics: [Diagnostic] { bag.diagnostics }
    /// Every comment read so far, in source order.
    public private(set) var comments: [SourceComment] = []
    /// Where the last token ended, to tell a trailing comment from one on a line of its own.
    private var lastTokenEnd: Int?
    private let source: SourceFile
    private var output: [Token] = []

    /// What the lexer is inside: the string whose text it reads, or the interpolation whose
    /// expression it reads (with how many record-literal braces are open in it).
    private enum Context {
        case string(start: Int, tokenIndex: Int)
        case interpolation(open: Int, braces: Int)
    }
    private var contexts: [Context] = []

    public init(source: SourceFile, fileID: Int, range: Range<Int>? = nil) {
        self.source = source
        self.bytes = source.bytes
        self.fileID = fileID
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? source.bytes.count
    }

    public mutating func tokenize() -> [Token] {
        output = []
        while output.last?.kind != .endOfFile {
            if case .string? = contexts.last {
                lexStringBody()
            } else {
                lexToken()
            }
        }
        return output
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let index = position + ahead
        return index < end ? bytes[index] : nil
    }

    private var inInterpolation: Bool {
        if case .interpolation? = contexts.last { return true }
        return false
    }

    /// Skips blanks and comments; inside an interpolation it stops at a line break (the string
    /// is left open) and a comment ends at the `}` that closes the interpolation.
    private mutating func skipTrivia() {
        let inString = inInterpolation
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || (byte == UInt8(ascii: "\n") && !inString) {
                position += 1
            } else if byte == UInt8(ascii: "#") {
                let start = position
                while let c = peek(), c != UInt8(ascii: "\n"), !(inString && c == UInt8(ascii: "}")) { position += 1 }
                recordComment(from: start)
            } else {
                break
            }
        }
    }

    private mutating func recordComment(from start: Int) {
        let trailing = lastTokenEnd.map { !bytes[$0..<start].contains(UInt8(ascii: "\n")) } ?? false
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        comments.append(SourceComment(text: text, span: span(from: start), isTrailing: trailing))
    }

    private func span(from start: Int) -> Span {
        Span(file: fileID, start: start, end: position)
    }

    private mutating func error(_ message: String, _ span: Span, id: String = "syntax.invalidToken") {
        bag.add { Diagnostic(id: id, message: message, location: source.location(of: span)) }
    }

    private mutating func emit(_ kind: TokenKind, from start: Int) {
        output.append(Token(kind: kind, span: span(from: start)))
        lastTokenEnd = position
    }

    /// One token outside string text: at the top level or inside an interpolation.
    private mutating func lexToken() {
        skipTrivia()
        let start = position
        guard let byte = peek() else {
            if !contexts.isEmpty { return closeOpenStrings() }
            return emit(.endOfFile, from: start)
        }
        if byte == UInt8(ascii: "\n") { return closeOpenStrings() }
        if Lexer.isIdentifierStart(byte) {
            while let c = peek(), Lexer.isIdentifierPart(c) { position += 1 }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            if let keyword = Keyword(rawValue: word) {
                return emit(.keyword(keyword), from: start)
            }
            return emit(.identifier(word), from: start)
        }
        if Lexer.isDigit(byte) {
            let token = lexNumberOrDate(start: start)
            return emit(token.kind, from: start)
        }
        if byte == UInt8(ascii: "\"") {
            contexts.append(.string(start: start, tokenIndex: output.count))
            position += 1
            return emit(.stringStart, from: start)
        }
        if case .interpolation(let open, let braces)? = contexts.last {
            if byte == UInt8(ascii: "{") {
                contexts[contexts.count - 1] = .interpolation(open: open, braces: braces + 1)
            } else if byte == UInt8(ascii: "}") {
                position += 1
                if braces == 0 {
                    contexts.removeLast()
                    return emit(.interpolationEnd, from: start)
                }
                contexts[contexts.count - 1] = .interpolation(open: open, braces: braces - 1)
                return emit(.symbol(.rightBrace), from: start)
            }
        }
        // Two-character symbols first.
        if let second = peek(1) {
            let pair = String(decoding: [byte, second], as: UTF8.self)
            if let symbol = Symbol(rawValue: pair) {
                position += 2
                return emit(.symbol(symbol), from: start)
            }
        }
        if byte < 0x80, let symbol = Symbol(rawValue: String(UnicodeScalar(byte))) {
            position += 1
            return emit(.symbol(symbol), from: start)
        }
        lexStrayRun(from: start)
    }

    /// Characters the language has no use for, reported once per run (blanks between them
    /// included) rather than once each, so a line of garbage is one diagnostic. The lexer
    /// moves on by iterating; the message names the run, shortened when it is long.
    private mutating func lexStrayRun(from start: Int) {
        // The first character is stray (no token starts with it), whatever `strayLength` says.
        position = start + 1
        while position < end, bytes[position] & 0xC0 == 0x80 { position += 1 }
        var count = 1
        var next = position
        while next < end, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
        while let length = strayLength(at: next) {
            position = next + length
            count += 1
            next = position
            while next < end, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
        }
        guard count > 1 else {
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            return error("unexpected character '\(text)'", span(from: start))
        }
        let shownBytes = Self.prefixLength(of: bytes[start..<position], characters: 20)
        let shown = String(decoding: bytes[start..<start + shownBytes], as: UTF8.self)
        let text = start + shownBytes < position ? "'\(shown)…' (\(count) in all)" : "'\(shown)'"
        error("unexpected characters \(text)", span(from: start))
    }

    /// The byte length of the character at `offset` if no token can start with it, else nil.
    private func strayLength(at offset: Int) -> Int? {
        guard offset < end else { return nil }
        let byte = bytes[offset]
        if Lexer.isIdentifierStart(byte) || Lexer.isDigit(byte) || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
            return nil
        }
        if offset + 1 < end, Symbol(rawValue: String(decoding: [byte, bytes[offset + 1]], as: UTF8.self)) != nil { return nil }
        if byte < 0x80, Symbol(rawValue: String(UnicodeScalar(byte))) != nil { return nil }
        // One whole UTF-8 character, so the message names it.
        var length = 1
        while offset + length < end, bytes[offset + length] & 0xC0 == 0x80 { length += 1 }
        return length
    }

    /// How many bytes of `slice` hold its first `characters` UTF-8 characters (scalars).
    private static func prefixLength(of slice: ArraySlice<UInt8>, characters: Int) -> Int {
        var seen = 0
        for (index, byte) in zip(slice.indices, slice) where byte & 0xC0 != 0x80 {
            if seen == characters { return index - slice.startIndex }
            seen += 1
        }
        return slice.count
    }

    /// Inside a string: a text segment, then what ended it (the closing quote, an interpolation's
    /// `{`, or the end of the line).
    private mutating func lexStringBody() {
        let start = position
        var text: [UInt8] = []
        while let byte = peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "{"), byte != UInt8(ascii: "\n") {
            guard byte == UInt8(ascii: "\\"), let escaped = peek(1), escaped != UInt8(ascii: "\n") else {
                text.append(byte)
                position += 1
                continue
            }
            switch escaped {
            case UInt8(ascii: "n"): text.append(10)
            case UInt8(ascii: "t"): text.append(9)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"): text.append(escaped)
            default:
                error("unknown escape '\\\(String(UnicodeScalar(escaped)))' in string",
                      Span(file: fileID, start: position, end: position + 2), id: "syntax.badEscape")
            }
            position += 2
        }
        if !text.isEmpty { emit(.stringText(String(decoding: text, as: UTF8.self)), from: start) }
        let mark = position
        switch peek() {
        case UInt8(ascii: "\"")?:
            position += 1
            contexts.removeLast()
            emit(.stringEnd, from: mark)
        case UInt8(ascii: "{")?:
            position += 1
            contexts.append(.interpolation(open: mark, braces: 0))
            emit(.interpolationStart, from: mark)
        default:
            closeOpenStrings()
        }
    }

    /// The line (or input) ended inside a string: report it, then close every open string and
    /// interpolation with zero-width end tokens. A quote inside an interpolation that opens a
    /// string running to the end of the line was most likely meant to close the outer string:
    /// the interpolation's `}` is what is missing, and the tokens from that quote on are dropped.
    private mutating func closeOpenStrings() {
        switch contexts.last {
        case .string(_, let tokenIndex)? where contexts.count > 1:
            if case .interpolation(let open, _) = contexts[contexts.count - 2] {
                error("unclosed '{' in string interpolation", Span(file: fileID, start: open, end: open + 1), id: "syntax.unexpectedToken")
            }
            output.removeSubrange(tokenIndex...)
            contexts.removeLast()
        case .string(let start, _)?:
            error("unterminated string", span(from: start))
        case .interpolation(let open, _)?:
            if case .string(let start, _) = contexts[contexts.count - 2] {
                error("unterminated string", span(from: start))
            }
            error("unclosed '{' in string interpolation", Span(file: fileID, start: open, end: open + 1), id: "syntax.unexpectedToken")
        case nil:
            break
        }
        while let context = contexts.popLast() {
            switch context {
            case .string: emit(.stringEnd, from: position)
            case .interpolation: emit(.interpolationEnd, from: position)
            }
        }
    }

    private mutating func lexNumberOrDate(start: Int) -> Token {
        // A date is exactly DDDD-DD-DD.
        if (0..<4).allSatisfy({ peek($0).map(Lexer.isDigit) ?? false }), peek(4) == UInt8(ascii: "-"),
           (5..<7).allSatisfy({ peek($0).map(Lexer.isDigit) ?? false }), peek(7) == UInt8(ascii: "-"),
           (8..<10).allSatisfy({ peek($0).map(Lexer.isDigit) ?? false }),
           !(peek(10).map { Lexer.isIdentifierPart($0) } ?? false) {
            position += 10
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            guard let date = CivilDate(iso: text) else {
                error("'\(text)' is not a valid date", span(from: start))
                return Token(kind: .date(CivilDate(daysSinceEpoch: 0)), span: span(from: start))
            }
            return Token(kind: .date(date), span: span(from: start))
        }
        while let c = peek(), Lexer.isDigit(c) || c == UInt8(ascii: "_") { position += 1 }
        if peek() == UInt8(ascii: "."), let after = peek(1), Lexer.isDigit(after) {
            position += 1
            while let c = peek(), Lexer.isDigit(c) || c == UInt8(ascii: "_") { position += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            if let digit = peek(ahead), Lexer.isDigit(digit) {
                position += ahead
                while let c = peek(), Lexer.isDigit(c) { position += 1 }
            }
        }
        let text = String(String(decoding: bytes[start..<position], as: UTF8.self).filter { $0 != "_" })
        if let c = peek(), Lexer.isIdentifierStart(c) {
            while let c = peek(), Lexer.isIdentifierPart(c) { position += 1 }
            error("invalid number '\(source.text(of: span(from: start)))'", span(from: start))
            return Token(kind: .number(0), span: span(from: start))
        }
        guard let value = Double(text), value.isFinite else {
            error("invalid number '\(text)'", span(from: start))
            return Token(kind: .number(0), span: span(from: start))
        }
        return Token(kind: .number(value), span: span(from: start))
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "_")
    }

    static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }
}
