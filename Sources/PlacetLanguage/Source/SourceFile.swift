// PlacetLanguage: the policy language of Placet, from source text to a type-checked program.
// Pipeline: SourceFile -> Lexer -> Parser (syntax tree) -> TypeChecker (Schema + bound program).
// Diagnostics are plain data collected along the way. This module does no I/O.

/// One policy file's text with a line table, so positions are UTF-8 offsets until a
/// diagnostic needs a line and column.
public struct SourceFile: Sendable {
    public let path: String
    public let text: String
    public let bytes: [UInt8]
    /// Where each line starts; manifest files use the same table.
    package let lines: LineTable

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        self.bytes = Array(text.utf8)
        self.lines = LineTable(bytes)
    }

    /// 1-based line and column (columns count characters, not bytes) of a UTF-8 offset.
    public func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        lines.lineAndColumn(of: offset, in: bytes, counting: .characters)
    }

    /// The text of a 1-based line, without its newline.
    public func lineText(_ line: Int) -> String {
        guard let range = lines.range(ofLine: line, in: bytes) else { return "" }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    public func text(of span: Span) -> String {
        let start = min(max(0, span.start), bytes.count)
        let end = min(max(start, span.end), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// A diagnostic location for a span of this file, carrying the source line for the caret.
    public func location(of span: Span) -> SourceLocation {
        let (line, column) = lineAndColumn(of: span.start)
        let (endLine, endColumn) = lineAndColumn(of: span.end)
        let length = endLine == line ? max(1, endColumn - column) : 1
        return SourceLocation(file: path, line: line, column: column, length: length,
                              lineOf: bytes, range: lines.range(ofLine: line, in: bytes))
    }
}

/// A range of UTF-8 offsets in one source file.
public struct Span: Sendable, Hashable {
    public var file: Int
    public var start: Int
    public var end: Int

    public init(file: Int, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = end
    }

    public func to(_ other: Span) -> Span {
        Span(file: file, start: min(start, other.start), end: max(end, other.end))
    }
}
