// `placet check`: evaluate every placement in the manifests and report.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import PlacetWorkflows

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit, sarif, markdown, html, oscal

    func render(_ report: Report, colored: Bool) -> [UInt8]? {
        switch self {
        case .text: TextRenderer(colored: colored).render(report)
        case .json: JSONRenderer().render(report)
        case .junit: JUnitRenderer().render(report)
        case .sarif: SARIFRenderer().render(report)
        case .markdown: MarkdownRenderer().render(report)
        case .html: HTMLRenderer().render(report)
        case .oscal: OSCALRenderer().render(report)
        }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate every placement in the manifests against the policies.",
        discussion: """
            PATH may be a file or a directory (read recursively: .yaml, .yml, .json, .jsonl, .xml). \
            With --stream, PATHs hold the reference manifests and placements arrive as JSON Lines. \
            Exit 0 when every placement is approved, 1 when at least one is blocked, 2 on any policy, manifest or usage error.
            """)

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: "Output format (default: text; with --stream, JSON Lines).")
    var format: OutputFormat?

    @Option(name: .long, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Append one hash-chained JSON line per decision to this log (see verify-log).", valueName: "file"))
    var log: String?

    @OptionGroup var inputOptions: InputOptions

    @Flag(name: .customLong("allow-empty"), help: "Succeed when the inputs hold no Placement (by default that is an error: nothing was checked).")
    var allowEmpty = false

    @Flag(name: .long, help: "Decide placements as they arrive: reference manifests from the PATHs, placements as JSON Lines from --placements; one JSON line per placement, in input order, then the summary.")
    var stream = false

    @Option(name: .long, help: ArgumentHelp("With --stream: the placements, one JSON object per line; '-' (the default) reads standard input.", valueName: "file"))
    var placements: String?

    @Argument(help: ArgumentHelp("Manifest files or directories; '-' reads standard input.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one manifest file or directory ('-' for standard input)") }
        try Terminal.checkOutputPath(output)
        if stream {
            try StreamCheck.validate(format: format, log: log, placements: placements, paths: paths)
        } else if placements != nil {
            throw ValidationError("--placements needs --stream (without it, give placements among the PATHs)")
        }
    }

    func run() throws {
        if stream {
            throw ExitCode(try StreamCheck.run(policyOptions: policyOptions, inputOptions: inputOptions, paths: paths,
                                               placements: placements, output: output, allowEmpty: allowEmpty))
        }
        // Not for a stream, whose memory is held to a bound: a batch holds everything to the end.
        HeapSettings.forBatch()
        let format = self.format ?? .text
        let asOf = try policyOptions.evaluationDate()
        if format == .json {
            // Written as it is decided: the same bytes, without holding the whole report; the
            // log's records too, as each chunk of decisions is written.
            var sink = try OutputSink(path: output)
            var timings = CheckWorkflow.Timings()
            var logging = log.map(CheckLog.init)
            let outcome = CheckWorkflow.writeJSON(
                pack: try policyOptions.pack(), paths: paths, asOf: asOf, standardInput: inputOptions.standardInput,
                allowEmpty: allowEmpty, timings: &timings, write: { sink.write($0) },
                logged: logging == nil ? nil : { logging!.add($0, of: $1) },
                whileLoaded: { outcome in
                    Terminal.printDiagnostics(outcome.diagnostics)
                    let written = (try? sink.finish()) != nil
                    var status = written ? outcome.exitStatus : 2
                    // As for the other formats: the log gains the run only when its report was written and no error stands.
                    if var logging, !outcome.diagnostics.contains(where: \.isError) {
                        if let failure = logging.end(commit: written) {
                            Terminal.printDiagnostics([Diagnostic(id: "log.failed", message: failure)])
                            status = 2
                        }
                    }
                    // Exits with the inventory still held: the process ends without freeing it.
                    Foundation.exit(status)
                })
            // Not reached: `whileLoaded` exits.
            throw ExitCode(outcome.exitStatus)
        }
        let report = CheckWorkflow.run(pack: try policyOptions.pack(), paths: paths, asOf: asOf,
                                       standardInput: inputOptions.standardInput, allowEmpty: allowEmpty)
        let colored = output == nil && Terminal.isColorTerminal(fileDescriptor: STDOUT_FILENO)
        Terminal.printDiagnostics(report.diagnostics)
        guard let bytes = format.render(report, colored: colored) else {
            Terminal.printDiagnostics([Diagnostic(id: "report.failed", message: "cannot write the \(format.rawValue) report")])
            throw ExitCode(2)
        }
        try Terminal.write(bytes, to: output)
        if let log, report.errors.isEmpty {
            do {
                try DecisionLog.append(report, to: log)
            } catch {
                Terminal.printDiagnostics([Diagnostic(id: "log.failed", message: error.message)])
                throw ExitCode(2)
            }
        }
        throw ExitCode(CheckWorkflow.exitStatus(report))
    }
}
