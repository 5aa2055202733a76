// The line table policy files and manifest files share: UTF-8 offsets to lines and columns.

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

    package init(_ bytes: [UInt8]) {
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
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

    /// The offsets of a 1-based line of `bytes` without its newline (or a carriage return
    /// before it), or nil for a line the text does not have.
    package func range(ofLine line: Int, in bytes: [UInt8]) -> Range<Int>? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<end
    }
}
