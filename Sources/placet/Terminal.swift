// Where output goes: files, standard output, and diagnostics on standard error.

import ArgumentParser
import Foundation
import PlacetLanguage

enum Terminal {
    static func isColorTerminal(fileDescriptor: Int32) -> Bool {
        if ProcessInfo.processInfo.environment["NO_COLOR"] != nil { return false }
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" { return false }
        return isatty(fileDescriptor) == 1
    }

    static func printDiagnostics(_ diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        let renderer = DiagnosticRenderer(colored: isColorTerminal(fileDescriptor: STDERR_FILENO))
        let text = diagnostics.map { renderer.render($0) }.joined(separator: "\n") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func write(_ bytes: [UInt8], to path: String?) throws {
        if let path {
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                FileHandle.standardError.write(Data("error: cannot write '\(path)': \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
