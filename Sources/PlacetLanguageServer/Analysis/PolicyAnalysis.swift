// One analysis of the policy sources: parsed, indexed, type-checked and linted by the same
// library calls as `placet check` and `placet lint`. Rebuilt whole after a change: the bundled
// pack takes milliseconds (`placet lsp --bench`), which keeps the server free of a second,
// incremental checker.

import PlacetEngine
import PlacetLanguage

public struct PolicyAnalysis: Sendable {
    /// The workspace's policy version this analysis was made from.
    public let version: Int
    public let sources: [SourceFile]
    public let files: [PolicyFileSyntax]
    public let index: PolicyIndex
    /// The checked program, when the sources have no error.
    public let program: CheckedProgram?
    /// Parse, type and lint diagnostics, as the CLI reports them.
    public let diagnostics: [Diagnostic]
    public let fileIDs: [String: Int]

    /// Open documents over this size are not analysed as you type (`lsp.documentTooLarge`).
    public static let maximumDocumentSize = 4 << 20

    public static func analyze(_ sources: [SourceFile], version: Int, asOf: CivilDate) -> PolicyAnalysis {
        var tooLarge: [Diagnostic] = []
        let bounded = sources.map { source in
            guard source.bytes.count > maximumDocumentSize else { return source }
            tooLarge.append(Diagnostic(
                id: "lsp.documentTooLarge",
                message: "\(source.bytes.count) bytes is over the \(maximumDocumentSize >> 20) MiB that are checked as you type; run 'placet check' or 'placet lint' on it",
                location: SourceLocation(file: source.path, line: 1, column: 1)))
            return SourceFile(path: source.path, text: "")
        }
        let parsed = Parser.parse(sources: bounded)
        let (program, checkDiagnostics) = TypeChecker.check(parsed.files, sources: bounded, parseDiagnostics: parsed.diagnostics)
        let lint = program.map { Linter(program: $0, asOf: asOf).run() } ?? []
        var fileIDs: [String: Int] = [:]
        for (id, source) in bounded.enumerated() { fileIDs[source.path] = id }
        return PolicyAnalysis(version: version, sources: bounded, files: parsed.files,
                              index: PolicyIndex(files: parsed.files, sources: bounded), program: program,
                              diagnostics: tooLarge + checkDiagnostics + lint, fileIDs: fileIDs)
    }

    /// The diagnostics of each file, by path; those without a file go to `fallback`.
    public func diagnosticsByFile(fallback: String?) -> [String: [Diagnostic]] {
        var byFile: [String: [Diagnostic]] = [:]
        for diagnostic in diagnostics {
            guard let file = diagnostic.location?.file ?? fallback else { continue }
            byFile[file, default: []].append(diagnostic)
        }
        return byFile
    }
}
