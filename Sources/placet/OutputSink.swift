// Where `check --stream` and `check --format json` write as they go: standard output, or a
// temporary file renamed over `--output` at the end.

import ArgumentParser
import Foundation
import PlacetLanguage

/// Standard output, written through as each part is ready, or `--output`: a temporary file
/// renamed over the path at the end, so no reader sees half a stream under that name.
struct OutputSink {
    let path: String?
    let temporary: String?
    let descriptor: Int32
    /// The first failed write; later parts are dropped and the run fails.
    private(set) var failure: String?

    init(path: String?) throws {
        self.path = path
        guard let path else {
            temporary = nil
            descriptor = STDOUT_FILENO
            return
        }
        if Terminal.isSpecialFile(path) {
            // A device or pipe (`/dev/null`, a FIFO) is written through: renaming a file over
            // it would replace it.
            temporary = nil
            descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else {
                Terminal.printDiagnostics([Diagnostic(id: "output.unwritable", message: "cannot write '\(path)': \(String(cString: strerror(errno)))")])
                throw ExitCode(2)
            }
            return
        }
        let temporary = path + ".placet-\(ProcessInfo.processInfo.processIdentifier).tmp"
        self.temporary = temporary
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            Terminal.printDiagnostics([Diagnostic(id: "output.unwritable", message: "cannot write '\(path)': \(String(cString: strerror(errno)))")])
            throw ExitCode(2)
        }
    }

    mutating func write(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let written = Foundation.write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
    }

    func finish() throws {
        if let temporary, let path {
            close(descriptor)
            guard failure == nil, rename(temporary, path) == 0 else {
                unlink(temporary)
                Terminal.printDiagnostics([Diagnostic(id: "output.unwritable", message: "cannot write '\(path)': \(failure ?? String(cString: strerror(errno)))")])
                throw ExitCode(2)
            }
        } else if descriptor != STDOUT_FILENO, let path {
            close(descriptor)
            if let failure {
                Terminal.printDiagnostics([Diagnostic(id: "output.unwritable", message: "cannot write '\(path)': \(failure)")])
                throw ExitCode(2)
            }
        } else if let failure {
            Terminal.printDiagnostics([Diagnostic(id: "output.unwritable", message: "cannot write the stream: \(failure)")])
            throw ExitCode(2)
        }
    }
}
