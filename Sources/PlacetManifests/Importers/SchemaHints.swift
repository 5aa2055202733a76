// The hint beside each TODO an importer writes is the documentation of that field in the
// policies' schema (the comment above the field in policies/schema), so an auditor who
// changes a field's meaning there changes what importers tell people, and no list of
// explanations is kept a second time in Swift.

import PlacetLanguage

public struct SchemaHints: Sendable {
    public let schema: Schema

    public init(schema: Schema) {
        self.schema = schema
    }

    /// A placeholder for `kind.field`, or nil when the schema in use has no such field (a pack
    /// may leave one out; then there is nothing to ask).
    func todo(_ kind: String, _ name: String) -> ManifestDraft.Field? {
        guard let record = schema.recordIndex[kind].map({ schema.records[$0] }),
              let index = record.fieldIndex[name] else { return nil }
        let field = record.fields[index]
        let type = field.type.unwrapped
        let isList = type.elementType != nil
        var hint = field.documentation
        if hint.isEmpty {
            // An undocumented field: its type is all there is to say (a reference, by which kind).
            hint = schema.describe(field.type)
            if case .record(let target) = type { hint = "the id of a \(schema.records[target].name) manifest" }
        }
        return .init(name, .todo(hint: hint, list: isList))
    }

    func todos(_ kind: String, _ names: [String]) -> [ManifestDraft.Field] {
        names.compactMap { todo(kind, $0) }
    }
}
