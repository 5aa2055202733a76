// The limits every request passes: at most `maximumConcurrentRequests` at once (503 beyond),
// and the request's latency and status recorded for `/metrics`. The request timeout (408) is
// applied by the handlers around reading the body, deciding and logging (`withTimeout`).
// A refusal is a JSON error, never a dropped connection.

import Foundation
import HummingbirdCore
import Hummingbird
import NIOCore

struct RequestLimits<Context: RequestContext>: RouterMiddleware {
    typealias Input = Request
    typealias Output = Response

    let limits: ServerConfiguration.Limits
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let endpoint = Self.endpoint(of: request.uri.path)
        let response: Response
        if Self.probes.contains(endpoint) {
            // Probes and scrapes are answered under load too: an overloaded server is alive, not dead.
            response = try await next(request, context)
        } else if metrics.enter(maximum: limits.maximumConcurrentRequests) {
            defer { metrics.leave() }
            response = try await next(request, context)
        } else {
            metrics.recordRejection("overloaded")
            var refusal = Self.json(503, JSONOutput.error("too many requests at once (limit \(limits.maximumConcurrentRequests)); retry"))
            refusal.headers[.retryAfter] = "1"
            response = refusal
        }
        let elapsed = ContinuousClock.now - started
        let (seconds, attoseconds) = elapsed.components
        metrics.recordRequest(endpoint: endpoint, status: Int(response.status.code), seconds: Double(seconds) + Double(attoseconds) / 1e18)
        return response
    }

    static var probes: Set<String> { ["healthz", "readyz", "metrics"] }

    /// The metrics label of a path: the endpoint it names, or `other`.
    static func endpoint(of path: String) -> String {
        switch path {
        case "/v1/check": "check"
        case "/v1/where": "where"
        case "/v1/rules": "rules"
        case "/healthz": "healthz"
        case "/readyz": "readyz"
        case "/metrics": "metrics"
        case _ where path == "/v1/admission" || path.hasPrefix("/v1/admission/"): "admission"
        default: "other"
        }
    }

    static func json(_ status: Int, _ bytes: [UInt8], contentType: String = "application/json") -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
