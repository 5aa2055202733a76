// `placet diff OLD [--policies NEW] PATH...`: the impact of a policy change before it is merged. The same
// manifests are checked with both policy directories (`DiffWorkflow`); PolicyImpact compares the outcomes.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetReports
import PlacetWorkflows

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the placements whose decision or findings change between two policy directories.",
        discussion: """
            Evaluates the manifests under each PATH with the OLD policies and then the policies in use (--policies DIR, \
            else ./policies, else the bundled pack), on the same date, and lists \
            every placement whose decision changes and every placement whose findings change (rule, effect, waiver or \
            subjects; not message wording), with before and after. The summary counts decisions changed, and placements \
            whose decision stays but whose findings change. \
            Exit 0 when nothing changes, 1 when something does, 2 on a policy, manifest or usage error in either run.
            """)

    @Argument(help: ArgumentHelp("The policies before the change (a folder).", valueName: "old-policies"))
    var oldPolicies: String

    @Argument(help: ArgumentHelp("Manifest files or directories.", valueName: "path"))
    var paths: [String] = []

    /// The policies after the change: the ones every command uses (--policies, ./policies, bundled).
    @OptionGroup var policyOptions: PolicyOptions

    /// Impact reports come as text or JSON (check's other formats describe one assessment).
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .long, help: "Output format.")
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give the old policy folder and at least one manifest file or directory") }
        // The old form was `diff OLD NEW PATH...`: a policy folder among the PATHs would be read as
        // manifests (its tests and examples), so it is refused with the new form.
        if let path = DiffWorkflow.policyFolder(among: paths) {
            throw ValidationError("'\(path)' is a policy folder, not manifests: the new policies are given as --policies \(path) (placet diff OLD --policies NEW PATH...)")
        }
        try Terminal.checkOutputPath(output)
    }

    func run() throws {
        let date = try policyOptions.evaluationDate()
        let report = DiffWorkflow.run(oldPolicies: oldPolicies, newPolicies: policyOptions.policies, paths: paths, asOf: date)
        Terminal.printDiagnostics(report.errors)
        let bytes: [UInt8] = switch format {
        case .text: DiffTextRenderer(colored: output == nil && Terminal.isColorTerminal(fileDescriptor: STDOUT_FILENO)).render(report)
        case .json: DiffJSONRenderer().render(report)
        }
        try Terminal.write(bytes, to: output)
        throw ExitCode(report.exitStatus)
    }

}
