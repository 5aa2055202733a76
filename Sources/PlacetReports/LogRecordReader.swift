// The two fields the chain check needs from a decision-log record, `seq` and `previous`, read
// from its bytes in one pass that also checks the whole record is one JSON object. It takes
// the place of `JSONSerialization`, which built every record's dictionary, strings and arrays
// only for two of them to be read: most of `verify-log`'s time on a large log.

/// Reads a record's body (the line without its hash): a JSON object (RFC 8259) whose top-level
/// `seq` is a non-negative integer and `previous` a string. Keys are compared as text after
/// unescaping; a key given twice counts as its last value, as `JSONSerialization` has it.
struct LogRecordReader {
    /// Deeper nesting is not a record: no writer of the log nests past a few levels.
    static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// `seq` and `previous`, or nil when the text is not such an object.
    static func fields(of body: [UInt8]) -> (seq: Int, previous: String)? {
        body.withUnsafeBufferPointer { buffer in
            var reader = LogRecordReader(buffer)
            return reader.readRecord()
        }
    }

    private mutating func readRecord() -> (seq: Int, previous: String)? {
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var seq: Int?
        var previous: String?
        skipWhitespace()
        if !take(UInt8(ascii: "}")) {
            while true {
                skipWhitespace()
                guard let key = readKey() else { return nil }
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                if key.elementsEqual("seq".utf8) {
                    guard let start = valueStart(), readValue(depth: 1) else { return nil }
                    seq = Self.integer(bytes[start..<index])
                } else if key.elementsEqual("previous".utf8) {
                    if peek == UInt8(ascii: "\"") {
                        guard let text = readString(keep: true) else { return nil }
                        previous = String(decoding: text, as: UTF8.self)
                    } else {
                        guard readValue(depth: 1) else { return nil }
                        previous = nil
                    }
                } else {
                    guard readValue(depth: 1) else { return nil }
                }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        skipWhitespace()
        guard index == bytes.count, let seq, let previous else { return nil }
        return (seq, previous)
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func valueStart() -> Int? { index < bytes.count ? index : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    /// One JSON value of any kind, checked and skipped.
    private mutating func readValue(depth: Int) -> Bool {
        guard depth <= Self.maximumDepth, let byte = peek else { return false }
        switch byte {
        case UInt8(ascii: "\""):
            return readString(keep: false) != nil
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return true }
            while true {
                skipWhitespace()
                guard readString(keep: false) != nil else { return false }
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return false }
                skipWhitespace()
                guard readValue(depth: depth + 1) else { return false }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "}"))
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return true }
            while true {
                skipWhitespace()
                guard readValue(depth: depth + 1) else { return false }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"): return readWord("true")
        case UInt8(ascii: "f"): return readWord("false")
        case UInt8(ascii: "n"): return readWord("null")
        default: return readNumber()
        }
    }

    private mutating func readWord(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count,
              UnsafeBufferPointer(start: word.utf8Start, count: count).elementsEqual(bytes[index..<(index + count)]) else { return false }
        index += count
        return true
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func readNumber() -> Bool {
        _ = take(UInt8(ascii: "-"))
        if take(UInt8(ascii: "0")) {
        } else {
            guard let first = peek, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(first) else { return false }
            skipDigits()
        }
        if take(UInt8(ascii: ".")) {
            guard skipDigits() > 0 else { return false }
        }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            guard skipDigits() > 0 else { return false }
        }
        return true
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index - start
    }

    /// A sequence number: digits only (a checked number), no sign, fraction or exponent, within `Int`.
    private static func integer(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        var value = 0
        for digit in text {
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum else { return nil }
            value = sum
        }
        return value
    }

    /// A key, as UTF-8: its bytes as written unless it has escapes (record keys have none).
    private mutating func readKey() -> ArraySlice<UInt8>? {
        let start = index
        guard readString(keep: false) != nil else { return nil }
        let written = bytes[(start + 1)..<(index - 1)]
        guard written.contains(UInt8(ascii: "\\")) else { return ArraySlice(written) }
        var again = self
        again.index = start
        return again.readString(keep: true).map { $0[...] }
    }

    /// A string's content, unescaped, as UTF-8 when `keep` (else empty); nil when it is not a
    /// valid JSON string (a control character, a bad escape, a lone surrogate, no closing quote).
    private mutating func readString(keep: Bool) -> [UInt8]? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        var text: [UInt8] = []
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return text
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { return nil }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): if keep { text.append(escaped) }
                case UInt8(ascii: "b"): if keep { text.append(0x08) }
                case UInt8(ascii: "f"): if keep { text.append(0x0C) }
                case UInt8(ascii: "n"): if keep { text.append(0x0A) }
                case UInt8(ascii: "r"): if keep { text.append(0x0D) }
                case UInt8(ascii: "t"): if keep { text.append(0x09) }
                case UInt8(ascii: "u"):
                    guard var scalar = readHex() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = readHex(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    if keep { UTF8.encode(unicode) { text.append($0) } }
                default:
                    return nil
                }
            case 0..<0x20:
                return nil
            default:
                if keep { text.append(byte) }
            }
        }
        return nil
    }

    private mutating func readHex() -> UInt32? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
