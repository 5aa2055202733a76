// Reference resolution: ids named by reference fields, checked once every manifest is read and replaced by rows.

import Dispatch
import Foundation
import PlacetEngine
import PlacetLanguage

extension InventoryBuilder {
    /// A reference by id, resolved once every manifest has been read.
    struct PendingReference {
        let kind: Int
        let row: Int
        let field: Int
        let target: Int
        let id: String
        let file: ManifestFileContext
        let position: Position
        let length: Int

        /// Made only for a reference that turns out dangling.
        var location: SourceLocation { file.diagnosticLocation(position, length: length) }
    }

    /// Reports every reference to an id no manifest defines, then turns each reference field's
    /// ids into rows (an unknown id becomes absent). Both are lookups in tables no longer
    /// growing, split over every core; reports keep the order the references were read in.
    mutating func resolveReferences() {
        // Each worker looks ids up in one kind's index at a time, held in a local: reading it out
        // of the array per lookup would retain and release the same storage on every core.
        let indexes = inventory.tables.map(\.indexByID)
        let references = pending
        let targets = Set(references.map(\.target)).sorted()
        let dangling = Self.inParallel(count: references.count) { range in
            var found: [Int] = []
            references.withUnsafeBufferPointer { references in
                for target in targets {
                    let index = indexes[target]
                    for reference in range where references[reference].target == target && index[references[reference].id] == nil {
                        found.append(reference)
                    }
                }
            }
            return found.sorted()
        }
        let schema = schema
        let tables = inventory.tables
        for index in dangling {
            let reference = pending[index]
            // Built only while the bag has room: a file of millions of dangling ids must not
            // pay for a message, a did-you-mean and a location it would drop.
            bag.add {
                Self.danglingReference(schema: schema, kind: reference.kind, owner: tables[reference.kind].ids[reference.row],
                                       field: reference.field, target: reference.target, id: reference.id,
                                       known: tables[reference.target].ids, location: reference.location)
            }
        }
        for kind in schema.records.indices {
            // Offsets, types and targets only: a whole field, copied per row, would be most of the work.
            // Fields every row of which was resolved as it was read are passed by.
            let unresolved = unresolvedFields[kind]
            let fields = schema.records[kind].fields.enumerated().compactMap { offset, field in
                offset < 64 && unresolved >> UInt64(offset) & 1 == 0 ? nil : field.type.referencedRecord.map { (index: offset, type: field.type, target: $0) }
            }
            if fields.isEmpty || inventory.tables[kind].count == 0 { continue }
            // Taken out of the table so that rows are uniquely held and change in place.
            var rows: [[Value]] = []
            swap(&rows, &inventory.tables[kind].rows)
            rows.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let rows = buffer  // each worker writes only its own range of rows
                _ = Self.inParallel(count: rows.count) { range -> [Int] in
                    for field in fields {
                        let index = indexes[field.target]
                        for row in range {
                            rows[row][field.index] = Self.resolve(rows[row][field.index], as: field.type, in: index)
                        }
                    }
                    return []
                }
            }
            swap(&rows, &inventory.tables[kind].rows)
        }
    }

    /// `work` over `0..<count` in ranges, one batch per core or so, its results joined in order.
    private static func inParallel(count: Int, _ work: @Sendable (Range<Int>) -> [Int]) -> [Int] {
        let parts = count < 4_096 ? 1 : 4 * ProcessInfo.processInfo.activeProcessorCount
        if parts == 1 { return work(0..<count) }
        let results = Locked([[Int]](repeating: [], count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let found = work(count * part / parts..<count * (part + 1) / parts)
            results.withLock { $0[part] = found }
        }
        return results.withLock { $0.joined().map { $0 } }
    }

    /// A reference to an id no manifest of the target kind defines, with a did-you-mean.
    static func danglingReference(schema: Schema, kind: Int, owner: String, field: Int, target: Int, id: String,
                                  known: [String], location: SourceLocation) -> Diagnostic {
        let suggestion = known.count < 5000 ? Suggestion.didYouMean(id, in: known) : ""
        return Diagnostic(
            id: "manifest.danglingReference",
            message: "\(schema.records[kind].name) '\(owner)', field '\(schema.records[kind].fields[field].name)': no \(schema.records[target].name) with id '\(id)'\(suggestion)",
            location: location)
    }

    /// A field's value with every id it names replaced by that manifest's row in `inventory`
    /// (an unknown id becomes absent). The streamed check resolves each placement line with it.
    static func resolve(_ value: Value, as type: PlacetType, in inventory: Inventory) -> Value {
        guard let target = type.referencedRecord else { return value }
        return resolve(value, as: type, in: inventory.tables[target].indexByID)
    }

    /// Whether a value of a reference field still names its record by id (else it is a row already).
    private static func isID(_ value: Value) -> Bool {
        if case .record = value { false } else { true }
    }

    /// The same, given the rows by id of the kind `type` refers to.
    private static func resolve(_ value: Value, as type: PlacetType, in index: [String: Int]) -> Value {
        switch type {
        case .optional(let inner): return value == .absent ? .absent : resolve(value, as: inner, in: index)
        case .record:
            // A row already (resolved as its line was read) stays.
            if case .record = value { return value }
            guard case .string(let id) = value, let row = index[id] else { return .absent }
            return .record(row)
        case .set(let element):
            guard value.elements.contains(where: Self.isID) else { return value }
            return Value.makeSet(value.elements.map { resolve($0, as: element, in: index) })
        case .list(let element):
            guard value.elements.contains(where: Self.isID) else { return value }
            return .collection(value.elements.map { resolve($0, as: element, in: index) })
        default: return value
        }
    }
}

extension PlacetType {
    var refersToRecord: Bool { referencedRecord != nil }

    /// The record kind this type's values name by id, alone or in an optional, set or list.
    var referencedRecord: Int? {
        switch self {
        case .record(let kind): kind
        case .optional(let inner), .set(let inner), .list(let inner): inner.referencedRecord
        default: nil
        }
    }
}
