// Writes an inventory back out as manifests: YAML, JSON or XML. Only fields that differ from
// their defaults are written; kinds come in schema order and records in the order read, so
// the output is deterministic and reading it back gives the same inventory.

import PlacetEngine
import PlacetLanguage

public enum ManifestExportFormat: String, Sendable, CaseIterable {
    case yaml, json, xml
}

public struct ManifestWriter {
    public let policy: CompiledPolicy
    public let inventory: Inventory

    public init(policy: CompiledPolicy, inventory: Inventory) {
        self.policy = policy
        self.inventory = inventory
    }

    private var schema: Schema { policy.schema }

    public func write(_ format: ManifestExportFormat) -> [UInt8]? {
        DraftRenderer.render(drafts(), as: format)
    }

    /// Every record as a draft: kinds in schema order, records in the order read.
    public func drafts() -> [ManifestDraft] {
        schema.records.indices.flatMap { kind in
            inventory.tables[kind].rows.indices.map { draft(kind: kind, row: $0) }
        }
    }

    /// A record's fields worth writing: those that differ from their defaults, in schema order.
    private func draft(kind: Int, row: Int) -> ManifestDraft {
        let record = schema.records[kind]
        let values = inventory.tables[kind].rows[row]
        var fields: [ManifestDraft.Field] = []
        for (index, field) in record.fields.enumerated() where index != record.idField {
            let value = values[index]
            if value == .absent { continue }
            if let defaultValue = policy.defaults[kind][index], defaultValue == value, !field.isRequired { continue }
            let type = field.type.unwrapped
            if let element = type.elementType {
                fields.append(.init(field.name, .list(value.elements.map { text($0, as: element) }, quoted: isQuoted(element))))
            } else {
                fields.append(.init(field.name, .scalar(text(value, as: type), quoted: isQuoted(type))))
            }
        }
        return ManifestDraft(kind: record.name, id: inventory.tables[kind].ids[row], fields: fields)
    }

    private func isQuoted(_ type: PlacetType) -> Bool {
        switch type {
        case .bool, .number: false
        default: true
        }
    }

    private func text(_ value: Value, as type: PlacetType) -> String {
        switch (value, type) {
        case (.record(let row), .record(let kind)): inventory.tables[kind].ids[row]
        default: ValueFormatter(schema: schema, inventory: inventory).format(value, as: type)
        }
    }
}
