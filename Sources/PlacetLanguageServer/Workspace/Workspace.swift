// The editor's view of the files: the policy pack (read from disk once, with open documents
// laid over it) and the open manifests. The pack is chosen as the CLI chooses it: the
// `placet.policies` setting, else `<root>/policies`, else the baseline pack bundled into the
// binary (its files are read-only; open policy files outside any pack are checked with it).

import BaselinePack
import Foundation
import PlacetEngine
import PlacetLanguage

/// What an open document is, by its name (and, for YAML and JSON, by whether it is Placet's).
public enum DocumentKind: Sendable, Equatable {
    case policy, manifest, policyTest, other

    static func of(path: String) -> DocumentKind {
        if path.hasSuffix(".placet") { return .policy }
        if path.hasSuffix(".test.yaml") || path.hasSuffix(".test.yml") { return .policyTest }
        let manifestExtensions = [".yaml", ".yml", ".json", ".jsonl", ".xml"]
        return manifestExtensions.contains { path.hasSuffix($0) } ? .manifest : .other
    }
}

public struct OpenDocument: Sendable {
    public let uri: String
    public var text: DocumentText
    public var version: Int
    public let kind: DocumentKind
    public var path: String { text.path }
}

/// Settings from `initializationOptions` or `workspace/didChangeConfiguration` (`placet.*`).
public struct ServerSettings: Sendable, Equatable {
    /// The policy folder (`placet.policies`); relative to the workspace root.
    public var policies: String?
    /// The inventory the "fires on N placements" lenses evaluate (`placet.inventory`).
    public var inventory: String?
    /// Evaluation date for lenses, lint and explain (`placet.asOf`); default today.
    public var asOf: CivilDate?

    public init(policies: String? = nil, inventory: String? = nil, asOf: CivilDate? = nil) {
        self.policies = policies
        self.inventory = inventory
        self.asOf = asOf
    }

    /// Reads `{"policies": …, "inventory": …, "asOf": …}`, alone or under a `placet` key.
    init(_ json: JSONValue?) {
        let settings = json?["placet"] ?? json
        policies = settings?["policies"]?.string
        inventory = settings?["inventory"]?.string
        asOf = settings?["asOf"]?.string.flatMap { CivilDate(iso: $0) }
    }
}

public struct Workspace: Sendable {
    public private(set) var root: String?
    public private(set) var settings = ServerSettings()
    /// The pack folder, absolute; nil for the bundled pack.
    public private(set) var packFolder: String?
    /// The pack's policy files as on disk (or bundled), by path.
    private var packSources: [String: String] = [:]
    public private(set) var documents: [String: OpenDocument] = [:]
    /// Bumped on every change to a policy source, so analyses know when they are stale.
    public private(set) var policyVersion = 0
    /// Bumped on every change to a manifest.
    public private(set) var manifestVersion = 0

    public init() {}

    public mutating func configure(root: String?, settings: ServerSettings) {
        self.root = root
        self.settings = settings
        reloadPack()
    }

    public mutating func update(settings: ServerSettings) {
        guard settings != self.settings else { return }
        let packChanged = settings.policies != self.settings.policies
        self.settings = settings
        if packChanged { reloadPack() } else { policyVersion += 1 }
    }

    public func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        return ((root ?? FileManager.default.currentDirectoryPath) as NSString).appendingPathComponent(path)
    }

    /// Reads the pack again (the setting changed, or files changed on disk).
    public mutating func reloadPack() {
        policyVersion += 1
        packSources = [:]
        var folder: String?
        if let configured = settings.policies {
            folder = absolute(configured)
        } else if let root {
            let candidate = (root as NSString).appendingPathComponent("policies")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue { folder = candidate }
        }
        if let folder, let pack = try? PolicyPack(directory: folder) {
            packFolder = folder
            for source in pack.sources { packSources[(source.path as NSString).standardizingPath] = source.text }
        } else {
            packFolder = nil
            for source in (try? BaselinePack.pack())?.sources ?? [] { packSources[source.path] = source.text }
        }
    }

    public var isBundledPack: Bool { packFolder == nil }

    /// The policy sources: the pack's files with open documents laid over them, and open policy
    /// files outside the pack, by path. A document over `maximumSize` bytes is left empty and
    /// listed with its size, so it costs nothing to check.
    public func policySources(maximumSize: Int = PolicyAnalysis.maximumDocumentSize) -> (sources: [SourceFile], tooLarge: [String: Int]) {
        var texts = packSources
        var tooLarge: [String: Int] = [:]
        for document in documents.values where document.kind == .policy {
            let size = document.text.bytes.count
            if size > maximumSize { tooLarge[document.path] = size }
            texts[document.path] = size > maximumSize ? "" : document.text.text
        }
        return (texts.sorted { $0.key < $1.key }.map { SourceFile(path: $0.key, text: $0.value) }, tooLarge)
    }

    /// Whether a path is one of the pack's files, so its diagnostics are published.
    public func isPolicyFile(_ path: String) -> Bool {
        packSources[path] != nil || documents[path]?.kind == .policy
    }

    public func document(uri: String) -> OpenDocument? {
        FileURI.path(of: uri).flatMap { documents[$0] }
    }

    public mutating func open(uri: String, text: String, version: Int) -> OpenDocument? {
        guard let path = FileURI.path(of: uri) else { return nil }
        let document = OpenDocument(uri: uri, text: DocumentText(path: path, text: text), version: version, kind: DocumentKind.of(path: path))
        documents[path] = document
        bump(document.kind)
        return document
    }

    public mutating func change(uri: String, text: String, version: Int) -> OpenDocument? {
        guard let path = FileURI.path(of: uri), var document = documents[path] else { return nil }
        document.text = DocumentText(path: path, text: text)
        document.version = version
        documents[path] = document
        bump(document.kind)
        return document
    }

    public mutating func close(uri: String) -> OpenDocument? {
        guard let path = FileURI.path(of: uri), let document = documents.removeValue(forKey: path) else { return nil }
        bump(document.kind)
        return document
    }

    private mutating func bump(_ kind: DocumentKind) {
        switch kind {
        case .policy: policyVersion += 1
        case .manifest: manifestVersion += 1
        case .policyTest, .other: break
        }
    }

    /// The URI to publish a path's diagnostics under: the client's own for an open document.
    public func uri(of path: String) -> String {
        documents[path]?.uri ?? FileURI.uri(of: path)
    }

    /// The text of a file: the open document's, else the pack's, else the disk's.
    public func text(of path: String) -> DocumentText? {
        if let document = documents[path] { return document.text }
        if let text = packSources[path] { return DocumentText(path: path, text: text) }
        guard !path.hasPrefix("bundled:"), case .success(let bytes) = RegularFile.read(atPath: path, limit: 4 << 20) else { return nil }
        return DocumentText(path: path, text: String(decoding: bytes, as: UTF8.self))
    }
}
