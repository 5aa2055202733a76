// `placet export`: read manifests (validated as `check` reads them) and write them in
// another format: YAML, JSON or XML.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the manifests read from PATH... as YAML, JSON or XML.",
        discussion: "Manifests are validated as check reads them; any error exits 2 and writes nothing.")

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: "Output format.")
    var format: ManifestExportFormat = .yaml

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
        let policy = try policyOptions.compile()
        let loaded = ManifestLoader(policy: policy).load(paths: paths, standardInput: inputOptions.standardInput)
        Terminal.printDiagnostics(loaded.diagnostics)
        guard !loaded.hasErrors else { throw ExitCode(2) }
        guard let bytes = ManifestWriter(policy: policy, inventory: loaded.inventory).write(format) else {
            Terminal.printDiagnostics([Diagnostic(id: "export.failed", message: "cannot write the manifests as \(format.rawValue)")])
            throw ExitCode(2)
        }
        try Terminal.write(bytes, to: output)
    }
}

extension ManifestExportFormat: ExpressibleByArgument {}
