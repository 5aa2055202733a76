// `placet serve`: parses the flags into a ServerConfiguration and runs PlacetServer until
// SIGTERM or SIGINT (exit 0). A flag or start-up error (certificate, log file, address in use)
// exits 2; a pack that does not load is not a start-up error: the server reports not ready
// and keeps watching for a fix.

import ArgumentParser
import BaselinePack
import Dispatch
import Foundation
import Logging
import PlacetLanguage
import PlacetServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve decisions over HTTP(S): the check and where API and a Kubernetes admission webhook.",
        discussion: """
            Loads the policies and the reference manifests under PATH once and answers from memory: \
            POST /v1/check, POST /v1/where, GET /v1/rules, POST /v1/admission[/TARGET], GET /healthz, /readyz, /metrics. \
            Reloads on SIGHUP and when a file under the policy folder or a PATH changes; stops gracefully on SIGTERM.
            """)

    @Option(name: .long, help: ArgumentHelp("Directory of policy files (*.placet); default: ./policies if it exists, else the bundled baseline pack.", valueName: "dir"))
    var policies: String?

    @Option(name: .long, help: ArgumentHelp("Address to listen on (port 0 picks a free port).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain: serve HTTPS (admission webhooks require it).", valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .customLong("cluster-target"), help: ArgumentHelp("Target id admission reviews place workloads on (or POST to /v1/admission/TARGET).", valueName: "id"))
    var clusterTarget: String?

    @Option(name: .long, help: ArgumentHelp("Append every decision (not dry runs) to this hash-chained log (see verify-log).", valueName: "file"))
    var log: String?

    @Option(name: .customLong("max-body-bytes"), help: ArgumentHelp("Largest request body accepted (413 beyond).", valueName: "n"))
    var maximumBodyBytes = 8 << 20

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp("Seconds within which a request is answered (408 beyond).", valueName: "seconds"))
    var requestTimeout = 10.0

    @Option(name: .customLong("max-concurrent"), help: ArgumentHelp("Requests answered at once (503 beyond).", valueName: "n"))
    var maximumConcurrent = 256

    @Option(name: .customLong("watch-interval"), help: ArgumentHelp("Seconds between looks for changed policy and manifest files; 0: reload on SIGHUP only.", valueName: "seconds"))
    var watchInterval = 2.0

    @Option(name: .customLong("log-format"), help: ArgumentHelp("Format of the server's own log on standard error.", valueName: "text|json"))
    var logFormat: LogFormat = .text

    @Option(name: .customLong("log-level"), help: ArgumentHelp("Least severe server log level shown.", valueName: "level"))
    var logLevel: String = "info"

    @Argument(help: ArgumentHelp("Reference manifest files or directories (datasets, models, targets, controllers, waivers).", valueName: "path"))
    var paths: [String]

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one reference manifest file or directory") }
        if paths.contains("-") { throw ValidationError("'-' (standard input) cannot be served: name files or directories") }
        if ServerConfiguration.parseListen(listen) == nil { throw ValidationError("--listen: expected HOST:PORT, found '\(listen)'") }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if maximumBodyBytes < 1 { throw ValidationError("--max-body-bytes: expected a positive number of bytes") }
        if !(requestTimeout > 0) { throw ValidationError("--request-timeout: expected a positive number of seconds") }
        if maximumConcurrent < 1 { throw ValidationError("--max-concurrent: expected at least 1") }
        if !(watchInterval >= 0) { throw ValidationError("--watch-interval: expected seconds, 0 or more") }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level: expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        PlacetServer.runConcurrencyOnEventLoops()
        // `validate` has checked both.
        let (host, port) = ServerConfiguration.parseListen(listen) ?? ("127.0.0.1", 8080)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var configuration = ServerConfiguration(policies: policies, paths: paths, bundledPack: BaselinePack.pack)
        configuration.host = host
        configuration.port = port
        if let tlsCertificate, let tlsKey {
            configuration.tls = .init(certificate: tlsCertificate, privateKey: tlsKey)
        }
        configuration.clusterTarget = clusterTarget
        configuration.decisionLog = log
        configuration.limits.maximumBodyBytes = maximumBodyBytes
        configuration.limits.requestTimeout = .milliseconds(Int(requestTimeout * 1000))
        configuration.limits.maximumConcurrentRequests = maximumConcurrent
        configuration.watchInterval = watchInterval > 0 ? .milliseconds(Int(watchInterval * 1000)) : nil
        let server = PlacetServer(configuration: configuration, logger: Logger(label: "placet.serve"))

        // The command line is synchronous; the server runs on the concurrency pool until it stops.
        let failure = Locked<String?>(nil)
        let stopped = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run()
            } catch let error as PlacetServer.StartError {
                failure.withLock { $0 = error.message }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            stopped.signal()
        }
        stopped.wait()
        if let message = failure.withLock({ $0 }) {
            FileHandle.standardError.write(Data("error: serve: \(message)\n".utf8))
            throw ExitCode(2)
        }
    }
}
