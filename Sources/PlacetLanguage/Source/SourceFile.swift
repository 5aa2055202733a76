// PlacetLanguage: the policy language of Placet, from source text to a type-checked program.
// Pipeline: SourceFile -> Lexer -> Parser (syntax tree) -> TypeChecker (Schema + bound program).
// Diagnostics are plain data collected along the way. This module does no I/O.

/// One policy file's text with a line table, so positions are UTF-8 offsets until a
/// diagnostic needs a line and column.
public struct SourceFile: Sendable {
    public let path: String
    public let text: String
    public let bytes: [UInt8]
    /// UTF-8 offset of the first byte of each line.
    let lineStarts: [Int]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// 1-based line and column (columns count characters, not bytes) of a UTF-8 offset.
    public func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        let clamped = min(max(0, offset), bytes.count)
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        let prefix = bytes[start..<clamped]
        let column = String(decoding: prefix, as: UTF8.self).count + 1
        return (low + 1, column)
    }

    /// The text of a 1-based line, without its newline.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
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
        return SourceLocation(file: path, line: line, column: column, length: length, sourceLine: lineText(line))
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
