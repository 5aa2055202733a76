// Where output goes: files, standard output, and diagnostics on standard error.

import ArgumentParser
import Foundation
import PlacetLanguage
import PlacetReports

enum Terminal {
    static func isColorTerminal(fileDescriptor: Int32) -> Bool {
        ColorPolicy.allowsColor(environment: ProcessInfo.processInfo.environment) && isatty(fileDescriptor) == 1
    }

    static func printDiagnostics(_ diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        let renderer = DiagnosticRenderer(colored: isColorTerminal(fileDescriptor: STDERR_FILENO))
        let text = diagnostics.map { renderer.render($0) }.joined(separator: "\n") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Refuses an output path whose folder does not exist, before any work, with that reason.
    static func checkOutputPath(_ path: String?) throws {
        guard let path else { return }
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("--output: the folder '\(folder)' does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--output: '\(path)' is a folder; name a file")
        }
    }

    /// Writes to a file atomically (a temporary file renamed over it) or to standard output,
    /// without copying the report: reports of 100,000 placements are tens of megabytes.
    /// Whether `path` names something other than a regular file or nothing: a device such as
    /// `/dev/null`, a FIFO or a socket, which output must be written into, not renamed over.
    static func isSpecialFile(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return status.st_mode & S_IFMT != S_IFREG && status.st_mode & S_IFMT != S_IFDIR
    }

    static func write(_ bytes: [UInt8], to path: String?) throws {
        guard let path else {
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: raw.count, deallocator: .none))
            }
            return
        }
        if isSpecialFile(path) {
            // A device or pipe is written through: a file renamed over it would replace it.
            guard let handle = FileHandle(forWritingAtPath: path) else {
                FileHandle.standardError.write(Data("error: cannot write '\(path)'\n".utf8))
                throw ExitCode(2)
            }
            do {
                try handle.write(contentsOf: Data(bytes))
                try handle.close()
            } catch {
                FileHandle.standardError.write(Data("error: cannot write '\(path)': \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
            return
        }
        let temporary = path + ".placet-\(ProcessInfo.processInfo.processIdentifier).tmp"
        do {
            guard FileManager.default.createFile(atPath: temporary, contents: nil),
                  let handle = FileHandle(forWritingAtPath: temporary) else {
                throw CocoaError(.fileWriteNoPermission)
            }
            try bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: raw.count, deallocator: .none))
            }
            try handle.close()
            guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            let folder = (path as NSString).deletingLastPathComponent
            let reason = !folder.isEmpty && !FileManager.default.fileExists(atPath: folder)
                ? "the folder '\(folder)' does not exist" : error.localizedDescription
            FileHandle.standardError.write(Data("error: cannot write '\(path)': \(reason)\n".utf8))
            throw ExitCode(2)
        }
    }
}
