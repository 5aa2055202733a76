// Formatting values for messages, subjects and explanations: enum cases by name, records by id.

import PlacetLanguage

/// Formats values for messages and subjects: enum cases by name, records by id. A class, so
/// the machine hands it to every interpolation without copying the schema and inventory.
public final class ValueFormatter: Sendable {
    let schema: Schema
    let inventory: Inventory?

    public init(schema: Schema, inventory: Inventory?) {
        self.schema = schema
        self.inventory = inventory
    }

    public func format(_ value: Value, as type: PlacetType) -> String {
        switch value {
        case .absent: return "none"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return ValueFormatter.format(number: number)
        case .string(let text): return text
        case .date(let date): return date.description
        case .enumCase(let index):
            if case .enumeration(let enumIndex) = type.unwrapped, index < schema.enumerations[enumIndex].cases.count {
                return schema.enumerations[enumIndex].cases[index]
            }
            return "#\(index)"
        case .record(let row):
            if case .record(let kind) = type.unwrapped, let inventory, row < inventory.tables[kind].ids.count {
                return inventory.tables[kind].ids[row]
            }
            return "#\(row)"
        case .collection(let items):
            let element = type.unwrapped.elementType ?? .error
            return "[" + items.map { format($0, as: element) }.joined(separator: ", ") + "]"
        case .map(let entries):
            guard case .map(let keyType, let valueType) = type.unwrapped else { return "[:]" }
            let rendered = entries.map { "\(format($0.key, as: keyType)): \(format($0.value, as: valueType))" }.sorted()
            return rendered.isEmpty ? "[:]" : "[" + rendered.joined(separator: ", ") + "]"
        case .structure(let values):
            guard case .valueRecord(let index) = type.unwrapped else { return "{}" }
            let fields = schema.valueRecords[index].fields
            let rendered = zip(fields, values).compactMap { field, value in
                value == .absent ? nil : "\(field.name): \(format(value, as: field.type))"
            }
            return "{" + rendered.joined(separator: ", ") + "}"
        }
    }

    /// Integers print without a fraction; other numbers in Swift's shortest round-trip form.
    public static func format(number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)".replacingOccurrences(of: "e+", with: "e")
    }
}
