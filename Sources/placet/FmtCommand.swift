// `placet fmt`: rewrite policy files in the canonical layout (PolicyFormatter), or with
// `--check` only list the ones that are not. A file that does not parse is never touched.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage

struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite policy files (*.placet) in the canonical layout, keeping comments.",
        discussion: """
            PATH may be a file or a folder (read recursively, hidden folders skipped); default: --policies DIR, else \
            ./policies if it exists; with --check and neither, the bundled baseline pack. Nothing is written when any file fails to parse. \
            Exit 0 when done (with --check: every file is formatted), 1 with --check when a file would change \
            (each is listed), 2 on a parse or usage error.
            """)

    @Flag(name: .long, help: "Change nothing: list the files that would change and exit 1 if there are any.")
    var check = false

    @Argument(help: ArgumentHelp("Policy files or folders.", valueName: "path"))
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp("A policy folder to format (as a PATH); default: ./policies if it exists, else the bundled baseline pack (with --check only).", valueName: "dir"))
    var policies: String?

    func run() throws {
        var named = paths + (policies.map { [$0] } ?? [])
        if named.isEmpty {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: "policies", isDirectory: &isDirectory), isDirectory.boolValue {
                named = ["policies"]
            } else if check {
                try checkBundledPack()
                return
            } else {
                throw ValidationError("there is no ./policies folder here, and the bundled pack cannot be rewritten: name policy files or folders, or use --check")
            }
        }
        let files: [String]
        do {
            files = try FmtCommand.files(in: named)
        } catch let error as PathError {
            Terminal.printDiagnostics([Diagnostic(id: "fmt.path", message: error.message)])
            throw ExitCode(2)
        }
        var diagnostics: [Diagnostic] = []
        var changed: [(path: String, text: String)] = []
        for path in files {
            let bytes: [UInt8]
            switch RegularFile.read(atPath: path, limit: PolicyPack.maximumFileSize) {
            case .success(let read): bytes = read
            case .failure(let failure):
                diagnostics.append(failure.diagnostic(path: path, domain: "fmt"))
                continue
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                diagnostics.append(Diagnostic(id: "fmt.unreadable", message: "\(path): cannot read the file as UTF-8 text"))
                continue
            }
            if let formatted = try format(SourceFile(path: path, text: text), into: &diagnostics) { changed.append((path, formatted)) }
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
    /// The formatted text when it differs from the source (bytes, not `String` equality, which
    /// ignores differences in Unicode normalisation).
    private func format(_ source: SourceFile, into diagnostics: inout [Diagnostic]) throws -> String? {
        let (formatted, problems) = PolicyFormatter.format(source)
        diagnostics += problems
        guard let formatted, !formatted.utf8.elementsEqual(source.text.utf8) else { return nil }
        return formatted
    }

    /// `fmt --check` with no folder: is the pack compiled into this binary formatted?
    private func checkBundledPack() throws {
        let pack = try PolicyOptions.pack(nil)
        var diagnostics: [Diagnostic] = []
        var changed: [String] = []
        for source in pack.sources where try format(source, into: &diagnostics) != nil { changed.append(source.path) }
        Terminal.printDiagnostics(diagnostics)
        if !diagnostics.isEmpty { throw ExitCode(2) }
        try Terminal.write(Array(changed.map { $0 + "\n" }.joined().utf8), to: nil)
        throw ExitCode(changed.isEmpty ? 0 : 1)
    }

    struct PathError: Error {
        let message: String
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
            // As every command reads a folder (`FolderFiles`): hidden names passed over, linked
            // folders followed, and a FIFO refused rather than waited on.
            guard let listing = FolderFiles.listing(under: path, where: { $0.hasSuffix(".placet") }) else {
                throw PathError(message: "cannot read the folder '\(path)'")
            }
            let full = { (relative: String) in path == "." ? relative : (path.hasSuffix("/") ? path + relative : path + "/" + relative) }
            if let relative = listing.notRegular.first {
                throw PathError(message: "'\(full(relative))' is not a regular file (a FIFO, socket or device)")
            }
            let found = listing.files.map(full)
            guard !found.isEmpty else { throw PathError(message: "no policy files (*.placet) in '\(path)'") }
            files += found.sorted()
        }
        return files
    }
}
