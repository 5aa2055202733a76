// Diagnostics for an open manifest: it is read with the other manifests of its folder (as
// `placet check FOLDER` would, open documents over the disk's copies) against the compiled
// pack, so references to ids defined next door resolve; the diagnostics in it are kept.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests

enum ManifestAnalysis {
    /// Whether a YAML, JSON or XML text is a Placet manifest rather than some other file.
    static func isPlacetManifest(_ text: String) -> Bool {
        text.contains("placet/v1") || text.contains("urn:placet:manifest")
    }

    /// The manifests of a folder, open documents laid over the files on disk.
    static func inputs(folder: String, workspace: Workspace) -> [ManifestInput] {
        var texts: [String: [UInt8]] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where DocumentKind.of(path: name) == .manifest {
            let path = (folder as NSString).appendingPathComponent(name)
            // Regular files only (a FIFO or device is no document), sized through links: a
            // link's own size says nothing of what it leads to, which was read whole.
            guard let size = FolderFiles.regularFileSize(atPath: path), size <= PolicyAnalysis.maximumDocumentSize,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            texts[path] = [UInt8](data)
        }
        for document in workspace.documents.values where document.kind == .manifest
            && (document.path as NSString).deletingLastPathComponent == folder {
            texts[document.path] = document.text.bytes
        }
        return texts.sorted { $0.key < $1.key }
            .filter { $0.value.count <= PolicyAnalysis.maximumDocumentSize && isPlacetManifest(String(decoding: $0.value, as: UTF8.self)) }
            .map { ManifestInput(path: $0.key, bytes: $0.value) }
    }

    /// The diagnostics of every manifest of `folder`, by path.
    static func diagnostics(folder: String, policy: CompiledPolicy, workspace: Workspace) -> [String: [Diagnostic]] {
        let loaded = ManifestLoader(policy: policy).load(inputs: inputs(folder: folder, workspace: workspace))
        var byFile: [String: [Diagnostic]] = [:]
        for diagnostic in loaded.diagnostics {
            guard let file = diagnostic.location?.file else { continue }
            byFile[file, default: []].append(diagnostic)
        }
        return byFile
    }
}
