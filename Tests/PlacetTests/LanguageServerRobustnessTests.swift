// Hostile input does not crash or stall the server: malformed JSON-RPC, unknown methods, stray
// bytes on the wire and in a document, a 10 MB document and an oversized message each get an
// answer (or are dropped) and the next request is answered within a second, in bounded memory.
// Mutated documents get answers at any position. Also the framer and JSON parser on their own.

import Foundation
import PlacetLanguageServer
@testable import placet  // SplitMix64, the benchmarks' generator
import Testing

@Suite struct LanguageServerRobustnessTests {
    /// A server initialized on the repository.
    func started() throws -> LSPProcess {
        let server = try LSPProcess()
        _ = try #require(server.request("initialize", .object(["rootUri": .string(Fixtures.packageRoot.absoluteString),
                                                               "capabilities": .object([:])])))
        server.notify("initialized", .object([:]))
        return server
    }

    /// The server still answers: three requests in a row are each answered, the fastest within
    /// `seconds` (the best of three, so a test machine busy with other suites does not make a
    /// responsive server look stalled; a stalled one fails all three).
    func expectAnswer(_ server: LSPProcess, within seconds: Double = 1, sourceLocation: SourceLocation = #_sourceLocation) {
        var fastest = Double.infinity
        for _ in 0..<3 {
            let started = Date()
            let answer = server.request("textDocument/documentSymbol", .object(["textDocument": .object(["uri": "file:///not-open.placet"])]), timeout: 10)
            #expect(answer?["error"]?["code"]?.int == ResponseError.invalidParams, sourceLocation: sourceLocation)
            fastest = min(fastest, Date().timeIntervalSince(started))
        }
        #expect(fastest < TestTiming.seconds(seconds), sourceLocation: sourceLocation)
    }

    @Test func malformedMessagesGetJSONRPCErrors() throws {
        let server = try started()
        defer { _ = server.waitForExit(timeout: 0) }
        let body = Array(#"{"jsonrpc": "2.0", "id": 7, "method": "#.utf8)
        server.write(MessageFramer.frame(body))
        let parseError = server.wait(timeout: 10) { $0["error"]?["code"]?.int == ResponseError.parseError }
        #expect(parseError?["id"] == .null)
        server.write(MessageFramer.frame(Array("[1, 2]".utf8)))
        #expect(server.wait(timeout: 10) { $0["error"]?["code"]?.int == ResponseError.invalidRequest } != nil)
        server.write(Array("Content-Length: twelve\r\n\r\n".utf8))
        let unknown = server.request("placet/noSuchMethod", .object([:]), timeout: 10)
        #expect(unknown?["error"]?["code"]?.int == ResponseError.methodNotFound)
        server.notify("placet/noSuchNotification", .object([:]))
        server.write(MessageFramer.frame(Array(String(repeating: "[", count: 100_000).utf8)))
        #expect(server.wait(timeout: 10) { $0["error"]?["code"]?.int == ResponseError.parseError } != nil)
        expectAnswer(server)
    }

    @Test func strayBytesOnTheWireAreSkipped() throws {
        let server = try started()
        defer { _ = server.waitForExit(timeout: 0) }
        var generator = SplitMix64(seed: 14)
        server.write((0..<100_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        expectAnswer(server)
    }

    @Test func anOversizedMessageIsRefusedWithoutBeingBuffered() throws {
        let server = try started()
        defer { _ = server.waitForExit(timeout: 0) }
        let length = MessageFramer.defaultMaximumMessageSize + 1
        server.write(Array("Content-Length: \(length)\r\n\r\n".utf8))
        let refused = server.wait(timeout: 10) { $0["error"]?["code"]?.int == ResponseError.invalidRequest }
        #expect(refused?["error"]?["message"]?.string?.contains("over the limit") == true)
        server.write([UInt8](repeating: 0x20, count: length))
        expectAnswer(server, within: 5)
        #expect((server.peakMemoryMiB ?? 0) < 512)
    }

    @Test func aTenMegabyteDocumentDoesNotStallTheServer() throws {
        let server = try started()
        defer { _ = server.waitForExit(timeout: 0) }
        let uri = LSPText.uri("policies/rules/huge.placet")
        let line = "# a comment line that repeats until the file is ten megabytes long\n"
        let text = String(repeating: line, count: 10_000_000 / line.utf8.count)
        let open = JSONValue.object([("jsonrpc", "2.0"), ("method", "textDocument/didOpen"), ("params", .object(["textDocument": .object([
            "uri": .string(uri), "languageId": "placet", "version": 1, "text": .string(text)])]))])
        let frame = MessageFramer.frame(Array(open.serialized().utf8))
        let started = Date()
        server.write(frame)
        let diagnostics = server.diagnostics(for: uri, timeout: 10)
        #expect(diagnostics?.first?["code"]?.string == "lsp.documentTooLarge")
        // About 0.35 s in a debug build on an idle machine; the bound leaves room for a busy one.
        #expect(Date().timeIntervalSince(started) < TestTiming.seconds(5))
        let hover = server.request("textDocument/hover", LSPText.at(uri, .object(["line": 0, "character": 0])), timeout: 10)
        #expect(hover?["error"]?["code"]?.int == ResponseError.requestFailed)
        expectAnswer(server)
        #expect((server.peakMemoryMiB ?? 0) < 512)
    }

    @Test func aDocumentOfStrayBytesGetsBoundedDiagnostics() throws {
        let server = try started()
        defer { _ = server.waitForExit(timeout: 0) }
        let uri = LSPText.uri("policies/rules/stray.placet")
        var generator = SplitMix64(seed: 100_000)
        let scalars = (0..<100_000).map { _ in Character(Unicode.Scalar(UInt8(0x21 + generator.next() % 0x5E))) }
        let started = Date()
        server.notify("textDocument/didOpen", .object(["textDocument": .object([
            "uri": .string(uri), "languageId": "placet", "version": 1, "text": .string(String(scalars))])]))
        let diagnostics = try #require(server.diagnostics(for: uri, timeout: 10))
        #expect(!diagnostics.isEmpty && diagnostics.count <= 201)
        #expect(Date().timeIntervalSince(started) < TestTiming.seconds(5))
        expectAnswer(server)
    }

    /// Manifests and a policy file mutated at random (line breaks of every kind, YAML and JSON
    /// punctuation, half-typed expressions, bytes cut out mid-character), with diagnostics
    /// published after each change and requests at positions anywhere, past the end too: each
    /// request is answered. A small fuzzer for the editor's paths, seeded so a failure repeats.
    @Test(arguments: ["policies/examples/acme/placements.yaml", "policies/examples/acme/block.yaml", "policies/examples/acme/more-placements.json",
                      "policies/examples/acme/bulk.jsonl", "policies/rules/platform.placet"])
    func mutatedDocumentsAreAnswered(_ path: String) {
        var generator = SplitMix64(seed: UInt64(path.utf8.count))
        func below(_ bound: Int) -> Int { Int(generator.next() % UInt64(max(1, bound))) }
        // The acme files write lists in flow style; block.yaml (not on disk) has block lists.
        let source = path.hasSuffix("block.yaml") ? LanguageServerLineBreakTests.blockYAML : LSPText.text(path)
        let pieces: [[UInt8]] = ["\r", "\n", "\r\n", "- ", "  - ", ":", ": ", "{", "}", "[", "]", ",", "\"", "'", "#", "---\n", "<", "/>",
                                 "  ", "\t", "é", "\u{2028}", "\u{85}", "kind: ", "d.", "when ", "for each ", "{placement.", "."].map { Array($0.utf8) }
        let server = InProcessServer()
        let uri = LSPText.uri(path)
        var errors: [String] = []
        for round in 0..<60 {
            // Every line break made CRLF or a lone CR in two rounds of three.
            let lineBreak = ["\n", "\r\n", "\r"][round % 3]
            var bytes = Array(source.replacingOccurrences(of: "\n", with: lineBreak).utf8)
            for _ in 0...below(8) {
                let at = below(bytes.count + 1)
                if below(3) == 0 {
                    bytes.removeSubrange(at..<min(bytes.count, at + below(16)))
                } else {
                    bytes.insert(contentsOf: pieces[below(pieces.count)], at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if round == 0 { server.open(uri, text, language: path.hasSuffix(".placet") ? "placet" : "yaml") } else { server.change(uri, text, version: round + 2) }
            _ = server.publishedDiagnostics()
            let lineCount = bytes.count { $0 == 0x0A || $0 == 0x0D } + 1
            for _ in 0..<20 {
                let position: JSONValue = .object(["line": JSONValue(below(lineCount + 2)), "character": JSONValue(below(100))])
                for method in ["textDocument/completion", "textDocument/hover", "textDocument/definition"] {
                    if let error = server.request(method, LSPText.at(uri, position))["error"] { errors.append("\(method) at \(position) in round \(round): \(error)") }
                }
            }
        }
        #expect(errors.isEmpty, "\(errors.prefix(5))")
    }

    @Test func framerResynchronisesAndSplitsAcrossReads() {
        var framer = MessageFramer(maximumMessageSize: 100)
        let message = MessageFramer.frame(Array(#"{"a":1}"#.utf8))
        framer.append(Array("garbage".utf8) + message.prefix(5))
        #expect(framer.next() == nil)
        framer.append(message.dropFirst(5))
        #expect(framer.next() == .badHeader("bytes before a header"))
        #expect(framer.next() == .message(Array(#"{"a":1}"#.utf8)))
        // Random bytes read in pipe-sized chunks, then a message.
        var generator = SplitMix64(seed: 14)
        let stray = (0..<100_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        var messages: [[UInt8]] = []
        for chunk in stride(from: 0, to: stray.count, by: 65_536) {
            framer.append(stray[chunk..<min(chunk + 65_536, stray.count)])
            while let event = framer.next() { if case .message(let body) = event { messages.append(body) } }
        }
        framer.append(message)
        while let event = framer.next() { if case .message(let body) = event { messages.append(body) } }
        #expect(messages.last == Array(#"{"a":1}"#.utf8))
        framer.append(Array("Content-Length: 101\r\n\r\n".utf8) + [UInt8](repeating: 0, count: 101) + message)
        #expect(framer.next() == .tooLarge(101))
        #expect(framer.next() == .message(Array(#"{"a":1}"#.utf8)))
        #expect(framer.next() == nil)
    }

    /// Found by fuzz-lsp-framing: over 4 KiB without a header end, then a message whose
    /// `Content-Length` had not fully arrived when the framer gave up on the junk. The framer kept
    /// a tail beginning with the junk's line feed and read it as part of the next header, whose
    /// length it then could not find: the message was lost when the reads split the stream there,
    /// and framed when the stream came in one read.
    @Test(arguments: [1, 5, 13, 64, 201, 4_096, 5_000])
    func messagesAfterLongJunkDoNotDependOnReads(readSize: Int) {
        let message = MessageFramer.frame(Array(#"{"jsonrpc":"2.0","id":5,"method":"w"}"#.utf8))
        let stream = Array("X-Pad: content-length:".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 4_108)
            + Array("\r\n\r\n".utf8) + message + Array("junk\nContent-Length: 2\r\n\r\n{}".utf8)
        func messages(reads: [Int]) -> [[UInt8]] {
            var framer = MessageFramer(maximumMessageSize: 4_096)
            var framed: [[UInt8]] = []
            var start = 0, read = 0
            while start < stream.count {
                let end = min(stream.count, start + reads[read % reads.count])
                framer.append(stream[start..<end])
                while let event = framer.next() { if case .message(let body) = event { framed.append(body) } }
                start = end
                read += 1
            }
            return framed
        }
        let whole = messages(reads: [stream.count])
        #expect(whole.first == Array(#"{"jsonrpc":"2.0","id":5,"method":"w"}"#.utf8))
        #expect(messages(reads: [readSize]) == whole)
        #expect(messages(reads: [5, 201, 13]) == whole)
    }

    @Test(arguments: ["", "{", "{\"a\" 1}", "[1,]", "\"\\x\"", "nul", "1 2", "{\"a\":\"\u{01}\"}"])
    func parserRejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func parserReadsEscapesAndKeepsKeyOrder() throws {
        let value = try JSONParser.parse(Array(#"{"b": "x\n\u00e9\ud83d\ude00", "a": [true, null, -1.5e2]}"#.utf8))
        #expect(value["b"]?.string == "x\né😀")
        #expect(value["a"] == [true, .null, .number(-150)])
        #expect(value.serialized() == #"{"b":"x\né😀","a":[true,null,-150]}"#)
    }
}
