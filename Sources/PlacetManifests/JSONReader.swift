// A JSON reader that keeps line and column for every value, with a nesting limit, so errors
// point at the offending character and hostile input cannot exhaust the stack.

public struct JSONReader {
    public static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index: Int
    private let end: Int
    private var line: Int
    private var lineStart: Int
    /// Columns already counted on this line, up to `countedUpTo`, so positions cost O(1) amortised.
    private var countedUpTo: Int
    private var countedColumns = 1

    /// Reads one JSON value from `range` of `bytes`; `line` is the 1-based line where the range starts.
    /// A whole text (a file, or one line of a JSON Lines file numbered `line`), as a result.
    static func parse(_ bytes: [UInt8], line: Int = 1) -> Result<DocumentNode, ReadError> {
        bytes.withUnsafeBufferPointer { buffer in
            do throws(ReadError) {
                return .success(try read(buffer, range: 0..<buffer.count, line: line))
            } catch {
                return .failure(error)
            }
        }
    }

    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, line: Int = 1) throws(ReadError) -> DocumentNode {
        var reader = JSONReader(bytes: bytes, index: range.lowerBound, end: range.upperBound, line: line,
                                lineStart: range.lowerBound, countedUpTo: range.lowerBound)
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        if reader.index < reader.end {
            throw ReadError("unexpected \(reader.character) after the JSON value", at: reader.position)
        }
        return value
    }

    private var position: Position {
        mutating get {
            // Columns count characters: skip UTF-8 continuation bytes.
            if countedUpTo < lineStart || countedUpTo > index {
                countedUpTo = lineStart
                countedColumns = 1
            }
            while countedUpTo < index {
                if bytes[countedUpTo] & 0xC0 != 0x80 { countedColumns += 1 }
                countedUpTo += 1
            }
            return Position(line: line, column: countedColumns)
        }
    }

    private var character: String {
        guard index < end else { return "end of input" }
        let byte = bytes[index]
        if byte < 0x20 || byte == 0x7F { return "control character 0x\(String(byte, radix: 16, uppercase: true))" }
        return byte < 0x80 ? "'\(String(UnicodeScalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private mutating func skipWhitespace() {
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
            default:
                return
            }
        }
    }

    private mutating func readValue(depth: Int) throws(ReadError) -> DocumentNode {
        guard depth < JSONReader.maximumDepth else {
            throw ReadError("JSON nested deeper than \(JSONReader.maximumDepth) levels", at: position)
        }
        guard index < end else { throw ReadError("unexpected end of input; expected a JSON value", at: position) }
        let start = position
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var entries: [MappingEntry] = []
            var keys: Set<String> = []
            skipWhitespace()
            if index < end, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .mapping(entries, start)
            }
            while true {
                skipWhitespace()
                guard index < end, bytes[index] == UInt8(ascii: "\"") else {
                    throw ReadError("expected a quoted key, found \(character)", at: position)
                }
                let keyPosition = position
                let key = try readString()
                // A manifest has a dozen keys: comparing with each is cheaper than hashing. A set
                // takes over for large objects, so hostile input stays linear.
                let duplicate = entries.count < 16 ? entries.contains { $0.key == key } : !keys.insert(key).inserted
                if entries.count == 15 { keys = Set(entries.map(\.key) + [key]) }
                guard !duplicate else { throw ReadError("duplicate key '\(key)'", at: keyPosition) }
                skipWhitespace()
                guard index < end, bytes[index] == UInt8(ascii: ":") else {
                    throw ReadError("expected ':' after the key '\(key)', found \(character)", at: position)
                }
                index += 1
                skipWhitespace()
                let value = try readValue(depth: depth + 1)
                entries.append(MappingEntry(key: key, keyPosition: keyPosition, value: value))
                skipWhitespace()
                guard index < end else { throw ReadError("unexpected end of input; expected ',' or '}'", at: position) }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .mapping(entries, start)
                }
                throw ReadError("expected ',' or '}', found \(character)", at: position)
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [DocumentNode] = []
            skipWhitespace()
            if index < end, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .sequence(items, start)
            }
            while true {
                skipWhitespace()
                items.append(try readValue(depth: depth + 1))
                skipWhitespace()
                guard index < end else { throw ReadError("unexpected end of input; expected ',' or ']'", at: position) }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .sequence(items, start)
                }
                throw ReadError("expected ',' or ']', found \(character)", at: position)
            }
        case UInt8(ascii: "\""):
            return .scalar(try readString(), .text, start)
        case UInt8(ascii: "t"):
            try readWord("true")
            return .scalar("true", .jsonBool, start)
        case UInt8(ascii: "f"):
            try readWord("false")
            return .scalar("false", .jsonBool, start)
        case UInt8(ascii: "n"):
            try readWord("null")
            return .scalar("null", .jsonNull, start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .scalar(try readNumber(), .jsonNumber, start)
        default:
            throw ReadError("unexpected \(character); expected a JSON value", at: position)
        }
    }

    private mutating func readWord(_ word: String) throws(ReadError) {
        let start = position
        for expected in word.utf8 {
            guard index < end, bytes[index] == expected else {
                throw ReadError("invalid literal; expected '\(word)'", at: start)
            }
            index += 1
        }
    }

    private mutating func readNumber() throws(ReadError) -> String {
        let start = index
        let startPosition = position
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { throw ReadError("invalid number", at: startPosition) }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw ReadError("invalid number: digits expected after '.'", at: startPosition) }
        }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw ReadError("invalid number: digits expected in the exponent", at: startPosition) }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func digits() -> Int {
        var count = 0
        while index < end, bytes[index] >= 48, bytes[index] <= 57 {
            index += 1
            count += 1
        }
        return count
    }

    private mutating func readString() throws(ReadError) -> String {
        let startPosition = position
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            }
            if byte < 0x20 { throw ReadError("control character in string; escape it", at: position) }
            if byte == UInt8(ascii: "\\") {
                let backslash = index
                index += 1
                guard index < end else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(8)
                case UInt8(ascii: "f"): buffer.append(12)
                case UInt8(ascii: "n"): buffer.append(10)
                case UInt8(ascii: "r"): buffer.append(13)
                case UInt8(ascii: "t"): buffer.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw ReadError("unpaired surrogate in \\u escape", at: position)
                        }
                        index += 2
                        let low = try readHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw ReadError("invalid surrogate pair", at: position) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = UnicodeScalar(scalar) else { throw ReadError("invalid \\u escape", at: position) }
                    buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    // At the backslash: the escaped byte may be a line break, past the end of this line.
                    index = backslash
                    throw ReadError("invalid escape '\\\(String(UnicodeScalar(escape)))' in string", at: position)
                }
                continue
            }
            buffer.append(byte)
            index += 1
        }
        throw ReadError("unterminated string", at: startPosition)
    }

    private mutating func readHex4() throws(ReadError) -> UInt32 {
        guard index + 4 <= end else { throw ReadError("invalid \\u escape", at: position) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: throw ReadError("invalid \\u escape", at: position)
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}
