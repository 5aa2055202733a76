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

    /// `tooLarge`: documents left out for their size (`Workspace.policySources`), reported as such.
    public static func analyze(_ sources: [SourceFile], tooLarge: [String: Int] = [:], version: Int, asOf: CivilDate) -> PolicyAnalysis {
        let tooLarge = tooLarge.sorted { $0.key < $1.key }.map { path, size in
            Diagnostic(id: "lsp.documentTooLarge",
                       message: "\(size) bytes is over the \(maximumDocumentSize >> 20) MiB that are checked as you type; run 'placet check' or 'placet lint' on it",
                       location: SourceLocation(file: path, line: 1, column: 1))
        }
        let parsed = Parser.parse(sources: sources)
        let (program, checkDiagnostics) = TypeChecker.check(parsed.files, sources: sources, parseDiagnostics: parsed.diagnostics)
        let lint = program.map { Linter(program: $0, asOf: asOf).run() } ?? []
        var fileIDs: [String: Int] = [:]
        for (id, source) in sources.enumerated() { fileIDs[source.path] = id }
        return PolicyAnalysis(version: version, sources: sources, files: parsed.files,
                              index: PolicyIndex(files: parsed.files, sources: sources), program: program,
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
