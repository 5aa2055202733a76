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
        // The text after the last '.' of the last component, as `NSString.pathExtension` gives
        // it, without bridging: a folder of thousands of files asks once per file.
        let name = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).last ?? []
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot != name.startIndex else { return nil }
        switch String(decoding: name[name.index(after: dot)...], as: UTF8.self).lowercased() {
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
            RegularFile.readToEnd(STDIN_FILENO, expected: min(1 << 16, limit), limit: limit - 1)
        }
    }
}

public struct ManifestLoader: Sendable {
    public let policy: CompiledPolicy
    public var errorLimit = 500
    /// Larger files are refused with a message instead of being read into memory.
    public var maximumFileSize = ManifestLoader.defaultMaximumFileSize
    public static let defaultMaximumFileSize = 256 << 20

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
            let listing = FolderFiles.listing(under: path, where: { ManifestFormat(path: $0) != nil }) ?? FolderFiles.Listing()
            // Fail closed rather than wait: opening a FIFO blocks until something writes to it.
            for relative in listing.notRegular {
                diagnostics.append(Diagnostic(
                    id: "manifest.notRegularFile",
                    message: "\(FolderFiles.path(relative, in: path)): not a regular file (a FIFO, socket or device), so it is not read from a folder; name it on the command line to read it"))
            }
            if listing.files.isEmpty, listing.notRegular.isEmpty {
                // A pipeline pointed at the wrong folder must not pass with nothing checked.
                diagnostics.append(Diagnostic(id: "manifest.noManifests",
                                              message: "\(path): no manifest files (.yaml, .yml, .json, .jsonl, .xml) in this directory"))
            }
            files.append(contentsOf: listing.files.map { FolderFiles.path($0, in: path) })
        }
        return (files, diagnostics)
    }

    public func load(paths: [String], standardInput: StandardInput? = nil) -> ManifestLoadResult {
        var builder = InventoryBuilder(policy: policy, errorLimit: errorLimit)
        read(paths: paths, standardInput: standardInput, into: &builder)
        return builder.finish()
    }

    /// Reads every file under `paths` (and standard input for `-`) into a builder, within the size limits.
    /// Small files are read, parsed and converted on every core, a few ahead of the one being
    /// added, and added in order: a folder of thousands of one-manifest files is parsed in
    /// parallel, while what is added, and every diagnostic, stays in file order.
    package func read(paths: [String], standardInput: StandardInput? = nil, into builder: inout InventoryBuilder) {
        let (files, discoveryDiagnostics) = ManifestLoader.discover(paths: paths)
        builder.bag.add(contentsOf: discoveryDiagnostics)
        guard files.count > 1 else {
            for file in files { readInTurn(file, standardInput: standardInput, into: &builder) }
            return
        }
        let lineConverter = files.contains { ManifestFormat(path: $0) == .jsonl } ? builder.sharedLineConverter() : nil
        // Once the error limit is reached nothing more is added, so files are no longer parsed
        // ahead; each is still opened in its turn, where one that cannot be read counts.
        let full = Locked(false)
        let prepare = { @Sendable [self] (index: Int) -> ReadAhead in
            let file = files[index]
            guard file != StandardInput.path, !full.withLock({ $0 }) else { return .inTurn }
            switch contents(of: file, readAheadLimit: ManifestLoader.readAheadLimit) {
            case .bytes(let bytes):
                return .prepared(PreparedInput.prepare(ManifestInput(path: file, bytes: bytes), policy: policy, lineConverter: lineConverter, errorLimit: errorLimit))
            case .error(let diagnostic):
                return .failed(diagnostic)
            case .tooLargeToReadAhead:
                return .inTurn
            }
        }
        // Files go to the workers a few at a time: one file is often too little work to be
        // worth a handover.
        let filesPerChunk = ManifestLoader.filesPerChunk
        let chunks = (files.count + filesPerChunk - 1) / filesPerChunk
        let prepareChunk = { @Sendable (chunk: Int) -> [ReadAhead] in
            (chunk * filesPerChunk..<min(files.count, (chunk + 1) * filesPerChunk)).map(prepare)
        }
        let workers = min(chunks, ProcessInfo.processInfo.activeProcessorCount)
        let pipeline = OrderedPipeline<[ReadAhead]>(chunks: chunks, ahead: 4 * workers)
        pipeline.start(workers: workers) { _ in
            while let chunk = pipeline.claim() { pipeline.deliver(chunk, prepareChunk(chunk)) }
        }
        defer { pipeline.finish() }
        for chunk in 0..<chunks {
            for (offset, file) in pipeline.take(chunk, orMake: { prepareChunk(chunk) }).enumerated() {
                switch file {
                case .prepared(let prepared): builder.add(prepared)
                case .failed(let diagnostic): builder.bag.add(diagnostic)
                case .inTurn: readInTurn(files[chunk * filesPerChunk + offset], standardInput: standardInput, into: &builder)
                }
            }
            if builder.bag.isFull { full.withLock { $0 = true } }
        }
    }

    /// Files handed to a worker at once; with `readAheadLimit` and the pipeline's lead, what
    /// is read ahead stays under 4 x cores x 8 x 256 KiB (16 MiB on two cores) of files.
    static let filesPerChunk = 8

    /// Files over this size are read when their turn comes, not ahead, so that the files
    /// prepared ahead, and their parsed documents, stay small.
    static let readAheadLimit = 1 << 18

    /// What a file prepared ahead gave.
    private enum ReadAhead: Sendable {
        case prepared(PreparedInput)
        case failed(Diagnostic)
        /// Standard input or a large file: read when its turn comes.
        case inTurn
    }

    /// Reads one file (or standard input) into the builder now.
    private func readInTurn(_ file: String, standardInput: StandardInput?, into builder: inout InventoryBuilder) {
        if file == StandardInput.path {
            guard let standardInput else {
                builder.bag.add(Diagnostic(id: "manifest.noStandardInput", message: "'-' (standard input) is not available here"))
                return
            }
            guard let bytes = standardInput.read(maximumFileSize + 1) else {
                builder.bag.add(Diagnostic(id: "manifest.unreadable", message: "\(StandardInput.displayPath): cannot read standard input: \(String(cString: strerror(errno)))"))
                return
            }
            if bytes.count > maximumFileSize {
                builder.bag.add(Diagnostic(id: "manifest.tooLarge", message: "\(StandardInput.displayPath): input is over the limit of \(maximumFileSize) bytes"))
                return
            }
            builder.read(ManifestInput(path: StandardInput.displayPath, bytes: bytes,
                                       format: standardInput.format ?? ManifestFormat.sniff(bytes)))
            return
        }
        switch contents(of: file, readAheadLimit: nil) {
        case .bytes(let bytes): builder.read(ManifestInput(path: file, bytes: bytes))
        case .error(let diagnostic): builder.bag.add(diagnostic)
        case .tooLargeToReadAhead: preconditionFailure("no limit was given")
        }
    }

    private enum FileContents {
        case bytes([UInt8])
        case error(Diagnostic)
        case tooLargeToReadAhead
    }

    /// A named file's bytes, or the error that stands for it (unreadable, over a limit).
    /// With `readAheadLimit`, a file larger than that, or one with no size (a pipe), is left for its turn.
    private func contents(of file: String, readAheadLimit: Int?) -> FileContents {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        var status = stat()
        guard descriptor >= 0, fstat(descriptor, &status) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            return .error(Diagnostic(id: "manifest.unreadable", message: "\(file): cannot read the file"))
        }
        defer { close(descriptor) }
        // A pipe or device (a process substitution, say) has no size; it is read to its end.
        let isRegular = (status.st_mode & S_IFMT) == S_IFREG
        let size = isRegular ? Int(status.st_size) : 0
        if let readAheadLimit, !isRegular || size > readAheadLimit { return .tooLargeToReadAhead }
        if ManifestFormat(path: file) == .xml, size > XMLManifestReader.maximumSize {
            return .error(Diagnostic(
                id: "manifest.tooLarge",
                message: "\(file): XML document is \(size) bytes, over the limit of \(XMLManifestReader.maximumSize) bytes for XML manifests; split it or use JSON Lines"))
        }
        if size > maximumFileSize {
            return .error(Diagnostic(id: "manifest.tooLarge", message: "\(file): file is \(size) bytes, over the limit of \(maximumFileSize) bytes"))
        }
        guard let bytes = RegularFile.readToEnd(descriptor, expected: size, limit: maximumFileSize) else {
            return .error(Diagnostic(id: "manifest.unreadable", message: "\(file): cannot read the file: \(String(cString: strerror(errno)))"))
        }
        if bytes.count > maximumFileSize {
            return .error(Diagnostic(id: "manifest.tooLarge", message: "\(file): file is over the limit of \(maximumFileSize) bytes"))
        }
        return .bytes(bytes)
    }

    public func load(inputs: [ManifestInput]) -> ManifestLoadResult {
        var builder = InventoryBuilder(policy: policy, errorLimit: errorLimit)
        for input in inputs { builder.read(input) }
        return builder.finish()
    }
}
