// `placet where`: where may this model and its data run? Compliant targets ranked by GPU-hour
// cost; the others with the rules that exclude them.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetWorkflows

struct WhereCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "where",
        abstract: "List every target: compliant ones ranked by gpuHourCost, the others with the rules that exclude them.",
        discussion: """
            The flags are checked against the policies' schema and the manifests first: an unknown --workload, \
            --stage or --framework value, or a --model or --datasets id that no manifest defines, is a usage error. \
            Exit 0 when some target is compliant, 1 when none is, 2 on an error.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("The model to place (omit for a storage workload).", valueName: "id"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Comma-separated dataset ids.", valueName: "ids"))
    var datasets: String = ""

    @Option(name: .long, help: ArgumentHelp("training, fineTuning, inference, batchScoring or storage.", valueName: "workload"))
    var workload: String

    @Option(name: .long, help: ArgumentHelp("development, staging or production.", valueName: "stage"))
    var stage: String

    @Option(name: .long, help: ArgumentHelp("A compute framework the target must offer.", valueName: "framework"))
    var framework: String?

    @Option(name: .long, help: "Output format.")
    var format: Format = .text

    @Argument(help: ArgumentHelp("Manifest files or directories (with the targets, model and datasets).", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one manifest file or directory") }
    }

    func run() throws {
        let asOf = try policyOptions.evaluationDate()
        let policy = try policyOptions.compile()
        let request = TargetSearch.Request(
            model: model, datasets: datasets.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            workload: workload, stage: stage, framework: framework)
        let (result, diagnostics) = TargetSearch(policy: policy, asOf: asOf).search(request, inputs: [], paths: paths)
        Terminal.printDiagnostics(diagnostics)
        guard let result else { throw ExitCode(2) }
        let text = format == .json ? json(result, asOf: asOf, policy: policy)
            : self.text(result, asOf: asOf) + "policies: \(policy.packName) (\(policy.digest))\n"
        FileHandle.standardOutput.write(Data(text.utf8))
        throw ExitCode(result.compliant.isEmpty ? 1 : 0)
    }

    private func text(_ result: TargetSearch.Result, asOf: CivilDate) -> String {
        var out = "where: \(model ?? "(no model)") with [\(datasets)] for \(workload) in \(stage), as of \(asOf)\n"
        out += result.compliant.isEmpty ? "no compliant target\n" : "compliant, cheapest first:\n"
        for (rank, candidate) in result.compliant.enumerated() {
            out += "  \(rank + 1). \(candidate.target)  \(ValueFormatter.format(number: candidate.gpuHourCost)) EUR/GPU-hour"
            let warnings = candidate.decision.findings.filter { $0.effect == .warn }.map(\.rule)
            if !warnings.isEmpty { out += "  (warnings: \(warnings.joined(separator: ", ")))" }
            out += "\n"
        }
        if !result.excluded.isEmpty {
            out += "excluded:\n"
            for candidate in result.excluded {
                out += "  \(candidate.target): \(candidate.blockingRules.joined(separator: ", "))\n"
                for finding in candidate.decision.findings where finding.effect == .block && !finding.waived {
                    out += "      \(finding.rule): \(finding.message) (\(finding.citations.joined(separator: "; ")))\n"
                }
            }
        }
        return out
    }

    private func json(_ result: TargetSearch.Result, asOf: CivilDate, policy: CompiledPolicy) -> String {
        func quote(_ text: String) -> String { DraftRenderer.quote(text) }
        func list(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ", ") + "]" }
        var out = "{\n  \"asOf\": \(quote(asOf.description)),\n  \"policyDigest\": \(quote(policy.digest)),\n  \"policyPack\": \(quote(policy.packName)),\n  \"compliant\": ["
        out += result.compliant.map { candidate in
            "\n    {\"target\": \(quote(candidate.target)), \"gpuHourCost\": \(ValueFormatter.format(number: candidate.gpuHourCost)), "
                + "\"warnings\": \(list(candidate.decision.findings.filter { $0.effect == .warn }.map(\.rule)))}"
        }.joined(separator: ",")
        out += result.compliant.isEmpty ? "],\n  \"excluded\": [" : "\n  ],\n  \"excluded\": ["
        out += result.excluded.map { candidate in
            "\n    {\"target\": \(quote(candidate.target)), \"rules\": \(list(candidate.blockingRules))}"
        }.joined(separator: ",")
        out += result.excluded.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }
}
