// One line of a placement stream (`check --stream`) turned into a Placement record, checked
// as the loader checks any manifest: UTF-8, JSON, the schema's fields and types, references
// against the reference data, `required when`. A line's errors stay with that line.

import PlacetEngine
import PlacetLanguage

/// A placement read from one line: its record, or the errors that keep it from being decided.
public struct StreamedPlacement: Sendable {
    /// The placement's id, when the line names one (a line in error may still).
    public var id: String?
    /// Field values in the schema's order, references resolved to rows of the reference inventory.
    public var fields: [Value]
    public var origin: SourceLocation
    /// Where the id is written, for an error about the id itself (a duplicate).
    public var idLocation: SourceLocation?
    /// A line with any error is not decided: fail closed.
    public var errors: [Diagnostic]

    static func failed(_ error: Diagnostic) -> StreamedPlacement {
        StreamedPlacement(id: nil, fields: [], origin: error.location ?? SourceLocation(file: "", line: 0, column: 0), idLocation: nil,
                          errors: [error])
    }
}

public struct PlacementLineConverter: Sendable {
    public let references: StreamReferences
    private let converter: ManifestConverter
    private let direct: DirectLineConverter
    /// A line longer than this is an error without being parsed: placements are a few hundred bytes.
    public static let maximumLineLength = 1 << 20
    /// Lines longer than this are not quoted under their errors.
    static let quotedLineLength = 400
    /// A line's errors beyond this many are counted, not listed: an error line stays a few kilobytes.
    static let errorsPerLine = 50

    public init(references: StreamReferences) {
        self.references = references
        self.converter = ManifestConverter(policy: references.policy)
        self.direct = DirectLineConverter(policy: references.policy)
    }

    /// `bytes[range]` is one line without its newline; `line` is its 1-based number in `path`.
    public func convert(_ bytes: [UInt8], range: Range<Int>, line: Int, path: String) -> StreamedPlacement {
        let lineBytes = Array(bytes[range])
        var placement = convert(lineBytes, line: line, path: path)
        // The converter quotes lines of a whole file; this file is one line, so quote it here.
        if lineBytes.count <= Self.quotedLineLength {
            let text = String(decoding: lineBytes, as: UTF8.self)
            for index in placement.errors.indices where placement.errors[index].location?.line == line {
                placement.errors[index].location?.sourceLine = text
            }
            placement.idLocation?.sourceLine = text
        }
        if placement.errors.count > Self.errorsPerLine {
            let more = placement.errors.count - Self.errorsPerLine
            placement.errors.removeLast(more)
            placement.errors.append(Diagnostic(id: "manifest.tooManyErrors", severity: .note, message: "\(more) more errors on this line are not shown",
                                               location: SourceLocation(file: path, line: line, column: 1)))
        }
        return placement
    }

    /// The error for a line over `maximumLineLength`, which is skipped unread.
    public static func tooLong(line: Int, length: Int, path: String) -> StreamedPlacement {
        .failed(Diagnostic(id: "manifest.tooLarge",
                           message: "line is \(length) bytes, over the limit of \(maximumLineLength) bytes for one placement",
                           location: SourceLocation(file: path, line: line, column: 1)))
    }

    private func convert(_ lineBytes: [UInt8], line: Int, path: String) -> StreamedPlacement {
        let file = ManifestFileContext(path: path, bytes: lineBytes, format: .jsonl)
        if let offset = UTF8Validation.firstInvalidOffset(in: lineBytes) {
            let column = 1 + lineBytes[..<offset].count { $0 & 0xC0 != 0x80 }
            return .failed(Diagnostic(
                id: "manifest.invalidUTF8",
                message: "invalid UTF-8 byte 0x\(String(lineBytes[offset], radix: 16, uppercase: true)); manifests must be UTF-8",
                location: SourceLocation(file: path, line: line, column: column)))
        }
        // The fast path takes the plain lines (DirectLineConverter); the general one reads the rest and words their errors.
        var members: [DirectLineConverter.Member] = []
        let fast = lineBytes.withUnsafeBufferPointer { direct.convert($0, 0..<$0.count, line: line, file: file, members: &members) }
        let manifest: ConvertedManifest
        if let fast {
            manifest = fast
        } else {
            let node: DocumentNode
            switch JSONReader.parse(lineBytes, line: line) {
            case .success(let value): node = value
            case .failure(let failure):
                return .failed(Diagnostic(id: "manifest.malformedJSON", message: failure.message, location: file.location(failure.position)))
            }
            guard case .mapping = node else {
                return .failed(Diagnostic(id: "manifest.notAManifest",
                                          message: "each JSON Lines line must be one manifest object, found \(node.kindDescription)",
                                          location: file.location(node.position)))
            }
            manifest = converter.convert(node, file)
        }
        let idLocation = manifest.idPosition.map { file.location($0, length: manifest.id?.count ?? 1) }
        var placement = StreamedPlacement(id: manifest.id, fields: [], origin: manifest.origin, idLocation: idLocation,
                                          errors: manifest.diagnostics)
        let schema = references.policy.schema
        let placementKind = references.placementKind
        guard let kind = manifest.kind, let id = manifest.id else {
            // The converter always says why it found no record; should it not, the line still fails.
            if placement.errors.isEmpty {
                placement.errors.append(Diagnostic(id: "manifest.notAManifest", message: "this line is not a manifest with a kind and an id",
                                                   location: manifest.origin))
            }
            return placement
        }
        guard kind == placementKind else {
            placement.errors.append(Diagnostic(
                id: "stream.notAPlacement",
                message: "\(schema.records[kind].name) '\(id)': the placement stream holds only \(schema.records[placementKind].name) manifests; give \(schema.records[kind].name) manifests as reference PATHs",
                location: manifest.origin))
            return placement
        }
        let inventory = references.inventory
        for reference in manifest.references where inventory.tables[reference.target].indexByID[reference.id] == nil {
            placement.errors.append(InventoryBuilder.danglingReference(
                schema: schema, kind: kind, owner: id, field: reference.field, target: reference.target,
                id: reference.id, known: inventory.tables[reference.target].ids, location: reference.location(in: file)))
        }
        guard placement.errors.isEmpty else { return placement }
        let record = schema.records[kind]
        placement.fields = manifest.values.indices.map { field in
            record.fields[field].type.refersToRecord
                ? InventoryBuilder.resolve(manifest.values[field], as: record.fields[field].type, in: inventory) : manifest.values[field]
        }
        // `required when` reads the record from an inventory: this placement alone beside the reference data.
        var table = RecordTable()
        table.append(id: id, fields: placement.fields, origin: placement.origin)
        var alone = inventory
        alone.tables[kind] = table
        for field in record.fields.indices {
            if let error = InventoryBuilder.conditionalRequirementError(kind: kind, field: field, row: 0, inventory: alone,
                                                                        schema: schema, evaluator: references.conditionEvaluator) {
                placement.errors.append(error)
            }
        }
        return placement
    }
}
