// Diagnostics for an open policy test file (`*.test.yaml`): it is run as `placet test` runs it,
// against the compiled pack, with open documents over the disk's files; a malformed file gets
// the runner's diagnostics, and each failing test an error on its `name:` line saying why.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetWorkflows

enum PolicyTestAnalysis {
    static func diagnostics(for document: OpenDocument, policy: CompiledPolicy, asOf: CivilDate, workspace: Workspace) -> [Diagnostic] {
        var open: [String: [UInt8]] = [:]
        for other in workspace.documents.values { open[other.path] = other.text.bytes }
        let overlay = open
        let runner = PolicyTestRunner(policy: policy, defaultAsOf: asOf) { path in
            overlay[path].map { .success($0) } ?? PolicyTestRunner.readFromDisk(path)
        }
        let (run, runDiagnostics) = runner.run(files: [document.path])
        var diagnostics = runDiagnostics.map { diagnostic in
            var placed = diagnostic
            if placed.location == nil { placed.location = SourceLocation(file: document.path, line: 1, column: 1) }
            return placed
        }
        for result in run.results where !result.passed {
            diagnostics.append(Diagnostic(
                id: "test.failed",
                message: "test '\(result.test.name)' fails: \(result.failures.joined(separator: "; "))",
                location: SourceLocation(file: document.path, line: result.test.line, column: 0)))
        }
        return diagnostics.filter { $0.location?.file == document.path }
    }
}
