// An importer's contract: a refusal points inside the input; a draft renders as YAML, JSON and
// XML, and each rendering reads back as a well-formed manifest of a known kind with known
// fields (only its TODO placeholders and references may fail validation). YAML and JSON read
// back with the same diagnostics; XML reports a TODO through the XSD instead (invalidXML naming
// the placeholder; any other invalidXML is a broken draft), so it
// must only agree on whether there is an error at all.

import PlacetLanguage
import PlacetManifests

public enum ImportFuzzing {
    /// What a rendered draft must never cause: it would mean the importer wrote a broken file.
    static let malformed: Set = [
        "manifest.malformedYAML", "manifest.malformedJSON", "manifest.notAManifest",
        "manifest.missingKind", "manifest.missingApiVersion", "manifest.badApiVersion", "manifest.unknownKind",
        "manifest.unknownField", "manifest.emptyID", "manifest.duplicateID", "manifest.tooLarge",
    ]

    public static let hints = SchemaHints(schema: FuzzFixtures.baseline.schema)

    public static func refused(_ error: ImportError, input bytes: [UInt8]) {
        guard let position = error.position else { return }
        let location = SourceLocation(file: "input", line: position.line, column: position.column)
        FuzzContract.locationsInside([Diagnostic(id: "import.invalid", message: error.message, location: location)],
                                     path: "input", bytes: bytes)
    }

    public static func drafted(_ draft: ManifestDraft) {
        var ids: [ManifestExportFormat: [String]] = [:]
        for format in ManifestExportFormat.allCases {
            guard let bytes = DraftRenderer.render([draft], as: format) else {
                FuzzContract.violated("the draft of \(draft.id) cannot be written as \(format.rawValue)")
            }
            let path = "draft.\(format.rawValue)"
            let loaded = ManifestLoader(policy: FuzzFixtures.baseline).load(inputs: [ManifestInput(path: path, bytes: bytes)])
            FuzzContract.locationsInside(loaded.diagnostics, path: path, bytes: bytes,
                                         lineBreaks: ManifestFormat(path: path)?.lineBreaks ?? .lineFeed)
            for diagnostic in loaded.diagnostics where malformed.contains(diagnostic.id)
                || (diagnostic.id == "manifest.invalidXML" && !diagnostic.message.contains(ManifestDraft.placeholder)) {
                FuzzContract.violated("the draft written as \(format.rawValue) is malformed: \(diagnostic.id) \(diagnostic.message)\n"
                                      + String(decoding: bytes, as: UTF8.self))
            }
            ids[format] = loaded.diagnostics.filter(\.isError).map(\.id).sorted()
        }
        FuzzContract.require(ids[.yaml] == ids[.json], "the draft reads differently as YAML and JSON: \(ids)")
        FuzzContract.require(ids[.yaml]?.isEmpty == ids[.xml]?.isEmpty, "the draft reads differently as YAML and XML: \(ids)")
    }
}
