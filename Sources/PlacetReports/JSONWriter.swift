// A small JSON writer with a fixed key order and fixed escaping, so the same report is the
// same bytes on every run.

import PlacetEngine
import PlacetLanguage

package struct JSONWriter {
    private(set) var output: [UInt8] = []
    private var indent = 0
    /// Per open container, whether an item was written (so the next needs a comma): bit `level`.
    /// Placet's outputs nest a handful of levels, far below the 64 this holds.
    private var commaBits: UInt64 = 0
    private var level = 0
    private let pretty: Bool

    init(pretty: Bool = true, capacity: Int = 4096) {
        self.pretty = pretty
        output.reserveCapacity(capacity)
    }

    /// A writer that goes on after `output`'s bytes (a line after the lines before it), so a run
    /// of documents is written into one buffer instead of each into its own and then copied.
    init(pretty: Bool, continuing output: consuming [UInt8]) {
        self.pretty = pretty
        self.output = output
    }

    /// A writer for the items of an array already open at `depth`, so parts of one array can
    /// be written separately (on several threads) and joined with `appendItems`.
    init(itemsAtDepth depth: Int, capacity: Int) {
        self.init(pretty: true, capacity: capacity)
        indent = depth
    }

    /// The same, writing into a buffer kept from an earlier part (emptied, its capacity kept).
    init(itemsAtDepth depth: Int, reusing buffer: consuming [UInt8], capacity: Int) {
        self.init(pretty: true, continuing: buffer)
        output.removeAll(keepingCapacity: true)
        output.reserveCapacity(capacity)
        indent = depth
    }

    /// Writes a part made by an `init(itemsAtDepth:)` writer out through `write`, with the comma
    /// `appendItems` would put before it, instead of appending it here: the open array then
    /// closes as one with items.
    mutating func writeItems(_ part: [UInt8], _ write: ([UInt8]) throws -> Void) rethrows {
        guard !part.isEmpty else { return }
        if needsComma { try write(Self.comma) }
        try write(part)
        needsComma = true
    }

    private static let comma: [UInt8] = [UInt8(ascii: ",")]

    /// Appends items written by `init(itemsAtDepth:)` writers, in order, into the open array.
    mutating func appendItems(_ parts: [[UInt8]]) {
        output.reserveCapacity(output.count + parts.reduce(parts.count) { $0 + $1.count } + 4096)
        for part in parts where !part.isEmpty {
            if needsComma { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: part)
            needsComma = true
        }
    }

    /// The bytes written so far, taken out of the writer; it goes on where it was.
    mutating func takeOutput() -> [UInt8] {
        defer { output = [] }
        return output
    }

    /// The document with its final newline, taken out of the writer so it is not copied.
    mutating func finish() -> [UInt8] {
        output.append(0x0A)
        defer { output = [] }
        return output
    }

    private var needsComma: Bool {
        get { commaBits >> UInt64(level) & 1 == 1 }
        set { commaBits = newValue ? commaBits | 1 << UInt64(level) : commaBits & ~(1 << UInt64(level)) }
    }

    /// Containers nested deeper than this are written on one line: a finding is one line.
    static let lineBreakDepth = 4
    /// A line's leading spaces at each depth that breaks lines.
    private var justWroteComma = false

    private mutating func newline() {
        guard pretty else { return }
        if indent > JSONWriter.lineBreakDepth {
            if justWroteComma { output.append(0x20) }
            return
        }
        output.append(0x0A)
        // Spaces appended, not copied from a shared array: that array's reference count would
        // be taken and dropped by every core for every line.
        for _ in 0..<2 * indent { output.append(0x20) }
    }

    private mutating func separate() {
        justWroteComma = needsComma
        if justWroteComma { output.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ byte: UInt8) {
        output.append(byte)
        indent += 1
        level += 1
        needsComma = false
    }

    private mutating func close(_ byte: UInt8) {
        let hadItems = needsComma
        level -= 1
        let contentDepth = indent
        indent -= 1
        justWroteComma = false
        if hadItems, contentDepth <= JSONWriter.lineBreakDepth { newline() }
        output.append(byte)
    }

    /// Starts a member of an object: `"key": ` (the value follows).
    mutating func key(_ name: String) {
        separate()
        newline()
        string(name, asMember: false)
        output.append(UInt8(ascii: ":"))
        if pretty { output.append(0x20) }
        valueFollowsKey = true
    }

    private var valueFollowsKey = false

    /// Called before each value: in arrays a value is an item; after a key it is the member's value.
    private mutating func beginValue() {
        if valueFollowsKey {
            valueFollowsKey = false
        } else {
            separate()
            newline()
        }
    }

    mutating func string(_ value: String) { string(value, asMember: true) }

    var isPretty: Bool { pretty }

    /// Whether a container opened next is written on one line, so its bytes do not depend on
    /// where it stands.
    var nextContainerIsInline: Bool { !pretty || indent + 1 > JSONWriter.lineBreakDepth }

    /// Starts a container value (when `nextContainerIsInline`) whose bytes the caller appends
    /// itself with `raw` and `rawQuoted`, from `{` or `[` to the closing bracket.
    mutating func beginInlineContainerValue() { beginValue() }

    /// After the closing bracket: the writer goes on as after `endObject`.
    mutating func endInlineContainerValue() { justWroteComma = false }

    /// Bytes of an inline container, as they are.
    mutating func raw(_ bytes: [UInt8]) { output.append(contentsOf: bytes) }

    /// A string of an inline container, quoted.
    mutating func rawQuoted(_ value: String) { JSONWriter.appendQuoted(value, to: &output) }

    /// `true` or `false` of an inline container (from literals: no shared array to retain).
    mutating func rawBool(_ value: Bool) {
        if value { output.append(contentsOf: "true".utf8) } else { output.append(contentsOf: "false".utf8) }
    }

    private mutating func string(_ value: String, asMember: Bool) {
        if asMember { beginValue() }
        JSONWriter.appendQuoted(value, to: &output)
    }

    /// A JSON string literal with Placet's fixed escaping, for every writer of JSON in the
    /// package (the server's responses too), so the same text is the same bytes everywhere.
    package static func appendQuoted(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied as one block, not byte by byte.
        let copied = value.utf8.withContiguousStorageIfAvailable { bytes in
            guard !needsEscape(bytes) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether `bytes` hold a control character, a quote or a backslash, tested eight bytes at
    /// a time: messages are most of a report's bytes, and almost none needs an escape.
    static func needsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // For each test, a byte's high bit is set in the result when the byte is below 0x20
            // (or zero after the xor); exact for whether any byte is, which is all this asks.
            let control = (word &- ones &* 0x20) & ~word
            let quoteOrBackslash = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
            if (control | quoteOrBackslash) & highs != 0 { return true }
            offset += 8
        }
        while offset < bytes.count {
            let byte = base[offset]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            offset += 1
        }
        return false
    }

    mutating func number(_ value: Int) {
        beginValue()
        output.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        beginValue()
        output.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        beginValue()
        output.append(contentsOf: "null".utf8)
    }

    mutating func beginObjectValue() {
        beginValue()
        beginObject()
    }

    mutating func beginArrayValue() {
        beginValue()
        beginArray()
    }
}

extension JSONWriter {
    /// Errors as every JSON output lists them: `{"file", "line", "column", "id", "message"}`.
    mutating func diagnostics(_ diagnostics: [Diagnostic]) {
        beginArrayValue()
        for diagnostic in diagnostics {
            beginObjectValue()
            if let location = diagnostic.location {
                key("file"); string(location.file)
                key("line"); number(location.line)
                key("column"); number(location.column)
            }
            key("id"); string(diagnostic.id)
            key("message"); string(diagnostic.message)
            endObject()
        }
        endArray()
    }

    /// What decided and on what: `engine`, `policyDigest`, `policyPack`, `asOf` and `inputs` members.
    mutating func provenance(engineVersion: String, policyDigest: String, policyPack: String, asOf: CivilDate, inputs: [InputFile]) {
        key("engine")
        beginObjectValue()
        key("name"); string("placet")
        key("version"); string(engineVersion)
        endObject()
        key("policyDigest"); string(policyDigest)
        key("policyPack"); string(policyPack)
        key("asOf"); string(asOf.description)
        key("inputs")
        beginArrayValue()
        for input in inputs {
            beginObjectValue()
            key("file"); string(input.path)
            key("digest"); string(input.digest)
            endObject()
        }
        endArray()
    }

    /// The members of a `summary` object (inside it).
    mutating func counts(_ summary: Summary) {
        key("placements"); number(summary.placements)
        key("approved"); number(summary.approved)
        key("blocked"); number(summary.blocked)
        key("warnings"); number(summary.warnings)
        key("waived"); number(summary.waived)
    }

    /// Waiver notices: `[{"waiver", "message"}]`.
    mutating func notices(_ notices: [Notice]) {
        beginArrayValue()
        for notice in notices {
            beginObjectValue()
            key("waiver"); string(notice.waiver)
            key("message"); string(notice.message)
            endObject()
        }
        endArray()
    }
}
