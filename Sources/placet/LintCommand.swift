// `placet lint [DIR]`: warnings an auditor wants before review. The work is in
// PlacetLanguage's Linter; this prints what it finds and picks the exit code.

import ArgumentParser
import BaselinePack
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

    @Argument(help: ArgumentHelp("Directory of policy files (*.placet); default: the bundled baseline pack.", valueName: "dir"))
    var directory: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Date an effective date is compared with, YYYY-MM-DD; default: today (UTC).", valueName: "date"))
    var asOf: String?

    func run() throws {
        let date = try LintCommand.date(asOf)
        var sources: [SourceFile]
        do {
            sources = try PolicySources.load(directory: try policyDirectory())
        } catch let error as PolicyLoadError {
            Terminal.printDiagnostics([Diagnostic(id: "policy.unreadable", message: error.message)])
            throw ExitCode(2)
        }
        // Locations relative to where the user runs the command, so an editor can open them.
        if let directory {
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            sources = sources.map { SourceFile(path: prefix + $0.path, text: $0.text) }
        }
        let (compiled, diagnostics) = CompiledPolicy.compile(sources: sources)
        guard let policy = compiled else {
            Terminal.printDiagnostics(diagnostics)
            throw ExitCode(2)
        }
        let findings = (diagnostics + Linter(program: policy.program, asOf: date).run()).sorted(by: Linter.precedes)
        let renderer = DiagnosticRenderer(colored: Terminal.isColorTerminal(fileDescriptor: STDOUT_FILENO))
        let warnings = findings.filter { $0.severity == .warning }.count
        let notes = findings.filter { $0.severity == .note }.count
        var out = findings.map { renderer.render($0) + "\n" }.joined()
        out += "\(warnings) warning\(warnings == 1 ? "" : "s"), \(notes) note\(notes == 1 ? "" : "s") "
            + "in \(sources.count) policy file\(sources.count == 1 ? "" : "s") (as of \(date))\n"
        try Terminal.write(Array(out.utf8), to: nil)
        throw ExitCode(warnings > 0 ? 1 : 0)
    }

    private func policyDirectory() throws -> URL {
        if let directory { return URL(fileURLWithPath: directory) }
        guard let bundled = BaselinePack.directory else {
            throw ValidationError("the bundled policy pack is missing; name a policy directory")
        }
        return bundled
    }

    /// `--as-of`, or today (UTC).
    static func date(_ text: String?) throws -> CivilDate {
        guard let text else { return CivilDate.today() }
        guard let date = CivilDate(iso: text) else {
            throw ValidationError("--as-of must be a date written YYYY-MM-DD, got '\(text)'")
        }
        return date
    }
}
