// Conditional requirements: fields the schema requires only when a condition holds, checked after references resolve.

import PlacetEngine
import PlacetLanguage

extension InventoryBuilder {
    /// Reports every row missing (or holding an empty collection in) a field whose
    /// `requiredWhen` condition holds for that row.
    mutating func checkConditionalRequirements() {
        let evaluator = Evaluator(program: policy.program, today: CivilDate(daysSinceEpoch: 0), rules: false)
        for (kind, record) in schema.records.enumerated() {
            for (index, field) in record.fields.enumerated() {
                guard let condition = evaluator.requiredWhen(kind: kind, field: index) else { continue }
                let table = inventory.tables[kind]
                let missing = table.rows.indices.filter { Self.isMissing(table.rows[$0][index]) }
                for row in evaluator.rows(where: condition, among: missing, inventory: inventory) {
                    bag.add(Self.conditionallyRequired(record: record, field: field, row: row, table: table))
                }
            }
        }
    }

    /// The error for one row's field when the field is missing (or an empty collection) while
    /// its `required when` condition holds; nil otherwise. The streamed check asks per placement line.
    static func conditionalRequirementError(kind: Int, field index: Int, row: Int, inventory: Inventory, schema: Schema,
                                            evaluator: Evaluator) -> Diagnostic? {
        guard let condition = evaluator.requiredWhen(kind: kind, field: index) else { return nil }
        let table = inventory.tables[kind]
        guard isMissing(table.rows[row][index]), !evaluator.rows(where: condition, among: [row], inventory: inventory).isEmpty else { return nil }
        return conditionallyRequired(record: schema.records[kind], field: schema.records[kind].fields[index], row: row, table: table)
    }

    private static func isMissing(_ value: Value) -> Bool {
        switch value {
        case .absent: true
        case .collection(let items): items.isEmpty
        default: false
        }
    }

    private static func conditionallyRequired(record: RecordType, field: Field, row: Int, table: RecordTable) -> Diagnostic {
        Diagnostic(
            id: "manifest.conditionallyRequired",
            message: "\(record.name) '\(table.ids[row])': field '\(field.name)' is required (and may not be empty) when \(field.requiredWhenText)",
            location: table.origins[row])
    }
}
