// `placet check`: evaluate every placement in the manifests and report.

import ArgumentParser
import BaselinePack
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports

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

struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Directory of policy files (*.placet); default: the bundled baseline pack.", valueName: "dir"))
    var policies: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Evaluation date, YYYY-MM-DD; default: today (UTC).", valueName: "date"))
    var asOf: String?

    func evaluationDate() throws -> CivilDate {
        guard let asOf else { return CivilDate.today() }
        guard let date = CivilDate(iso: asOf) else {
            throw ValidationError("--as-of must be a date written YYYY-MM-DD, got '\(asOf)'")
        }
        return date
    }

    func policyDirectory() throws -> URL {
        if let policies { return URL(fileURLWithPath: policies) }
        guard let bundled = BaselinePack.directory else {
            throw ValidationError("the bundled policy pack is missing; pass --policies DIR")
        }
        return bundled
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate every placement in the manifests against the policies.",
        discussion: """
            PATH may be a file or a directory (read recursively: .yaml, .yml, .json, .jsonl, .xml). \
            Exit 0 when every placement is approved, 1 when at least one is blocked, 2 on any policy, manifest or usage error.
            """)

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: "Output format.")
    var format: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Append one hash-chained JSON line per decision to this log (see verify-log).", valueName: "file"))
    var log: String?

    @Argument(help: ArgumentHelp("Manifest files or directories.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one manifest file or directory") }
    }

    func run() throws {
        let asOf = try policyOptions.evaluationDate()
        let report = CheckPipeline.run(policyDirectory: try policyOptions.policyDirectory(), paths: paths, asOf: asOf)
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
        throw ExitCode(CheckPipeline.exitStatus(report))
    }
}

/// The path every command that decides takes: policies, manifests, assessment.
enum CheckPipeline {
    /// Seconds spent in each phase, for `placet bench`.
    struct Timings {
        var load = 0.0
        var assess = 0.0
    }

    static func run(policyDirectory: URL, paths: [String], asOf: CivilDate) -> Report {
        var timings = Timings()
        return run(policyDirectory: policyDirectory, paths: paths, asOf: asOf, timings: &timings)
    }

    static func run(policyDirectory: URL, paths: [String], asOf: CivilDate, timings: inout Timings) -> Report {
        let started = Date()
        let sources: [SourceFile]
        do {
            sources = try PolicySources.load(directory: policyDirectory)
        } catch let error as PolicyLoadError {
            return failed(asOf: asOf, Diagnostic(id: "policy.unreadable", message: error.message))
        } catch {
            return failed(asOf: asOf, Diagnostic(id: "policy.unreadable", message: "\(error)"))
        }
        let (compiled, policyDiagnostics) = CompiledPolicy.compile(sources: sources)
        guard let policy = compiled else {
            return Report(engineVersion: Placet.version, policyDigest: "", asOf: asOf, inputs: [],
                          assessment: nil, diagnostics: policyDiagnostics)
        }
        let loaded = ManifestLoader(policy: policy).load(paths: paths)
        let diagnostics = policyDiagnostics + loaded.diagnostics
        let assessing = Date()
        timings.load = assessing.timeIntervalSince(started)
        let assessment = diagnostics.contains(where: \.isError)
            ? nil : PlacementAssessor(policy: policy, asOf: asOf).assess(loaded.inventory)
        timings.assess = Date().timeIntervalSince(assessing)
        return Report(engineVersion: Placet.version, policyDigest: policy.digest, asOf: asOf,
                      inputs: loaded.inventory.files, assessment: assessment, diagnostics: diagnostics,
                      rules: policy.rules.map(RuleDescriptor.init))
    }

    /// Loads and compiles policies for commands that need only the schema; errors exit 2.
    static func compilePolicy(directory: URL) throws -> CompiledPolicy {
        let sources: [SourceFile]
        do {
            sources = try PolicySources.load(directory: directory)
        } catch let error as PolicyLoadError {
            Terminal.printDiagnostics([Diagnostic(id: "policy.unreadable", message: error.message)])
            throw ExitCode(2)
        }
        let (policy, diagnostics) = CompiledPolicy.compile(sources: sources)
        Terminal.printDiagnostics(diagnostics)
        guard let policy else { throw ExitCode(2) }
        return policy
    }

    static func failed(asOf: CivilDate, _ diagnostic: Diagnostic) -> Report {
        Report(engineVersion: Placet.version, policyDigest: "", asOf: asOf, inputs: [], assessment: nil, diagnostics: [diagnostic])
    }

    /// 2 on any error (fail closed), else 1 when anything is blocked, else 0.
    static func exitStatus(_ report: Report) -> Int32 {
        if !report.errors.isEmpty || report.assessment == nil { return 2 }
        return report.summary.blocked > 0 ? 1 : 0
    }
}

extension CivilDate {
    /// Today in UTC.
    static func today() -> CivilDate {
        CivilDate(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
