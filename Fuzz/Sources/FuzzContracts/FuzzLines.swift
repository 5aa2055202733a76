// The lines of an input as the contract counts them: split here, independently of Placet's line
// table, at the breaks of the input's format.

import PlacetLanguage

/// An input's lines: each one's length in Unicode scalars (the most a column may count) and the
/// text a diagnostic quoting it shows.
struct FuzzLines {
    struct Line {
        /// Scalars before the line's break: a CR before an LF counts under `.lineFeed`, where
        /// a column may point at it, and is the break's under the others.
        var scalars: Int
        /// The line without its break, nor a CR ending it.
        var quoted: String
    }

    private var lines: [Line] = []

    var count: Int { lines.count }

    subscript(index: Int) -> Line { lines[index] }

    init(_ bytes: [UInt8], breaks: LineBreaks) {
        var start = 0
        var index = 0
        func endLine(at end: Int) {
            let content = bytes[start..<end]
            let quoted = content.last == 0x0D ? content.dropLast() : content
            lines.append(Line(scalars: content.count { $0 & 0xC0 != 0x80 }, quoted: String(decoding: quoted, as: UTF8.self)))
        }
        while index < bytes.count {
            let rest = bytes[index...]
            let length: Int
            if rest.first == 0x0A {
                length = 1
            } else if breaks != .lineFeed, rest.starts(with: [0x0D, 0x0A]) {
                length = 2
            } else if breaks != .lineFeed, rest.first == 0x0D {
                length = 1
            } else if breaks == .yaml, rest.starts(with: [0xC2, 0x85]) {
                length = 2
            } else if breaks == .yaml, rest.starts(with: [0xE2, 0x80, 0xA8]) || rest.starts(with: [0xE2, 0x80, 0xA9]) {
                length = 3
            } else {
                index += 1
                continue
            }
            endLine(at: index)
            index += length
            start = index
        }
        endLine(at: bytes.count)
    }
}
