// `placet serve`: the decision API and the admission webhook on Hummingbird 2. The routes
// read the body within the limits and hand it to `DecisionService`; the reloader keeps the
// pack current; everything runs in one ServiceGroup, so SIGTERM drains requests in flight
// before the process exits.

import Foundation
import HummingbirdCore
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PlacetReports
import ServiceLifecycle

public struct PlacetServer: Sendable {
    public let configuration: ServerConfiguration
    public let store = PackStore()
    public let metrics = ServerMetrics()
    let recorder: DecisionRecorder?
    let deadlines = RequestDeadlines()
    let logger: Logger

    public struct StartError: Error, Sendable {
        public let message: String
    }

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        recorder = configuration.decisionLog.map(DecisionRecorder.init)
    }

    /// Makes the event loops that run the HTTP connections also run Swift concurrency's jobs, so
    /// a request is read, decided and answered on one thread instead of hopping between NIO's
    /// threads and the concurrency pool. Call once, from the main thread, before any task starts
    /// (the command line does; tests do not). Blocking work (disk, reloads) runs on dispatch queues.
    @discardableResult
    public static func runConcurrencyOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Serves until SIGTERM or SIGINT (when `handlesSignals`) or until the task is cancelled;
    /// `onListening` is told the address and port once the socket is bound.
    public func run(onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws {
        if let path = configuration.decisionLog {
            // A log that cannot be written is found before the first decision depends on it.
            let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw StartError(message: "--log: cannot open '\(path)': \(String(cString: strerror(errno)))") }
            close(descriptor)
        }
        let server: HTTPServerBuilder
        let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(60))
        if let tls = configuration.tls {
            server = try .tls(.http1(configuration: http1), tlsConfiguration: try Self.tlsConfiguration(tls))
        } else {
            server = .http1(configuration: http1)
        }
        let logger = logger
        let application = Application(
            router: makeRouter(),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "placet"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")",
                                                    "tls": "\(configuration.tls != nil)"])
                await onListening(configuration.host, port)
            },
            logger: logger)
        let reloader = PackReloader(configuration: configuration, store: store, metrics: metrics, logger: logger)
        // A few sweeps per timeout; it stops last, so requests draining at shutdown still time out.
        let timeout = configuration.limits.requestTimeout
        let sweeper = DeadlineSweeper(deadlines: deadlines, interval: max(.milliseconds(10), min(.milliseconds(100), timeout / 5)))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: sweeper), .init(service: application), .init(service: reloader)],
            gracefulShutdownSignals: configuration.handlesSignals ? [.sigterm, .sigint] : [],
            logger: logger))
        try await group.run()
        logger.info("stopped")
    }

    static func tlsConfiguration(_ files: ServerConfiguration.TLSFiles) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw StartError(message: "--tls-cert/--tls-key: cannot read the certificate '\(files.certificate)' or key '\(files.privateKey)': \(error)")
        }
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestLimits(limits: configuration.limits, metrics: metrics))
        let store = store
        let metrics = metrics
        router.get("/healthz") { _, _ in
            RequestLimits<BasicRequestContext>.json(200, Array("{\"status\":\"ok\"}\n".utf8))
        }
        router.get("/readyz") { _, _ in
            let readiness = store.readiness
            var json = JSONOutput()
            json.object { json in
                json.key("ready"); json.bool(readiness.ready)
                json.key("reason"); json.string(readiness.reason)
            }
            json.bytes.append(0x0A)
            return RequestLimits<BasicRequestContext>.json(readiness.ready ? 200 : 503, json.bytes)
        }
        router.get("/metrics") { _, _ in
            let text = metrics.render(pack: store.current, ready: store.readiness.ready)
            return RequestLimits<BasicRequestContext>.json(200, Array(text.utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/v1/rules") { request, _ in
            try await respond(request, endpoint: "rules", readsBody: false) { service, _ in service.rules() }
        }
        router.post("/v1/check") { request, _ in
            let query = request.uri.queryParameters
            let asOf = query.get("as_of")
            let explain = query.get("explain")
            let contentType = request.headers[.contentType]
            return try await respond(request, endpoint: "check") { service, body in
                service.check(body: body, contentType: contentType, asOf: asOf, explain: explain)
            }
        }
        router.post("/v1/where") { request, _ in
            let asOf = request.uri.queryParameters.get("as_of")
            let contentType = request.headers[.contentType]
            return try await respond(request, endpoint: "where") { service, body in
                service.search(body: body, contentType: contentType, asOf: asOf)
            }
        }
        router.post("/v1/admission") { request, _ in
            let contentType = request.headers[.contentType]
            return try await respond(request, endpoint: "admission") { service, body in
                service.admission(body: body, contentType: contentType)
            }
        }
        router.post("/v1/admission/:target") { request, context in
            let contentType = request.headers[.contentType]
            let target = context.parameters.get("target")
            return try await respond(request, endpoint: "admission") { service, body in
                service.admission(body: body, contentType: contentType, target: target)
            }
        }
        return router
    }

    /// Reads the body within the size limit, decides on the current pack, logs the decisions,
    /// all within the request timeout.
    func respond(_ request: Request, endpoint: String, readsBody: Bool = true,
                 _ decide: @escaping @Sendable (DecisionService, [UInt8]) -> ServiceResponse) async throws -> Response {
        typealias Limits = RequestLimits<BasicRequestContext>
        guard let pack = store.current else {
            return Limits.json(503, JSONOutput.error(store.readiness.reason))
        }
        let limit = configuration.limits.maximumBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            metrics.recordRejection("body_too_large")
            return Limits.json(413, JSONOutput.error("the request body is \(length) bytes, over the limit of \(limit) bytes"))
        }
        let work = Task { [metrics, recorder, logger] in
            var body: [UInt8] = []
            if readsBody {
                do {
                    var buffer = try await request.body.collect(upTo: limit)
                    body = buffer.readBytes(length: buffer.readableBytes) ?? []
                } catch is NIOTooManyBytesError {
                    metrics.recordRejection("body_too_large")
                    return ServiceResponse.refusal(413, "the request body is over the limit of \(limit) bytes")
                }
                // A body cut short by the deadline is never decided on.
                try Task.checkCancellation()
            }
            var response = decide(DecisionService(pack: pack), body)
            if let report = response.loggable, let recorder {
                do {
                    try await recorder.record(report())
                } catch {
                    // Fail closed: a decision that could not be recorded is not given.
                    metrics.recordLogFailure()
                    logger.error("decision log write failed", metadata: ["error": "\(error)"])
                    response = .refusal(500, "the decision could not be written to the decision log; nothing is approved")
                }
            }
            if response.refused { metrics.recordError(endpoint: endpoint) }
            metrics.recordDecisions(endpoint: endpoint, response.decisions)
            return response
        }
        let expired = ExpiryFlag()
        let deadline = deadlines.register(configuration.limits.requestTimeout) {
            expired.set()
            work.cancel()
        }
        defer { deadlines.remove(deadline) }
        let answer: ServiceResponse
        do {
            answer = try await work.value
        } catch where expired.isSet {
            metrics.recordRejection("timeout")
            return Limits.json(408, JSONOutput.error("the request was not answered within \(configuration.limits.requestTimeout)"))
        }
        return Limits.json(answer.status, answer.body, contentType: answer.contentType)
    }
}
