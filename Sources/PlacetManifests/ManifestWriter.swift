// Writes an inventory back out as manifests: YAML, JSON or XML. Only fields that differ from
// their defaults are written; kinds come in schema order and records in the order read, so
// the output is deterministic and reading it back gives the same inventory.

import PlacetEngine
import PlacetLanguage

public enum ManifestExportFormat: String, Sendable, CaseIterable {
    case yaml, json, xml
}

public struct ManifestWriter {
    public let policy: CompiledPolicy
    public let inventory: Inventory

    public init(policy: CompiledPolicy, inventory: Inventory) {
        self.policy = policy
        self.inventory = inventory
    }

    private var schema: Schema { policy.schema }

    /// A field's value as it is written in a manifest.
    private enum Written {
        case scalar(String, quoted: Bool)
        case list([String], quoted: Bool)
    }

    /// The fields of one record worth writing, in schema order (the id first).
    private func fields(kind: Int, row: Int) -> [(name: String, value: Written)] {
        let record = schema.records[kind]
        let values = inventory.tables[kind].rows[row]
        var out: [(String, Written)] = [("id", .scalar(inventory.tables[kind].ids[row], quoted: true))]
        for (index, field) in record.fields.enumerated() where index != record.idField {
            let value = values[index]
            if value == .absent { continue }
            if let defaultValue = policy.defaults[kind][index], defaultValue == value, !field.isRequired { continue }
            let type = field.type.unwrapped
            if let element = type.elementType {
                out.append((field.name, .list(value.elements.map { text($0, as: element) }, quoted: isQuoted(element))))
            } else {
                out.append((field.name, .scalar(text(value, as: type), quoted: isQuoted(type))))
            }
        }
        return out
    }

    private func isQuoted(_ type: PlacetType) -> Bool {
        switch type {
        case .bool, .number: false
        default: true
        }
    }

    private func text(_ value: Value, as type: PlacetType) -> String {
        switch (value, type) {
        case (.record(let row), .record(let kind)): inventory.tables[kind].ids[row]
        default: ValueFormatter(schema: schema, inventory: inventory).format(value, as: type)
        }
    }

    private var records: [(kind: Int, row: Int)] {
        schema.records.indices.flatMap { kind in inventory.tables[kind].rows.indices.map { (kind, $0) } }
    }

    public func write(_ format: ManifestExportFormat) -> [UInt8]? {
        switch format {
        case .yaml: Array(yaml().utf8)
        case .json: Array(json().utf8)
        case .xml: xml()
        }
    }

    /// YAML with every string double-quoted, so no reader can take `NO` for `false`.
    func yaml() -> String {
        var out = ""
        for (offset, (kind, row)) in records.enumerated() {
            if offset > 0 { out += "---\n" }
            out += "apiVersion: placet/v1\nkind: \(schema.records[kind].name)\n"
            for (name, value) in fields(kind: kind, row: row) {
                switch value {
                case .scalar(let text, let quoted): out += "\(name): \(quoted ? Self.quote(text) : text)\n"
                case .list(let items, let quoted): out += "\(name): [\(items.map { quoted ? Self.quote($0) : $0 }.joined(separator: ", "))]\n"
                }
            }
        }
        return out
    }

    /// A JSON array, one manifest per line.
    func json() -> String {
        let lines = records.map { kind, row in
            var members = ["\"apiVersion\": \"placet/v1\"", "\"kind\": \(Self.quote(schema.records[kind].name))"]
            for (name, value) in fields(kind: kind, row: row) {
                switch value {
                case .scalar(let text, let quoted): members.append("\(Self.quote(name)): \(quoted ? Self.quote(text) : text)")
                case .list(let items, let quoted):
                    members.append("\(Self.quote(name)): [\(items.map { quoted ? Self.quote($0) : $0 }.joined(separator: ", "))]")
                }
            }
            return "  {" + members.joined(separator: ", ") + "}"
        }
        return lines.isEmpty ? "[]\n" : "[\n" + lines.joined(separator: ",\n") + "\n]\n"
    }

    func xml() -> [UInt8]? {
        let writer = XMLTextWriter()
        writer.startElement("manifests")
        writer.attribute("xmlns", XSDGenerator.namespace)
        for (kind, row) in records {
            writer.startElement(XSDGenerator.elementName(of: schema.records[kind].name))
            for (name, value) in fields(kind: kind, row: row) {
                switch value {
                case .scalar(let text, _) where name == "id": writer.attribute("id", text)
                case .scalar(let text, _): writer.element(name, text: text)
                case .list(let items, _):
                    writer.startElement(name)
                    for item in items { writer.element("item", text: item) }
                    writer.endElement()
                }
            }
            writer.endElement()
        }
        writer.endElement()
        return writer.finish()
    }

    /// A double-quoted string, valid in both JSON and YAML.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20 || c.value == 0x7F:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
