// Parallel JSON Lines reading: chunks of whole lines parsed and converted on every core, merged in file order.

import Dispatch
import Foundation
import PlacetEngine
import PlacetLanguage

/// JSON Lines are independent records: chunks of lines are parsed and converted on every
/// core, then returned in file order, so the result does not depend on scheduling.
enum JSONLinesReader {
    /// Each chunk's manifests (one per non-blank line, at most about 1,000 errors' worth per
    /// chunk) handed to `consume` in file order. Workers convert the next chunks while
    /// `consume` takes the earlier ones (which is serial, and otherwise leaves cores idle), at
    /// most a few chunks ahead, so a large file's converted manifests are never all held at
    /// once. `consume` is also given the file's number of lines; it returns false to stop.
    static func read(_ file: ManifestFileContext, converter: ManifestConverter, direct: DirectLineConverter,
                     known: KnownRecordIDs? = nil, consume: ([ConvertedManifest], _ lines: Int) -> Bool) {
        let (chunks, lines) = lineChunks(file.bytes, target: 1 << 18)
        if chunks.count <= 1 {
            if let chunk = chunks.first { _ = consume(convertChunk(chunk, file, converter, direct, known), lines) }
            return
        }
        let workers = min(chunks.count, ProcessInfo.processInfo.activeProcessorCount)
        let pipeline = OrderedPipeline<[ConvertedManifest]>(chunks: chunks.count, ahead: 8 * workers)
        let convert = { @Sendable (index: Int) in convertChunk(chunks[index], file, converter, direct, known) }
        pipeline.start(workers: workers) { _ in
            while let index = pipeline.claim() {
                pipeline.deliver(index, convert(index))
            }
        }
        // The workers read `file`'s bytes: those that started are done before this returns.
        defer { pipeline.finish() }
        for index in chunks.indices where !consume(pipeline.take(index) { convert(index) }, lines) {
            break
        }
    }

    private static func convertChunk(_ chunk: (start: Int, end: Int, firstLine: Int), _ file: ManifestFileContext,
                                     _ converter: ManifestConverter, _ direct: DirectLineConverter,
                                     _ known: KnownRecordIDs?) -> [ConvertedManifest] {
        var converted: [ConvertedManifest] = []
        var members: [DirectLineConverter.Member] = []
        file.bytes.withUnsafeBufferPointer { buffer in
            var lineStart = chunk.start
            var lineNumber = chunk.firstLine
            var errors = 0
            while lineStart < chunk.end, errors < 1_000 {
                var lineEnd = lineStart
                while lineEnd < chunk.end, buffer[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                let isBlank = buffer[lineStart..<lineEnd].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                if !isBlank {
                    let manifest = direct.convert(buffer, lineStart..<lineEnd, line: lineNumber, file: file, members: &members, known: known)
                        ?? convertLine(buffer, lineStart..<lineEnd, line: lineNumber, file, converter)
                    errors += manifest.diagnostics.count
                    converted.append(manifest)
                }
                lineStart = lineEnd + 1
                lineNumber += 1
            }
        }
        return converted
    }

    /// One line: a manifest object, or a failure saying why it is not one.
    static func convertLine(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, line: Int,
                                    _ file: ManifestFileContext, _ converter: ManifestConverter) -> ConvertedManifest {
        do throws(ReadError) {
            let node = try JSONReader.read(buffer, range: range, line: line)
            if case .mapping = node {
                return converter.convert(node, file)
            }
            return .failure(Diagnostic(
                id: "manifest.notAManifest",
                message: "each JSON Lines line must be one manifest object, found \(node.kindDescription)",
                location: file.diagnosticLocation(node.position)))
        } catch {
            return .failure(Diagnostic(id: "manifest.malformedJSON", message: error.message,
                                       location: file.diagnosticLocation(error.position)))
        }
    }

    /// Splits bytes into ranges of whole lines of about `target` bytes, with each range's first
    /// line number, and counts the lines.
    static func lineChunks(_ bytes: [UInt8], target: Int) -> (chunks: [(start: Int, end: Int, firstLine: Int)], lines: Int) {
        var chunks: [(start: Int, end: Int, firstLine: Int)] = []
        var start = 0
        var line = 1
        while start < bytes.count {
            var end = min(bytes.count, start + target)
            while end < bytes.count, bytes[end - 1] != UInt8(ascii: "\n") { end += 1 }
            chunks.append((start, end, line))
            line += lineBreaks(in: bytes, start..<end)
            start = end
        }
        return (chunks, bytes.last == UInt8(ascii: "\n") ? line - 1 : line)
    }

    /// The line feeds in `range` of `bytes`, found with `memchr`.
    static func lineBreaks(in bytes: [UInt8], _ range: Range<Int>) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var count = 0
            var from = base + range.lowerBound
            let end = base + range.upperBound
            while from < end, let found = memchr(from, Int32(UInt8(ascii: "\n")), end - from) {
                count += 1
                from = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return count
        }
    }
}
