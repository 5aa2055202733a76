// Diagnostics: plain data with a stable id, a severity, a message and a location.
// Policy files, manifests and the engine all report through this one type.

public struct SourceLocation: Sendable, Hashable {
    public var file: String
    public var line: Int
    /// 1-based; 0 when the format gives no column.
    public var column: Int
    /// Characters to underline; 1 for a caret alone.
    public var length: Int
    /// Where the offending line comes from: text given as is, or a range of a source's bytes
    /// (shared, not copied), decoded only when the line is read for the caret display.
    private var quote: Quote?

    private enum Quote: Sendable {
        case text(String)
        case slice([UInt8], Range<Int>)
    }

    /// The offending line, when the source text is known, for the caret display.
    public var sourceLine: String? {
        get {
            switch quote {
            case .text(let text)?: text
            case .slice(let bytes, let range)?: String(decoding: bytes[range], as: UTF8.self)
            case nil: nil
            }
        }
        set { quote = newValue.map(Quote.text) }
    }

    public init(file: String, line: Int, column: Int, length: Int = 1, sourceLine: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.length = length
        self.quote = sourceLine.map(Quote.text)
    }

    /// A location whose line is `range` of `bytes`: many diagnostics on one long line share
    /// the source's bytes instead of each holding a copy of the line.
    package init(file: String, line: Int, column: Int, length: Int, lineOf bytes: [UInt8], range: Range<Int>?) {
        self.file = file
        self.line = line
        self.column = column
        self.length = length
        self.quote = range.map { .slice(bytes, $0) } ?? .text("")
    }

    public static func == (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        lhs.file == rhs.file && lhs.line == rhs.line && lhs.column == rhs.column && lhs.length == rhs.length
            && lhs.sourceLine == rhs.sourceLine
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(line)
        hasher.combine(column)
        hasher.combine(length)
    }
}

public struct Diagnostic: Sendable, Hashable, Error {
    public enum Severity: String, Sendable, Hashable {
        case error, warning, note
    }

    /// Stable identifier, domain and name: `type.unknownField`, `manifest.missingField`.
    public var id: String
    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// More to say, each at its own place: rendered after the diagnostic as `note:` lines.
    public var notes: [Note]
    /// Edits that would fix the problem, such as a "did you mean" suggestion; data for tools,
    /// not rendered.
    public var fixIts: [FixIt]

    public init(id: String, severity: Severity = .error, message: String, location: SourceLocation? = nil,
                notes: [Note] = [], fixIts: [FixIt] = []) {
        self.id = id
        self.severity = severity
        self.message = message
        self.location = location
        self.notes = notes
        self.fixIts = fixIts
    }

    public var isError: Bool { severity == .error }

    /// A note attached to a diagnostic: a message and, usually, the place it points at.
    public struct Note: Sendable, Hashable {
        public var message: String
        public var location: SourceLocation?

        public init(message: String, location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    /// A suggested edit: `replacement` in place of the `location.length` characters at
    /// `location` (line and column), and of the UTF-8 range `range` when the edit is in policy source.
    public struct FixIt: Sendable, Hashable {
        public var location: SourceLocation
        public var range: Span?
        public var replacement: String

        public init(replacing location: SourceLocation, range: Span? = nil, with replacement: String) {
            self.location = location
            self.range = range
            self.replacement = replacement
        }
    }
}

/// Collects diagnostics up to a limit, so one bad input cannot flood memory or output.
public struct DiagnosticBag: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var dropped = 0
    public let limit: Int

    /// The limit of the language's bags: the lexer's and parser's (one per file) and the type checker's.
    public static let languageLimit = 200

    public init(limit: Int = 500) {
        self.limit = limit
    }

    public mutating func add(_ diagnostic: Diagnostic) {
        if diagnostics.count < limit {
            diagnostics.append(diagnostic)
        } else {
            dropped += 1
        }
    }

    /// Adds the diagnostic `make` builds, building it only if there is room: locating a
    /// diagnostic costs a scan of its line, which a flood of dropped ones should not pay.
    public mutating func add(_ make: () -> Diagnostic) {
        if diagnostics.count < limit {
            diagnostics.append(make())
        } else {
            dropped += 1
        }
    }

    public mutating func add(contentsOf others: [Diagnostic]) {
        for diagnostic in others { add(diagnostic) }
    }

    public var hasErrors: Bool { diagnostics.contains { $0.isError } || dropped > 0 }
    public var isFull: Bool { diagnostics.count >= limit }
}

/// Renders diagnostics the way compilers do: `file:line:column: error: message`,
/// then the source line and a caret under the offending text.
public struct DiagnosticRenderer: Sendable {
    public var colored: Bool

    public init(colored: Bool = false) {
        self.colored = colored
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        var out = ""
        if let location = diagnostic.location {
            out += location.column > 0
                ? "\(location.file):\(location.line):\(location.column): "
                : "\(location.file):\(location.line): "
        }
        out += paint(diagnostic.severity.rawValue + ":", severityColor(diagnostic.severity)) + " " + diagnostic.message
        if let location = diagnostic.location, let line = location.sourceLine, location.column > 0 {
            let gutter = String(location.line)
            let pad = String(repeating: " ", count: gutter.count)
            let visible = line.replacingTabs()
            out += "\n \(gutter) | \(visible)"
            let underline = "^" + String(repeating: "~", count: max(0, location.length - 1))
            out += "\n \(pad) | " + String(repeating: " ", count: location.column - 1) + paint(underline, "32")
        }
        for note in diagnostic.notes {
            // Exactly as a separate note diagnostic would be rendered after this one.
            out += "\n" + render(Diagnostic(id: diagnostic.id, severity: .note, message: note.message, location: note.location))
        }
        return out
    }

    private func severityColor(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: "1;31"
        case .warning: "1;35"
        case .note: "1;36"
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}

/// Suggestions for "did you mean": the closest candidate by edit distance, if close enough.
public enum Suggestion {
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased()))
            // Two-letter codes are all one edit apart: only suggest a change of case there.
            let allowed = target.count == 2 && candidate.count == 2 ? 0 : max(1, min(3, max(target.count, candidate.count) / 3))
            guard distance <= allowed else { continue }
            // Nearest first; among equals, the first in alphabetical order.
            if let current = best, distance > current.1 || (distance == current.1 && candidate >= current.0) { continue }
            best = (candidate, distance)
        }
        return best?.0
    }

    public static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String {
        hint(closest(to: word, in: candidates))
    }

    /// The message's ending for a suggestion found with `closest`: `; did you mean 'x'?`, or nothing.
    public static func hint(_ suggestion: String?) -> String {
        suggestion.map { "; did you mean '\($0)'?" } ?? ""
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
