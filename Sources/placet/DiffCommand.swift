// `placet diff OLD NEW PATH...`: the impact of a policy change before it is merged. The same
// manifests are checked with both policy directories; PolicyImpact compares the outcomes.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetReports

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the placements whose decision or findings change between two policy directories.",
        discussion: """
            Evaluates the manifests under each PATH with the OLD and then the NEW policies, on the same date, and lists \
            every placement whose decision changes and every placement whose findings change (rule, effect, waiver or \
            subjects; not message wording), with before and after. The summary counts decisions changed, and placements \
            whose decision stays but whose findings change. \
            Exit 0 when nothing changes, 1 when something does, 2 on a policy, manifest or usage error in either run.
            """)

    @Argument(help: ArgumentHelp("The policies before the change.", valueName: "old-policies"))
    var oldPolicies: String

    @Argument(help: ArgumentHelp("The policies after the change.", valueName: "new-policies"))
    var newPolicies: String

    @Argument(help: ArgumentHelp("Manifest files or directories.", valueName: "path"))
    var paths: [String] = []

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Evaluation date, YYYY-MM-DD; default: today (UTC).", valueName: "date"))
    var asOf: String?

    /// Impact reports come as text or JSON (check's other formats describe one assessment).
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .long, help: "Output format.")
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give two policy directories and at least one manifest file or directory") }
    }

    func run() throws {
        let date = try LintCommand.date(asOf)
        let old = run(policies: oldPolicies, asOf: date)
        let new = run(policies: newPolicies, asOf: date)
        let report = DiffReport(old: old, new: new)
        Terminal.printDiagnostics(report.errors)
        let bytes: [UInt8] = switch format {
        case .text: DiffTextRenderer(colored: output == nil && Terminal.isColorTerminal(fileDescriptor: STDOUT_FILENO)).render(report)
        case .json: DiffJSONRenderer().render(report)
        }
        try Terminal.write(bytes, to: output)
        throw ExitCode(report.exitStatus)
    }

    /// One run; a policy error names its file under the directory given, so the two sides can be told apart.
    private func run(policies: String, asOf: CivilDate) -> Report {
        var report = CheckPipeline.run(policyDirectory: URL(fileURLWithPath: policies), paths: paths, asOf: asOf)
        if report.policyDigest.isEmpty {
            let prefix = policies.hasSuffix("/") ? policies : policies + "/"
            report.diagnostics = report.diagnostics.map { diagnostic in
                var diagnostic = diagnostic
                if let file = diagnostic.location?.file, !file.hasPrefix("/") { diagnostic.location?.file = prefix + file }
                return diagnostic
            }
        }
        return report
    }
}
