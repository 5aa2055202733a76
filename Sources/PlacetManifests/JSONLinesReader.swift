// Parallel JSON Lines reading: chunks of whole lines parsed and converted on every core, merged in file order.

import Dispatch
import PlacetLanguage
import Synchronization

/// JSON Lines are independent records: chunks of lines are parsed and converted on every
/// core, then returned in file order, so the result does not depend on scheduling.
enum JSONLinesReader {
    /// Each chunk's manifests (one per non-blank line, at most about 1,000 errors' worth per
    /// chunk), chunks in file order.
    static func read(_ file: ManifestFileContext, converter: ManifestConverter) -> [[ConvertedManifest]] {
        let chunks = lineChunks(file.bytes, target: 1 << 20)
        let results = Mutex<[[ConvertedManifest]]>(Array(repeating: [], count: chunks.count))
        let direct = DirectLineConverter(policy: converter.policy)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            let chunk = chunks[index]
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
            results.withLock { $0[index] = converted }
        }
        return results.withLock { $0 }
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
