// Converts one manifest's document tree into a record of the schema. Pure: it reads only
// the compiled policy, so many manifests can be converted at once.

import PlacetEngine
import PlacetLanguage

struct ConvertedManifest: Sendable {
    struct Reference: Sendable {
        let field: Int
        let target: Int
        let id: String
        /// Where the id is written: its location is made only for a diagnostic, since one
        /// made for every reference (sharing the file's path and bytes) is costly on every core.
        let position: Position
        let length: Int

        func location(in file: ManifestFileContext) -> SourceLocation {
            file.diagnosticLocation(position, length: length)
        }
    }

    var kind: Int?
    var id: String?
    var values: [Value] = []
    var references: [Reference] = []
    var diagnostics: [Diagnostic] = []
    var origin: SourceLocation
    /// Where the `id:` value is, for errors about the id (a duplicate points there, not at the manifest's start).
    var idPosition: Position?
    /// The fields (as bits; past the 64th, all) whose values may still name records by id,
    /// for `resolveReferences`: the others hold rows already, or no reference.
    var unresolvedFields = UInt64.max

    static func failure(_ diagnostic: Diagnostic) -> ConvertedManifest {
        ConvertedManifest(diagnostics: [diagnostic], origin: diagnostic.location ?? SourceLocation(file: "", line: 0, column: 0))
    }
}

struct ManifestConverter: Sendable {
    let policy: CompiledPolicy
    /// Held, not computed from `policy` on each use: a copy per field read adds up over a million fields.
    private let schema: Schema
    private let waiver: ResolvedSchemaContract.WaiverFields?

    init(policy: CompiledPolicy) {
        self.policy = policy
        schema = policy.schema
        waiver = policy.program.contract.waiver
    }

    func convert(_ node: DocumentNode, _ file: ManifestFileContext) -> ConvertedManifest {
        var result = ConvertedManifest(origin: file.location(node.position))
        func error(_ id: String, _ message: String, _ position: Position, length: Int = 1) {
            result.diagnostics.append(Diagnostic(id: id, message: message, location: file.diagnosticLocation(position, length: length)))
        }
        guard case .mapping(let entries, let position) = node else {
            error("manifest.notAManifest", "expected a manifest (a mapping with apiVersion, kind and id), found \(node.kindDescription)", node.position)
            return result
        }
        var apiVersion: MappingEntry?
        var kindEntry: MappingEntry?
        for entry in entries {
            if entry.key == "apiVersion" { apiVersion = entry }
            if entry.key == "kind" { kindEntry = entry }
        }
        guard let kindEntry else {
            error("manifest.missingKind", "manifest has no 'kind' (one of \(schema.records.map(\.name).joined(separator: ", ")))", position)
            return result
        }
        guard case .scalar(let kindName, _, _) = kindEntry.value, let kind = schema.recordIndex[kindName] else {
            let name = if case .scalar(let text, _, _) = kindEntry.value { text } else { kindEntry.value.kindDescription }
            let hint = Suggestion.closest(to: name, in: schema.records.map(\.name)).map { "; did you mean '\($0)'?" }
                ?? "; expected one of \(schema.records.map(\.name).joined(separator: ", "))"
            error("manifest.unknownKind", "unknown kind '\(name)'\(hint)", kindEntry.value.position)
            return result
        }
        if let apiVersion {
            if case .scalar("placet/v1", _, _) = apiVersion.value {} else {
                error("manifest.badApiVersion", "unsupported apiVersion \(apiVersion.value.kindDescription); expected 'placet/v1'", apiVersion.value.position)
            }
        } else {
            error("manifest.missingApiVersion", "manifest has no 'apiVersion: placet/v1'", position)
        }
        let record = schema.records[kind]
        // Which schema said no matters when a repo's own pack and the bundled one differ.
        let packNote = policy.packName.isEmpty ? "" : " (schema of the policies in use: \(policy.packName))"
        var values = policy.defaults[kind].map { $0 ?? .absent }
        var given = Array(repeating: false, count: record.fields.count)
        let idText: String? = entries.first { $0.key == SchemaContract.id }.flatMap {
            if case .scalar(let text, let style, _) = $0.value, style == .plain || style == .text { return text }
            return nil
        }
        let context = "\(record.name)" + (idText.map { " '\($0)'" } ?? "")
        for entry in entries where entry.key != "apiVersion" && entry.key != "kind" {
            guard let field = record.fieldIndex[entry.key] else {
                error("manifest.unknownField", "\(context): unknown field '\(entry.key)'\(Suggestion.didYouMean(entry.key, in: record.fields.map(\.name)))\(packNote)",
                      entry.keyPosition, length: entry.key.count)
                continue
            }
            given[field] = true
            var reader = ValueReader(schema: schema, file: file, record: context, field: entry.key)
            if let value = reader.read(entry.value, as: record.fields[field].type) {
                values[field] = value
            }
            result.diagnostics.append(contentsOf: reader.diagnostics)
            for reference in reader.references {
                result.references.append(.init(field: field, target: reference.kind, id: reference.id,
                                               position: reference.position, length: reference.length))
            }
        }
        for (index, field) in record.fields.enumerated() where field.isRequired && !given[index] {
            error("manifest.missingField", "\(context): missing required field '\(field.name)' (\(schema.describe(field.type)))", position)
        }
        if let waiver, kind == waiver.record,
           case .string(let ruleID) = values[waiver.rule], policy.ruleIndex[ruleID] == nil,
           let entry = entries.first(where: { $0.key == SchemaContract.WaiverField.rule }) {
            error("manifest.unknownRule", "\(context): waiver names unknown rule '\(ruleID)'\(Suggestion.didYouMean(ruleID, in: policy.rules.map(\.id)))",
                  entry.value.position, length: ruleID.count)
        }
        guard case .string(let id) = values[record.idField], !id.isEmpty else {
            if given[record.idField] { error("manifest.emptyID", "\(record.name): 'id' must be a non-empty string", position) }
            return result
        }
        result.kind = kind
        result.id = id
        result.idPosition = entries.first { $0.key == SchemaContract.id }?.value.position
        result.values = values
        return result
    }
}
