// `placet fmt`: rewrite policy files in the canonical layout (PolicyFormatter), or with
// `--check` only list the ones that are not. A file that does not parse is never touched.

import ArgumentParser
import Foundation
import PlacetLanguage

struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite policy files (*.placet) in the canonical layout, keeping comments.",
        discussion: """
            PATH may be a file or a folder (read recursively, hidden folders skipped); default: ./policies if it \
            exists, else the current directory. Nothing is written when any file fails to parse. \
            Exit 0 when done (with --check: every file is formatted), 1 with --check when a file would change \
            (each is listed), 2 on a parse or usage error.
            """)

    @Flag(name: .long, help: "Change nothing: list the files that would change and exit 1 if there are any.")
    var check = false

    @Argument(help: ArgumentHelp("Policy files or folders.", valueName: "path"))
    var paths: [String] = []

    func run() throws {
        let files: [String]
        do {
            files = try FmtCommand.files(in: paths.isEmpty ? [FmtCommand.defaultPath()] : paths)
        } catch let error as PathError {
            Terminal.printDiagnostics([Diagnostic(id: "fmt.path", message: error.message)])
            throw ExitCode(2)
        }
        var diagnostics: [Diagnostic] = []
        var changed: [(path: String, text: String)] = []
        for path in files {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(Diagnostic(id: "fmt.unreadable", message: "\(path): cannot read the file as UTF-8 text"))
                continue
            }
            let (formatted, problems) = PolicyFormatter.format(SourceFile(path: path, text: text))
            diagnostics += problems
            // Bytes, not `String` equality, which ignores differences in Unicode normalisation.
            if let formatted, !formatted.utf8.elementsEqual(text.utf8) { changed.append((path, formatted)) }
        }
        if !diagnostics.isEmpty {
            Terminal.printDiagnostics(diagnostics)
            throw ExitCode(2)
        }
        if check {
            try Terminal.write(Array(changed.map { $0.path + "\n" }.joined().utf8), to: nil)
            throw ExitCode(changed.isEmpty ? 0 : 1)
        }
        for file in changed {
            try Terminal.write(Array(file.text.utf8), to: file.path)
        }
    }
}

extension FmtCommand {
    struct PathError: Error {
        let message: String
    }

    static func defaultPath() -> String {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: "policies", isDirectory: &isDirectory) && isDirectory.boolValue ? "policies" : "."
    }

    /// The files as given, and the `*.placet` files in each folder, sorted.
    static func files(in paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw PathError(message: "'\(path)' does not exist")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let url = URL(fileURLWithPath: path)
            guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles]) else {
                throw PathError(message: "cannot read the folder '\(path)'")
            }
            let base = url.standardizedFileURL.path
            var found: [String] = []
            for case let file as URL in enumerator where file.pathExtension == "placet" {
                let full = file.standardizedFileURL.path
                let relative = full.hasPrefix(base + "/") ? String(full.dropFirst(base.count + 1)) : full
                found.append(path == "." ? relative : (path.hasSuffix("/") ? path + relative : path + "/" + relative))
            }
            guard !found.isEmpty else { throw PathError(message: "no policy files (*.placet) in '\(path)'") }
            files += found.sorted()
        }
        return files
    }
}
