// Reads the few members of an AdmissionReview the webhook needs and skips the rest (the
// object's spec, status and managed fields) without building it: the review is most of an
// admission request's bytes, and building its whole tree cost more than deciding. Malformed
// JSON anywhere is still an error, at its line and column; nesting is limited as the manifest
// reader limits it.

import PlacetManifests

struct AdmissionReviewScanner {
    struct Failure: Error {
        let message: String
        let offset: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index = 0
    private var line = 1
    private var lineStart = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Where the scanner is: line, and column in bytes (exact for the ASCII the API server sends).
    var position: Position { Position(line: line, column: index - lineStart + 1) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    private func failure(_ message: String) -> Failure { Failure(message: message, offset: index) }

    private var found: String {
        index < bytes.count ? "'\(Character(Unicode.Scalar(bytes[index])))'" : "the end of the input"
    }

    mutating func finish() throws(Failure) {
        skipWhitespace()
        if index < bytes.count { throw failure("unexpected \(found) after the JSON value") }
    }

    /// The members of an object, each handed to `member` with its key; a member it does not
    /// read (it returns false) is skipped. A value that is not an object is skipped and false returned.
    @discardableResult
    mutating func object(_ member: (inout AdmissionReviewScanner, String) throws(Failure) -> Bool) throws(Failure) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
            try skipValue()
            return false
        }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after an object key, found \(found)") }
            index += 1
            if try !member(&self, key) { try skipValue() }
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of the input in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw failure("expected ',' or '}' in an object, found \(found)") }
            index += 1
            return true
        }
    }

    /// Each element of an array, handed to `element`; a value that is not an array is skipped.
    mutating func array(_ element: (inout AdmissionReviewScanner) throws(Failure) -> Void) throws(Failure) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return try skipValue() }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try element(&self)
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of the input in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw failure("expected ',' or ']' in an array, found \(found)") }
            index += 1
            return
        }
    }

    /// A string value, or nil (the value skipped) when it is something else.
    mutating func text() throws(Failure) -> String? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            try skipValue()
            return nil
        }
        return try string()
    }

    /// `true` or `false`, or nil (the value skipped) when it is something else.
    mutating func bool() throws(Failure) -> Bool? {
        skipWhitespace()
        if literal("true") { return true }
        if literal("false") { return false }
        try skipValue()
        return nil
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    mutating func string() throws(Failure) -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string, found \(found)") }
        index += 1
        let start = index
        var plain = true
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\") {
                plain = false
                index += 1
            } else if bytes[index] < 0x20 {
                throw failure("control character in a string")
            }
            index += 1
        }
        guard index < bytes.count else { throw failure("unterminated string") }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
        index += 1
        return plain ? String(decoding: raw, as: UTF8.self) : try unescape(raw, at: start)
    }

    private func unescape(_ raw: UnsafeBufferPointer<UInt8>, at start: Int) throws(Failure) -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var position = 0
        func flush() {
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            return UInt32(String(decoding: raw[at..<at + 4], as: UTF8.self), radix: 16)
        }
        while position < raw.count {
            let byte = raw[position]
            guard byte == UInt8(ascii: "\\"), position + 1 < raw.count else {
                utf8.append(byte)
                position += 1
                continue
            }
            let escaped = raw[position + 1]
            position += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                guard var code = hex(position) else { throw Failure(message: "bad \\u escape in a string", offset: start + position) }
                position += 4
                if (0xD800..<0xDC00).contains(code), position + 6 <= raw.count, raw[position] == UInt8(ascii: "\\"),
                   raw[position + 1] == UInt8(ascii: "u"), let low = hex(position + 2), (0xDC00..<0xE000).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                }
                flush()
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default:
                throw Failure(message: "bad escape '\\\(Character(Unicode.Scalar(escaped)))' in a string", offset: start + position - 1)
            }
        }
        flush()
        return String(scalars)
    }

    /// Skips one value of any kind, checking its structure, without recursion.
    mutating func skipValue() throws(Failure) {
        var depth = 0
        // One bit per open container, 1 for an object: the closer must match (the depth limit keeps it within 64 bits).
        var objects: UInt64 = 0
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of the input") }
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= min(JSONReader.maximumDepth, 64) else { throw failure("nesting deeper than \(JSONReader.maximumDepth) levels") }
                objects = objects << 1 | (bytes[index] == UInt8(ascii: "{") ? 1 : 0)
                index += 1
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0, (objects & 1 == 1) == (bytes[index] == UInt8(ascii: "}")) else { throw failure("unexpected \(found)") }
                depth -= 1
                objects >>= 1
                index += 1
            case UInt8(ascii: "\""):
                try skipString()
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                guard literal("true") || literal("false") || literal("null") else { throw failure("unexpected \(found)") }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                while index < bytes.count, "0123456789+-.eE".utf8.contains(bytes[index]) { index += 1 }
            default:
                throw failure("unexpected \(found)")
            }
            guard depth > 0 else { return }
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of the input") }
            switch bytes[index] {
            case UInt8(ascii: ","), UInt8(ascii: ":"): index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): break
            default: throw failure("unexpected \(found)")
            }
        }
    }

    private mutating func skipString() throws(Failure) {
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard index < bytes.count else { throw failure("unterminated string") }
        index += 1
    }
}
