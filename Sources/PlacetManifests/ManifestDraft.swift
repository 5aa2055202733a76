// A manifest as text fields, ready to be written as YAML, JSON or XML. The exporter makes
// drafts from an inventory; the importers make drafts from other formats, where a fact the
// source cannot know is the placeholder `TODO`, which no schema type accepts: a draft with
// a TODO left in it fails validation, so `check` never approves a half-filled manifest.

import PlacetLanguage
import PlacetXML

public struct ManifestDraft: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// A scalar; strings are quoted in YAML and JSON, bools and numbers are not.
        case scalar(String, quoted: Bool)
        case list([String], quoted: Bool)
        /// A fact for a person to fill in, with what to write there.
        case todo(hint: String, list: Bool)
    }

    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: Value

        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }
    }

    public var kind: String
    public var id: String
    public var fields: [Field]
    /// Comment lines written above the manifest in YAML (where it came from, what is left to do).
    public var notes: [String]

    public init(kind: String, id: String, fields: [Field], notes: [String] = []) {
        self.kind = kind
        self.id = id
        self.fields = fields
        self.notes = notes
    }

    public static let placeholder = "TODO"
}

public enum DraftRenderer {
    public static func render(_ drafts: [ManifestDraft], as format: ManifestExportFormat) -> [UInt8]? {
        switch format {
        case .yaml: Array(yaml(drafts).utf8)
        case .json: Array(json(drafts).utf8)
        case .xml: xml(drafts)
        }
    }

    static func yaml(_ drafts: [ManifestDraft]) -> String {
        var out = ""
        for (offset, draft) in drafts.enumerated() {
            if offset > 0 { out += "---\n" }
            for note in draft.notes { out += "# \(commentText(note))\n" }
            out += "apiVersion: placet/v1\nkind: \(draft.kind)\nid: \(quote(draft.id))\n"
            for field in draft.fields {
                switch field.value {
                case .scalar(let text, let quoted): out += "\(field.name): \(quoted ? quote(text) : text)\n"
                case .list(let items, let quoted): out += "\(field.name): [\(items.map { quoted ? quote($0) : $0 }.joined(separator: ", "))]\n"
                case .todo(let hint, let list):
                    out += "\(field.name): \(list ? "[\(ManifestDraft.placeholder)]" : ManifestDraft.placeholder)  # \(hint)\n"
                }
            }
        }
        return out
    }

    /// A JSON array, one manifest per line.
    static func json(_ drafts: [ManifestDraft]) -> String {
        let lines = drafts.map { draft in
            var members = ["\"apiVersion\": \"placet/v1\"", "\"kind\": \(quote(draft.kind))", "\"id\": \(quote(draft.id))"]
            for field in draft.fields {
                let value: String = switch field.value {
                case .scalar(let text, let quoted): quoted ? quote(text) : text
                case .list(let items, let quoted): "[\(items.map { quoted ? quote($0) : $0 }.joined(separator: ", "))]"
                case .todo(_, let list): list ? "[\(quote(ManifestDraft.placeholder))]" : quote(ManifestDraft.placeholder)
                }
                members.append("\(quote(field.name)): \(value)")
            }
            return "  {" + members.joined(separator: ", ") + "}"
        }
        return lines.isEmpty ? "[]\n" : "[\n" + lines.joined(separator: ",\n") + "\n]\n"
    }

    static func xml(_ drafts: [ManifestDraft]) -> [UInt8]? {
        let writer = XMLTextWriter()
        writer.startElement("manifests")
        writer.attribute("xmlns", XSDGenerator.namespace)
        for draft in drafts {
            writer.startElement(XSDGenerator.elementName(of: draft.kind))
            writer.attribute(SchemaContract.id, draft.id)
            for field in draft.fields {
                switch field.value {
                case .scalar(let text, _): writer.element(field.name, text: text)
                case .list(let items, _):
                    writer.startElement(field.name)
                    for item in items { writer.element("item", text: item) }
                    writer.endElement()
                case .todo(_, let list):
                    if list {
                        writer.startElement(field.name)
                        writer.element("item", text: ManifestDraft.placeholder)
                        writer.endElement()
                    } else {
                        writer.element(field.name, text: ManifestDraft.placeholder)
                    }
                }
            }
            writer.endElement()
        }
        writer.endElement()
        return writer.finish()
    }

    /// Text for one `#` comment line. Notes quote what an imported file says (a model's name),
    /// and YAML ends a comment at any line break (libyaml also at NEL, LS and PS) and refuses
    /// control characters anywhere: each of those becomes a space.
    static func commentText(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(scalar != "\t" && needsEscape(scalar) ? " " : scalar)
        }
        return String(out)
    }

    /// Characters a YAML 1.1 reader (libyaml, under Yams) refuses or reads as a line break: C0
    /// and C1 controls, DEL, the line and paragraph separators, and the two noncharacters U+FFFE, U+FFFF.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// A double-quoted string, valid in both JSON and YAML.
    public static func quote(_ text: String) -> String {
        // Most ids and values need no escape: copied whole, not scalar by scalar.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where needsEscape(c):
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
