// Hover, go to definition, find references and rename: the symbol under the cursor from the
// policy index (policy files) or from the text around it (manifests, policy tests), then its
// declaration and every occurrence across the pack and the manifests.

import Foundation
import PlacetLanguage

extension LanguageServer {
    static let maximumManifestReferences = 5_000

    /// The symbol at a request's position, the analysis it was found in, and the range naming it.
    func symbol(_ params: JSONValue) throws -> (PolicySymbol, JSONValue, PolicyAnalysis)? {
        let document = try document(params)
        let analysis = policyAnalysis()
        let offset = document.text.offset(of: params["position"], encoding: encoding)
        switch document.kind {
        case .policy:
            guard let file = analysis.fileIDs[document.path],
                  let occurrence = analysis.index.occurrence(file: file, offset: offset) else { return nil }
            return (occurrence.symbol, document.text.range(of: occurrence.span, encoding: encoding), analysis)
        case .manifest, .policyTest:
            guard let (symbol, range) = ManifestSymbols(declarations: analysis.index.declarations).symbol(in: document.text, at: offset) else { return nil }
            return (symbol, document.text.range(from: range.lowerBound, to: range.upperBound, encoding: encoding), analysis)
        case .other:
            return nil
        }
    }

    /// The names the language gives a meaning to, which no policy file declares.
    static let builtinDescriptions = [
        "today": "```placet\ntoday: date\n```\n\nThe evaluation date: `--as-of` (`placet.asOf` here), else today.",
        "count": "```placet\ncount(c): number\n```\n\nThe number of members of a set, list or map.",
    ]

    func hover(_ params: JSONValue) throws -> JSONValue {
        guard let (symbol, range, analysis) = try symbol(params) else { return try builtinHover(params) }
        guard let markdown = SymbolDescriptions(analysis: analysis).describe(symbol) else { return .null }
        return .object(["contents": .object(["kind": "markdown", "value": .string(markdown)]), "range": range])
    }

    func builtinHover(_ params: JSONValue) throws -> JSONValue {
        let document = try document(params)
        guard document.kind == .policy else { return .null }
        let range = document.text.word(at: document.text.offset(of: params["position"], encoding: encoding), extraCharacters: [])
        guard let markdown = LanguageServer.builtinDescriptions[document.text.text(range)] else { return .null }
        return .object(["contents": .object(["kind": "markdown", "value": .string(markdown)]),
                        "range": document.text.range(from: range.lowerBound, to: range.upperBound, encoding: encoding)])
    }

    func definition(_ params: JSONValue) throws -> JSONValue {
        guard let (symbol, _, analysis) = try symbol(params) else { return try referencedManifest(params) ?? .null }
        guard let declaration = analysis.index.declaration(of: symbol),
              let location = location(declaration.span, in: analysis) else { return .null }
        return location
    }

    /// In a manifest, a reference (`model: mdl-x`, `datasets: [ds-1]`, `<model>mdl-x</model>`) leads to
    /// the manifest with that id (`id: mdl-x`, `<model id="mdl-x">`).
    func referencedManifest(_ params: JSONValue) throws -> JSONValue? {
        let document = try document(params)
        guard document.kind == .manifest || document.kind == .policyTest else { return nil }
        let declarations = policyAnalysis().index.declarations
        let offset = document.text.offset(of: params["position"], encoding: encoding)
        let finder = ManifestSymbols(declarations: declarations)
        let context = finder.context(in: document.text, offset: offset)
        let type = finder.fieldType(kind: context.kind, key: context.key)
        guard !context.onKey, let kind = (type?.element ?? type?.unwrapped)?.name, declarations.records[kind]?.isValue == false else { return nil }
        let id = document.text.text(document.text.word(at: offset))
        guard !id.isEmpty else { return nil }
        let folder = (document.path as NSString).deletingLastPathComponent
        let candidates = [document.path] + ManifestSymbols.files(in: workspace).filter { ($0 as NSString).deletingLastPathComponent == folder }
        for path in candidates {
            guard let text = workspace.text(of: path) else { continue }
            let reader = finder.contextReader(for: text)
            for range in ManifestSymbols.wordRanges(of: id, in: text.bytes) {
                let found = reader(range.lowerBound)
                if !found.onKey, found.key == SchemaContract.id, found.kind == kind {
                    return .object(["uri": .string(workspace.uri(of: path)),
                                    "range": text.range(from: range.lowerBound, to: range.upperBound, encoding: encoding)])
                }
            }
        }
        return nil
    }

