// `placet lsp --bench`: the time from one keystroke to the published diagnostics of the whole
// pack. The pack is written to a temporary workspace and every policy file opened; then each
// keystroke is an incremental didChange, alternately breaking a field name (an error appears)
// and restoring it (it clears), handled exactly as the stdio loop handles it: apply the edit,
// parse, type-check and lint every file, convert and serialize the diagnostics.

import Foundation
import PlacetEngine
import PlacetLanguage

public enum LatencyBenchmark {
    public struct Result: Sendable {
        public let files: Int
        public let lines: Int
        public let keystrokes: Int
        /// Milliseconds per keystroke, sorted: all, those that break the name (an error: no lint), and those that restore it (lint runs).
        public let milliseconds: [Double]
        public let breaking: [Double]
        public let restoring: [Double]
        public let messages: Int

        public var median: Double { Result.percentile(milliseconds, 50) }
        public var p90: Double { Result.percentile(milliseconds, 90) }
        public var p99: Double { Result.percentile(milliseconds, 99) }
        public var maximum: Double { milliseconds.last ?? 0 }

        public static func percentile(_ sorted: [Double], _ percent: Int) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * percent / 100)]
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func run(pack: PolicyPack, keystrokes: Int) throws -> Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("placet-lsp-bench-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: root) }
        var opened: [(uri: String, text: String)] = []
        for source in pack.sources {
            let relative = String(source.path.dropFirst(pack.displayPrefix.count))
            let url = root.appendingPathComponent("policies").appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.text.write(to: url, atomically: true, encoding: .utf8)
            opened.append((url.absoluteString, source.text))
        }
        var messages = 0
        var bytes = 0
        let server = LanguageServer { message in
            messages += 1
            bytes += message.serialized().utf8.count
        }
        server.handle(.object(["jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": .object(["rootUri": .string(root.absoluteString), "capabilities": .object([:])])]))
        server.handle(.object(["jsonrpc": "2.0", "method": "initialized", "params": .object([:])]))
        for (uri, text) in opened {
            server.handle(.object(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": .object([
                "textDocument": .object(["uri": .string(uri), "languageId": "placet", "version": 1, "text": .string(text)])])]))
        }
        server.performPendingWork()
        // The keystroke: a character after the first read of the field (`d.personalData` -> `d.personalDataa`).
        guard let target = opened.first(where: { $0.text.contains(" d.personalData") }) else {
            throw Failure(description: "no definition reads d.personalData in the pack")
        }
        let lines = target.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let line = lines.firstIndex(where: { $0.contains(".personalData") && !$0.hasPrefix("#") }),
              let column = lines[line].range(of: ".personalData")?.upperBound else {
            throw Failure(description: "no line to type on")
        }
        let character = lines[line][..<column].utf16.count
        var times: [Double] = []
        messages = 0
        for keystroke in 0..<max(1, keystrokes) {
            let typing = keystroke % 2 == 0
            let end = character + (typing ? 0 : 1)
            let range = JSONValue.object(["start": .object(["line": JSONValue(line), "character": JSONValue(character)]),
                                          "end": .object(["line": JSONValue(line), "character": JSONValue(end)])])
            let change = JSONValue.object(["jsonrpc": "2.0", "method": "textDocument/didChange", "params": .object([
                "textDocument": .object(["uri": .string(target.uri), "version": JSONValue(keystroke + 2)]),
                "contentChanges": [.object(["range": range, "text": typing ? "a" : ""])]])])
            let started = DispatchTime.now().uptimeNanoseconds
            server.handle(change)
            server.performPendingWork()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        let lineCount = opened.reduce(0) { $0 + $1.text.split(separator: "\n", omittingEmptySubsequences: false).count }
        let breaking = times.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).sorted()
        let restoring = times.enumerated().filter { $0.offset % 2 == 1 }.map(\.element).sorted()
        return Result(files: opened.count, lines: lineCount, keystrokes: times.count, milliseconds: times.sorted(),
                      breaking: breaking, restoring: restoring, messages: messages)
    }
}
