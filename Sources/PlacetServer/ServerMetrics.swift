// Counters and a latency histogram for `GET /metrics`, in the Prometheus text exposition
// format (version 0.0.4), written here rather than through a metrics library: a handful of
// series, one lock, no registry.

import PlacetEngine
import PlacetLanguage
import Synchronization

public final class ServerMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Histogram {
        var counts = Array(repeating: 0, count: ServerMetrics.buckets.count)
        var sum = 0.0
        var count = 0
    }

    /// Two label values: a struct rather than an array, so counting allocates nothing.
    private struct Labels: Hashable, Comparable {
        let first: String
        let second: String

        init(_ first: String, _ second: String) {
            self.first = first
            self.second = second
        }

        static func < (lhs: Labels, rhs: Labels) -> Bool { (lhs.first, lhs.second) < (rhs.first, rhs.second) }
    }

    private struct State {
        var decisions: [Labels: Int] = [:]
        var findings: [Labels: Int] = [:]
        var requests: [Labels: Int] = [:]
        var latency: [String: Histogram] = [:]
        var rejected: [String: Int] = [:]
        var reloads = 0
        var reloadFailures = 0
        var logFailures = 0
    }

    private let state = Locked(State())
    private let inFlight = Atomic<Int>(0)

    public init() {}

    /// A request admitted past the concurrency limit, or nil when `maximum` are already running.
    func enter(maximum: Int) -> Bool {
        let now = inFlight.add(1, ordering: .relaxed).newValue
        if now > maximum {
            inFlight.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() {
        inFlight.subtract(1, ordering: .relaxed)
    }

    func recordRequest(endpoint: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[Labels(endpoint, String(status)), default: 0] += 1
            var histogram = state.latency[endpoint] ?? Histogram()
            if let bucket = Self.buckets.firstIndex(where: { seconds <= $0 }) { histogram.counts[bucket] += 1 }
            histogram.sum += seconds
            histogram.count += 1
            state.latency[endpoint] = histogram
        }
    }

    /// Decisions by outcome and findings by rule; `errors` counts requests refused with diagnostics.
    func recordDecisions(endpoint: String, _ decisions: [Decision]) {
        state.withLock { state in
            for decision in decisions {
                state.decisions[Labels(endpoint, decision.outcome.rawValue), default: 0] += 1
                for finding in decision.findings {
                    state.findings[Labels(finding.rule, finding.waived ? "waived" : finding.effect.rawValue), default: 0] += 1
                }
            }
        }
    }

    func recordError(endpoint: String) {
        state.withLock { $0.decisions[Labels(endpoint, "error"), default: 0] += 1 }
    }

    func recordRejection(_ reason: String) {
        state.withLock { $0.rejected[reason, default: 0] += 1 }
    }

    func recordReload(succeeded: Bool) {
        state.withLock { state in
            if succeeded { state.reloads += 1 } else { state.reloadFailures += 1 }
        }
    }

    func recordLogFailure() {
        state.withLock { $0.logFailures += 1 }
    }

    /// The exposition text; `pack` labels the policy digest series.
    public func render(pack: ServedPack?, ready: Bool) -> String {
        let state = state.withLock { $0 }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
            let text = labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",")
            out += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(text)} \(value)\n"
        }
        family("placet_decisions_total", "counter", "Placement decisions by endpoint and outcome (error: refused with diagnostics, nothing decided).")
        for (key, value) in state.decisions.sorted(by: { $0.key < $1.key }) {
            sample("placet_decisions_total", [("endpoint", key.first), ("outcome", key.second)], String(value))
        }
        family("placet_findings_total", "counter", "Findings by rule and effect (block, warn, waived).")
        for (key, value) in state.findings.sorted(by: { $0.key < $1.key }) {
            sample("placet_findings_total", [("rule", key.first), ("effect", key.second)], String(value))
        }
        family("placet_http_requests_total", "counter", "HTTP requests by endpoint and status code.")
        for (key, value) in state.requests.sorted(by: { $0.key < $1.key }) {
            sample("placet_http_requests_total", [("endpoint", key.first), ("code", key.second)], String(value))
        }
        family("placet_request_duration_seconds", "histogram", "Time from request to response, by endpoint.")
        for (endpoint, histogram) in state.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative = 0
            for (index, bound) in Self.buckets.enumerated() {
                cumulative += histogram.counts[index]
                sample("placet_request_duration_seconds_bucket", [("endpoint", endpoint), ("le", ValueFormatter.format(number: bound))], String(cumulative))
            }
            sample("placet_request_duration_seconds_bucket", [("endpoint", endpoint), ("le", "+Inf")], String(histogram.count))
            sample("placet_request_duration_seconds_sum", [("endpoint", endpoint)], String(histogram.sum))
            sample("placet_request_duration_seconds_count", [("endpoint", endpoint)], String(histogram.count))
        }
        family("placet_requests_rejected_total", "counter", "Requests refused by a limit: body_too_large (413), timeout (408), overloaded (503).")
        for (reason, value) in state.rejected.sorted(by: { $0.key < $1.key }) {
            sample("placet_requests_rejected_total", [("reason", reason)], String(value))
        }
        family("placet_requests_in_flight", "gauge", "Requests being answered now.")
        sample("placet_requests_in_flight", [], String(inFlight.load(ordering: .relaxed)))
        family("placet_reloads_total", "counter", "Successful reloads of policies and reference manifests (the first load included).")
        sample("placet_reloads_total", [], String(state.reloads))
        family("placet_reload_failures_total", "counter", "Reloads that failed; the previous pack kept serving.")
        sample("placet_reload_failures_total", [], String(state.reloadFailures))
        family("placet_decision_log_failures_total", "counter", "Decision log appends that failed (the requests were refused).")
        sample("placet_decision_log_failures_total", [], String(state.logFailures))
        family("placet_ready", "gauge", "1 when a policy pack is loaded and decisions are served.")
        sample("placet_ready", [], ready ? "1" : "0")
        family("placet_policy_info", "gauge", "The policy pack being served, by digest.")
        if let pack {
            sample("placet_policy_info", [("digest", pack.policy.digest), ("pack", pack.policy.packName)], "1")
        }
        return out
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
