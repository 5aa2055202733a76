// A manifest file being read: its path and bytes, and lines and columns from the shared LineTable.

import PlacetLanguage
import PlacetXML

/// A file being read: its path and bytes, with a line table built only when an error needs
/// a position or the source line. Chunks of one file are converted on several threads, hence the lock.
package final class ManifestFileContext: Sendable {
    package let path: String
    package let bytes: [UInt8]
    /// The line breaks of the file's format: every position reported in it is on their count.
    package let lineBreaks: LineBreaks
    /// The line breaks its parser counts, when they are not the format's (libxml2 2.9 counts LF
    /// alone), so that `parserPosition` maps the parser's positions.
    private let parserLineBreaks: LineBreaks
    private let lineTable = Locked<LineTable?>(nil)
    private let parserLineTable = Locked<LineTable?>(nil)

    package init(path: String, bytes: [UInt8], format: ManifestFormat) {
        self.path = path
        self.bytes = bytes
        self.lineBreaks = format.lineBreaks
        self.parserLineBreaks = format.parserLineBreaks
    }

    func location(_ position: Position, length: Int = 1) -> SourceLocation {
        SourceLocation(file: path, line: position.line, column: position.column, length: length, sourceLine: nil)
    }

    /// The location with the offending line attached, for diagnostics.
    /// The line is a range of the file's bytes, decoded only if the diagnostic is shown: a
    /// reference's location is kept for every reference but read only for a dangling one.
    package func diagnosticLocation(_ position: Position, length: Int = 1) -> SourceLocation {
        guard let range = lines().range(ofLine: position.line, in: bytes), range.count <= 400 else {
            return SourceLocation(file: path, line: position.line, column: position.column, length: length)
        }
        return SourceLocation(file: path, line: position.line, column: position.column, length: length, lineOf: bytes, range: range)
    }

    func position(ofOffset offset: Int) -> Position {
        let (line, column) = lines().lineAndColumn(of: offset, in: bytes, counting: .unicodeScalars)
        return Position(line: line, column: column)
    }

    /// A position the format's parser gave (its line on its count, its column or 0 for none),
    /// as a position on the file's count, inside the file: a line before the first is the
    /// first and one after the last is the last, both without a column (the parser's column is
    /// on no line of the file), and a column past its line's end is that end. Where the parser
    /// counts other breaks than the format, its line and column become a byte offset first.
    func parserPosition(line: Int, column: Int) -> Position {
        let parserLines = parserLineBreaks == lineBreaks ? lines() : cachedTable(parserLineTable, parserLineBreaks)
        guard line >= 1, line <= parserLines.lineStarts.count, let range = parserLines.range(ofLine: line, in: bytes) else {
            return Position(line: position(ofOffset: line < 1 ? 0 : bytes.count).line, column: 0)
        }
        var offset = range.lowerBound
        var scalarsBefore = column - 1
        while scalarsBefore > 0, offset < range.upperBound {
            offset += 1
            while offset < range.upperBound, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            scalarsBefore -= 1
        }
        let mapped = position(ofOffset: offset)
        return Position(line: mapped.line, column: column > 0 ? mapped.column : 0)
    }

    /// The text of a 1-based line for a diagnostic, or nil if there is no such line or it is too long to show.
    func line(_ number: Int) -> String? {
        guard let range = lines().range(ofLine: number, in: bytes), range.count <= 400 else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    private func lines() -> LineTable {
        cachedTable(lineTable, lineBreaks)
    }

    private func cachedTable(_ cache: Locked<LineTable?>, _ breaks: LineBreaks) -> LineTable {
        cache.withLock { cached in
            if let cached { return cached }
            let table = LineTable(bytes, breaks: breaks)
            cached = table
            return table
        }
    }
}

extension ManifestFormat {
    /// The line breaks positions in this format count. YAML: libyaml's, the parser that gives
    /// most of them. XML: XML 1.0's (§2.11: LF, CRLF, a lone CR), the lines an editor shows,
    /// whatever the libxml2 linked counts. JSON and JSON Lines: LF, as their readers count (JSON
    /// has no lines of its own and a lone CR is whitespace in it; JSON Lines ends lines at LF).
    public var lineBreaks: LineBreaks {
        switch self {
        case .json, .jsonl: .lineFeed
        case .yaml: .yaml
        case .xml: .lineFeedOrCarriageReturn
        }
    }

    /// The line breaks the format's parser counts in the positions it gives: libxml2 2.9 ends
    /// lines at LF alone (its columns run on past a lone CR), so its positions are mapped.
    var parserLineBreaks: LineBreaks {
        self == .xml && !XMLDocument.countsLoneCarriageReturn ? .lineFeed : lineBreaks
    }
}
