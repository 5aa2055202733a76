// Placements arriving as JSON Lines (`check --stream`): read from a file descriptor in chunks
// as they come, cut into whole lines, and handed out in bounded batches, with a SHA-256 of
// every byte read for the report's evidence. Memory holds one batch, never the whole stream.

import Foundation
import PlacetEngine

/// One reader of one stream, used from one thread.
public final class JSONLinesStream {
    /// One non-blank line: its 1-based number and its bytes in the batch (without the newline).
    /// `skippedLength` is set instead for a line over the length limit, which is not kept.
    public struct Line: Sendable {
        public let number: Int
        public let range: Range<Int>
        public let skippedLength: Int?
    }

    public struct Batch: Sendable {
        public let bytes: [UInt8]
        public let lines: [Line]
    }

    /// How errors name the stream: the file's path, or `<stdin>`.
    public let path: String
    /// A failed read, which ends the stream; the run must then fail.
    public private(set) var readError: String?
    private let readChunk: (inout [UInt8]) -> Int
    private let hasMore: () -> Bool
    private let maximumLineLength: Int
    private var buffer: [UInt8] = []
    private var chunk: [UInt8]
    private var digest = StreamingDigest()
    private var atEnd = false
    private var lineNumber = 1
    /// Bytes of `buffer` already scanned for a newline, so a long line is not scanned twice.
    private var scanned = 0
    /// Set while the rest of an over-long line is being read and dropped: its length so far.
    private var skipping: Int?
    private var ownedDescriptor: Int32?

    /// `read` fills the chunk it is given from its start and returns the count, 0 at the end, or
    /// -1 on an error; `hasMore` says whether a read would return at once.
    init(path: String, chunkSize: Int, maximumLineLength: Int,
         read: @escaping (inout [UInt8]) -> Int, hasMore: @escaping () -> Bool) {
        self.path = path
        self.readChunk = read
        self.hasMore = hasMore
        self.maximumLineLength = maximumLineLength
        self.chunk = Array(repeating: 0, count: chunkSize)
    }

    /// Standard input or an open file; `path` names it in errors. With `closesDescriptor` the
    /// stream owns the descriptor and closes it when it goes.
    public convenience init(fileDescriptor: Int32, path: String, closesDescriptor: Bool = false,
                            maximumLineLength: Int = PlacementLineConverter.maximumLineLength) {
        self.init(path: path, chunkSize: 1 << 20, maximumLineLength: maximumLineLength, read: { chunk in
            while true {
                let count = chunk.withUnsafeMutableBytes { raw in Foundation.read(fileDescriptor, raw.baseAddress, raw.count) }
                if count >= 0 || errno != EINTR { return count }
            }
        }, hasMore: {
            var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
            return poll(&descriptor, 1, 0) > 0
        })
        ownedDescriptor = closesDescriptor ? fileDescriptor : nil
    }

    deinit {
        if let ownedDescriptor { close(ownedDescriptor) }
    }

    /// Bytes given in pieces, as a pipe would deliver them: for tests.
    public convenience init(pieces: [[UInt8]], path: String, maximumLineLength: Int = PlacementLineConverter.maximumLineLength) {
        var remaining = pieces[...]
        let largest = max(1, pieces.map(\.count).max() ?? 1)
        self.init(path: path, chunkSize: largest, maximumLineLength: maximumLineLength, read: { chunk in
            guard let piece = remaining.popFirst() else { return 0 }
            chunk.replaceSubrange(0..<piece.count, with: piece)
            return piece.count
        }, hasMore: { !remaining.isEmpty })
    }

    /// SHA-256 of every byte read so far; the whole stream's once `nextBatch` has returned nil.
    public var streamDigest: String { digest.finalize() }

    /// The next lines: at least one when any remain (waiting for input if need be), then as many
    /// as have already arrived, up to `maximumLines` lines or about `maximumBytes` bytes. Nil at the end.
    public func nextBatch(maximumLines: Int, maximumBytes: Int = 8 << 20) -> Batch? {
        var lines: [Line] = []
        var start = 0
        while lines.count < maximumLines, start < maximumBytes {
            if let newline = nextNewline(from: start) {
                take(start..<newline, into: &lines)
                start = newline + 1
                continue
            }
            if atEnd {
                if start < buffer.count || skipping != nil { take(start..<buffer.count, into: &lines) }
                start = buffer.count
                break
            }
            if buffer.count - start > maximumLineLength {
                // Keep memory bounded: drop the line's bytes and remember only its length.
                skipping = (skipping ?? 0) + buffer.count - start
                buffer.removeSubrange(start...)
                scanned = start
            }
            if !lines.isEmpty, !hasMore() { break }
            readMore()
        }
        let batch = Batch(bytes: Array(buffer[..<start]), lines: lines)
        buffer.removeSubrange(..<start)
        scanned = max(0, scanned - start)
        if lines.isEmpty, atEnd, buffer.isEmpty { return nil }
        return batch
    }

    private func nextNewline(from start: Int) -> Int? {
        let from = max(start, scanned)
        guard from < buffer.count else { return nil }
        let found: Int? = buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let hit = memchr(base + from, 0x0A, raw.count - from) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        scanned = found ?? buffer.count
        return found
    }

    /// Adds the line in `range` unless it is blank; a line being skipped is added as such.
    private func take(_ range: Range<Int>, into lines: inout [Line]) {
        defer { lineNumber += 1 }
        if skipping != nil || range.count > maximumLineLength {
            // Too long to be a placement: kept as its length only, whether it arrived whole or in pieces.
            lines.append(Line(number: lineNumber, range: range.lowerBound..<range.lowerBound, skippedLength: (skipping ?? 0) + range.count))
            skipping = nil
            return
        }
        let isBlank = buffer[range].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        if !isBlank { lines.append(Line(number: lineNumber, range: range, skippedLength: nil)) }
    }

    private func readMore() {
        let count = readChunk(&chunk)
        guard count > 0 else {
            if count < 0 { readError = "cannot read \(path): \(String(cString: strerror(errno)))" }
            atEnd = true
            return
        }
        chunk.withUnsafeBytes { raw in digest.update(UnsafeRawBufferPointer(rebasing: raw[..<count])) }
        buffer.append(contentsOf: chunk[..<count])
    }
}
