// Runtime values of the policy language. Records are indices into the inventory's table
// for their kind (the kind is known statically), so a reference costs one integer.

public enum Value: Sendable, Hashable {
    case absent
    case bool(Bool)
    case number(Double)
    case string(String)
    case date(CivilDate)
    case enumCase(Int)
    case record(Int)
    /// Sets are kept sorted (by `Value.precedes`) and unique; lists keep their order.
    case collection([Value])
    case map([Value: Value])
    /// A value record's fields in declaration order (absent for an omitted optional field).
    case structure([Value])

    public var boolValue: Bool {
        if case .bool(let value) = self { return value }
        return false
    }

    public var elements: [Value] {
        switch self {
        case .collection(let items): items
        case .absent: []
        default: [self]
        }
    }

    /// Calls `body` on each of `elements` in order until it returns false, without making an
    /// array for a single value (`for each m in placement.model`). False when `body` stopped.
    @inlinable
    public func allElements(_ body: (Value) -> Bool) -> Bool {
        switch self {
        case .collection(let items):
            for item in items where !body(item) { return false }
            return true
        case .absent: return true
        default: return body(self)
        }
    }

    private var rank: Int {
        switch self {
        case .absent: 0
        case .bool: 1
        case .number: 2
        case .string: 3
        case .date: 4
        case .enumCase: 5
        case .record: 6
        case .collection: 7
        case .map: 8
        case .structure: 9
        }
    }

    /// A total order used to keep sets canonical, so output never depends on hashing.
    public static func precedes(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return !a && b
        case (.number(let a), .number(let b)): return a < b
        case (.string(let a), .string(let b)): return a < b
        case (.date(let a), .date(let b)): return a < b
        case (.enumCase(let a), .enumCase(let b)): return a < b
        case (.record(let a), .record(let b)): return a < b
        case (.collection(let a), .collection(let b)), (.structure(let a), .structure(let b)):
            for (x, y) in zip(a, b) where x != y { return precedes(x, y) }
            return a.count < b.count
        default: return lhs.rank < rhs.rank
        }
    }

    /// Whether a list of records, of enum cases or of strings is already sorted without
    /// duplicates (a set read from a manifest or made by a set operation): then it is its own
    /// canonical set. Other kinds of value are left to the sort, whose order on them (NaN,
    /// maps) is not one a check of neighbours can vouch for.
    private static func isStrictlyAscending(_ items: [Value]) -> Bool {
        for index in items.indices.dropFirst() {
            switch (items[index - 1], items[index]) {
            case (.record(let a), .record(let b)), (.enumCase(let a), .enumCase(let b)):
                guard a < b else { return false }
            case (.string(let a), .string(let b)):
                guard a < b else { return false }
            default:
                return false
            }
        }
        return true
    }

    /// A canonical set from any values: sorted, duplicates removed.
    public static func makeSet(_ items: [Value]) -> Value {
        if items.count < 2 || isStrictlyAscending(items) { return .collection(items) }
        if let set = makeSetOfRows(items) { return set }
        let sorted = items.sorted(by: precedes)
        var unique: [Value] = []
        unique.reserveCapacity(sorted.count)
        for item in sorted where unique.last != item { unique.append(item) }
        return .collection(unique)
    }

    /// `makeSet` of records only (a union of two lists of datasets, say), by their rows: the
    /// order `precedes` gives them, sorted as integers, without comparing enum values. Nil when
    /// anything else is among them.
    private static func makeSetOfRows(_ items: [Value]) -> Value? {
        var rows: [Int] = []
        rows.reserveCapacity(items.count)
        for item in items {
            guard case .record(let row) = item else { return nil }
            rows.append(row)
        }
        rows.sort()
        var unique: [Value] = []
        unique.reserveCapacity(rows.count)
        var last: Int?
        for row in rows where row != last {
            unique.append(.record(row))
            last = row
        }
        return .collection(unique)
    }
}
