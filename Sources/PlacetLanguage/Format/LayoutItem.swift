// The formatter's layout: a tree of items, each starting a line of output (a declaration, a
// field, a rule clause, an enum case, a collection entry, the continuation of a broken
// condition), with the comments attached to it; and its rendering into lines of text.

struct LayoutItem {
    /// The source text the item was printed from, as UTF-8 offsets: comments are attached by it.
    var range: Range<Int>
    /// Source before this offset is printed on the item's first line.
    var headerEnd: Int
    /// The first line, without indentation.
    var header: String
    var children: [LayoutItem] = []
    /// Indentation of the children relative to the item.
    var childIndent = 0
    /// Children share lines, comma-separated and filled up to the line limit (enum cases,
    /// collection entries), instead of one per line.
    var packed = false
    /// Among packed children: on a line of its own all the same (an enum's `removed` line, a
    /// broken record literal in a map).
    var ownLine = false
    /// A last line of its own at the item's indentation (`}`, `]`).
    var closing: String?
    /// Appended to the last line (the `)` of a broken parenthesised condition).
    var suffix = ""

    var leading: [SourceComment] = []
    /// Comments at the end of the first line.
    var headerTrailing: [SourceComment] = []
    /// Comments at the end of the last line.
    var trailing: [SourceComment] = []
    /// Comments after the last child, printed above the closing line.
    var dangling: [SourceComment] = []

    init(range: Range<Int>, header: String, headerEnd: Int? = nil) {
        self.range = range
        self.header = header
        self.headerEnd = headerEnd ?? range.upperBound
    }

    var isSingleLine: Bool { children.isEmpty && closing == nil }
}

/// One line of output before trailing comments are laid out.
struct OutputLine {
    var indent: Int
    var text: String
    var trailing: [SourceComment] = []
    var isComment = false
    var isBlank: Bool { text.isEmpty && trailing.isEmpty }

    static let blank = OutputLine(indent: 0, text: "")

    func canAlign(within limit: Int) -> Bool {
        !trailing.isEmpty && indent + text.count <= limit
    }

    static func comment(_ comment: SourceComment, indent: Int) -> OutputLine {
        OutputLine(indent: indent, text: LayoutRenderer.commentText(comment), isComment: true)
    }
}

struct LayoutRenderer {
    let lineLimit: Int
    private(set) var lines: [OutputLine] = []

    init(lineLimit: Int) {
        self.lineLimit = lineLimit
    }

    static func commentText(_ comment: SourceComment) -> String {
        var text = Substring(comment.text)
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return String(text)
    }

    mutating func append(_ line: OutputLine) {
        lines.append(line)
    }

    mutating func render(_ item: LayoutItem, indent: Int) {
        for comment in item.leading { lines.append(.comment(comment, indent: indent)) }
        if item.isSingleLine {
            lines.append(OutputLine(indent: indent, text: item.header + item.suffix, trailing: item.headerTrailing + item.trailing))
            return
        }
        lines.append(OutputLine(indent: indent, text: item.header, trailing: item.headerTrailing))
        let inner = indent + item.childIndent
        if item.packed {
            renderPacked(item.children, indent: inner)
        } else {
            for child in item.children { render(child, indent: inner) }
        }
        for comment in item.dangling { lines.append(.comment(comment, indent: inner)) }
        if let closing = item.closing {
            lines.append(OutputLine(indent: indent, text: closing + item.suffix, trailing: item.trailing))
        } else if let last = lines.lastIndex(where: { !$0.isComment && !$0.isBlank }) {
            lines[last].text += item.suffix
            lines[last].trailing += item.trailing
        }
    }

    /// Fills lines with `a, b, c,` up to the limit; a comment above an entry starts a new line
    /// before it and a comment after an entry ends the line after it.
    private mutating func renderPacked(_ entries: [LayoutItem], indent: Int) {
        var current: OutputLine?
        for (index, entry) in entries.enumerated() {
            if entry.ownLine {
                if let line = current { lines.append(line) }
                current = nil
                render(entry, indent: indent)
                continue
            }
            let piece = entry.header + (index < entries.count - 1 ? "," : "")
            if !entry.leading.isEmpty {
                if let line = current { lines.append(line) }
                current = nil
                for comment in entry.leading { lines.append(.comment(comment, indent: indent)) }
            }
            if var line = current, indent + line.text.count + 1 + piece.count <= lineLimit {
                line.text += " " + piece
                current = line
            } else {
                if let line = current { lines.append(line) }
                current = OutputLine(indent: indent, text: piece)
            }
            let trailing = entry.headerTrailing + entry.trailing
            if !trailing.isEmpty, var line = current {
                line.trailing += trailing
                lines.append(line)
                current = nil
            }
        }
        if let line = current { lines.append(line) }
    }

    /// The final text. A line that collected more than one trailing comment keeps the last and
    /// gets the others on lines of their own just above it; trailing comments on consecutive
    /// lines are aligned two spaces after the longest of those lines (a line already past the
    /// limit is left out, so one long message does not push the others far right).
    func text() -> String {
        var settled: [OutputLine] = []
        for var line in lines {
            let trailing = line.trailing.sorted { $0.offset < $1.offset }
            for comment in trailing.dropLast() { settled.append(.comment(comment, indent: line.indent)) }
            line.trailing = Array(trailing.suffix(1))
            settled.append(line)
        }
        var out = ""
        var index = 0
        while index < settled.count {
            var end = index
            while end < settled.count, settled[end].canAlign(within: lineLimit) { end += 1 }
            if end == index, !settled[index].trailing.isEmpty { end += 1 }
            if end == index {
                let line = settled[index]
                out += line.isBlank ? "\n" : String(repeating: " ", count: line.indent) + line.text + "\n"
                index += 1
                continue
            }
            let run = settled[index..<end]
            let column = (run.map { $0.indent + $0.text.count }.max() ?? 0) + 2
            for line in run {
                let code = String(repeating: " ", count: line.indent) + line.text
                out += code + String(repeating: " ", count: column - code.count) + LayoutRenderer.commentText(line.trailing[0]) + "\n"
            }
            index = end
        }
        return out
    }
}
