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
            let targetName = schema.records[reference.target].name
            let field = schema.records[reference.kind].fields[reference.field].name
            let owner = inventory.tables[reference.kind].ids[reference.row]
            let known = inventory.tables[reference.target].ids
            bag.add(Diagnostic(
                id: "manifest.danglingReference",
                message: "\(schema.records[reference.kind].name) '\(owner)', field '\(field)': no \(targetName) with id '\(reference.id)'\(known.count < 5000 ? Suggestion.didYouMean(reference.id, in: known) : "")",
                location: reference.location))
        }
        for kind in schema.records.indices {
            let fields = schema.records[kind].fields.enumerated().filter { $0.element.type.refersToRecord }
            if fields.isEmpty { continue }
            for row in inventory.tables[kind].rows.indices {
                for (index, field) in fields {
                    let value = inventory.tables[kind].rows[row][index]
                    inventory.tables[kind].rows[row][index] = resolve(value, as: field.type)
                }
            }
        }
    }

    private func resolve(_ value: Value, as type: PlacetType) -> Value {
        switch type {
        case .optional(let inner): return value == .absent ? .absent : resolve(value, as: inner)
        case .record(let target):
            guard case .string(let id) = value, let row = inventory.tables[target].indexByID[id] else { return .absent }
            return .record(row)
        case .set(let element): return Value.makeSet(value.elements.map { resolve($0, as: element) })
        case .list(let element): return .collection(value.elements.map { resolve($0, as: element) })
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
