// What `placet serve` is told: where the policies and reference manifests are, where to
// listen, TLS, the cluster's target for admission reviews, the decision log and the limits.
// The command line fills it in; tests build it directly.

import Foundation
import PlacetEngine

public struct ServerConfiguration: Sendable {
    /// `--policies DIR`; nil: `./policies` when it exists, else the bundled pack (the rule every command follows).
    public var policies: String?
    /// The bundled pack, for when neither `--policies` nor `./policies` is there.
    public var bundledPack: @Sendable () throws -> PolicyPack
    /// Reference manifests (datasets, models, targets, controllers, waivers): files or folders.
    public var paths: [String]
    public var host = "127.0.0.1"
    /// 0 picks a free port; `ServerHandle.port` tells which.
    public var port = 8080
    public var tls: TLSFiles?
    /// The Target id admission reviews place workloads on (`--cluster-target`).
    public var clusterTarget: String?
    /// Every decision but dry runs is appended here (`--log FILE`).
    public var decisionLog: String?
    public var limits = Limits()
    /// How often the policy folder and PATHs are looked at for changes; nil: only on SIGHUP.
    public var watchInterval: Duration? = .seconds(2)
    /// SIGTERM and SIGINT shut down gracefully, SIGHUP reloads; off for servers inside tests,
    /// which stop by cancellation and reload by watching files.
    public var handlesSignals = true

    public struct TLSFiles: Sendable {
        public var certificate: String
        public var privateKey: String

        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
    }

    public struct Limits: Sendable {
        /// Request bodies over this are refused with 413.
        public var maximumBodyBytes = 8 << 20
        /// A request not answered within this gets 408.
        public var requestTimeout: Duration = .seconds(10)
        /// Requests beyond this many at once get 503.
        public var maximumConcurrentRequests = 256

        public init() {}
    }

    public init(policies: String?, paths: [String], bundledPack: @escaping @Sendable () throws -> PolicyPack) {
        self.policies = policies
        self.paths = paths
        self.bundledPack = bundledPack
    }

    /// `HOST:PORT`, `:PORT` or `[IPv6]:PORT`; nil when it is not one of those.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
