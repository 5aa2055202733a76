// Conditional requirements: fields the schema requires only when a condition holds, checked after references resolve.

import PlacetEngine
import PlacetLanguage

extension InventoryBuilder {
    /// Reports every row missing (or holding an empty collection in) a field whose
    /// `requiredWhen` condition holds for that row.
    mutating func checkConditionalRequirements() {
        let evaluator = Evaluator(program: policy.program, today: CivilDate(daysSinceEpoch: 0))
        for (kind, record) in schema.records.enumerated() {
            for (index, field) in record.fields.enumerated() {
                guard let condition = field.requiredWhen.map(evaluator.compile) else { continue }
                let table = inventory.tables[kind]
                let missing = table.rows.indices.filter { row in
                    switch table.rows[row][index] {
                    case .absent: true
                    case .collection(let items): items.isEmpty
                    default: false
                    }
                }
                for row in evaluator.rows(where: condition, among: missing, inventory: inventory) {
                    bag.add(Diagnostic(
                        id: "manifest.conditionallyRequired",
                        message: "\(record.name) '\(table.ids[row])': field '\(field.name)' is required (and may not be empty) when \(field.requiredWhenText)",
                        location: table.origins[row]))
                }
            }
        }
    }
}
