// `placet lint [DIR]`: warnings an auditor wants before review. The work is in
// PlacetLanguage's Linter; this prints what it finds and picks the exit code.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check policies for what an auditor should see before review.",
        discussion: """
            Warnings: a rule without citation (lint.missingCitation), a condition that can never hold \
            (lint.neverHolds) or always holds (lint.alwaysHolds), an unused constant (lint.unusedConstant) or \
            definition (lint.unusedDefinition), two rules with the same condition and effect (lint.duplicateRule). \
            Notes: an effective date after --as-of (lint.futureEffectiveDate). \
            Exit 0 when there are no warnings (notes alone do not fail), 1 when there are, 2 on a policy error.
            """)

    @Argument(help: ArgumentHelp("Directory of policy files (*.placet), the same as --policies.", valueName: "dir"))
    var directory: String?

    @OptionGroup var policyOptions: PolicyOptions

    func validate() throws {
        if directory != nil, policyOptions.policies != nil {
            throw ValidationError("name the policy folder once: as DIR or as --policies DIR")
        }
    }

    func run() throws {
        let date = try policyOptions.evaluationDate()
        let pack = try PolicyOptions.pack(directory ?? policyOptions.policies)
        let sources = pack.sources
        let (compiled, diagnostics) = CompiledPolicy.compile(pack: pack)
        guard let policy = compiled else {
            Terminal.printDiagnostics(diagnostics)
            throw ExitCode(2)
        }
        let findings = (diagnostics + Linter(program: policy.program, asOf: date).run()).sorted(by: Linter.precedes)
        let renderer = DiagnosticRenderer(colored: Terminal.isColorTerminal(fileDescriptor: STDOUT_FILENO))
        let warnings = findings.filter { $0.severity == .warning }.count
        let notes = findings.filter { $0.severity == .note }.count
        var out = findings.map { renderer.render($0) + "\n" }.joined()
        out += "policies: \(policy.packName) (\(policy.digest))\n"
        out += "\(warnings) warning\(warnings == 1 ? "" : "s"), \(notes) note\(notes == 1 ? "" : "s") "
            + "in \(sources.count) policy file\(sources.count == 1 ? "" : "s") (as of \(date))\n"
        try Terminal.write(Array(out.utf8), to: nil)
        throw ExitCode(warnings > 0 ? 1 : 0)
    }
}
