// Reference resolution: ids named by reference fields, checked once every manifest is read and replaced by rows.

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
        let location: SourceLocation
    }

    /// Reports every reference to an id no manifest defines, then turns each reference field's
    /// ids into rows (an unknown id becomes absent).
    mutating func resolveReferences() {
        for reference in pending where inventory.tables[reference.target].indexByID[reference.id] == nil {
            bag.add(Self.danglingReference(schema: schema, kind: reference.kind, owner: inventory.tables[reference.kind].ids[reference.row],
                                           field: reference.field, target: reference.target, id: reference.id,
                                           known: inventory.tables[reference.target].ids, location: reference.location))
        }
        for kind in schema.records.indices {
            // Offsets and types only: a whole field, copied per row, would be most of the work.
            let fields = schema.records[kind].fields.enumerated().compactMap { offset, field in
                field.type.refersToRecord ? (index: offset, type: field.type) : nil
            }
            if fields.isEmpty { continue }
            for row in inventory.tables[kind].rows.indices {
                for field in fields {
                    let value = inventory.tables[kind].rows[row][field.index]
                    inventory.tables[kind].rows[row][field.index] = Self.resolve(value, as: field.type, in: inventory)
                }
            }
        }
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
        switch type {
        case .optional(let inner): return value == .absent ? .absent : resolve(value, as: inner, in: inventory)
        case .record(let target):
            guard case .string(let id) = value, let row = inventory.tables[target].indexByID[id] else { return .absent }
            return .record(row)
        case .set(let element): return Value.makeSet(value.elements.map { resolve($0, as: element, in: inventory) })
        case .list(let element): return .collection(value.elements.map { resolve($0, as: element, in: inventory) })
        default: return value
        }
    }
}

extension PlacetType {
    var refersToRecord: Bool {
        switch self {
        case .record: true
        case .optional(let inner), .set(let inner), .list(let inner): inner.refersToRecord
        default: false
        }
    }
}
