// PlacetXML: a small Swift layer over libxml2: every C pointer has one owner that frees it, errors are
// captured per call through libxml2's structured (per-thread) handlers, and callers only see
// Swift values. Documents, schemas and writers stay on the thread that made them.

import CLibXML2
import CXMLSupport

/// One libxml2 message: where it points and what it says.
public struct XMLMessage: Sendable, Equatable {
    /// libxml2's line, on its count (`XMLDocument.countsLoneCarriageReturn`); 0 for none.
    public var line: Int
    /// 0 for none; libxml2's columns may run past the end of their line (on input it decoded
    /// from another encoding, for one), so readers keep them inside it.
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

/// Collects libxml2's structured errors for the duration of one call.
final class XMLErrorCollector {
    private(set) var messages: [XMLMessage] = []
    /// Collected entries beyond this are counted, not kept.
    private let limit = 200
    /// When parsing: the document's parser. libxml2 reports an entity's replacement text from a
    /// parser of its own, at lines and columns of that text, and a failed decoding of the raw
    /// bytes from none, at line 0; neither is a place in the document, so both get no position.
    var documentParser: UnsafeMutableRawPointer?

    static let handler: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let collector = Unmanaged<XMLErrorCollector>.fromOpaque(context).takeUnretainedValue()
        let entry = error.pointee
        guard entry.level.rawValue >= XML_ERR_ERROR.rawValue, collector.messages.count < collector.limit else { return }
        var text = entry.message.map { String(cString: $0) } ?? "unknown XML error"
        while text.last == "\n" || text.last == " " { text.removeLast() }
        // libxml2 lists every allowed value (249 countries); keep messages readable.
        if text.count > 300 { text = String(text.prefix(300)) + " …" }
        let inDocument = collector.documentParser == nil || entry.ctxt == collector.documentParser
        let message = XMLMessage(line: inDocument ? Int(entry.line) : 0, column: inDocument ? Int(entry.int2) : 0, message: text)
        // Entity loops are reported once per nesting level: say it once.
        if collector.messages.last != message { collector.messages.append(message) }
    }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Runs `body` with this collector as the thread's libxml2 error handler, then removes it,
    /// so no error leaks into another call.
    func capture<T>(_ body: () throws -> T) rethrows -> T {
        placet_xml_set_error_handler(context, XMLErrorCollector.handler)
        defer { placet_xml_set_error_handler(nil, nil) }
        return try body()
    }
}

public struct XMLFailure: Error, Sendable {
    public var messages: [XMLMessage]

    public init(messages: [XMLMessage]) {
        self.messages = messages
    }
}

/// A parsed document; freed when the last reference goes.
public final class XMLDocument {
    let pointer: xmlDocPtr

    /// Safe options for hostile input: no network, no entity substitution (so no XXE), no DTD
    /// loading, libxml2's default size and depth limits (no XML_PARSE_HUGE).
    static let parseOptions = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue)

    public init(parsing bytes: [UInt8], url: String) throws(XMLFailure) {
        placet_xml_initialize()
        let collector = XMLErrorCollector()
        guard let context = xmlNewParserCtxt() else { throw XMLFailure(messages: [XMLMessage(line: 0, column: 0, message: "cannot create an XML parser")]) }
        defer { xmlFreeParserCtxt(context) }
        collector.documentParser = UnsafeMutableRawPointer(context)
        let document = collector.capture {
            bytes.withUnsafeBufferPointer { buffer in
                // No storage at all (an empty array may have none): libxml2 gets an empty string.
                guard let address = buffer.baseAddress else {
                    return xmlCtxtReadMemory(context, "", 0, url, nil, XMLDocument.parseOptions)
                }
                return address.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                    xmlCtxtReadMemory(context, base, Int32(buffer.count), url, nil, XMLDocument.parseOptions)
                }
            }
        }
        guard let document, collector.messages.isEmpty else {
            if let document { xmlFreeDoc(document) }
            var messages = collector.messages
            if messages.isEmpty { messages.append(XMLMessage(line: 0, column: 0, message: "not well-formed XML")) }
            throw XMLFailure(messages: messages)
        }
        // A DOCTYPE is where entities and external DTDs come from: manifests never need one.
        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            let line = document.pointee.intSubset.map { Int(xmlGetLineNo(UnsafeMutablePointer(OpaquePointer($0)))) } ?? 1
            xmlFreeDoc(document)
            throw XMLFailure(messages: [XMLMessage(line: max(1, line), column: 0,
                                                   message: "DOCTYPE declarations are not allowed in manifests (no DTDs, no entities)")])
        }
        pointer = document
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    public var root: XMLElement? {
        xmlDocGetRootElement(pointer).map(XMLElement.init)
    }
}

/// A borrowed view of an element; valid while its document lives.
public struct XMLElement {
    let node: xmlNodePtr

    init(_ node: xmlNodePtr) {
        self.node = node
    }

    public var name: String { String(cString: node.pointee.name) }

