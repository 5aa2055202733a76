// `placet lsp`: the Language Server Protocol over standard input and output, for editors.
// `--policies` and `--as-of` are defaults for what the client's settings leave unset;
// `--bench` measures instead: keystroke-to-diagnostics latency on the policies in use.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguageServer

struct LSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the language server (LSP 3.17) over standard input and output.")

    @Flag(name: .long, help: "Use standard input and output (the default and only transport; editors pass it).")
    var stdio = false

    @Flag(name: .long, help: "Measure the time from one keystroke to the whole pack's diagnostics, then exit.")
    var bench = false

    @Option(name: .long, help: "Keystrokes to time with --bench.")
    var keystrokes = 200

    @OptionGroup var policyOptions: PolicyOptions

    func run() throws {
        guard bench else {
            // A client that goes away must end the server, not kill it with a signal mid-write.
            signal(SIGPIPE, SIG_IGN)
            // The flags are defaults: the client's settings (`placet.policies`, `placet.asOf`) win.
            let policies = policyOptions.policies.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let asOf = try policyOptions.asOf.map { _ in try policyOptions.evaluationDate() }
            throw ExitCode(StdioTransport.serve(defaults: ServerSettings(policies: policies, asOf: asOf)))
        }
        let result = try LatencyBenchmark.run(pack: try policyOptions.pack(), keystrokes: keystrokes)
        print("placet lsp --bench: \(result.files) policy files, \(result.lines) lines, \(result.keystrokes) keystrokes, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print(String(format: "keystroke to published diagnostics (parse, check, lint, publish): median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                     result.median, result.p90, result.p99, result.maximum))
        print(String(format: "  breaking a name (error published, no lint): median %.1f ms; restoring it (cleared, lint runs): median %.1f ms",
                     LatencyBenchmark.Result.percentile(result.breaking, 50), LatencyBenchmark.Result.percentile(result.restoring, 50)))
    }
}
