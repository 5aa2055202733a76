// A manifest file being read: its path and bytes, and lines and columns from the shared LineTable.

import PlacetLanguage
import Synchronization

/// A file being read: its path and bytes, with a line table built only when an error needs
/// a position or the source line. Chunks of one file are converted on several threads, hence the lock.
package final class ManifestFileContext: Sendable {
    package let path: String
    package let bytes: [UInt8]
    private let lineTable = Mutex<LineTable?>(nil)

    package init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    func location(_ position: Position, length: Int = 1) -> SourceLocation {
        SourceLocation(file: path, line: position.line, column: position.column, length: length, sourceLine: nil)
    }

    /// The location with the offending line attached, for diagnostics.
    /// The line is a range of the file's bytes, decoded only if the diagnostic is shown: a
    /// reference's location is kept for every reference but read only for a dangling one.
    package func diagnosticLocation(_ position: Position, length: Int = 1) -> SourceLocation {
        guard let range = lines().range(ofLine: position.line, in: bytes), range.count <= 400 else {
            return SourceLocation(file: path, line: position.line, column: position.column, length: length)
        }
        return SourceLocation(file: path, line: position.line, column: position.column, length: length, lineOf: bytes, range: range)
    }

    func position(ofOffset offset: Int) -> Position {
        let (line, column) = lines().lineAndColumn(of: offset, in: bytes, counting: .unicodeScalars)
        return Position(line: line, column: column)
    }

    /// The text of a 1-based line for a diagnostic, or nil if there is no such line or it is too long to show.
    func line(_ number: Int) -> String? {
        guard let range = lines().range(ofLine: number, in: bytes), range.count <= 400 else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    private func lines() -> LineTable {
        lineTable.withLock { cached in
            if let cached { return cached }
            let table = LineTable(bytes)
            cached = table
            return table
        }
    }
}
