// Code lenses: "fires on N placements" over each rule, for the inventory named by the
// `placet.inventory` setting (assessed as `placet check` would, open documents over the disk's
// files); "explain" over each placement id in a manifest, running `placet explain`'s explainer.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports

/// Rule counts for one state of policies, inventory and date, so lenses are computed once per change.
struct LensCache {
    var key = ""
    var counts: [String: Int]?
    var problem: String?
}

extension LanguageServer {
    static let explainCommand = "placet.explain"

    func codeLenses(_ params: JSONValue) throws -> JSONValue {
        let document = try document(params)
        switch document.kind {
        case .policy: return .array(ruleLenses(document))
        case .manifest: return .array(explainLenses(document))
        case .policyTest, .other: return .array([])
        }
    }

    func lens(_ title: String, at range: JSONValue, command: String = "", arguments: [JSONValue] = []) -> JSONValue {
        .object(["range": range, "command": .object(["title": .string(title), "command": .string(command),
                                                    "arguments": arguments.isEmpty ? nil : .array(arguments)])])
    }

    func ruleLenses(_ document: OpenDocument) -> [JSONValue] {
        guard workspace.settings.inventory != nil else { return [] }
        let analysis = policyAnalysis()
        guard let file = analysis.fileIDs[document.path] else { return [] }
        let (counts, problem) = ruleCounts()
        return analysis.files[file].declarations.compactMap { declaration in
            guard case .rule(let rule) = declaration else { return nil }
            let range = document.text.range(of: rule.id.span, encoding: encoding)
            guard let counts else { return lens(problem ?? "inventory not assessed", at: range) }
            let count = counts[rule.id.name] ?? 0
            return lens("fires on \(count) placement\(count == 1 ? "" : "s") (as of \(asOf))", at: range)
        }
    }

    /// The manifests of the inventory setting (a folder or a file), open documents over the disk's files.
    func inventoryInputs(_ path: String) -> [ManifestInput] {
        let (files, _) = ManifestLoader.discover(paths: [path])
        return files.compactMap { file in
            let absolute = (file as NSString).standardizingPath
            if let open = workspace.documents[absolute] { return ManifestInput(path: absolute, bytes: open.text.bytes) }
            // As `check` would read it: a file over the loader's limit is left out of the count.
            guard case .success(let bytes) = RegularFile.read(atPath: file, limit: ManifestLoader.defaultMaximumFileSize) else { return nil }
            return ManifestInput(path: absolute, bytes: bytes)
        }
    }

    /// How many placements each rule fires on (waived findings included), or why there is no count.
    func ruleCounts() -> ([String: Int]?, String?) {
        guard let inventory = workspace.settings.inventory.map(workspace.absolute) else { return (nil, nil) }
        let key = "\(workspace.policyVersion)|\(workspace.manifestVersion)|\(inventory)|\(asOf)"
        if lensCache.key == key { return (lensCache.counts, lensCache.problem) }
        lensCache = LensCache(key: key)
        guard let policy = compiledPolicy() else {
            lensCache.problem = "policies have errors"
            return (nil, lensCache.problem)
        }
        let loaded = ManifestLoader(policy: policy).load(inputs: inventoryInputs(inventory))
        guard !loaded.hasErrors else {
            lensCache.problem = "inventory has \(loaded.diagnostics.filter(\.isError).count) errors"
            return (nil, lensCache.problem)
        }
        var counts: [String: Int] = [:]
        for decision in PlacementAssessor(policy: policy, asOf: asOf).assess(loaded.inventory).decisions {
            for rule in Set(decision.findings.map(\.rule)) { counts[rule, default: 0] += 1 }
        }
        lensCache.counts = counts
        return (counts, nil)
    }

    func explainLenses(_ document: OpenDocument) -> [JSONValue] {
        let text = document.text
        return ManifestSymbols(declarations: policyAnalysis().index.declarations).manifestIDs(in: text)
            .filter { $0.kind == SchemaContract.placement }
            .map { id in
                lens("explain", at: text.range(from: id.value.lowerBound, to: id.value.upperBound, encoding: encoding),
                     command: LanguageServer.explainCommand, arguments: [.string(text.text(id.value)), .string(document.uri)])
            }
    }

    /// `placet.explain [placementId, manifestURI]`: the explanation as `placet explain` prints it,
    /// for the manifests of the document's folder. The text is the result, and is logged.
    func executeCommand(_ params: JSONValue) throws -> JSONValue {
        guard params["command"]?.string == LanguageServer.explainCommand else {
            throw ResponseError.invalidParams("unknown command '\(params["command"]?.string ?? "")'")
        }
        guard let placement = params["arguments"]?[0]?.string, let uri = params["arguments"]?[1]?.string,
              let path = FileURI.path(of: uri) else {
            throw ResponseError.invalidParams("\(LanguageServer.explainCommand) takes a placement id and a manifest URI")
        }
        guard let policy = compiledPolicy() else { throw ResponseError(ResponseError.requestFailed, "the policies have errors") }
        let folder = (path as NSString).deletingLastPathComponent
        let loaded = ManifestLoader(policy: policy).load(inputs: ManifestAnalysis.inputs(folder: folder, workspace: workspace))
        guard !loaded.hasErrors else {
            throw ResponseError(ResponseError.requestFailed, "the manifests in \(folder) have errors: \(loaded.diagnostics.first(where: \.isError)?.message ?? "")")
        }
        guard let explanation = PlacementExplainer(policy: policy, asOf: asOf).explain(placement: placement, in: loaded.inventory) else {
            throw ResponseError(ResponseError.requestFailed, "no placement '\(placement)' in \(folder)")
        }
        let text = String(decoding: ExplanationRenderer().render(explanation), as: UTF8.self)
        log(text)
        send(JSONRPC.notification("window/showMessage", .object([
            "type": 3, "message": .string(text.split(separator: "\n").first.map(String.init) ?? text)])))
        return .string(text)
    }
}
