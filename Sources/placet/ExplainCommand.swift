// `placet explain --placement ID PATH...`: why one placement was approved or blocked.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain one placement's decision: every rule, fired or not or not yet effective, and the values that decided it.")

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("The placement to explain.", valueName: "id"))
    var placement: String

    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Argument(help: ArgumentHelp("Manifest files or directories.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one manifest file or directory") }
    }

    func run() throws {
        let asOf = try policyOptions.evaluationDate()
        let policy = try CheckPipeline.compilePolicy(directory: try policyOptions.policyDirectory())
        let loaded = ManifestLoader(policy: policy).load(paths: paths)
        Terminal.printDiagnostics(loaded.diagnostics)
        guard !loaded.hasErrors else { throw ExitCode(2) }
        guard let explanation = PlacementExplainer(policy: policy, asOf: asOf).explain(placement: placement, in: loaded.inventory) else {
            let known = loaded.inventory.tables[policy.program.placementRecord].ids
            Terminal.printDiagnostics([Diagnostic(id: "explain.unknownPlacement",
                                                  message: "no placement '\(placement)'\(Suggestion.didYouMean(placement, in: known))")])
            throw ExitCode(2)
        }
        try Terminal.write(ExplanationRenderer().render(explanation), to: output)
        throw ExitCode(explanation.decision.outcome == .block ? 1 : 0)
    }
}
