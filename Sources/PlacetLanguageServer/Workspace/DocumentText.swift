// A document's text with the conversions LSP needs: positions (a line and a column counted in
// UTF-16 code units, or UTF-8 bytes when the client agrees) to and from UTF-8 offsets, and the
// 1-based line/column locations of Placet's diagnostics to LSP ranges. The two count lines
// differently (LSP: LF, CRLF, a lone CR; Placet: each format's own breaks), so each has its table
// and they meet at UTF-8 offsets.

import Foundation
import PlacetLanguage
import PlacetManifests

/// How the client counts columns (LSP 3.17 `positionEncoding`).
public enum PositionEncoding: String, Sendable {
    case utf16 = "utf-16", utf8 = "utf-8"
}

public struct DocumentText: Sendable {
    public let path: String
    public let text: String
    public let bytes: [UInt8]
    /// Where each line starts as LSP counts lines (LF, CRLF or a lone CR): the lines of the
    /// positions sent to and received from the editor.
    let lines: LineTable
    var lineStarts: [Int] { lines.lineStarts }
    /// Where each line starts as Placet's diagnostics for this file count them: LF in policy
    /// files, JSON and JSON Lines; also a lone CR in XML; also NEL, LS and PS in YAML
    /// (`ManifestFormat.lineBreaks`). A diagnostic's line is found here, then sent by offset.
    let diagnosticLines: LineTable

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        let bytes = Array(text.utf8)
        self.bytes = bytes
        // memchr, so a multi-megabyte document costs milliseconds even in a debug build; the
        // byte-by-byte tables only for text that holds a break other than LF.
        var starts = [0]
        var holds: (carriageReturn: Bool, otherBreak: Bool) = (false, false)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var position = 0
            while position < buffer.count, let found = memchr(base + position, 0x0A, buffer.count - position) {
                let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                starts.append(offset + 1)
                position = offset + 1
            }
            holds.carriageReturn = memchr(base, 0x0D, buffer.count) != nil
            // NEL is C2 85, LS and PS are E2 80 A8/A9.
            holds.otherBreak = memchr(base, 0xC2, buffer.count) != nil || memchr(base, 0xE2, buffer.count) != nil
        }
        let lineFeeds = LineTable(lineStarts: starts)
        let lines = holds.carriageReturn ? LineTable(bytes, breaks: .lineFeedOrCarriageReturn) : lineFeeds
        self.lines = lines
        switch ManifestFormat(path: path)?.lineBreaks ?? .lineFeed {
        case .lineFeed: diagnosticLines = lineFeeds
        case .lineFeedOrCarriageReturn: diagnosticLines = lines
        case .yaml: diagnosticLines = holds.otherBreak ? LineTable(bytes, breaks: .yaml) : lines
        }
    }

    /// The text as a policy source file (for the formatter).
    public var source: SourceFile { SourceFile(path: path, text: text) }

    /// The UTF-8 offsets of a 0-based LSP line, without its line break (or a carriage return before it).
    func lineRange(_ line: Int) -> Range<Int> {
        lines.range(ofLine: line + 1, in: bytes) ?? bytes.count..<bytes.count
    }

    /// The LSP position of a UTF-8 offset.
    public func position(of offset: Int, encoding: PositionEncoding) -> JSONValue {
        let clamped = min(max(0, offset), bytes.count)
        let low = lines.line(containing: clamped)
        let prefix = bytes[lineStarts[low]..<clamped]
        let character = switch encoding {
        case .utf8: prefix.count
        case .utf16: String(decoding: prefix, as: UTF8.self).utf16.count
        }
        return .object(["line": JSONValue(low), "character": JSONValue(character)])
    }

    /// The UTF-8 offset of an LSP position, clamped to the text.
    public func offset(of position: JSONValue?, encoding: PositionEncoding) -> Int {
        let line = position?["line"]?.int ?? 0
        let character = max(0, position?["character"]?.int ?? 0)
        guard line >= 0 else { return 0 }
        guard line < lineStarts.count else { return bytes.count }
        let range = lineRange(line)
        switch encoding {
        case .utf8:
            return min(range.lowerBound + character, range.upperBound)
        case .utf16:
            var units = 0
            var offset = range.lowerBound
            for scalar in String(decoding: bytes[range], as: UTF8.self).unicodeScalars {
                if units >= character { break }
                units += scalar.utf16.count
                offset += scalar.utf8.count
            }
            return offset
        }
    }

    public func range(of span: Span, encoding: PositionEncoding) -> JSONValue {
        .object(["start": position(of: span.start, encoding: encoding), "end": position(of: span.end, encoding: encoding)])
    }

    public func range(from start: Int, to end: Int, encoding: PositionEncoding) -> JSONValue {
        .object(["start": position(of: start, encoding: encoding), "end": position(of: end, encoding: encoding)])
    }

    /// What a diagnostic's column counts: characters in policy files, Unicode scalars in manifests.
    public enum ColumnUnit: Sendable {
        case characters, unicodeScalars
    }

    /// The UTF-8 offsets of a 1-based line as Placet's diagnostics count lines, without its
    /// break; the end of the text for a line it does not have.
    func diagnosticLineRange(_ line: Int) -> Range<Int> {
        diagnosticLines.range(ofLine: line, in: bytes) ?? bytes.count..<bytes.count
    }

    /// The UTF-8 range a 1-based line/column location of a Placet diagnostic with a length covers.
    public func span(line: Int, column: Int, length: Int, unit: ColumnUnit) -> Range<Int> {
        guard line >= 1, line <= diagnosticLines.lineStarts.count else { return bytes.count..<bytes.count }
        let range = diagnosticLineRange(line)
        func advance(_ count: Int, from start: Int) -> Int {
            var offset = start
            var remaining = count
            switch unit {
            case .characters:
                let tail = String(decoding: bytes[offset..<range.upperBound], as: UTF8.self)
                for character in tail {
                    if remaining == 0 { break }
                    offset += character.utf8.count
                    remaining -= 1
                }
            case .unicodeScalars:
                let tail = String(decoding: bytes[offset..<range.upperBound], as: UTF8.self)
                for scalar in tail.unicodeScalars {
                    if remaining == 0 { break }
                    offset += scalar.utf8.count
                    remaining -= 1
                }
            }
            return offset
        }
        let start = advance(max(0, column - 1), from: range.lowerBound)
        let end = advance(max(1, length), from: start)
        return start..<max(end, start)
    }

    /// The word (letters, digits, `_`, `.`, `-`) around an offset, for lookups in manifests.
    public func word(at offset: Int, extraCharacters: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "-")]) -> Range<Int> {
        func isWord(_ byte: UInt8) -> Bool {
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == UInt8(ascii: "_") || extraCharacters.contains(byte) || byte >= 0x80
        }
        var start = min(max(0, offset), bytes.count)
        var end = start
        while start > 0, isWord(bytes[start - 1]) { start -= 1 }
        while end < bytes.count, isWord(bytes[end]) { end += 1 }
        return start..<end
    }

    public func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }

    /// The whole document as a range, for edits that replace it.
    public var fullRange: Range<Int> { 0..<bytes.count }
}
