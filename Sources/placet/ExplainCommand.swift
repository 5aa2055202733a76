// `placet explain --placement ID PATH...`: why one placement was approved or blocked.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import PlacetWorkflows

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one placement's decision: every rule, fired or not or not yet effective, and the values that decided it.")

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("The placement to explain.", valueName: "id"))
    var placement: String

    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var inputOptions: InputOptions

    @Argument(help: ArgumentHelp("Manifest files or directories; '-' reads standard input.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one manifest file or directory ('-' for standard input)") }
        try Terminal.checkOutputPath(output)
    }

    func run() throws {
        let asOf = try policyOptions.evaluationDate()
        let policy = try policyOptions.compile()
        let (explanation, diagnostics) = ExplainWorkflow.run(policy: policy, placement: placement, paths: paths,
                                                             standardInput: inputOptions.standardInput, asOf: asOf)
        Terminal.printDiagnostics(diagnostics)
        guard let explanation else { throw ExitCode(2) }
        let footer = "policies: \(policy.packName) (\(policy.digest))\n"
        try Terminal.write(ExplanationRenderer().render(explanation) + Array(footer.utf8), to: output)
        throw ExitCode(explanation.decision.outcome == .block ? 1 : 0)
    }
}
