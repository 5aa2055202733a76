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
    /// Reads at most the given number of bytes.
    public var read: @Sendable (Int) -> [UInt8]

    public init(format: ManifestFormat?, read: @escaping @Sendable (Int) -> [UInt8]) {
        self.format = format
        self.read = read
    }

    /// The process's standard input.
    public static func process(format: ManifestFormat?) -> StandardInput {
        StandardInput(format: format) { limit in
            var bytes: [UInt8] = []
            while bytes.count < limit, let chunk = try? FileHandle.standardInput.read(upToCount: min(1 << 20, limit - bytes.count)), !chunk.isEmpty {
                bytes += chunk
            }
            return bytes
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
                let bytes = standardInput.read(maximumFileSize + 1)
                if bytes.count > maximumFileSize {
                    builder.bag.add(Diagnostic(id: "manifest.tooLarge", message: "\(StandardInput.displayPath): input is over the limit of \(maximumFileSize) bytes"))
                    continue
                }
                builder.read(ManifestInput(path: StandardInput.displayPath, bytes: bytes,
                                           format: standardInput.format ?? ManifestFormat.sniff(bytes)))
                continue
            }
            guard let handle = FileHandle(forReadingAtPath: file) else {
                builder.bag.add(Diagnostic(id: "manifest.unreadable", message: "\(file): cannot read the file"))
                continue
            }
            let size = (try? handle.seekToEnd()) ?? 0
            if ManifestFormat(path: file) == .xml, size > UInt64(XMLManifestReader.maximumSize) {
                builder.bag.add(Diagnostic(
                    id: "manifest.tooLarge",
                    message: "\(file): XML document is \(size) bytes, over the limit of \(XMLManifestReader.maximumSize) bytes for XML manifests; split it or use JSON Lines"))
                try? handle.close()
                continue
            }
            if size > UInt64(maximumFileSize) {
                builder.bag.add(Diagnostic(id: "manifest.tooLarge",
                                           message: "\(file): file is \(size) bytes, over the limit of \(maximumFileSize) bytes"))
                try? handle.close()
                continue
            }
            try? handle.seek(toOffset: 0)
            let data = (try? handle.readToEnd()) ?? Data()
            try? handle.close()
            builder.read(ManifestInput(path: file, bytes: [UInt8](data)))
        }
    }

    public func load(inputs: [ManifestInput]) -> ManifestLoadResult {
        var builder = InventoryBuilder(policy: policy, errorLimit: errorLimit)
        for input in inputs { builder.read(input) }
        return builder.finish()
    }
}
