// What a server answers from: the compiled policies and the reference inventory, loaded by the
// same loader `check` uses. A ServedPack never changes once built; a reload builds a new one
// and swaps it in, so a request keeps the pack it started with.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports

public final class ServedPack: Sendable {
    public let policy: CompiledPolicy
    public let references: ReferenceInventory
    /// The reference files as read, for `where` (which reads them again with its request).
    let referenceInputs: [ManifestInput]
    /// The Target admission reviews are placed on unless their path names another.
    let clusterTarget: String?
    public let loadedAt: Date
    /// Warnings and notes of the load, for the log.
    public let diagnostics: [Diagnostic]
    /// `GET /v1/rules`, rendered once.
    let rulesJSON: [UInt8]
    /// Programs compiled per evaluation date: today's serves every admission review of the day.
    private let assessors = Locked<[CivilDate: PlacementAssessor]>([:])

    init(policy: CompiledPolicy, references: ReferenceInventory, referenceInputs: [ManifestInput], clusterTarget: String?,
         diagnostics: [Diagnostic]) {
        self.policy = policy
        self.references = references
        self.referenceInputs = referenceInputs
        self.clusterTarget = clusterTarget
        self.diagnostics = diagnostics
        loadedAt = Date()
        rulesJSON = Array(RuleTableRenderer(policy: policy).render(.json).utf8)
    }

    /// Policies and references as the configuration names them: what the server loads at start and on reload.
    public static func load(_ configuration: ServerConfiguration) -> Result<ServedPack, PackLoadFailure> {
        PackLoader.load(configuration)
    }

    /// The assessor for a date, compiled on first use; a few dates are kept.
    func assessor(asOf: CivilDate) -> PlacementAssessor {
        if let known = assessors.withLock({ $0[asOf] }) { return known }
        // Compiled outside the lock: two requests may both compile a new date once; neither waits.
        let assessor = PlacementAssessor(policy: policy, asOf: asOf)
        assessors.withLock { cache in
            if cache.count >= 8 { cache.removeAll() }
            cache[asOf] = assessor
        }
        return assessor
    }

    /// A request's placements decided: a few on this thread, many on every core.
    func assess(_ inventory: Inventory, asOf: CivilDate) -> Assessment {
        let assessor = assessor(asOf: asOf)
        return inventory.tables[policy.program.placementRecord].count <= 64 ? assessor.assessInline(inventory) : assessor.assess(inventory)
    }

    /// The Target id of the reference inventory's targets, or nil when the schema has none.
    func hasTarget(_ id: String) -> Bool {
        guard let kind = policy.program.contract.target?.record else { return false }
        return references.inventory.tables[kind].indexByID[id] != nil
    }

    func targetIDs() -> [String] {
        guard let kind = policy.program.contract.target?.record else { return [] }
        return references.inventory.tables[kind].ids
    }
}

/// Why no pack could be loaded: the diagnostics, and one line for `/readyz` and the log.
public struct PackLoadFailure: Error, Sendable {
    public let diagnostics: [Diagnostic]
    public var summary: String {
        let errors = diagnostics.filter(\.isError)
        let first = errors.first.map(DiagnosticRenderer().render)?.split(separator: "\n").first.map(String.init) ?? "unknown error"
        return errors.count > 1 ? "\(first) (and \(errors.count - 1) more errors)" : first
    }
}

