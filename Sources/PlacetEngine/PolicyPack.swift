// Which policies a command uses, and where they came from. Every command that reads
// policies resolves them the same way (Conftest's convention): `--policies DIR` when given,
// else `./policies` when that folder exists, else the baseline pack compiled into the binary.
// Reports name the pack they used and its digest, so a pass can always be traced to its rules.

import Foundation
import PlacetLanguage

public struct PolicyPack: Sendable {
    public enum Origin: Sendable, Equatable {
        /// A folder, as the user wrote it (or `policies` when found by default).
        case directory(String)
        /// The pack compiled into the binary from the repository's policies/.
        case bundled(version: String)
    }

    public let origin: Origin
    /// Files of the pack by path relative to its root: policy sources, tests, examples.
    private let files: [String: [UInt8]]
    /// Policy sources in path order, with the paths a user sees in diagnostics.
    public let sources: [SourceFile]

    /// How reports name the pack: the folder as given, or "bundled baseline vN".
    public var name: String {
        switch origin {
        case .directory: displayPrefix
        case .bundled(let version): "bundled baseline v\(version)"
        }
    }

    /// The prefix put before relative paths to make the paths shown in diagnostics.
    public var displayPrefix: String { PolicyPack.displayPrefix(of: origin) }

    private static func displayPrefix(of origin: Origin) -> String {
        switch origin {
        case .directory(let path): path.hasSuffix("/") ? path : path + "/"
        case .bundled: "bundled:"
        }
    }

    /// Whether a folder holds policy files (`*.placet`, at any depth), without reading them:
    /// how `test DIR` and `diff` tell a policy folder from a folder of manifests.
    public static func holdsPolicies(directory: String) -> Bool {
        FolderFiles.relativePaths(under: directory, where: { $0.hasSuffix(".placet") })?.isEmpty == false
    }

    /// The folder of a pack read from disk; nil for the bundled pack.
    public var folder: String? {
        if case .directory(let path) = origin { path } else { nil }
    }

    public var isBundled: Bool {
        if case .bundled = origin { true } else { false }
    }

    /// A pack held in memory (the bundled one). `files` maps paths relative to the pack root to bytes.
    public init(bundled files: [String: [UInt8]]) throws {
        let version = PolicyPack.version(in: files["pack.yaml"]) ?? "0"
        try self.init(origin: .bundled(version: version), files: files)
    }

    /// Larger policy files (and `pack.yaml`) are refused rather than read into memory: the
    /// baseline pack's largest is 11 KB.
    public static let maximumFileSize = 16 << 20

    /// Reads a folder: every `*.placet` below it is a policy source; tests and examples are read on demand.
    public init(directory: String) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw PolicyLoadError(message: "policy directory '\(directory)' does not exist")
        }
        guard isDirectory.boolValue else {
            throw PolicyLoadError(message: "'\(directory)' is not a directory: a policy pack is a folder of *.placet files")
        }
        guard let listing = FolderFiles.listing(under: directory, where: { $0.hasSuffix(".placet") || $0 == "pack.yaml" }) else {
            throw PolicyLoadError(message: "cannot read policy directory '\(directory)'")
        }
        // Opening a FIFO waits for a writer: a pack with one is refused, not waited on.
        if let relative = listing.notRegular.first {
            let full = (directory as NSString).appendingPathComponent(relative)
            throw PolicyLoadError(message: "policy file '\(full)' is not a regular file (a FIFO, socket or device)")
        }
        var files: [String: [UInt8]] = [:]
        for relative in listing.files {
            let full = (directory as NSString).appendingPathComponent(relative)
            switch RegularFile.read(atPath: full, limit: Self.maximumFileSize) {
            case .success(let bytes): files[relative] = bytes
            case .failure(.tooLarge(let size?, let limit)):
                throw PolicyLoadError(message: "policy file '\(full)' is \(size) bytes, over the limit of \(limit) bytes")
            case .failure(let failure):
                throw PolicyLoadError(message: "policy file '\(full)': \(failure)")
            }
        }
        try self.init(origin: .directory(directory), files: files)
    }

    private init(origin: Origin, files: [String: [UInt8]]) throws {
        self.origin = origin
        self.files = files
        let prefix = PolicyPack.displayPrefix(of: origin)
        var sources: [SourceFile] = []
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) where path.hasSuffix(".placet") {
            guard let text = String(bytes: bytes, encoding: .utf8) else {
                throw PolicyLoadError(message: "\(prefix)\(path): policy file is not valid UTF-8")
            }
            sources.append(SourceFile(path: prefix + path, text: text))
        }
        if sources.isEmpty {
            let place = if case .directory(let path) = origin { "'\(path)'" } else { "the bundled pack" }
            throw PolicyLoadError(message: "no policy files (*.placet) in \(place)")
        }
        self.sources = sources
    }

    /// The pack in use: `--policies` when given, else `./policies` when it exists, else the bundled pack.
    public static func resolve(option: String?, bundled: () throws -> PolicyPack) throws -> PolicyPack {
        if let option { return try PolicyPack(directory: option) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "policies", isDirectory: &isDirectory), isDirectory.boolValue {
            return try PolicyPack(directory: "policies")
        }
        return try bundled()
    }

    /// Test files (`*.test.yaml`) of an in-memory pack, by path relative to its root.
    public var bundledTestFiles: [(path: String, bytes: [UInt8])] {
        guard isBundled else { return [] }
        return files.sorted { $0.key < $1.key }.filter { $0.key.hasSuffix(".test.yaml") }.map { ($0.key, $0.value) }
    }

    /// A file of an in-memory pack by path relative to its root (for tests that name example files).
    public func bundledFile(_ relativePath: String) -> [UInt8]? {
        guard isBundled else { return nil }
        return files[relativePath]
    }

    /// `version:` from the pack's `pack.yaml` (a flat `key: value` file).
    static func version(in bytes: [UInt8]?) -> String? {
        guard let bytes else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "version" { return parts[1] }
        }
        return nil
    }
}
