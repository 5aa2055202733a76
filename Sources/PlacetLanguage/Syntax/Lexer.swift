// The lexer: a cursor over UTF-8 bytes that yields tokens with their spans.
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
    public private(set) var diagnostics: [Diagnostic] = []
    /// Every comment read so far, in source order.
    public private(set) var comments: [SourceComment] = []
    /// Where the last token ended, to tell a trailing comment from one on a line of its own.
    private var lastTokenEnd: Int?
    private let source: SourceFile

    public init(source: SourceFile, fileID: Int, range: Range<Int>? = nil) {
        self.source = source
        self.bytes = source.bytes
        self.fileID = fileID
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? source.bytes.count
    }

    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = next()
            tokens.append(token)
            lastTokenEnd = token.span.end
            if token.kind == .endOfFile { break }
        }
        return tokens
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let index = position + ahead
        return index < end ? bytes[index] : nil
    }

    private mutating func skipTrivia() {
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                position += 1
            } else if byte == UInt8(ascii: "#") {
                let start = position
                while let c = peek(), c != UInt8(ascii: "\n") { position += 1 }
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

    private mutating func error(_ message: String, _ span: Span) {
        diagnostics.append(Diagnostic(id: "syntax.invalidToken", message: message, location: source.location(of: span)))
    }

    mutating func next() -> Token {
        skipTrivia()
        let start = position
        guard let byte = peek() else {
            return Token(kind: .endOfFile, span: span(from: start))
        }
        if Lexer.isIdentifierStart(byte) {
            while let c = peek(), Lexer.isIdentifierPart(c) { position += 1 }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            if let keyword = Keyword(rawValue: word) {
                return Token(kind: .keyword(keyword), span: span(from: start))
            }
            return Token(kind: .identifier(word), span: span(from: start))
        }
        if Lexer.isDigit(byte) {
            return lexNumberOrDate(start: start)
        }
        if byte == UInt8(ascii: "\"") {
            return lexString(start: start)
        }
        // Two-character symbols first.
        if let second = peek(1) {
            let pair = String(decoding: [byte, second], as: UTF8.self)
            if let symbol = Symbol(rawValue: pair) {
                position += 2
                return Token(kind: .symbol(symbol), span: span(from: start))
            }
        }
        if byte < 0x80, let symbol = Symbol(rawValue: String(UnicodeScalar(byte))) {
            position += 1
            return Token(kind: .symbol(symbol), span: span(from: start))
        }
        // Skip one whole UTF-8 character so the message names it.
        position += 1
        while let c = peek(), c & 0xC0 == 0x80 { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        error("unexpected character '\(text)'", span(from: start))
        return next()
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

    private mutating func lexString(start: Int) -> Token {
        position += 1
        while let c = peek() {
            if c == UInt8(ascii: "\\") {
                position += 2
                continue
            }
            if c == UInt8(ascii: "\n") { break }
            position += 1
            if c == UInt8(ascii: "\"") {
                return Token(kind: .string, span: span(from: start))
            }
        }
        position = min(position, end)
        error("unterminated string", span(from: start))
        return Token(kind: .string, span: span(from: start))
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "_")
    }

    static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }
}
