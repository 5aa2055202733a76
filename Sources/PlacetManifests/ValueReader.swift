// Reads one field's document node as a value of the field's schema type. The type decides:
// a plain YAML `NO` is the country Norway where a Country is expected, `1e25` is a number
// where a number is expected, and a quoted "true" is never a bool.

import PlacetEngine
import PlacetLanguage

struct ValueReader {
    let schema: Schema
    let file: ManifestFileContext
    /// "Dataset 'ds-1'" and the field's name: put together only for a message, since almost
    /// every value reads without one.
    let record: String
    let field: String
    private(set) var diagnostics: [Diagnostic] = []
    /// References by id found in the value, resolved once every manifest is read.
    private(set) var references: [(kind: Int, id: String, position: Position, length: Int)] = []

    init(schema: Schema, file: ManifestFileContext, record: String, field: String) {
        self.schema = schema
        self.file = file
        self.record = record
        self.field = field
    }

    private var context: String { "\(record), field '\(field)'" }

    private mutating func fail(_ id: String, _ message: String, _ node: DocumentNode) -> Value? {
        diagnostics.append(Diagnostic(id: id, message: "\(context): \(message)", location: file.diagnosticLocation(node.position)))
        return nil
    }

    mutating func read(_ node: DocumentNode, as type: PlacetType) -> Value? {
        switch type {
        case .optional(let inner):
            return node.isNull ? .absent : read(node, as: inner)
        case .set(let element), .list(let element):
            guard case .sequence(let items, _) = node else {
                return fail("manifest.wrongType", "expected a list of \(schema.describe(element)), found \(node.kindDescription)", node)
            }
            var values: [Value] = []
            values.reserveCapacity(items.count)
            var ok = true
            for item in items {
                if let value = read(item, as: element) { values.append(value) } else { ok = false }
            }
            guard ok else { return nil }
            if case .set = type, !element.refersToRecord { return Value.makeSet(values) }
            return .collection(values)
        case .map:
            return fail("manifest.wrongType", "map fields cannot be read from manifests", node)
        case .bool:
            guard case .scalar(let text, let style, _) = node, style == .jsonBool || style == .plain else {
                return fail("manifest.wrongType", "expected true or false, found \(node.kindDescription)", node)
            }
            switch text {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: return fail("manifest.wrongType", "expected true or false, found \(node.kindDescription)", node)
            }
        case .number:
            guard case .scalar(let text, let style, _) = node, style == .jsonNumber || style == .plain,
                  let number = Double(text), number.isFinite else {
                return fail("manifest.wrongType", "expected a number, found \(node.kindDescription)", node)
            }
            return .number(number)
        case .string:
            guard let text = text(of: node) else {
                return fail("manifest.wrongType", "expected a string, found \(node.kindDescription)", node)
            }
            return .string(text)
        case .date:
            guard let text = text(of: node) else {
                return fail("manifest.wrongType", "expected a date (YYYY-MM-DD), found \(node.kindDescription)", node)
            }
            guard let date = CivilDate(iso: text) else {
                let problem = CivilDate.problem(with: text) ?? "expected a date (YYYY-MM-DD)"
                return fail("manifest.badDate", problem, node)
            }
            return .date(date)
        case .enumeration(let index):
            let enumeration = schema.enumerations[index]
            guard let text = text(of: node) else {
                return fail("manifest.wrongType", "expected a \(enumeration.name), found \(node.kindDescription)", node)
            }
            guard let caseIndex = enumeration.caseIndex[text] else {
                if let guidance = enumeration.removalMessage(text) { return fail("manifest.removedValue", guidance, node) }
                let hint = Suggestion.closest(to: text, in: enumeration.cases).map { "; did you mean '\($0)'?" }
                    ?? (enumeration.cases.count <= 12 ? "; expected one of \(enumeration.cases.joined(separator: ", "))" : "")
                return fail("manifest.unknownValue", "unknown \(enumeration.name) '\(text)'\(hint)", node)
            }
            return .enumCase(caseIndex)
        case .record(let kind):
            guard let text = text(of: node), !text.isEmpty else {
                return fail("manifest.wrongType", "expected the id of a \(schema.records[kind].name), found \(node.kindDescription)", node)
            }
            references.append((kind, text, node.position, text.count))
            return .string(text)
        case .valueRecord, .emptyCollection, .error:
            return fail("manifest.wrongType", "field has no readable type", node)
        }
    }

    /// Scalar text: any YAML scalar but null, or a JSON string.
    private func text(of node: DocumentNode) -> String? {
        guard case .scalar(let text, let style, _) = node, !node.isNull else { return nil }
        return style == .plain || style == .text ? text : nil
    }
}
