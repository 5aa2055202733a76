// JSON-RPC framing over a byte stream (LSP base protocol): `Content-Length: N` headers, a blank
// line, N bytes of JSON. Hostile input is bounded: a message over the size limit is skipped as
// it streams (never buffered), and bytes that are not a header are dropped up to the next
// `Content-Length`, so stray bytes cost memory only for one header's worth.

public struct MessageFramer: Sendable {
    public enum Event: Sendable, Equatable {
        case message([UInt8])
        /// A message whose declared length is over the limit; its body is skipped.
        case tooLarge(Int)
        /// Bytes that were not a valid header, dropped.
        case badHeader(String)
    }

    /// The largest message body accepted (64 MiB): far above any real document.
    public static let defaultMaximumMessageSize = 64 << 20
    /// A header section longer than this is not a header.
    static let maximumHeaderSize = 4096
    static let headerEnd = Array("\r\n\r\n".utf8)
    static let contentLength = Array("content-length:".utf8)

    public let maximumMessageSize: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Body bytes of an oversized message still to drop.
    private var skipping = 0
    /// Whether bytes are being dropped up to the next `Content-Length` that has not arrived yet:
    /// it is looked for in what comes next before anything is read as a header, so the messages
    /// framed do not depend on where the reads happened to split the stream.
    private var resynchronising = false

    public init(maximumMessageSize: Int = MessageFramer.defaultMaximumMessageSize) {
        self.maximumMessageSize = maximumMessageSize
    }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        if skipping > 0 {
            let dropped = min(skipping, bytes.count)
            skipping -= dropped
            buffer.append(contentsOf: bytes.dropFirst(dropped))
            return
        }
        buffer.append(contentsOf: bytes)
    }

    private var available: Int { buffer.count - start }

    private mutating func consume(_ count: Int) {
        start += count
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.count < 1 << 20)
            start = 0
        } else if start > 1 << 16, start > buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    /// The next complete event, or nil until more bytes arrive.
    public mutating func next() -> Event? {
        guard skipping == 0, available > 0 else { return nil }
        if resynchronising {
            guard let next = find(MessageFramer.contentLength, from: start, limit: .max, caseInsensitive: true) else {
                keepPartialHeaderName()
                return nil
            }
            consume(next - start)
            resynchronising = false
        }
        guard let end = find(MessageFramer.headerEnd, from: start, limit: MessageFramer.maximumHeaderSize) else {
            guard available > MessageFramer.maximumHeaderSize else { return nil }
            return dropToNextHeader(after: start + 1, reason: "no header in the first \(MessageFramer.maximumHeaderSize) bytes")
        }
        // Stray bytes before a header: resynchronise on the `Content-Length` inside them.
        let lengthField = find(MessageFramer.contentLength, from: start, limit: end - start, caseInsensitive: true)
        if let field = lengthField, field > start, buffer[field - 1] != UInt8(ascii: "\n") {
            consume(field - start)
            return .badHeader("bytes before a header")
        }
        if lengthField == nil, !startsWithHeaderName(at: start) {
            consume(end + 4 - start)
            return .badHeader("bytes that are not a header")
        }
        let header = String(decoding: buffer[start..<end], as: UTF8.self)
        var length: Int?
        for line in header.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                length = Int(parts[1].trimmingCharacters())
            }
        }
        guard let length, length >= 0 else {
            consume(end + 4 - start)
            return .badHeader("a header without a valid Content-Length")
        }
        if length > maximumMessageSize {
            consume(end + 4 - start)
            let dropped = min(length, available)
            consume(dropped)
            skipping = length - dropped
            return .tooLarge(length)
        }
        let bodyStart = end + 4
        guard buffer.count - bodyStart >= length else { return nil }
        let body = Array(buffer[bodyStart..<bodyStart + length])
        consume(bodyStart + length - start)
        return .message(body)
    }

    private mutating func dropToNextHeader(after position: Int, reason: String) -> Event {
        if let next = find(MessageFramer.contentLength, from: position, limit: .max, caseInsensitive: true) {
            consume(next - start)
        } else {
            keepPartialHeaderName()
            resynchronising = true
        }
        return .badHeader(reason)
    }

    /// Drops all but the bytes that may begin a `Content-Length` split across reads.
    private mutating func keepPartialHeaderName() {
        consume(max(0, available - (MessageFramer.contentLength.count - 1)))
    }

    private func startsWith(_ word: [UInt8], at position: Int) -> Bool {
        guard position + word.count <= buffer.count else { return false }
        for offset in 0..<word.count where lower(buffer[position + offset]) != word[offset] { return false }
        return true
    }

    /// A header line such as `Content-Type:`: a token then a colon.
    private func startsWithHeaderName(at position: Int) -> Bool {
        var cursor = position
        while cursor < buffer.count, cursor - position < 64 {
            let byte = buffer[cursor]
            if byte == UInt8(ascii: ":") { return cursor > position }
            let isToken = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "-")
            if !isToken { return false }
            cursor += 1
        }
        return false
    }

    private func lower(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
    }

    private func find(_ word: [UInt8], from position: Int, limit: Int, caseInsensitive: Bool = false) -> Int? {
        guard let first = word.first else { return nil }
        let last = min(buffer.count - word.count, limit > buffer.count ? buffer.count : position + limit)
        guard position <= last else { return nil }
        var cursor = position
        while cursor <= last {
            let byte = caseInsensitive ? lower(buffer[cursor]) : buffer[cursor]
            if byte == first, caseInsensitive ? startsWith(word, at: cursor) : buffer[cursor..<cursor + word.count].elementsEqual(word) {
                return cursor
            }
            cursor += 1
        }
        return nil
    }

    /// The framed bytes of one outgoing message.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" || text.last == "\r" { text = text.dropLast() }
        return text
    }
}
