// XML manifests (SPEC §2.6): `<manifests xmlns="urn:placet:manifest:v1">`, one child element
// per manifest named by its kind in lower case, `id` as an attribute, scalar fields as child
// elements, set and list fields as `<item>` children. The document is checked against the
// XSD first; then each manifest becomes the same document tree YAML and JSON give, so XML
// evaluates exactly like its YAML equivalent.

import PlacetLanguage
import PlacetXML

enum XMLManifestReader {
    /// XML is read whole into a tree: larger files are refused with a message.
    static let maximumSize = 32 << 20

    /// Reads the manifests, or returns every error (parse or schema violation) with its line.
    /// The XSD refuses a removed enum value like any unknown one; this finds libxml2's
    /// "Element '{ns}useCase': [facet 'enumeration'] The value 'x' is not an element of the set"
    /// for a removed case and gives the same guidance as YAML and JSON.
    static func removedValueGuidance(_ message: String, schema: Schema) -> String? {
        guard message.contains("[facet 'enumeration']"),
              let valueStart = message.range(of: "The value '")?.upperBound,
              let valueEnd = message[valueStart...].range(of: "' is not an element")?.lowerBound else { return nil }
        let value = String(message[valueStart..<valueEnd])
        var candidates = schema.enumerations.filter { $0.removed[value] != nil }
        if let fieldStart = message.range(of: "}")?.upperBound, let fieldEnd = message[fieldStart...].firstIndex(of: "'") {
            let field = String(message[fieldStart..<fieldEnd])
            let named = schema.records.compactMap { record -> EnumerationType? in
                guard let index = record.fieldIndex[field] else { return nil }
                var type = record.fields[index].type.unwrapped
                if let element = type.elementType { type = element }
                guard case .enumeration(let enumIndex) = type else { return nil }
                return schema.enumerations[enumIndex]
            }.filter { $0.removed[value] != nil }
            if !named.isEmpty { candidates = named }
        }
        return candidates.first?.removalMessage(value)
    }

    static func read(_ file: ManifestFileContext, schema: Schema, validator: XMLSchemaValidator) -> Result<[DocumentNode], XMLFailure> {
        guard file.bytes.count <= maximumSize else {
            return .failure(XMLFailure(messages: [XMLMessage(
                line: 1, column: 0,
                message: "XML document is \(file.bytes.count) bytes, over the limit of \(maximumSize) bytes for XML manifests; split it or use JSON Lines")]))
        }
        let document: XMLDocument
        do {
            document = try XMLDocument(parsing: file.bytes, url: file.path)
        } catch {
            return .failure(error)
        }
        let violations = validator.validate(document)
        if !violations.isEmpty { return .failure(XMLFailure(messages: violations)) }
        guard let root = document.root else { return .success([]) }
        var records: [String: RecordType] = [:]
        for record in schema.records { records[XSDGenerator.elementName(of: record.name)] = record }
        var manifests: [DocumentNode] = []
        // Where its start tag begins; else libxml2's line (on its count, mapped to the file's),
        // kept inside the file like its messages' (a document decoded from another encoding).
        func elementPosition(_ element: XMLElement) -> Position {
            document.startTagOffset(of: element).map(file.position(ofOffset:)) ?? file.parserPosition(line: element.line, column: 0)
        }
        for element in root.children {
            let position = elementPosition(element)
            guard let record = records[element.name] else { continue }  // the XSD admits only known kinds
            var entries = [
                MappingEntry(key: "apiVersion", keyPosition: position, value: .scalar("placet/v1", .text, position)),
                MappingEntry(key: "kind", keyPosition: position, value: .scalar(record.name, .text, position)),
            ]
            if let id = element.attribute(SchemaContract.id) {
                entries.append(MappingEntry(key: SchemaContract.id, keyPosition: position, value: .scalar(id, .text, position)))
            }
            for field in element.children {
                let fieldPosition = elementPosition(field)
                let isCollection = record.fieldIndex[field.name].map { record.fields[$0].type.unwrapped.elementType != nil } ?? false
                let value: DocumentNode = isCollection
                    ? .sequence(field.children.map { .scalar($0.text, .plain, elementPosition($0)) }, fieldPosition)
                    : .scalar(field.text, .plain, fieldPosition)
                entries.append(MappingEntry(key: field.name, keyPosition: fieldPosition, value: value))
            }
            manifests.append(.mapping(entries, position))
        }
        return .success(manifests)
    }
}
