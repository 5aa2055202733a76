// Turns document trees into records of the schema, one manifest at a time.

import Dispatch
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetXML
import Synchronization

package struct InventoryBuilder {
    package let policy: CompiledPolicy
    package var inventory: Inventory
    package var bag: DiagnosticBag
    private var pending: [PendingReference] = []
    /// Compiled from the policy schema the first time an XML file is read.
    private var xmlValidator: XMLSchemaValidator?
    private var schema: Schema { policy.schema }

    /// A reference by id, resolved once every manifest has been read.
    private struct PendingReference {
        let kind: Int
        let row: Int
        let field: Int
        let target: Int
        let id: String
        let location: SourceLocation
    }

    package init(policy: CompiledPolicy, errorLimit: Int) {
        self.policy = policy
        self.inventory = Inventory(recordKinds: policy.schema.records.count)
        self.bag = DiagnosticBag(limit: errorLimit)
    }

    // MARK: Files

    package mutating func read(_ input: ManifestInput) {
        guard !bag.isFull else { return }
        inventory.files.append(InputFile(path: input.path, digest: Digests.sha256(input.bytes)))
        let file = ManifestFileContext(path: input.path, bytes: input.bytes)
        if let offset = UTF8Validation.firstInvalidOffset(in: input.bytes) {
            let position = file.position(ofOffset: offset)
            error("manifest.invalidUTF8", "invalid UTF-8 byte 0x\(String(input.bytes[offset], radix: 16, uppercase: true)); manifests must be UTF-8", file, position)
            return
        }
        var format = input.format ?? ManifestFormat(path: input.path)
        if format == nil {
            // A file named on the command line with another extension: JSON if it looks like JSON.
            let first = input.bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            format = first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .json : .yaml
        }
        switch format! {
        case .jsonl: readJSONLines(file)
        case .json:
            let result: Result<DocumentNode, ReadError> = input.bytes.withUnsafeBufferPointer { buffer in
                do throws(ReadError) {
                    return .success(try JSONReader.read(buffer, range: 0..<buffer.count))
                } catch {
                    return .failure(error)
                }
            }
            let node: DocumentNode
            switch result {
            case .success(let value): node = value
            case .failure(let failure):
                error("manifest.malformedJSON", failure.message, file, failure.position)
                return
            }
            addTopLevel(node, file)
        case .yaml:
            let documents: [DocumentNode]
            do {
                documents = try YAMLReader.read(String(decoding: input.bytes, as: UTF8.self))
            } catch {
                self.error("manifest.malformedYAML", error.message, file, error.position)
                return
            }
            for document in documents { addTopLevel(document, file) }
        case .xml:
            readXML(file)
        }
    }

    private mutating func readXML(_ file: ManifestFileContext) {
        if xmlValidator == nil {
            do {
                xmlValidator = try XMLSchemaValidator(xsd: XSDGenerator.xsd(for: schema))
            } catch {
                bag.add(Diagnostic(id: "manifest.badSchema", message: "cannot compile the XML schema: \(error.messages.map(\.message).joined(separator: "; "))"))
                return
            }
        }
        switch XMLManifestReader.read(file.bytes, path: file.path, schema: schema, validator: xmlValidator!) {
        case .success(let manifests):
            for manifest in manifests { addManifest(manifest, file) }
        case .failure(let failure):
            // libxml2 gives lines (columns only sometimes): `file:line: message`.
            for message in failure.messages {
                let guidance = XMLManifestReader.removedValueGuidance(message.message, schema: schema)
                bag.add(Diagnostic(id: guidance == nil ? "manifest.invalidXML" : "manifest.removedValue",
                                   message: guidance ?? message.message,
                                   location: SourceLocation(file: file.path, line: message.line, column: message.column,
                                                            sourceLine: message.column > 0 ? file.line(message.line) : nil)))
            }
        }
    }

    /// JSON Lines are independent records: chunks of lines are parsed and converted on every
    /// core, then appended in file order, so the result does not depend on scheduling.
    private mutating func readJSONLines(_ file: ManifestFileContext) {
        let chunks = InventoryBuilder.lineChunks(file.bytes, target: 1 << 20)
        let converter = ManifestConverter(policy: policy)
        let results = Mutex<[[ConvertedManifest]]>(Array(repeating: [], count: chunks.count))
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            let chunk = chunks[index]
            var converted: [ConvertedManifest] = []
            file.bytes.withUnsafeBufferPointer { buffer in
                var lineStart = chunk.start
                var lineNumber = chunk.firstLine
                var errors = 0
                while lineStart < chunk.end, errors < 1_000 {
                    var lineEnd = lineStart
                    while lineEnd < chunk.end, buffer[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                    let isBlank = buffer[lineStart..<lineEnd].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                    if !isBlank {
                        let manifest: ConvertedManifest
                        do throws(ReadError) {
                            let node = try JSONReader.read(buffer, range: lineStart..<lineEnd, line: lineNumber)
                            if case .mapping = node {
                                manifest = converter.convert(node, file)
                            } else {
                                manifest = .failure(Diagnostic(
                                    id: "manifest.notAManifest",
                                    message: "each JSON Lines line must be one manifest object, found \(node.kindDescription)",
                                    location: file.diagnosticLocation(node.position)))
                            }
                        } catch {
                            manifest = .failure(Diagnostic(id: "manifest.malformedJSON", message: error.message,
                                                           location: file.diagnosticLocation(error.position)))
                        }
                        errors += manifest.diagnostics.count
                        converted.append(manifest)
                    }
                    lineStart = lineEnd + 1
                    lineNumber += 1
                }
            }
            results.withLock { $0[index] = converted }
        }
        for chunk in results.withLock({ $0 }) {
            for manifest in chunk {
                if bag.isFull { return }
                append(manifest, file)
            }
        }
    }

    /// Splits bytes into ranges of whole lines of about `target` bytes, with each range's first line number.
    static func lineChunks(_ bytes: [UInt8], target: Int) -> [(start: Int, end: Int, firstLine: Int)] {
        var chunks: [(start: Int, end: Int, firstLine: Int)] = []
        var start = 0
        var line = 1
        while start < bytes.count {
            var end = min(bytes.count, start + target)
            while end < bytes.count, bytes[end - 1] != UInt8(ascii: "\n") { end += 1 }
            chunks.append((start, end, line))
            for index in start..<end where bytes[index] == UInt8(ascii: "\n") { line += 1 }
            start = end
        }
        return chunks
    }

    /// Adds manifests given as a document tree of another file (inline in a policy test).
    package mutating func add(document: DocumentNode, from file: ManifestFileContext) {
        addTopLevel(document, file)
    }

    private mutating func addTopLevel(_ node: DocumentNode, _ file: ManifestFileContext) {
        switch node {
        case .mapping:
            addManifest(node, file)
        case .sequence(let items, _):
            for item in items { addManifest(item, file) }
        case .scalar where node.isNull:
            break  // an empty YAML document, as after a trailing '---'
        case .scalar:
            error("manifest.notAManifest", "expected a manifest (a mapping with apiVersion, kind and id) or a list of them, found \(node.kindDescription)", file, node.position)
        }
    }

    // MARK: Manifests

    private mutating func addManifest(_ node: DocumentNode, _ file: ManifestFileContext) {
        append(ManifestConverter(policy: policy).convert(node, file), file)
    }

    /// Adds a converted manifest: its errors, then its record unless its id is missing or taken.
    /// A manifest with errors still defines its id, so references to it do not add noise.
    private mutating func append(_ manifest: ConvertedManifest, _ file: ManifestFileContext) {
        for diagnostic in manifest.diagnostics { bag.add(diagnostic) }
        guard let kind = manifest.kind, let id = manifest.id else { return }
        if let existing = inventory.tables[kind].indexByID[id] {
            let first = inventory.tables[kind].origins[existing]
            bag.add(Diagnostic(id: "manifest.duplicateID",
                               message: "duplicate \(schema.records[kind].name) id '\(id)': first defined at \(first.file):\(first.line)",
                               location: file.diagnosticLocation(manifest.idPosition ?? Position(line: manifest.origin.line, column: manifest.origin.column), length: id.count)))
            return
        }
        let row = inventory.tables[kind].append(id: id, fields: manifest.values, origin: manifest.origin)
        for reference in manifest.references {
            pending.append(PendingReference(kind: kind, row: row, field: reference.field, target: reference.target,
                                            id: reference.id, location: reference.location))
        }
    }

    private mutating func error(_ id: String, _ message: String, _ file: ManifestFileContext, _ position: Position, length: Int = 1) {
        bag.add(Diagnostic(id: id, message: message, location: file.diagnosticLocation(position, length: length)))
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

    private mutating func resolveReferences() {
        for reference in pending where inventory.tables[reference.target].indexByID[reference.id] == nil {
            let targetName = schema.records[reference.target].name
            let field = schema.records[reference.kind].fields[reference.field].name
            let owner = inventory.tables[reference.kind].ids[reference.row]
            let known = inventory.tables[reference.target].ids
            bag.add(Diagnostic(
                id: "manifest.danglingReference",
                message: "\(schema.records[reference.kind].name) '\(owner)', field '\(field)': no \(targetName) with id '\(reference.id)'\(known.count < 5000 ? Suggestion.didYouMean(reference.id, in: known) : "")",
                location: reference.location))
        }
        for kind in schema.records.indices {
            let fields = schema.records[kind].fields.enumerated().filter { $0.element.type.refersToRecord }
            if fields.isEmpty { continue }
            for row in inventory.tables[kind].rows.indices {
                for (index, field) in fields {
                    let value = inventory.tables[kind].rows[row][index]
                    inventory.tables[kind].rows[row][index] = resolve(value, as: field.type)
                }
            }
        }
    }

    private func resolve(_ value: Value, as type: PlacetType) -> Value {
        switch type {
        case .optional(let inner): return value == .absent ? .absent : resolve(value, as: inner)
        case .record(let target):
            guard case .string(let id) = value, let row = inventory.tables[target].indexByID[id] else { return .absent }
            return .record(row)
        case .set(let element): return Value.makeSet(value.elements.map { resolve($0, as: element) })
        case .list(let element): return .collection(value.elements.map { resolve($0, as: element) })
        default: return value
        }
    }

    private mutating func checkConditionalRequirements() {
        let evaluator = Evaluator(program: policy.program, today: CivilDate(daysSinceEpoch: 0))
        for (kind, record) in schema.records.enumerated() {
            for (index, field) in record.fields.enumerated() {
                guard let condition = field.requiredWhen else { continue }
                let table = inventory.tables[kind]
                for row in table.rows.indices {
                    let value = table.rows[row][index]
                    let missing: Bool = switch value {
                    case .absent: true
                    case .collection(let items): items.isEmpty
                    default: false
                    }
                    if missing, evaluator.evaluate(condition, record: row, inventory: inventory).boolValue {
                        bag.add(Diagnostic(
                            id: "manifest.conditionallyRequired",
                            message: "\(record.name) '\(table.ids[row])': field '\(field.name)' is required (and may not be empty) when \(field.requiredWhenText)",
                            location: table.origins[row]))
                    }
                }
            }
        }
    }
}

extension PlacetType {
    var refersToRecord: Bool {
        switch self {
        case .record: true
        case .optional(let inner), .set(let inner), .list(let inner): inner.refersToRecord
        default: false
        }
    }
}

/// A file being read: its path and bytes, with a line index built only when an error needs
/// the source line. Chunks of one file are converted on several threads, hence the lock.
package final class ManifestFileContext: Sendable {
    package let path: String
    package let bytes: [UInt8]
    private let lineStarts = Mutex<[Int]?>(nil)

    package init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    func location(_ position: Position, length: Int = 1) -> SourceLocation {
        SourceLocation(file: path, line: position.line, column: position.column, length: length, sourceLine: nil)
    }

    /// The location with the offending line attached, for diagnostics.
    package func diagnosticLocation(_ position: Position, length: Int = 1) -> SourceLocation {
        SourceLocation(file: path, line: position.line, column: position.column, length: length, sourceLine: line(position.line))
    }

    func position(ofOffset offset: Int) -> Position {
        let starts = index()
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let column = bytes[starts[low]..<offset].filter { $0 & 0xC0 != 0x80 }.count + 1
        return Position(line: low + 1, column: column)
    }

    func line(_ number: Int) -> String? {
        let starts = index()
        guard number >= 1, number <= starts.count else { return nil }
        let start = starts[number - 1]
        var end = number < starts.count ? starts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        guard end - start <= 400 else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func index() -> [Int] {
        lineStarts.withLock { cached in
            if let cached { return cached }
            var starts = [0]
            for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
            cached = starts
            return starts
        }
    }
}

enum UTF8Validation {
    /// The offset of the first byte that is not part of well-formed UTF-8, if any.
    static func firstInvalidOffset(in bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; scalar = UInt32(byte & 0x1F); minimum = 0x80
            case 0xE0...0xEF: length = 3; scalar = UInt32(byte & 0x0F); minimum = 0x800
            case 0xF0...0xF4: length = 4; scalar = UInt32(byte & 0x07); minimum = 0x10000
            default: return index
            }
            guard index + length <= count else { return index }
            for next in 1..<length {
                let continuation = bytes[index + next]
                guard continuation & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            minimum = 0
            index += length
        }
        return nil
    }
}
