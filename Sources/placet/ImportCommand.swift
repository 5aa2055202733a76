// `placet import`: draft manifests from other catalogues' formats. Facts the source cannot
// know are TODO placeholders, so an imported manifest fails `check` until a person fills it.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Draft manifests from Croissant dataset descriptions and Hugging Face model cards.",
        subcommands: [CroissantImport.self, ModelCardImport.self])
}

struct ImportOptions: ParsableArguments {
    /// The schema whose field documentation becomes the hint beside each TODO.
    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: "Output format.")
    var format: ManifestExportFormat = .yaml

    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("The manifest id (default: from the name; needed when the source names nothing).", valueName: "id"))
    var id: String?

    func hints() throws -> SchemaHints {
        SchemaHints(schema: try policyOptions.compile().schema)
    }

    func read(_ path: String) throws -> [UInt8] {
        switch RegularFile.read(atPath: path, limit: ManifestLoader.defaultMaximumFileSize) {
        case .success(let bytes): return bytes
        case .failure(let failure):
            Terminal.printDiagnostics([failure.diagnostic(path: path, domain: "import")])
            throw ExitCode(2)
        }
    }

    func fail(_ error: ImportError, path: String) -> ExitCode {
        let location = error.position.map { SourceLocation(file: path, line: $0.line, column: $0.column) }
            ?? SourceLocation(file: path, line: 1, column: 0)
        Terminal.printDiagnostics([Diagnostic(id: "import.invalid", message: error.message, location: location)])
        return ExitCode(2)
    }

    func write(_ draft: ManifestDraft) throws {
        guard let bytes = DraftRenderer.render([draft], as: format) else {
            Terminal.printDiagnostics([Diagnostic(id: "import.failed", message: "cannot write the manifest as \(format.rawValue)")])
            throw ExitCode(2)
        }
        try Terminal.write(bytes, to: output)
    }
}

struct CroissantImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "croissant",
        abstract: "A Dataset manifest from a Croissant 1.0 JSON-LD file (with its RAI fields where present).")

    @OptionGroup var options: ImportOptions

    @Argument(help: ArgumentHelp("The Croissant file.", valueName: "file.json"))
    var file: String

    func run() throws {
        let bytes = try options.read(file)
        do {
            try options.write(try CroissantImporter.draft(from: bytes, id: options.id, hints: try options.hints()))
        } catch let error as ImportError {
            throw options.fail(error, path: file)
        }
    }
}

struct ModelCardImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hf-model-card",
        abstract: "A Model manifest from a Hugging Face model card (README.md with YAML front matter).")

    @OptionGroup var options: ImportOptions

    @Argument(help: ArgumentHelp("The model card.", valueName: "README.md"))
    var file: String

    func run() throws {
        let bytes = try options.read(file)
        do {
            let result = try ModelCardImporter.draft(from: String(decoding: bytes, as: UTF8.self), id: options.id, hints: try options.hints())
            Terminal.printDiagnostics(result.warnings.map {
                Diagnostic(id: "import.warning", severity: .warning, message: $0, location: SourceLocation(file: file, line: 1, column: 0))
            })
            try options.write(result.draft)
        } catch let error as ImportError {
            throw options.fail(error, path: file)
        }
    }
}
