// PlacetManifests: reads manifests (YAML, JSON, JSON Lines) into an Inventory, validating
// every record against the schema declared in the policy files, resolving references
// between manifests, and reporting every error with file, line and column.
//
// DocumentNode is the common tree the format readers produce: scalars keep their raw text
// and how they were written, so the schema, not YAML's guesses, decides what `NO` means.

public struct Position: Sendable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

public enum ScalarStyle: Sendable, Hashable {
    /// YAML plain scalar: its meaning depends on the field's type.
    case plain
    /// YAML quoted or block scalar, or a JSON string: always text.
    case text
    case jsonNumber
    case jsonBool
    case jsonNull
}

public indirect enum DocumentNode: Sendable {
    case scalar(String, ScalarStyle, Position)
    case mapping([MappingEntry], Position)
    case sequence([DocumentNode], Position)

    public var position: Position {
        switch self {
        case .scalar(_, _, let position), .mapping(_, let position), .sequence(_, let position): position
        }
    }

    /// A YAML null (`~`, `null`, empty) or a JSON null.
    public var isNull: Bool {
        guard case .scalar(let text, let style, _) = self else { return false }
        switch style {
        case .jsonNull: return true
        case .plain: return ["", "~", "null", "Null", "NULL"].contains(text)
        default: return false
        }
    }

    public var kindDescription: String {
        switch self {
        case .scalar(_, .jsonNumber, _): "a number"
        case .scalar(_, .jsonBool, _): "a boolean"
        case .scalar(let text, _, _) where isNull: text.isEmpty ? "nothing" : "null"
        case .scalar(let text, _, _): DocumentNode.quoteBriefly(text)
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

extension DocumentNode {
    /// A scalar quoted for a message: its first line, at most 60 characters, so a document
    /// read in the wrong format is not echoed whole.
    static func quoteBriefly(_ text: String) -> String {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r" }
        let cut = firstLine.count > 60 || firstLine.count < text.count
        return "'\(firstLine.prefix(60))'" + (cut ? "…" : "")
    }
}

public struct MappingEntry: Sendable {
    public var key: String
    public var keyPosition: Position
    public var value: DocumentNode
}

/// A reader's failure: a message at a position.
public struct ReadError: Error, Sendable {
    public var message: String
    public var position: Position

    public init(_ message: String, at position: Position) {
        self.message = message
        self.position = position
    }
}
