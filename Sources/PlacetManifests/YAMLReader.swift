// YAML through Yams' composer: the node tree keeps each scalar's raw text and style, so
// `country: NO` stays the text "NO" until the schema reads it as a Country.
// Aliases are expanded by Yams; a node budget stops alias bombs ("billion laughs").

import Yams

package enum YAMLReader {
    /// At most this many nodes per file after alias expansion.
    static let nodeBudget = 2_000_000
    /// Flow or block nesting deeper than this is refused before Yams recurses into it.
    static let maximumDepth = 64

    /// Reads every document of a YAML stream.
    package static func read(_ text: String) throws(ReadError) -> [DocumentNode] {
        try checkNesting(text)
        var documents: [DocumentNode] = []
        var budget = nodeBudget
        do {
            var stream = try Yams.compose_all(yaml: text)
            while let node = stream.next() {
                documents.append(try convert(node, budget: &budget, depth: 0))
            }
            if let error = stream.error { throw error }
        } catch let error as ReadError {
            throw error
        } catch let error as YamlError {
            throw explainTabs(clamped(translate(error), to: text), in: text)
        } catch {
            throw ReadError("cannot read YAML: \(error)", at: Position(line: 1, column: 1))
        }
        return documents
    }

    /// libyaml reads a text without a final line break as if it had one, so an error at the very
    /// end is reported on a line after the last: it is at the end of the last line.
    private static func clamped(_ error: ReadError, to text: String) -> ReadError {
        let newline = UInt8(ascii: "\n")
        let lineCount = text.utf8.reduce(1) { $0 + ($1 == newline ? 1 : 0) }
        guard error.position.line > lineCount else { return error }
        let lastLine = text.utf8.lastIndex(of: newline).map { text.utf8.index(after: $0) } ?? text.startIndex
        return ReadError(error.message, at: Position(line: lineCount, column: text[lastLine...].count + 1))
    }

    /// libyaml's words for a tab in the indentation ("cannot start any token") do not say what
    /// to do; a tab before the first non-blank on the failing line (or the one before) does.
    private static func explainTabs(_ error: ReadError, in text: String) -> ReadError {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for number in [error.position.line, error.position.line - 1] where number >= 1 && number <= lines.count {
            let indentation = lines[number - 1].prefix { $0 == " " || $0 == "\t" }
            if let tab = indentation.firstIndex(of: "\t") {
                let column = indentation.distance(from: indentation.startIndex, to: tab) + 1
                return ReadError("a tab character in the indentation: YAML is indented with spaces, not tabs", at: Position(line: number, column: column))
            }
        }
        return error
    }

    private static func position(_ mark: Mark?) -> Position {
        Position(line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, budget: inout Int, depth: Int) throws(ReadError) -> DocumentNode {
        budget -= 1
        guard budget > 0 else {
            throw ReadError("YAML expands to more than \(nodeBudget) nodes (aliases?); refusing to read it", at: position(node.mark))
        }
        guard depth < maximumDepth else {
            throw ReadError("YAML nested deeper than \(maximumDepth) levels", at: position(node.mark))
        }
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string, scalar.style == .plain ? .plain : .text, position(scalar.mark))
        case .mapping(let mapping):
            var entries: [MappingEntry] = []
            entries.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ReadError("a mapping key must be a plain name", at: position(key.mark))
                }
                entries.append(MappingEntry(key: keyScalar.string, keyPosition: position(keyScalar.mark),
                                            value: try convert(value, budget: &budget, depth: depth + 1)))
            }
            return .mapping(entries, position(mapping.mark))
        case .sequence(let sequence):
            var items: [DocumentNode] = []
            for item in sequence { items.append(try convert(item, budget: &budget, depth: depth + 1)) }
            return .sequence(items, position(sequence.mark))
        case .alias(let alias):
            throw ReadError("unresolved YAML alias '\(alias.anchor.rawValue)'", at: position(alias.mark))
        }
    }

    private static func translate(_ error: YamlError) -> ReadError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return ReadError("invalid YAML: \(detail)", at: position(mark))
        case .reader(let problem, _, _, _):
            return ReadError("invalid YAML: \(problem)", at: Position(line: 1, column: 1))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ReadError("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in mapping", at: position(context.mark))
        default:
            return ReadError("invalid YAML: \(error)", at: Position(line: 1, column: 1))
        }
    }

    /// Yams composes recursively; refuse absurd nesting before it starts. Flow collections
    /// nest by brackets; block collections by indentation, so an indent deeper than
    /// 2 columns per allowed level is refused too.
    private static func checkNesting(_ text: String) throws(ReadError) {
        var depth = 0
        var line = 1
        var column = 0
        var quote: UInt8?
        var atLineStart = true
        var indent = 0
        var inComment = false
        var previous: UInt8 = UInt8(ascii: " ")
        for byte in text.utf8 {
            defer { previous = byte }
            column += 1
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
                atLineStart = true
                indent = 0
                inComment = false
                if quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") { continue }
                continue
            }
            if inComment { continue }
            if atLineStart {
                if byte == UInt8(ascii: " ") {
                    indent += 1
                    if indent > maximumDepth * 8 {
                        throw ReadError("YAML indented deeper than \(maximumDepth * 8) columns", at: Position(line: line, column: column))
                    }
                    continue
                }
                atLineStart = false
            }
            if let open = quote {
                if byte == open { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "#") where previous == UInt8(ascii: " ") || column == 1: inComment = true
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                // Quotes open only where a scalar can start; inside plain words they are text.
                if [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "["), UInt8(ascii: "{"),
                    UInt8(ascii: ",")].contains(previous) || column == 1 {
                    quote = byte
                }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumDepth {
                    throw ReadError("YAML nested deeper than \(maximumDepth) levels", at: Position(line: line, column: column))
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default: break
            }
        }
    }
}
