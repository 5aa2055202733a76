// Types of the policy language and the schema that the policy files declare.
// The manifest schema (SPEC §2) is not Swift: it is read from `record` and `enum`
// declarations in policies/, and the manifest loader validates against this Schema.

public indirect enum PlacetType: Sendable, Hashable {
    case bool, number, string, date
    case enumeration(Int)
    case record(Int)
    /// A value record (`value record Adequacy {...}`): plain data, not a manifest kind; an
    /// index into `Schema.valueRecords`.
    case valueRecord(Int)
    case set(PlacetType)
    case list(PlacetType)
    case map(PlacetType, PlacetType)
    case optional(PlacetType)
    /// The type of `[]` before context gives it one.
    case emptyCollection
    /// An expression that already produced a diagnostic; accepted everywhere to avoid cascades.
    case error

    public var unwrapped: PlacetType {
        if case .optional(let inner) = self { return inner }
        return self
    }

    public var isOptional: Bool {
        if case .optional = self { return true }
        return false
    }

    /// The element type of a set or list.
    public var elementType: PlacetType? {
        switch self {
        case .set(let element), .list(let element): element
        default: nil
        }
    }
}

public struct EnumerationType: Sendable {
    public let name: String
    public let ordered: Bool
    /// All cases, those of an included enum first, so a value of the included enum
    /// has the same index in this one.
    public let cases: [String]
    public let caseIndex: [String: Int]
    public let includes: Int?
    /// Cases taken out of the enum (`removed old: new1, new2`), by name; not in `cases`.
    public internal(set) var removed: [String: RemovedCase] = [:]

    /// The guidance for a removed case, or nil when `name` was never removed.
    public func removalMessage(_ name: String) -> String? {
        guard let removal = removed[name] else { return nil }
        let when = removal.revision.map { "it was removed in schema revision \($0)" } ?? "it was removed from the schema"
        var choices = removal.replacements
        let last = choices.popLast() ?? ""
        let use = choices.isEmpty ? last : choices.joined(separator: ", ") + " or " + last
        return "unknown \(self.name) '\(name)': \(when); use \(use)"
    }
}

/// A case taken out of an enum, with the cases that replace it.
public struct RemovedCase: Sendable, Hashable {
    public let revision: Int?
    public let replacements: [String]
}

public struct Field: Sendable {
    public let name: String
    public let type: PlacetType
    /// A constant expression; nil when the field has no default.
    public internal(set) var defaultValue: BoundExpression?
    /// Evaluated with the record in slot 0; the field must be given when it holds.
    public internal(set) var requiredWhen: BoundExpression?
    /// The source text of `requiredWhen`, for messages.
    public internal(set) var requiredWhenText: String = ""
    public let location: SourceLocation
    /// The `#` comment lines directly above the field, joined with spaces.
    public internal(set) var documentation: String = ""

    /// Required in every manifest: no default and not optional.
    public var isRequired: Bool { defaultValue == nil && !type.isOptional }
}

public struct RecordType: Sendable {
    public let name: String
    public internal(set) var fields: [Field]
    public let fieldIndex: [String: Int]
    public let location: SourceLocation
    /// The slot of the `id` field (every record has one; `type.missingIdField` otherwise),
    /// resolved once rather than looked up by name for every manifest.
    public let idField: Int

    init(name: String, fields: [Field], fieldIndex: [String: Int], location: SourceLocation) {
        self.name = name
        self.fields = fields
        self.fieldIndex = fieldIndex
        self.location = location
        self.idField = fieldIndex[SchemaContract.id] ?? 0
    }
}

public struct Schema: Sendable {
    public internal(set) var enumerations: [EnumerationType] = []
    public internal(set) var records: [RecordType] = []
    public internal(set) var enumerationIndex: [String: Int] = [:]
    public internal(set) var recordIndex: [String: Int] = [:]
    /// `value record` types: data for constants and definitions, never manifest kinds.
    public internal(set) var valueRecords: [RecordType] = []
    public internal(set) var valueRecordIndex: [String: Int] = [:]

    public init() {}

    public func describe(_ type: PlacetType) -> String {
        switch type {
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .date: "date"
        case .enumeration(let index): enumerations[index].name
        case .record(let index): records[index].name
        case .valueRecord(let index): valueRecords[index].name
        case .set(let element): "set of \(describe(element))"
        case .list(let element): "list of \(describe(element))"
        case .map(let key, let value): "map of \(describe(key)) to \(describe(value))"
        case .optional(let inner): "\(describe(inner))?"
        case .emptyCollection: "empty collection"
        case .error: "<error>"
        }
    }

    /// Whether enum `from` is `to` or is included (transitively) in `to`.
    public func enumeration(_ from: Int, widensTo to: Int) -> Bool {
        var current: Int? = to
        while let index = current {
            if index == from { return true }
            current = enumerations[index].includes
        }
        return false
    }
}
