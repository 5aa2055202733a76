// YAML through Yams' composer: the node tree keeps each scalar's raw text and style, so
// `country: NO` stays the text "NO" until the schema reads it as a Country.
// Aliases are expanded by Yams; a node budget stops alias bombs ("billion laughs").

import PlacetLanguage
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
            // The encoding is given: Yams' default reads the whole process environment on every
            // call (a fifth of the time for small files) and, when YAMS_DEFAULT_ENCODING is set,
            // prints a line to standard output, into the report.
            var stream = try Yams.compose_all(yaml: text, .default, .default, .utf8)
            while let node = stream.next() {
                documents.append(try convert(node, budget: &budget, depth: 0))
            }
            if let error = stream.error { throw error }
        } catch let error as ReadError {
            throw error
        } catch let error as YamlError {
            throw located(translate(error), in: text)
        } catch {
            throw ReadError("cannot read YAML: \(error)", at: Position(line: 1, column: 1))
        }
        return documents
    }

    /// libyaml's position of an error, with Placet's help: on libyaml's line count (LineBreaks.yaml,
    /// as the file's line table counts), at the end of the last line if libyaml put it after,
    /// and at a tab in the indentation if that is what went wrong.
    private static func located(_ error: ReadError, in text: String) -> ReadError {
        let bytes = Array(text.utf8)
        let lines = LineTable(bytes, breaks: .yaml)
        return explainTabs(clamped(error, bytes: bytes, lines: lines), bytes: bytes, lines: lines)
    }

    /// libyaml reads a text without a final line break as if it had one, so an error at the very
    /// end is reported on a line after the last: it is at the end of the last line.
    private static func clamped(_ error: ReadError, bytes: [UInt8], lines: LineTable) -> ReadError {
        guard error.position.line > lines.lineStarts.count else { return error }
        let end = lines.lineAndColumn(of: bytes.count, in: bytes, counting: .unicodeScalars)
        return ReadError(error.message, at: Position(line: end.line, column: end.column))
    }

    /// libyaml's words for a tab in the indentation ("cannot start any token") do not say what
    /// to do; a tab before the first non-blank on the failing line (or the one before) does.
    private static func explainTabs(_ error: ReadError, bytes: [UInt8], lines: LineTable) -> ReadError {
        for number in [error.position.line, error.position.line - 1] {
            guard let range = lines.range(ofLine: number, in: bytes) else { continue }
            let indentation = bytes[range].prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if let tab = indentation.firstIndex(of: UInt8(ascii: "\t")) {
                return ReadError("a tab character in the indentation: YAML is indented with spaces, not tabs",
                                 at: Position(line: number, column: tab - range.lowerBound + 1))
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
    /// 2 columns per allowed level is refused too. Lines end where libyaml ends them
    /// (LineBreaks.yaml) and columns count Unicode scalars, as every manifest position does.
    private static func checkNesting(_ text: String) throws(ReadError) {
        var depth = 0
        var line = 1
        var column = 0
        var quote: UInt8?
        // In a double-quoted scalar a backslash escapes the next character (`\"` does not
        // close it); in a single-quoted one `''` is a quote, so a closing quote followed at
        // once by another reopens it.
        var escaped = false
        var closedSingleQuote = false
        var atLineStart = true
        var indent = 0
        var inComment = false
        var previous: UInt8 = UInt8(ascii: " ")
        var beforePrevious: UInt8 = UInt8(ascii: " ")
        for byte in text.utf8 {
            defer { (beforePrevious, previous) = (previous, byte) }
            // A break is seen at its last byte: LF (unless its CR was the break), CR, NEL (C2 85), LS and PS (E2 80 A8/A9).
            let isBreak = switch byte {
            case 0x0A: previous != 0x0D
            case 0x0D: true
            case 0x85: previous == 0xC2
            case 0xA8, 0xA9: previous == 0x80 && beforePrevious == 0xE2
            default: false
            }
            if isBreak {
                line += 1
                column = 0
                atLineStart = true
                indent = 0
                inComment = false
                escaped = false
                closedSingleQuote = false
                continue  // a quoted scalar goes on past a line break
            }
            if byte == 0x0A { continue }  // the LF of a CRLF, whose CR ended the line
            if byte & 0xC0 != 0x80 { column += 1 }
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
                if escaped {
                    escaped = false
                } else if open == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == open {
                    quote = nil
                    closedSingleQuote = open == UInt8(ascii: "'")
                }
                continue
            }
            if closedSingleQuote {
                closedSingleQuote = false
                if byte == UInt8(ascii: "'") {
                    quote = byte
                    continue
                }
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
