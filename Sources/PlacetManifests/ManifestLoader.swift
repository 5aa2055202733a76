// The manifest loader: finds manifest files, reads each with its format's reader, turns
// every manifest into a record checked against the schema, then resolves references and
// conditional requirements. It collects every error (up to a limit) instead of stopping
// at the first, and an inventory with errors must never be evaluated.

import Foundation
import PlacetEngine
import PlacetLanguage

public struct ManifestLoadResult: Sendable {
    public var inventory: Inventory
    public var diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.contains(where: \.isError) }
}

/// One input: a display path and its bytes.
public struct ManifestInput: Sendable {
    public var path: String
    public var bytes: [UInt8]
    /// Nil: from the path's extension (or sniffed, for a file named with another extension).
    public var format: ManifestFormat?

    public init(path: String, bytes: [UInt8], format: ManifestFormat? = nil) {
        self.path = path
        self.bytes = bytes
        self.format = format
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }
}

public enum ManifestFormat: String, Sendable, CaseIterable {
    case yaml, json, jsonl, xml

    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "yaml", "yml": self = .yaml
        case "json": self = .json
        case "jsonl": self = .jsonl
        case "xml": self = .xml
        default: return nil
        }
    }
}

/// Manifests piped in: `-` as a PATH. The reader is a closure so tests and the server can supply bytes.
public struct StandardInput: Sendable {
    public static let path = "-"
    /// How errors name it.
    public static let displayPath = "<stdin>"
    /// `--input-format`, or nil to sniff.
    public var format: ManifestFormat?
    /// Reads at most the given number of bytes; nil when a read fails (the input is then an
    /// error, not the part read so far).
    public var read: @Sendable (Int) -> [UInt8]?

    public init(format: ManifestFormat?, read: @escaping @Sendable (Int) -> [UInt8]?) {
        self.format = format
        self.read = read
    }

    /// The process's standard input.
    public static func process(format: ManifestFormat?) -> StandardInput {
        StandardInput(format: format) { limit in
            readToEnd(STDIN_FILENO, expected: min(1 << 16, limit), limit: limit - 1)
        }
    }
}

public struct ManifestLoader: Sendable {
    public let policy: CompiledPolicy
    public var errorLimit = 500
    /// Larger files are refused with a message instead of being read into memory.
    public var maximumFileSize = 256 << 20

    public init(policy: CompiledPolicy) {
        self.policy = policy
    }

    /// Expands directories (recursively, sorted) into manifest files. Files named directly are
    /// always read; inside directories only manifest extensions count.
    public static func discover(paths: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        let fileManager = FileManager.default
        for path in paths {
            if path == StandardInput.path {
                files.append(path)
                continue
            }
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(Diagnostic(id: "manifest.noSuchFile", message: "\(path): no such file or directory"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            var found: [String] = []
            if let relatives = FolderFiles.relativePaths(under: path, where: { ManifestFormat(path: $0) != nil }) {
                found = relatives.map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
            }
            if found.isEmpty {
                // A pipeline pointed at the wrong folder must not pass with nothing checked.
                diagnostics.append(Diagnostic(id: "manifest.noManifests",
                                              message: "\(path): no manifest files (.yaml, .yml, .json, .jsonl, .xml) in this directory"))
            }
            files.append(contentsOf: found.sorted())
        }
        return (files, diagnostics)
    }

    public func load(paths: [String], standardInput: StandardInput? = nil) -> ManifestLoadResult {
        var builder = InventoryBuilder(policy: policy, errorLimit: errorLimit)
        read(paths: paths, standardInput: standardInput, into: &builder)
        return builder.finish()
    }

    /// Reads every file under `paths` (and standard input for `-`) into a builder, within the size limits.
    package func read(paths: [String], standardInput: StandardInput? = nil, into builder: inout InventoryBuilder) {
        let (files, discoveryDiagnostics) = ManifestLoader.discover(paths: paths)
        builder.bag.add(contentsOf: discoveryDiagnostics)
        for file in files {
            if file == StandardInput.path {
                guard let standardInput else {
                    builder.bag.add(Diagnostic(id: "manifest.noStandardInput", message: "'-' (standard input) is not available here"))
                    continue
                }
                guard let bytes = standardInput.read(maximumFileSize + 1) else {
                    builder.bag.add(Diagnostic(id: "manifest.unreadable", message: "\(StandardInput.displayPath): cannot read standard input: \(String(cString: strerror(errno)))"))
                    continue
                }
                if bytes.count > maximumFileSize {
                    builder.bag.add(Diagnostic(id: "manifest.tooLarge", message: "\(StandardInput.displayPath): input is over the limit of \(maximumFileSize) bytes"))
                    continue
                }
                builder.read(ManifestInput(path: StandardInput.displayPath, bytes: bytes,
                                           format: standardInput.format ?? ManifestFormat.sniff(bytes)))
                continue
            }
            let descriptor = open(file, O_RDONLY | O_CLOEXEC)
            var status = stat()
            guard descriptor >= 0, fstat(descriptor, &status) == 0 else {
                if descriptor >= 0 { close(descriptor) }
                builder.bag.add(Diagnostic(id: "manifest.unreadable", message: "\(file): cannot read the file"))
                continue
            }
            defer { close(descriptor) }
            // A pipe or device (a process substitution, say) has no size; it is read to its end.
            let size = (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : 0
            if ManifestFormat(path: file) == .xml, size > XMLManifestReader.maximumSize {
                builder.bag.add(Diagnostic(
                    id: "manifest.tooLarge",
                    message: "\(file): XML document is \(size) bytes, over the limit of \(XMLManifestReader.maximumSize) bytes for XML manifests; split it or use JSON Lines"))
                continue
            }
            if size > maximumFileSize {
                builder.bag.add(Diagnostic(id: "manifest.tooLarge",
                                           message: "\(file): file is \(size) bytes, over the limit of \(maximumFileSize) bytes"))
                continue
            }
            guard let bytes = readToEnd(descriptor, expected: size, limit: maximumFileSize) else {
                builder.bag.add(Diagnostic(id: "manifest.unreadable", message: "\(file): cannot read the file: \(String(cString: strerror(errno)))"))
                continue
            }
            if bytes.count > maximumFileSize {
                builder.bag.add(Diagnostic(id: "manifest.tooLarge",
                                           message: "\(file): file is over the limit of \(maximumFileSize) bytes"))
                continue
            }
            builder.read(ManifestInput(path: file, bytes: bytes))
        }
    }

    public func load(inputs: [ManifestInput]) -> ManifestLoadResult {
        var builder = InventoryBuilder(policy: policy, errorLimit: errorLimit)
        for input in inputs { builder.read(input) }
        return builder.finish()
    }
}

/// The bytes of an open file, read straight into an array (through `Data` they were copied
/// once more), at most `limit + 1` of them so that a file over the limit is seen; nil when a
/// read fails, which is an error to report, never an empty file.
private func readToEnd(_ descriptor: Int32, expected: Int, limit: Int) -> [UInt8]? {
    // One byte past what is expected, so that reaching the end takes no second allocation.
    var bytes = [UInt8](repeating: 0, count: min(expected, limit) + 1)
    var filled = 0
    while true {
        if filled == bytes.count {
            guard bytes.count <= limit else { break }
            bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limit + 1 - bytes.count)))
        }
        let result = bytes.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress! + filled, raw.count - filled) }
        if result == 0 { break }
        if result < 0 {
            if errno == EINTR { continue }
            return nil
        }
        filled += result
    }
    bytes.removeSubrange(filled...)
    return bytes
}