    func references(_ params: JSONValue) throws -> JSONValue {
        guard let (symbol, _, analysis) = try symbol(params) else { return .array([]) }
        let includeDeclaration = params["context"]?["includeDeclaration"]?.bool ?? true
        var locations = analysis.index.occurrences(of: symbol)
            .filter { includeDeclaration || !$0.isDeclaration }
            .compactMap { location($0.span, in: analysis) }
        for (uri, text, range) in manifestOccurrences(of: symbol, analysis: analysis) {
            locations.append(.object(["uri": .string(uri), "range": text.range(from: range.lowerBound, to: range.upperBound, encoding: encoding)]))
        }
        return .array(locations)
    }

    /// Occurrences in manifests and policy tests (rules, fields, cases and kinds are named there).
    func manifestOccurrences(of symbol: PolicySymbol, analysis: PolicyAnalysis) -> [(String, DocumentText, Range<Int>)] {
        switch symbol {
        case .rule, .field, .enumCase, .type: break
        default: return []
        }
        let finder = ManifestSymbols(declarations: analysis.index.declarations)
        var found: [(String, DocumentText, Range<Int>)] = []
        for path in ManifestSymbols.files(in: workspace) {
            guard let text = workspace.text(of: path) else { continue }
            for range in finder.occurrences(of: symbol, in: text) { found.append((workspace.uri(of: path), text, range)) }
            // A common case in a large inventory: enough to navigate, and an answer in time.
            if found.count >= LanguageServer.maximumManifestReferences { break }
        }
        return found
    }

    /// Definitions, constants and locals can be renamed; their occurrences are all in policy files.
    func renamable(_ symbol: PolicySymbol, analysis: PolicyAnalysis) throws -> [PolicyOccurrence] {
        switch symbol {
        case .function, .constant, .local: break
        default: throw ResponseError(ResponseError.requestFailed, "only definitions, constants and variables can be renamed")
        }
        let occurrences = analysis.index.occurrences(of: symbol)
        if occurrences.contains(where: { analysis.sources[$0.span.file].path.hasPrefix("bundled:") }) {
            throw ResponseError(ResponseError.requestFailed, "'\(symbol.name)' is declared in the bundled pack, which cannot be edited")
        }
        return occurrences
    }

    func prepareRename(_ params: JSONValue) throws -> JSONValue {
        guard let (symbol, range, analysis) = try symbol(params) else { return .null }
        _ = try renamable(symbol, analysis: analysis)
        return .object(["range": range, "placeholder": .string(symbol.name)])
    }

    func rename(_ params: JSONValue) throws -> JSONValue {
        guard let newName = params["newName"]?.string else { throw ResponseError.invalidParams("no newName") }
        guard let (symbol, _, analysis) = try symbol(params) else { return .null }
        let occurrences = try renamable(symbol, analysis: analysis)
        guard let first = newName.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
              newName.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw ResponseError(ResponseError.requestFailed, "'\(newName)' is not a name")
        }
        let declarations = analysis.index.declarations
        if case .local = symbol {} else if declarations.constants[newName] != nil || declarations.functions[newName] != nil || declarations.isType(newName) {
            throw ResponseError(ResponseError.requestFailed, "'\(newName)' is already declared")
        }
        var changes: [String: [JSONValue]] = [:]
        for occurrence in occurrences {
            let path = analysis.sources[occurrence.span.file].path
            guard let text = workspace.text(of: path) else { continue }
            changes[workspace.uri(of: path), default: []].append(
                .object(["range": text.range(of: occurrence.span, encoding: encoding), "newText": .string(newName)]))
        }
        return .object(["changes": .object(changes.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value)) })])
    }
}