    public var namespace: String? {
        node.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
    }

    public var line: Int { Int(xmlGetLineNo(node)) }

    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(XMLElement(current)) }
            child = current.pointee.next
        }
        return result
    }

    /// The text content (entity references are not expanded: documents with DTDs are refused).
    public var text: String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { placet_xml_free(content) }
        return String(cString: content)
    }

    public func attribute(_ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { placet_xml_free(value) }
        return String(cString: value)
    }
}

/// A compiled XSD; reusable, with a new validation context per document.
public final class XMLSchemaValidator {
    private let schema: xmlSchemaPtr

    public init(xsd: String) throws(XMLFailure) {
        placet_xml_initialize()
        let collector = XMLErrorCollector()
        let bytes = Array(xsd.utf8)
        let parsed: xmlSchemaPtr? = collector.capture {
            let context = bytes.withUnsafeBufferPointer { buffer in
                guard let address = buffer.baseAddress else { return xmlSchemaNewMemParserCtxt("", 0) }
                return address.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlSchemaNewMemParserCtxt($0, Int32(buffer.count))
                }
            }
            guard let context else { return nil }
            defer { xmlSchemaFreeParserCtxt(context) }
            xmlSchemaSetParserStructuredErrors(context, XMLErrorCollector.handler, collector.context)
            return xmlSchemaParse(context)
        }
        guard let parsed else {
            throw XMLFailure(messages: collector.messages.isEmpty ? [XMLMessage(line: 0, column: 0, message: "invalid XSD")] : collector.messages)
        }
        schema = parsed
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// Every violation of the schema, with the line libxml2 gives.
    public func validate(_ document: XMLDocument) -> [XMLMessage] {
        let collector = XMLErrorCollector()
        return collector.capture {
            guard let context = xmlSchemaNewValidCtxt(schema) else {
                return [XMLMessage(line: 0, column: 0, message: "cannot create an XSD validation context")]
            }
            defer { xmlSchemaFreeValidCtxt(context) }
            xmlSchemaSetValidStructuredErrors(context, XMLErrorCollector.handler, collector.context)
            let result = xmlSchemaValidateDoc(context, document.pointer)
            if result != 0, collector.messages.isEmpty {
                return [XMLMessage(line: 0, column: 0, message: result < 0 ? "internal error while validating" : "document does not match the schema")]
            }
            return collector.messages
        }
    }
}

/// Writes XML through libxml2's xmlTextWriter, so escaping is libxml2's job.
public final class XMLTextWriter {
    private let buffer: xmlBufferPtr
    private var writer: xmlTextWriterPtr?
    public private(set) var failed = false

    public init() {
        placet_xml_initialize()
        buffer = xmlBufferCreate()
        writer = xmlNewTextWriterMemory(buffer, 0)
        if let writer {
            check(xmlTextWriterSetIndent(writer, 1))
            check(xmlTextWriterSetIndentString(writer, "  "))
            check(xmlTextWriterStartDocument(writer, nil, "UTF-8", nil))
        } else {
            failed = true
        }
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
        xmlBufferFree(buffer)
    }

    private func check(_ result: Int32) {
        if result < 0 { failed = true }
    }

    public func startElement(_ name: String) {
        guard let writer else { return }
        check(xmlTextWriterStartElement(writer, name))
    }

    public func attribute(_ name: String, _ value: String) {
        guard let writer else { return }
        check(xmlTextWriterWriteAttribute(writer, name, XMLTextWriter.representable(value)))
    }

    public func element(_ name: String, text: String) {
        guard let writer else { return }
        check(xmlTextWriterWriteElement(writer, name, XMLTextWriter.representable(text)))
    }

    public func text(_ text: String) {
        guard let writer else { return }
        check(xmlTextWriterWriteString(writer, XMLTextWriter.representable(text)))
    }

    public func endElement() {
        guard let writer else { return }
        check(xmlTextWriterEndElement(writer))
    }

    /// XML 1.0 cannot hold C0 control characters other than tab, line feed and carriage return,
    /// nor U+FFFE and U+FFFF, and a NUL would end libxml2's C string early: each becomes U+FFFD,
    /// so the writer never produces a document its own reader refuses.
    static func representable(_ text: String) -> String {
        func allowed(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: true
            case 0..<0x20, 0xFFFE, 0xFFFF: false
            default: true
            }
        }
        guard !text.unicodeScalars.allSatisfy(allowed) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(allowed(scalar) ? scalar : "\u{FFFD}") }
        return String(out)
    }

    /// Ends the document and returns its bytes, or nil when any libxml2 call failed.
    public func finish() -> [UInt8]? {
        guard let writer else { return nil }
        check(xmlTextWriterEndDocument(writer))
        xmlFreeTextWriter(writer)  // flushes into the buffer
        self.writer = nil
        guard !failed, let content = xmlBufferContent(buffer) else { return nil }
        let count = Int(xmlBufferLength(buffer))
        return content.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }
}
