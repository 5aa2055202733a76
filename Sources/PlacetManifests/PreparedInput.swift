// A manifest file made ready to add, on any core: digested, checked as UTF-8 and, when its
// reader is plain Swift and the file is small, parsed and converted. A folder of many small
// files is prepared on every core, a few files ahead, and added in order
// (`ManifestLoader.read`), so the inventory and its diagnostics are those of reading the
// files one after another.

import Dispatch
import PlacetEngine
import PlacetLanguage

struct PreparedInput: Sendable {
    enum Content: Sendable {
        /// The file's manifests in order, with the errors found between them: error `at: k`
        /// comes before manifest k (`at: manifests.count`, after the last). `stopsWhenFull`:
        /// no more manifests are added once the error limit is reached (JSON Lines, as when it
        /// is read chunk by chunk).
        case manifests([ConvertedManifest], errors: [(at: Int, diagnostic: Diagnostic)], stopsWhenFull: Bool)
        /// An error that stands for the whole file: not UTF-8, malformed JSON or YAML.
        case failed(Diagnostic)
        /// Read when added, by the builder: XML (one libxml2 validator, compiled once) and large
        /// JSON Lines (converted chunk by chunk on every core, straight into the tables).
        case whenAdded
    }

    let file: ManifestFileContext
    let format: ManifestFormat
    let digest: FileDigest
    let content: Content

    /// JSON Lines files up to this size are converted when prepared: one chunk of the
    /// parallel reader (`JSONLinesReader`), so nothing is lost by converting it on one core.
    static let smallJSONLines = 1 << 18

    /// Prepares `input`. `lineConverter`: the load's converter for JSON Lines; without one,
    /// JSON Lines are read when added. `errorLimit`: the load's (see `TopLevelManifests`).
    static func prepare(_ input: ManifestInput, policy: CompiledPolicy, lineConverter: DirectLineConverter?, errorLimit: Int) -> PreparedInput {
        let digest = FileDigest(input.bytes)
        let format = ManifestFormat.detect(input)
        let file = ManifestFileContext(path: input.path, bytes: input.bytes, format: format)
        func prepared(_ content: Content) -> PreparedInput {
            PreparedInput(file: file, format: format, digest: digest, content: content)
        }
        func failed(_ id: String, _ message: String, _ position: Position) -> PreparedInput {
            prepared(.failed(Diagnostic(id: id, message: message, location: file.diagnosticLocation(position))))
        }
        if let offset = UTF8Validation.firstInvalidOffset(in: input.bytes) {
            return failed("manifest.invalidUTF8",
                           "invalid UTF-8 byte 0x\(String(input.bytes[offset], radix: 16, uppercase: true)); manifests must be UTF-8",
                           file.position(ofOffset: offset))
        }
        let converter = ManifestConverter(policy: policy)
        switch format {
        case .json:
            switch JSONReader.parse(input.bytes) {
            case .success(let node):
                var manifests = TopLevelManifests(errorLimit: errorLimit)
                manifests.add(node, file, converter)
                return prepared(manifests.content)
            case .failure(let failure):
                return failed("manifest.malformedJSON", failure.message, failure.position)
            }
        case .yaml:
            let documents: [DocumentNode]
            do {
                documents = try YAMLReader.read(String(decoding: input.bytes, as: UTF8.self))
            } catch {
                return failed("manifest.malformedYAML", error.message, error.position)
            }
            var manifests = TopLevelManifests(errorLimit: errorLimit)
            for document in documents { manifests.add(document, file, converter) }
            return prepared(manifests.content)
        case .jsonl:
            guard let lineConverter, input.bytes.count <= smallJSONLines else { return prepared(.whenAdded) }
            var manifests: [ConvertedManifest] = []
            JSONLinesReader.read(file, converter: converter, direct: lineConverter) { chunk, _ in
                manifests.append(contentsOf: chunk)
                return true
            }
            return prepared(.manifests(manifests, errors: [], stopsWhenFull: true))
        case .xml:
            return prepared(.whenAdded)
        }
    }
}

/// The manifests of a JSON or YAML document: a mapping is one, a sequence holds some, and
/// anything else is an error.
/// Conversion stops once the file has `errorLimit` errors: they fill the load's error limit,
/// after which nothing more is shown or checked, and a file prepared ahead holds no more.
struct TopLevelManifests {
    var manifests: [ConvertedManifest] = []
    var errors: [(at: Int, diagnostic: Diagnostic)] = []
    let errorLimit: Int
    private var errorCount = 0

    init(errorLimit: Int = .max) {
        self.errorLimit = errorLimit
    }

    var content: PreparedInput.Content { .manifests(manifests, errors: errors, stopsWhenFull: false) }

    mutating func add(_ node: DocumentNode, _ file: ManifestFileContext, _ converter: ManifestConverter) {
        guard errorCount < errorLimit else { return }
        switch node {
        case .mapping:
            append(converter.convert(node, file))
        case .sequence(let items, _):
            for item in items {
                guard errorCount < errorLimit else { return }
                append(converter.convert(item, file))
            }
        case .scalar where node.isNull:
            break  // an empty YAML document, as after a trailing '---'
        case .scalar:
            errorCount += 1
            errors.append((manifests.count, Diagnostic(
                id: "manifest.notAManifest",
                message: "expected a manifest (a mapping with apiVersion, kind and id) or a list of them, found \(node.kindDescription)",
                location: file.diagnosticLocation(node.position))))
        }
    }

    private mutating func append(_ manifest: ConvertedManifest) {
        errorCount += manifest.diagnostics.count
        manifests.append(manifest)
    }
}

/// A file's SHA-256, taken on another thread when the file is large enough to be worth it.
final class FileDigest: Sendable {
    private let digest = Locked<String?>(nil)
    private let group = DispatchGroup()

    init(_ bytes: [UInt8]) {
        guard bytes.count >= 1 << 20 else {
            digest.withLock { $0 = Digests.sha256(bytes) }
            return
        }
        DispatchQueue.global().async(group: group) { [self] in
            let value = Digests.sha256(bytes)
            digest.withLock { $0 = value }
        }
    }

    func value() -> String {
        group.wait()
        return digest.withLock { $0 ?? "" }
    }
}
