// Support for the server tests: a server started on a free loopback port and stopped again,
// a small HTTP/1.1 client over NIO (plain or TLS, and able to send a body slowly or in part),
// a certificate made with openssl, and recorded AdmissionReviews.

import BaselinePack
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PlacetServer
import Testing

/// A server running in this process for one test.
struct RunningServer {
    let server: PlacetServer
    let port: Int
    let task: Task<Void, any Error>
    let trustRoot: String?

    /// Starts the server on a free port (port 0) and waits until it has a pack, or fails after `timeout`.
    static func start(_ configure: (inout ServerConfiguration) -> Void = { _ in }, waitForReady: Bool = true,
                      timeout: Duration = .seconds(60)) async throws -> RunningServer {
        var configuration = ServerConfiguration(policies: Fixtures.policiesDirectory.path, paths: [Fixtures.acmeDirectory.path],
                                                bundledPack: BaselinePack.pack)
        configuration.port = 0
        configuration.clusterTarget = "onprem-fra-gpu"
        configuration.handlesSignals = false
        configuration.watchInterval = nil
        configure(&configuration)
        let server = PlacetServer(configuration: configuration, logger: Logger(label: "placet.test") { _ in SwiftLogNoOpLogHandler() })
        let (ports, reportPort) = AsyncStream<Int>.makeStream()
        let task = Task { try await server.run { _, port in reportPort.yield(port) } }
        let port = try await withDeadline(timeout) {
            for await port in ports { return port }
            return 0
        }
        guard let port, port > 0 else {
            task.cancel()
            throw TestFailure("the server did not start listening within \(timeout)")
        }
        let running = RunningServer(server: server, port: port, task: task, trustRoot: configuration.tls?.certificate)
        if waitForReady {
            try await running.waitUntil(timeout: timeout) { server.store.current != nil || server.store.readiness.reason.hasPrefix("no policy") }
        }
        return running
    }

    /// Cancels the server and waits for it to stop; a server that does not stop fails the test.
    func stop() async {
        task.cancel()
        let stopped: Void?? = try? await withDeadline(.seconds(30)) { _ = try? await task.value }
        #expect(stopped != nil && stopped! != nil, "the server did not stop within 30 s")
    }

    func waitUntil(timeout: Duration = .seconds(30), _ condition: @escaping @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("condition not met within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func request(_ method: String, _ path: String, body: [UInt8] = [], contentType: String? = "application/json",
                 headers: [(String, String)] = []) async throws -> HTTPTestClient.Response {
        try await HTTPTestClient.send(port: port, trustRoot: trustRoot,
                                      HTTPTestClient.request(method, path, body: body, contentType: contentType, headers: headers))
    }

    func post(_ path: String, _ text: String, contentType: String? = "application/json") async throws -> HTTPTestClient.Response {
        try await request("POST", path, body: Array(text.utf8), contentType: contentType)
    }

    func get(_ path: String) async throws -> HTTPTestClient.Response {
        try await request("GET", path, contentType: nil)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The operation's value, or nil when `timeout` passes first.
func withDeadline<Value: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value? {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}

/// HTTP/1.1 over one connection per request (`Connection: close`): bytes out, bytes in until
/// the server closes, then the status, headers and body parsed.
enum HTTPTestClient {
    struct Response: Sendable {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    static func request(_ method: String, _ path: String, body: [UInt8], contentType: String?, headers: [(String, String)] = []) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if !headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) { head += "Content-Length: \(body.count)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }

    /// Sends `parts` (waiting `pause` between them), then reads until the server closes or `timeout` passes.
    static func send(port: Int, trustRoot: String? = nil, _ parts: [UInt8]..., pause: Duration = .zero,
                     timeout: Duration = .seconds(60)) async throws -> Response {
        let sslContext = try trustRoot.map { path -> NIOSSLContext in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            return try NIOSSLContext(configuration: tls)
        }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: "localhost"))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let received = try await withDeadline(timeout) {
            try await channel.executeThenClose { inbound, outbound in
                var received: [UInt8] = []
                do {
                    for (index, part) in parts.enumerated() {
                        if index > 0, pause > .zero { try await Task.sleep(for: pause) }
                        try await outbound.write(ByteBuffer(bytes: part))
                    }
                } catch {
                    // The server may answer and close before the whole body is sent (413): read its answer.
                }
                do {
                    for try await var chunk in inbound { received += chunk.readBytes(length: chunk.readableBytes) ?? [] }
                } catch {
                    // A TLS peer that closes without close_notify: what arrived is the answer.
                }
                return received
            }
        }
        guard let received else { throw TestFailure("no answer within \(timeout)") }
        return try parse(received)
    }

    static func parse(_ bytes: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            throw TestFailure("not an HTTP response: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = lines[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else { throw TestFailure("bad status line: \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"] == "chunked" { body = unchunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    private static func unchunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = (index..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                  let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16), size > 0 else { break }
            out += bytes[(lineEnd + 2)..<min(bytes.count, lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        return out
    }
}

/// A self-signed certificate for localhost and 127.0.0.1, made with openssl, in a fresh folder.
enum TestCertificate {
    static func make() throws -> (certificate: String, key: String)? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placet-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificate = folder.appendingPathComponent("tls.crt").path
        let key = folder.appendingPathComponent("tls.key").path
        let result = try PlacetExecutable.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                               "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=localhost",
                                               "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                                              executable: URL(fileURLWithPath: openssl ?? "/usr/bin/openssl"))
        guard result.status == 0 else { throw TestFailure("openssl failed: \(result.stderr)") }
        return (certificate, key)
    }

    static var openssl: String? {
        ["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

extension RunningServer {
    /// Runs `body` against a server started for it, and stops the server afterwards, failing or not.
    static func with(_ configure: (inout ServerConfiguration) -> Void = { _ in },
                     _ body: (RunningServer) async throws -> Void) async throws {
        let server = try await start(configure)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
