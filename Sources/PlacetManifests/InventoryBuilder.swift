// Turns document trees into records of the schema, one manifest at a time: reads each file
// with its format's reader, then resolves references and conditional requirements at the end.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetXML

package struct InventoryBuilder {
    package let policy: CompiledPolicy
    package var inventory: Inventory
    package var bag: DiagnosticBag
    /// References by id, resolved by `resolveReferences` once every manifest has been read.
    var pending: [PendingReference] = []
    /// By kind, the fields (as bits) that some row still holds ids in, for `resolveReferences`.
    var unresolvedFields: [UInt64] = []
    /// Compiled from the policy schema the first time an XML file is read.
    private var xmlValidator: XMLSchemaValidator?
    /// Made the first time a JSON Lines file is read, then kept: its name tables cost more
    /// to build than a small file costs to read, and an inventory may be thousands of them.
    private var lineConverter: DirectLineConverter?
    var schema: Schema { policy.schema }

    package init(policy: CompiledPolicy, errorLimit: Int) {
        self.policy = policy
        self.inventory = Inventory(recordKinds: policy.schema.records.count)
        self.bag = DiagnosticBag(limit: errorLimit)
        self.unresolvedFields = Array(repeating: 0, count: policy.schema.records.count)
    }

    // MARK: Files

    package mutating func read(_ input: ManifestInput) {
        guard !bag.isFull else { return }
        add(PreparedInput.prepare(input, policy: policy, lineConverter: lineConverter, errorLimit: bag.limit))
    }

    /// The converter for JSON Lines, made the first time it is asked for and then kept.
    mutating func sharedLineConverter() -> DirectLineConverter {
        if let lineConverter { return lineConverter }
        let made = DirectLineConverter(policy: policy)
        lineConverter = made
        return made
    }

    /// Adds a prepared file: its manifests, or the error that stands for it, or, for a file
    /// read only now, what its reader finds.
    mutating func add(_ prepared: PreparedInput) {
        guard !bag.isFull else { return }
        defer { inventory.files.append(InputFile(path: prepared.file.path, digest: prepared.digest.value())) }
        add(prepared.content, prepared.format, prepared.file)
    }

    private mutating func add(_ content: PreparedInput.Content, _ format: ManifestFormat, _ file: ManifestFileContext) {
        switch content {
        case .failed(let diagnostic):
            bag.add(diagnostic)
        case .manifests(let manifests, let errors, let stopsWhenFull):
            var nextError = 0
            manifests.withUnsafeBufferPointer { manifests in
                for index in manifests.indices {
                    while nextError < errors.count, errors[nextError].at == index {
                        bag.add(errors[nextError].diagnostic)
                        nextError += 1
                    }
                    if stopsWhenFull, bag.isFull { return }
                    append(at: manifests.baseAddress! + index, file)
                }
            }
            if !(stopsWhenFull && bag.isFull) {
                for error in errors[nextError...] { bag.add(error.diagnostic) }
            }
        case .whenAdded:
            switch format {
            case .jsonl: readJSONLines(file)
            case .xml: readXML(file)
            case .json, .yaml: preconditionFailure("JSON and YAML are read when prepared")
            }
        }
    }

    private mutating func readXML(_ file: ManifestFileContext) {
        guard let validator = compiledXMLValidator() else { return }
        switch XMLManifestReader.read(file, schema: schema, validator: validator) {
        case .success(let manifests):
            let converter = ManifestConverter(policy: policy)
            for manifest in manifests { append(converter.convert(manifest, file), file) }
        case .failure(let failure):
            // libxml2 gives lines, and columns only for parse errors: a schema violation is placed
            // at the start tag of the element it names, where that is found.
            for message in failure.messages {
                let guidance = XMLManifestReader.removedValueGuidance(message.message, schema: schema)
                let position = message.offset.map(file.position(ofOffset:)) ?? file.parserPosition(line: message.line, column: message.column)
                bag.add(Diagnostic(id: guidance == nil ? "manifest.invalidXML" : "manifest.removedValue",
                                   message: guidance ?? message.message,
                                   location: SourceLocation(file: file.path, line: position.line, column: position.column,
                                                            sourceLine: position.column > 0 ? file.line(position.line) : nil)))
            }
        }
    }

    /// The validator for the policy schema, compiled the first time an XML file is read; nil,
    /// with the error reported, if the schema's XSD does not compile.
    private mutating func compiledXMLValidator() -> XMLSchemaValidator? {
        if let xmlValidator { return xmlValidator }
        do {
            let validator = try XMLSchemaValidator(xsd: XSDGenerator.xsd(for: schema))
            xmlValidator = validator
            return validator
        } catch {
            bag.add(Diagnostic(id: "manifest.badSchema", message: "cannot compile the XML schema: \(error.messages.map(\.message).joined(separator: "; "))"))
            return nil
        }
    }

    /// Appends the manifests of a JSON Lines file, read in parallel, in file order.
    private mutating func readJSONLines(_ file: ManifestFileContext) {
        var reserved = false
        let direct = sharedLineConverter()
        JSONLinesReader.read(file, converter: ManifestConverter(policy: policy), direct: direct,
                             known: knownIDs(reading: file.bytes.count)) { chunk, lines in
            chunk.withUnsafeBufferPointer { manifests in
                guard let first = manifests.baseAddress else { return true }
                for index in manifests.indices {
                    if bag.isFull { return false }
                    // A JSON Lines file usually holds one kind: room for all its lines, at once.
                    if !reserved, let kind = manifests[index].kind {
                        inventory.tables[kind].reserveCapacity(inventory.tables[kind].count + lines)
                        reserved = true
                    }
                    append(at: first + index, file)
                }
                return true
            }
        }
    }

    /// The ids a file's lines may be resolved against as they are converted: every kind read so
    /// far but placements (waivers name placements of the same input, which streaming sets
    /// aside). While the file is read, its own records of a kind looked up here copy that
    /// kind's index once (the converters still hold it), so a kind is looked up only when its
    /// index is small beside the file: many small files do not each copy a large index.
    private func knownIDs(reading bytes: Int) -> KnownRecordIDs? {
        let placementKind = policy.program.placementRecord
        let indexes = inventory.tables.indices.map { kind -> [String: Int]? in
            let table = inventory.tables[kind]
            return kind == placementKind || table.count == 0 || table.count > bytes / 16 ? nil : table.indexByID
        }
        return indexes.contains { $0 != nil } ? KnownRecordIDs(indexes: indexes) : nil
    }

    /// Adds manifests given as a document tree of another file (inline in a policy test).
    package mutating func add(document: DocumentNode, from file: ManifestFileContext) {
        var manifests = TopLevelManifests()
        manifests.add(document, file, ManifestConverter(policy: policy))
        add(manifests.content, .yaml, file)
    }

    private mutating func append(_ manifest: ConvertedManifest, _ file: ManifestFileContext) {
        withUnsafePointer(to: manifest) { append(at: $0, file) }
    }

    /// Adds a converted manifest: its errors, then its record unless its id is missing or taken.
    /// A manifest with errors still defines its id, so references to it do not add noise. Read
    /// where it is stored: passed by value, a manifest read from an array was copied whole.
    private mutating func append(at manifest: UnsafePointer<ConvertedManifest>, _ file: ManifestFileContext) {
        if !manifest.pointee.diagnostics.isEmpty {
            for diagnostic in manifest.pointee.diagnostics { bag.add(diagnostic) }
        }
        guard let kind = manifest.pointee.kind, let id = manifest.pointee.id else { return }
        let row = inventory.tables[kind].append(id: id, fields: manifest.pointee.values, origin: manifest.pointee.origin)
        if let existing = row.existing {
            let first = inventory.tables[kind].origins[existing]
            bag.add(Diagnostic(id: "manifest.duplicateID",
                               message: "duplicate \(schema.records[kind].name) id '\(id)': first defined at \(first.file):\(first.line)",
                               location: file.diagnosticLocation(manifest.pointee.idPosition ?? Position(line: manifest.pointee.origin.line, column: manifest.pointee.origin.column),
                                                                 length: id.count)))
            return
        }
        unresolvedFields[kind] |= manifest.pointee.unresolvedFields
        let placementKind = policy.program.placementRecord
        for reference in manifest.pointee.references {
            // An id already read is known for good (tables only grow): no need to remember where
            // it was named, which at a million placements is hundreds of megabytes. References
            // to placements stay, since waivers' references are set aside by those who stream.
            if reference.target != placementKind, inventory.tables[reference.target].indexByID[reference.id] != nil { continue }
            pending.append(PendingReference(kind: kind, row: row.index, field: reference.field, target: reference.target,
                                            id: reference.id, file: file, position: reference.position, length: reference.length))
        }
    }

    // MARK: After every file

    package mutating func finish() -> ManifestLoadResult {
        resolveReferences()
        if !bag.hasErrors { checkConditionalRequirements() }
        var diagnostics = bag.diagnostics
        if bag.isFull {
            diagnostics.append(Diagnostic(id: "manifest.tooManyErrors", severity: .note, message: "error limit of \(bag.limit) reached; further errors are not shown"))
        }
        return ManifestLoadResult(inventory: inventory, diagnostics: diagnostics)
    }
}
