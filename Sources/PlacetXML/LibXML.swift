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
    /// Where the start tag of the element it is about begins (a byte offset into the document
    /// as given), when libxml2 names one and the tag was found (schema violations): libxml2
    /// keeps no column for elements.
    public var offset: Int?

    public init(line: Int, column: Int, message: String, offset: Int? = nil) {
        self.line = line
        self.column = column
        self.message = message
        self.offset = offset
    }
}

/// Collects libxml2's structured errors for the duration of one call.
final class XMLErrorCollector {
    private(set) var messages: [XMLMessage] = []
    /// Per message, the node libxml2 says it is about, if any.
    private(set) var nodes: [xmlNodePtr?] = []
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
        if collector.messages.last != message {
            collector.messages.append(message)
            collector.nodes.append(entry.node.map { $0.assumingMemoryBound(to: xmlNode.self) })
        }
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
    /// The bytes parsed, for finding where elements start.
    private let source: [UInt8]
    /// Whether each element's start tag has been looked for (the first time one is asked for).
    private var startTagsFound = false

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
        source = bytes
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    /// The byte offset of the `<` that starts `element`'s tag, or nil where it cannot be told.
    public func startTagOffset(of element: XMLElement) -> Int? {
        startTagOffset(of: element.node)
    }

    func startTagOffset(of node: xmlNodePtr) -> Int? {
        var node = node
        // A message about an attribute is about its element.
        if node.pointee.type == XML_ATTRIBUTE_NODE, let parent = node.pointee.parent { node = parent }
        guard node.pointee.type == XML_ELEMENT_NODE else { return nil }
        if !startTagsFound {
            StartTags.mark(self)
            startTagsFound = true
        }
        return node.pointee._private.map { Int(bitPattern: $0) - 1 }
    }

    /// The elements' start tags, matched to the elements in document order: the document is
    /// well-formed (libxml2 parsed it) and has no DOCTYPE, so every element comes from one
    /// start tag in the text, in the same order. A tag is matched to its element only when it
    /// names it; if the counts differ (a document whose encoding is not ASCII-compatible),
    /// no element gets an offset, and positions fall back to libxml2's lines.
    /// Each offset is kept in its element's `_private`, libxml2's field for the application
    /// (which nothing else here sets), plus one, so a null pointer means none.
    private enum StartTags {
        static func mark(_ document: XMLDocument) {
            let tags = document.source.withUnsafeBufferPointer(Self.scan)
            var elements: [xmlNodePtr] = []
            elements.reserveCapacity(tags.count)
            func visit(_ node: xmlNodePtr) {
                elements.append(node)
                var child = node.pointee.children
                while let current = child {
                    if current.pointee.type == XML_ELEMENT_NODE { visit(current) }
                    child = current.pointee.next
                }
            }
            if let root = xmlDocGetRootElement(document.pointer) { visit(root) }
            guard tags.count == elements.count else { return }
            document.source.withUnsafeBufferPointer { bytes in
                for (element, offset) in zip(elements, tags) where Self.tag(at: offset, in: bytes, names: element) {
                    element.pointee._private = UnsafeMutableRawPointer(bitPattern: offset + 1)
                }
            }
        }

        /// The offsets of every start tag's `<`, in order, passing over end tags, comments,
        /// processing instructions, CDATA sections and declarations, and quoted attribute
        /// values (which may hold `>`).
        static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
            var tags: [Int] = []
            let count = bytes.count
            func byte(_ at: Int) -> UInt8 { at < count ? bytes[at] : 0 }
            /// The index just past the first `terminator` at or after `start`, or the end.
            func skip(past terminator: StaticString, from start: Int) -> Int {
                let pattern = UnsafeBufferPointer(start: terminator.utf8Start, count: terminator.utf8CodeUnitCount)
                var at = start
                while at + pattern.count <= count {
                    var matched = 0
                    while matched < pattern.count, bytes[at + matched] == pattern[matched] { matched += 1 }
                    if matched == pattern.count { return at + matched }
                    at += 1
                }
                return count
            }
            var index = 0
            while index < count {
                guard bytes[index] == UInt8(ascii: "<") else {
                    index += 1
                    continue
                }
                switch byte(index + 1) {
                case UInt8(ascii: "!"):
                    if byte(index + 2) == UInt8(ascii: "-"), byte(index + 3) == UInt8(ascii: "-") {
                        index = skip(past: "-->", from: index + 4)
                    } else if byte(index + 2) == UInt8(ascii: "[") {
                        index = skip(past: "]]>", from: index + 3)
                    } else {
                        index = skip(past: ">", from: index + 2)
                    }
                case UInt8(ascii: "?"):
                    index = skip(past: "?>", from: index + 2)
                case UInt8(ascii: "/"):
                    index = skip(past: ">", from: index + 2)
                default:
                    tags.append(index)
                    index += 1
                    var quote: UInt8 = 0
                    while index < count {
                        let next = bytes[index]
                        index += 1
                        if quote != 0 {
                            if next == quote { quote = 0 }
                        } else if next == UInt8(ascii: "\"") || next == UInt8(ascii: "'") {
                            quote = next
                        } else if next == UInt8(ascii: ">") {
                            break
                        }
                    }
                }
            }
            return tags
        }

        /// Whether the tag at `offset` is `<` and the element's qualified name, then a space,
        /// `/` or `>`.
        static func tag(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>, names element: xmlNodePtr) -> Bool {
            var at = offset + 1
            func matches(_ name: UnsafePointer<xmlChar>) -> Bool {
                var character = name
                while character.pointee != 0 {
                    guard at < bytes.count, bytes[at] == character.pointee else { return false }
                    at += 1
                    character += 1
                }
                return true
            }
            if let prefix = element.pointee.ns?.pointee.prefix {
                guard matches(prefix), at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return false }
                at += 1
            }
            guard let name = element.pointee.name, matches(name), at < bytes.count else { return false }
            switch bytes[at] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "/"), UInt8(ascii: ">"): return true
            default: return false
            }
        }
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
            return zip(collector.messages, collector.nodes).map { message, node in
                var message = message
                message.offset = node.flatMap(document.startTagOffset(of:))
                return message
            }
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
