// The inventory: every manifest that was read, by kind, with references already resolved
// to record indices. Evaluation reads fields by slot, never by name.

import PlacetLanguage

public struct RecordTable: Sendable {
    /// Field values per record, in the schema's field order.
    public var rows: [[Value]] = []
    public var ids: [String] = []
    /// Where each record was written, for messages and SARIF locations.
    public var origins: [SourceLocation] = []
    public var indexByID: [String: Int] = [:]

    public init() {}

    public var count: Int { rows.count }

    /// Adds a record under a new id; an id already taken adds nothing and gives its row.
    /// The id is hashed once either way.
    @discardableResult
    public mutating func append(id: String, fields: [Value], origin: SourceLocation) -> (index: Int, existing: Int?) {
        let index = rows.count
        let row = Self.read(&indexByID[id, default: index])
        guard row == index else { return (row, row) }
        rows.append(fields)
        ids.append(id)
        origins.append(origin)
        return (index, nil)
    }

    /// Reading the dictionary's entry as `inout` inserts the default when the key is new.
    private static func read(_ row: inout Int) -> Int { row }

    /// Makes room for at least `records` records. Growth stays geometric: `Array.reserveCapacity`
    /// allocates exactly what is asked, so a caller reserving a little more per small file would
    /// otherwise copy the whole table each time.
    public mutating func reserveCapacity(_ records: Int) {
        guard records > rows.capacity else { return }
        let capacity = Swift.max(records, 2 * rows.capacity)
        rows.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
        origins.reserveCapacity(capacity)
        indexByID.reserveCapacity(capacity)
    }

    /// The number of records the table holds without reallocating its rows.
    public var capacity: Int { rows.capacity }
}

public struct Inventory: Sendable {
    public var tables: [RecordTable]
    /// Input files with their SHA-256 digests, in the order they were read.
    public var files: [InputFile] = []

    public init(recordKinds: Int) {
        tables = Array(repeating: RecordTable(), count: recordKinds)
    }
}

public struct InputFile: Sendable, Hashable {
    public let path: String
    public let digest: String

    public init(path: String, digest: String) {
        self.path = path
        self.digest = digest
    }
}
