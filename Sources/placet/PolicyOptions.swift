// The options every command that reads policies shares, and the one rule for which pack it
// uses: `--policies DIR`, else ./policies when it exists, else the bundled baseline pack.

import ArgumentParser
import BaselinePack
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetWorkflows

struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Directory of policy files (*.placet); default: ./policies if it exists, else the bundled baseline pack.", valueName: "dir"))
    var policies: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Evaluation date, YYYY-MM-DD; default: today (UTC).", valueName: "date"))
    var asOf: String?

    /// A bad date is a usage error naming the command, before anything is read.
    func validate() throws {
        _ = try evaluationDate()
    }

    func evaluationDate() throws -> CivilDate {
        try PolicyOptions.date(asOf)
    }

    /// `--as-of`-style text as a date, or today (UTC).
    static func date(_ text: String?) throws -> CivilDate {
        guard let text else { return CivilDate.today() }
        guard let date = CivilDate(iso: text) else {
            throw ValidationError("--as-of: \(CivilDate.problem(with: text) ?? "expected YYYY-MM-DD")")
        }
        return date
    }

    /// The pack in use; an unreadable pack is a diagnostic and exit 2.
    func pack() throws -> PolicyPack {
        try PolicyOptions.pack(policies)
    }

    static func pack(_ directory: String?) throws -> PolicyPack {
        do {
            return try PolicyPack.resolve(option: directory, bundled: BaselinePack.pack)
        } catch let error as PolicyLoadError {
            Terminal.printDiagnostics([Diagnostic(id: "policy.unreadable", message: error.message)])
            throw ExitCode(2)
        }
    }

    /// Loads and compiles the pack for commands that need only the schema; errors exit 2.
    func compile() throws -> CompiledPolicy {
        try PolicyOptions.compile(try pack())
    }

    static func compile(_ pack: PolicyPack) throws -> CompiledPolicy {
        let (policy, diagnostics) = CompiledPolicy.compile(pack: pack)
        Terminal.printDiagnostics(diagnostics)
        guard let policy else { throw ExitCode(2) }
        return policy
    }
}

/// `-` as a PATH reads manifests from standard input.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("input-format"), help: ArgumentHelp("Format of manifests read from standard input ('-'); default: sniffed from the first bytes.", valueName: "yaml|json|jsonl|xml"))
    var inputFormat: ManifestFormat?

    var standardInput: StandardInput {
        StandardInput.process(format: inputFormat)
    }
}

extension ManifestFormat: ExpressibleByArgument {}
