// A small JSON writer with a fixed key order and fixed escaping, so the same report is the
// same bytes on every run.

struct JSONWriter {
    private(set) var output: [UInt8] = []
    private var indent = 0
    private var needsComma: [Bool] = [false]
    private let pretty: Bool

    init(pretty: Bool = true, capacity: Int = 4096) {
        self.pretty = pretty
        output.reserveCapacity(capacity)
    }

    private mutating func newline() {
        guard pretty else { return }
        output.append(0x0A)
        for _ in 0..<indent { output.append(0x20); output.append(0x20) }
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { output.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ byte: UInt8) {
        output.append(byte)
        indent += 1
        needsComma.append(false)
    }

    private mutating func close(_ byte: UInt8) {
        let hadItems = needsComma.removeLast()
        indent -= 1
        if hadItems { newline() }
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

    private mutating func string(_ value: String, asMember: Bool) {
        if asMember { beginValue() }
        output.append(UInt8(ascii: "\""))
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

    mutating func number(_ value: Int) {
        beginValue()
        output.append(contentsOf: Array(String(value).utf8))
    }

    mutating func bool(_ value: Bool) {
        beginValue()
        output.append(contentsOf: Array((value ? "true" : "false").utf8))
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