enum PackLoader {
    /// Policies, then the reference manifests, then the cluster target: all or nothing.
    static func load(_ configuration: ServerConfiguration) -> Result<ServedPack, PackLoadFailure> {
        let pack: PolicyPack
        do {
            pack = try PolicyPack.resolve(option: policyFolder(configuration.policies).map(atomicWriterData), bundled: configuration.bundledPack)
        } catch let error as PolicyLoadError {
            return .failure(PackLoadFailure(diagnostics: [Diagnostic(id: "policy.unreadable", message: error.message)]))
        } catch {
            return .failure(PackLoadFailure(diagnostics: [Diagnostic(id: "policy.unreadable", message: "\(error)")]))
        }
        let (compiled, policyDiagnostics) = CompiledPolicy.compile(pack: pack)
        guard let policy = compiled else { return .failure(PackLoadFailure(diagnostics: policyDiagnostics)) }
        let loader = ManifestLoader(policy: policy)
        let (inputs, readDiagnostics) = readReferences(configuration.paths, maximumFileSize: loader.maximumFileSize)
        if readDiagnostics.contains(where: \.isError) {
            return .failure(PackLoadFailure(diagnostics: policyDiagnostics + readDiagnostics))
        }
        let (references, loadDiagnostics) = ReferenceInventory.load(policy: policy, inputs: inputs, errorLimit: loader.errorLimit)
        let diagnostics = policyDiagnostics + readDiagnostics + loadDiagnostics
        guard let references else { return .failure(PackLoadFailure(diagnostics: diagnostics)) }
        let served = ServedPack(policy: policy, references: references, referenceInputs: inputs,
                                clusterTarget: configuration.clusterTarget, diagnostics: diagnostics)
        if let target = configuration.clusterTarget, !served.hasTarget(target) {
            return .failure(PackLoadFailure(diagnostics: diagnostics + [Diagnostic(
                id: "serve.unknownClusterTarget",
                message: "--cluster-target: no Target with id '\(target)' in the reference manifests\(Suggestion.didYouMean(target, in: served.targetIDs()))")]))
        }
        return .success(served)
    }

    /// `--policies`, else `./policies` when it exists (the rule every command follows); nil: the bundled pack.
    static func policyFolder(_ option: String?) -> String? {
        if let option { return option }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: "policies", isDirectory: &isDirectory) && isDirectory.boolValue ? "policies" : nil
    }

    /// A Kubernetes ConfigMap or Secret volume keeps its files in a timestamped hidden folder that
    /// `..data` points at, and swaps that link on every update. The pack is read from that folder,
    /// so its paths below it (and so its digest) are the pack's own, the same as in CI.
    static func atomicWriterData(_ folder: String) -> String {
        let data = (folder as NSString).appendingPathComponent("..data")
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: data) else { return folder }
        return target.hasPrefix("/") ? target : (folder as NSString).appendingPathComponent(target)
    }

    /// Every manifest file under the PATHs, sorted as `check` reads them, within the loader's size
    /// limit; files in hidden folders are passed over (`FolderFiles`).
    static func readReferences(_ paths: [String], maximumFileSize: Int) -> ([ManifestInput], [Diagnostic]) {
        var (files, diagnostics) = ManifestLoader.discover(paths: paths)
        var inputs: [ManifestInput] = []
        for file in files {
            if file == StandardInput.path {
                diagnostics.append(Diagnostic(id: "serve.standardInput", message: "'-' (standard input) cannot be served: name files or folders"))
                continue
            }
            // Sized through links (a ConfigMap volume's files are links: by the link's own size
            // any file passed); and only regular files, which a reload can read again.
            guard let size = FolderFiles.regularFileSize(atPath: file) else {
                diagnostics.append(FileManager.default.fileExists(atPath: file)
                    ? Diagnostic(id: "manifest.notRegularFile", message: "\(file): not a regular file (a FIFO, socket or device), so the server does not read it")
                    : Diagnostic(id: "manifest.unreadable", message: "\(file): cannot read the file"))
                continue
            }
            if size > maximumFileSize {
                diagnostics.append(Diagnostic(id: "manifest.tooLarge", message: "\(file): file is \(size) bytes, over the limit of \(maximumFileSize) bytes"))
                continue
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                diagnostics.append(Diagnostic(id: "manifest.unreadable", message: "\(file): cannot read the file"))
                continue
            }
            inputs.append(ManifestInput(path: file, bytes: [UInt8](data)))
        }
        files.removeAll()
        return (inputs, diagnostics)
    }
}
