// Parallel JSON Lines reading: chunks of whole lines parsed and converted on every core, merged in file order.

import Dispatch
import Foundation
import PlacetLanguage
import Synchronization

/// JSON Lines are independent records: chunks of lines are parsed and converted on every
/// core, then returned in file order, so the result does not depend on scheduling.
enum JSONLinesReader {
    /// Each chunk's manifests (one per non-blank line, at most about 1,000 errors' worth per
    /// chunk) handed to `consume` in file order, a wave of a few chunks at a time, so a large
    /// file's converted manifests are never all held at once. `consume` returns false to stop.
    static func read(_ file: ManifestFileContext, converter: ManifestConverter, consume: ([ConvertedManifest]) -> Bool) {
        let chunks = lineChunks(file.bytes, target: 1 << 20)
        let direct = DirectLineConverter(policy: converter.policy)
        let wave = 2 * ProcessInfo.processInfo.activeProcessorCount
        var waveStart = 0
        while waveStart < chunks.count {
            let waveChunks = Array(chunks[waveStart..<min(chunks.count, waveStart + wave)])
            let results = Mutex<[[ConvertedManifest]]>(Array(repeating: [], count: waveChunks.count))
            DispatchQueue.concurrentPerform(iterations: waveChunks.count) { index in
                let converted = convertChunk(waveChunks[index], file, converter, direct)
                results.withLock { $0[index] = converted }
            }
            for chunk in results.withLock({ $0 }) where !consume(chunk) { return }
            waveStart += waveChunks.count
        }
    }

    private static func convertChunk(_ chunk: (start: Int, end: Int, firstLine: Int), _ file: ManifestFileContext,
                                     _ converter: ManifestConverter, _ direct: DirectLineConverter) -> [ConvertedManifest] {
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
                    let manifest = direct.convert(buffer, lineStart..<lineEnd, line: lineNumber, file: file, members: &members)
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

    /// Splits bytes into ranges of whole lines of about `target` bytes, with each range's first line number.
    static func lineChunks(_ bytes: [UInt8], target: Int) -> [(start: Int, end: Int, firstLine: Int)] {
        var chunks: [(start: Int, end: Int, firstLine: Int)] = []
        var start = 0
        var line = 1
        while start < bytes.count {
            var end = min(bytes.count, start + target)
            while end < bytes.count, bytes[end - 1] != UInt8(ascii: "\n") { end += 1 }
            chunks.append((start, end, line))
            for index in start..<end where bytes[index] == UInt8(ascii: "\n") { line += 1 }
            start = end
        }
        return chunks
    }
}
