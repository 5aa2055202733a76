// The line table policy files and manifest files share: UTF-8 offsets to lines and columns.

/// What ends a line. Each manifest format has one convention (`ManifestFormat.lineBreaks`), used
/// by its line table and by every reader of it, so that a position from the parser and one Placet
/// works out from a byte offset (invalid UTF-8, nesting) are on the same line, and the line quoted
/// under the caret is the one the error is on. CRLF is one break under every convention.
public enum LineBreaks: Sendable, Hashable {
    /// LF only (a CR before it belongs to the break): policy files, JSON and JSON Lines, whose
    /// readers count lines at LF; a lone CR is whitespace in JSON, not a line end.
    case lineFeed
    /// LF or a lone CR, as XML 1.0 §2.11 ends lines.
    case lineFeedOrCarriageReturn
    /// LF, a lone CR, NEL (U+0085), LS (U+2028) and PS (U+2029): libyaml's breaks (YAML 1.1).
    case yaml
}

/// Where each line of a UTF-8 text starts, so a byte offset becomes a line and column (by
/// binary search) only when a diagnostic needs one. It keeps only the offsets (one word, so
/// `SourceFile` stays as small as the parser's deep recursion needs); callers pass the bytes
/// it was built from.
package struct LineTable: Sendable {
    /// What a column counts. Policy files count characters; manifest files count the bytes
    /// that start a UTF-8 sequence (Unicode scalars, in well-formed text).
    package enum ColumnUnit: Sendable {
        case characters, unicodeScalars
    }

    /// UTF-8 offset of the first byte of each line; never empty.
    package let lineStarts: [Int]

    package init(_ bytes: [UInt8], breaks: LineBreaks = .lineFeed) {
        var starts = [0]
        if breaks == .lineFeed {
            for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
                starts.append(offset + 1)
            }
        } else {
            var offset = 0
            while offset < bytes.count {
                let length = LineTable.breakLength(at: offset, in: bytes, breaks: breaks)
                if length > 0 { starts.append(offset + length) }
                offset += max(1, length)
            }
        }
        self.lineStarts = starts
    }

    /// The length of the line break starting at `offset` (CRLF is one break of 2), or 0.
    private static func breakLength(at offset: Int, in bytes: [UInt8], breaks: LineBreaks) -> Int {
        switch bytes[offset] {
        case 0x0A: return 1
        case 0x0D: return offset + 1 < bytes.count && bytes[offset + 1] == 0x0A ? 2 : (breaks == .lineFeed ? 0 : 1)
        case 0xC2 where breaks == .yaml:
            return offset + 1 < bytes.count && bytes[offset + 1] == 0x85 ? 2 : 0
        case 0xE2 where breaks == .yaml:
            return offset + 2 < bytes.count && bytes[offset + 1] == 0x80 && (bytes[offset + 2] == 0xA8 || bytes[offset + 2] == 0xA9) ? 3 : 0
        default: return 0
        }
    }

    /// Line starts found by the caller (the language server scans with memchr).
    package init(lineStarts: [Int]) {
        self.lineStarts = lineStarts.isEmpty ? [0] : lineStarts
    }

    /// The 0-based line holding a UTF-8 offset, by binary search.
    package func line(containing offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// 1-based line and column of a UTF-8 offset (clamped to the text) in `bytes`.
    package func lineAndColumn(of offset: Int, in bytes: [UInt8], counting unit: ColumnUnit) -> (line: Int, column: Int) {
        let clamped = min(max(0, offset), bytes.count)
        let low = line(containing: clamped)
        let prefix = bytes[lineStarts[low]..<clamped]
        let column = switch unit {
        case .characters: String(decoding: prefix, as: UTF8.self).count + 1
        case .unicodeScalars: prefix.filter { $0 & 0xC0 != 0x80 }.count + 1
        }
        return (low + 1, column)
    }

    /// The offsets of a 1-based line of `bytes` without the break that ends it (LF, CRLF, or
    /// whichever break the table was built to count), or nil for a line the text does not have.
    package func range(ofLine line: Int, in bytes: [UInt8]) -> Range<Int>? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        // The break before the next line's start is whichever the table counted: LF (perhaps
        // after a CR), a lone CR, NEL (C2 85), LS or PS (E2 80 A8/A9).
        if line < lineStarts.count {
            let content = bytes[start..<end]
            if content.last == 0x0A || content.last == 0x0D {
                end -= 1
            } else if content.suffix(2).elementsEqual([0xC2, 0x85]) {
                end -= 2
            } else if content.suffix(3).elementsEqual([0xE2, 0x80, 0xA8]) || content.suffix(3).elementsEqual([0xE2, 0x80, 0xA9]) {
                end -= 3
            }
        }
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<end
    }
}
