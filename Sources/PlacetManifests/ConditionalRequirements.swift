// Conditional requirements: fields the schema requires only when a condition holds, checked after references resolve.

import PlacetEngine
import PlacetLanguage

extension InventoryBuilder {
    /// Reports every row missing (or holding an empty collection in) a field whose
    /// `requiredWhen` condition holds for that row.
    mutating func checkConditionalRequirements() {
        let evaluator = Evaluator(program: policy.program, today: CivilDate(daysSinceEpoch: 0))
        for (kind, record) in schema.records.enumerated() {
            for (index, field) in record.fields.enumerated() where field.requiredWhen != nil {
                for row in inventory.tables[kind].rows.indices {
                    if let error = Self.conditionalRequirementError(kind: kind, field: index, row: row, inventory: inventory,
                                                                    schema: schema, evaluator: evaluator) {
                        bag.add(error)
                    }
                }
            }
        }
    }

    /// The error for one row's field when the field is missing (or an empty collection) while
    /// its `required when` condition holds; nil otherwise. The streamed check asks per placement line.
    static func conditionalRequirementError(kind: Int, field index: Int, row: Int, inventory: Inventory, schema: Schema,
                                            evaluator: Evaluator) -> Diagnostic? {
        let record = schema.records[kind]
        let field = record.fields[index]
        guard let condition = field.requiredWhen else { return nil }
        let missing: Bool = switch inventory.tables[kind].rows[row][index] {
        case .absent: true
        case .collection(let items): items.isEmpty
        default: false
        }
        guard missing, evaluator.evaluate(condition, record: row, inventory: inventory).boolValue else { return nil }
        return Diagnostic(
            id: "manifest.conditionallyRequired",
            message: "\(record.name) '\(inventory.tables[kind].ids[row])': field '\(field.name)' is required (and may not be empty) when \(field.requiredWhenText)",
            location: inventory.tables[kind].origins[row])
    }
}
