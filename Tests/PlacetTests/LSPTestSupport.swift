// Drivers for language-server tests: `LSPProcess` runs the real `placet lsp` over pipes with a
// deadline on every wait (a test can fail, never hang); `InProcessServer` drives the
// LanguageServer directly. Both speak JSONValue.

import Foundation
import PlacetLanguage
import PlacetLanguageServer
import Testing

/// `placet lsp` as a child process. Messages from it are framed on a reader thread.
// @unchecked Sendable: `received` and `closed` are touched only while `condition` is locked.
final class LSPProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let condition = NSCondition()
    private var received: [JSONValue] = []
    private var closed = false
    private var nextID = 1

    init(in directory: URL = Fixtures.packageRoot, arguments: [String] = []) throws {
        process.executableURL = PlacetExecutable.url
        process.arguments = ["lsp", "--stdio"] + arguments
        process.currentDirectoryURL = directory
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let descriptor = output.fileHandleForReading.fileDescriptor
        Thread { [self] in
            var framer = MessageFramer()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                // `read` itself, not FileHandle.availableData, which traps on EINTR.
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                framer.append(buffer[0..<count])
                while let event = framer.next() {
                    guard case .message(let bytes) = event, let message = try? JSONParser.parse(bytes) else { continue }
                    condition.lock()
                    received.append(message)
                    condition.broadcast()
                    condition.unlock()
                }
            }
            condition.lock()
            closed = true
            condition.broadcast()
            condition.unlock()
        }.start()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    func write(_ bytes: [UInt8]) {
        do {
            try input.fileHandleForWriting.write(contentsOf: bytes)
        } catch {
            Issue.record("writing to placet lsp: \(error)")
        }
    }

    func send(_ message: JSONValue) {
        write(MessageFramer.frame(Array(message.serialized().utf8)))
    }

    func notify(_ method: String, _ params: JSONValue) {
        send(.object([("jsonrpc", "2.0"), ("method", .string(method)), ("params", params)]))
    }

    /// Sends a request and waits for its response (nil after `timeout` seconds).
    func request(_ method: String, _ params: JSONValue = .object([]), timeout: Double = 10) -> JSONValue? {
        let id = nextID
        nextID += 1
        send(.object([("jsonrpc", "2.0"), ("id", JSONValue(id)), ("method", .string(method)), ("params", params)]))
        return wait(timeout: timeout) { $0["id"]?.int == id }
    }

    /// The first message (taken off the list) that matches, waiting up to `timeout` seconds.
    func wait(timeout: Double = 10, for matches: (JSONValue) -> Bool) -> JSONValue? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = received.firstIndex(where: matches) { return received.remove(at: index) }
            if closed || !condition.wait(until: deadline) { return nil }
        }
    }

    /// The next diagnostics published for a URI.
    func diagnostics(for uri: String, timeout: Double = 10) -> [JSONValue]? {
        wait(timeout: timeout) { $0["method"]?.string == "textDocument/publishDiagnostics" && $0["params"]?["uri"]?.string == uri }?["params"]?["diagnostics"]?.array
    }

    /// Waits for the process to end; kills it after `timeout` seconds. Its exit status, or nil when killed.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        guard !process.isRunning else {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    /// Peak resident memory of the server in MiB (Linux), for the bounded-memory checks.
    var peakMemoryMiB: Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes / 1024
    }
}

/// The server in this process, its messages collected.
final class InProcessServer {
    /// What the server sent, in order.
    final class Outbox {
        var messages: [JSONValue] = []
    }

    private let outbox = Outbox()
    let server: LanguageServer
    private var nextID = 1
    var sent: [JSONValue] {
        get { outbox.messages }
        set { outbox.messages = newValue }
    }

    init(root: URL = Fixtures.packageRoot, options: JSONValue = .object([:]), capabilities: JSONValue = .object([:])) {
        let outbox = outbox
        server = LanguageServer(today: CivilDateFixture.date2028) { outbox.messages.append($0) }
        _ = request("initialize", .object(["rootUri": .string(root.absoluteString), "capabilities": capabilities,
                                           "initializationOptions": options]))
        notify("initialized", .object([:]))
    }

    func notify(_ method: String, _ params: JSONValue) {
        server.handle(.object([("jsonrpc", "2.0"), ("method", .string(method)), ("params", params)]))
    }

    /// The response's `result`, or its `error` object under the key "error".
    @discardableResult
    func request(_ method: String, _ params: JSONValue) -> JSONValue {
        let id = nextID
        nextID += 1
        server.handle(.object([("jsonrpc", "2.0"), ("id", JSONValue(id)), ("method", .string(method)), ("params", params)]))
        guard let response = sent.last(where: { $0["id"]?.int == id }) else { return .null }
        if let error = response["error"] { return .object(["error": error]) }
        return response["result"] ?? .null
    }

    /// Runs the pending analysis and returns the diagnostics published for each URI, taking them off the list.
    func publishedDiagnostics() -> [String: [JSONValue]] {
        server.performPendingWork()
        var byURI: [String: [JSONValue]] = [:]
        for message in sent where message["method"]?.string == "textDocument/publishDiagnostics" {
            if let uri = message["params"]?["uri"]?.string { byURI[uri] = message["params"]?["diagnostics"]?.array ?? [] }
        }
        sent.removeAll { $0["method"]?.string == "textDocument/publishDiagnostics" }
        return byURI
    }

    func open(_ uri: String, _ text: String, language: String = "placet") {
        notify("textDocument/didOpen", .object(["textDocument": .object([
            "uri": .string(uri), "languageId": .string(language), "version": 1, "text": .string(text)])]))
    }

    func change(_ uri: String, _ text: String, version: Int = 2) {
        notify("textDocument/didChange", .object(["textDocument": .object(["uri": .string(uri), "version": JSONValue(version)]),
                                                  "contentChanges": [.object(["text": .string(text)])]]))
    }
}

enum CivilDateFixture {
    static let date2028 = CivilDate(iso: "2028-01-01")!  // PANIC SAFETY: a valid literal date
}

/// LSP positions and params from text: the position of the `offset`-th character of `needle`.
enum LSPText {
    static func position(of needle: String, in text: String, plus offset: Int = 0, occurrence: Int = 0) -> JSONValue {
        var searchStart = text.startIndex
        var found = text.range(of: needle)
        for _ in 0..<occurrence {
            searchStart = found.map { $0.upperBound } ?? text.endIndex
            found = text.range(of: needle, range: searchStart..<text.endIndex)
        }
        guard let range = found else {
            Issue.record("'\(needle)' not in the text")
            return .object(["line": 0, "character": 0])
        }
        let before = text[..<range.lowerBound]
        let line = before.filter { $0 == "\n" }.count
        let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        let character = text[lineStart..<range.lowerBound].utf16.count + offset
        return .object(["line": JSONValue(line), "character": JSONValue(character)])
    }

    static func at(_ uri: String, _ position: JSONValue) -> JSONValue {
        .object(["textDocument": .object(["uri": .string(uri)]), "position": position])
    }

    static func uri(_ relative: String) -> String {
        Fixtures.packageRoot.appendingPathComponent(relative).absoluteString
    }

    static func text(_ relative: String) -> String {
        (try? String(contentsOf: Fixtures.packageRoot.appendingPathComponent(relative), encoding: .utf8)) ?? ""
    }
}
