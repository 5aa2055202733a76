// PlacetLanguageServer: `placet lsp`, a Language Server Protocol 3.17 server over the same
// library calls as the CLI (parser, type checker, linter, formatter, manifest loader,
// assessor, explainer). This class is the protocol's state machine: it takes one decoded
// message at a time and sends its answers through `send`; `StdioTransport` feeds it from
// standard input, and tests drive it directly. Diagnostics wait in `pending` until the input
// queue is empty, so a burst of keystrokes is analysed once (the debounce).

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetWorkflows

public final class LanguageServer {
    public typealias Send = (JSONValue) -> Void

    enum State { case uninitialized, running, shutDown }

    let send: Send
    var workspace = Workspace()
    var encoding = PositionEncoding.utf16
    var state = State.uninitialized
    /// Set by `exit`: 0 after `shutdown`, 1 otherwise (LSP 3.17).
    public private(set) var exitStatus: Int32?
    var analysisCache: PolicyAnalysis?
    var compiledCache: (version: Int, policy: CompiledPolicy?)?
    var lensCache = LensCache()
    /// URIs whose last published diagnostics were not empty, so they can be cleared.
    var publishedURIs: Set<String> = []
    var policiesChanged = false
    var changedManifestFolders: Set<String> = []
    var changedTests: Set<String> = []
    let today: CivilDate

    /// Settings from the command line (`placet lsp --policies DIR --as-of DATE`), for what the client leaves unset.
    let defaults: ServerSettings

    public init(today: CivilDate = CivilDate.today(), defaults: ServerSettings = ServerSettings(), send: @escaping Send) {
        self.today = today
        self.defaults = defaults
        self.send = send
    }

    var asOf: CivilDate { workspace.settings.asOf ?? today }

    /// Whether diagnostics are waiting to be computed and published.
    public var hasPendingWork: Bool { policiesChanged || !changedManifestFolders.isEmpty || !changedTests.isEmpty }

    // MARK: Messages

    /// Handles one message: a request gets exactly one response, a notification none.
    public func handle(_ message: JSONValue) {
        guard case .object = message else {
            send(JSONRPC.error(id: .null, ResponseError(ResponseError.invalidRequest, "a JSON-RPC message is an object")))
            return
        }
        let id = message["id"]
        guard let method = message["method"]?.string else {
            // A response to a request of ours (none need an answer), or nonsense.
            if id == nil || message["result"] == nil && message["error"] == nil {
                send(JSONRPC.error(id: .null, ResponseError(ResponseError.invalidRequest, "no method")))
            }
            return
        }
        let params = message["params"] ?? .null
        if let id {
            guard id.string != nil || id.int != nil else {
                send(JSONRPC.error(id: .null, ResponseError(ResponseError.invalidRequest, "a request id is a number or a string")))
                return
            }
            do {
                send(JSONRPC.response(id: id, result: try request(method, params)))
            } catch let error as ResponseError {
                send(JSONRPC.error(id: id, error))
            } catch {
                send(JSONRPC.error(id: id, ResponseError(ResponseError.internalError, "\(error)")))
            }
        } else {
            notification(method, params)
        }
    }

    /// Bytes from the transport that were not a message.
    public func handle(_ event: MessageFramer.Event) {
        switch event {
        case .message(let bytes):
            do {
                handle(try JSONParser.parse(bytes))
            } catch {
                send(JSONRPC.error(id: .null, ResponseError(ResponseError.parseError, "invalid JSON at byte \(error.offset): \(error.message)")))
            }
        case .tooLarge(let length):
            send(JSONRPC.error(id: .null, ResponseError(ResponseError.invalidRequest,
                                                        "message of \(length) bytes is over the limit of \(MessageFramer.defaultMaximumMessageSize) bytes; skipped")))
        case .badHeader(let reason):
            log("placet lsp: dropped input: \(reason)")
        }
    }

    func request(_ method: String, _ params: JSONValue) throws -> JSONValue {
        switch state {
        case .uninitialized where method != "initialize":
            throw ResponseError(ResponseError.serverNotInitialized, "the server is not initialized")
        case .shutDown:
            throw ResponseError(ResponseError.invalidRequest, "the server is shut down")
        case .running where method == "initialize":
            throw ResponseError(ResponseError.invalidRequest, "the server is already initialized")
        default: break
        }
        switch method {
        case "initialize": return initialize(params)
        case "shutdown":
            state = .shutDown
            return .null
        case "textDocument/hover": return try hover(params)
        case "textDocument/definition": return try definition(params)
        case "textDocument/references": return try references(params)
        case "textDocument/prepareRename": return try prepareRename(params)
        case "textDocument/rename": return try rename(params)
        case "textDocument/completion": return try completion(params)
        case "textDocument/formatting": return try formatting(params)
        case "textDocument/documentSymbol": return try documentSymbols(params)
        case "textDocument/codeLens": return try codeLenses(params)
        case "textDocument/codeAction": return try codeActions(params)
        case "workspace/executeCommand": return try executeCommand(params)
        default: throw ResponseError(ResponseError.methodNotFound, "unknown method '\(method)'")
        }
    }

    func notification(_ method: String, _ params: JSONValue) {
        if method == "exit" {
            exitStatus = state == .shutDown ? 0 : 1
            return
        }
        guard state == .running else { return }
        switch method {
        case "textDocument/didOpen":
            let item = params["textDocument"]
            guard let uri = item?["uri"]?.string, let text = item?["text"]?.string,
                  let document = workspace.open(uri: uri, text: text, version: item?["version"]?.int ?? 0) else { return }
            changed(document)
        case "textDocument/didChange":
            guard let uri = params["textDocument"]?["uri"]?.string, let current = workspace.document(uri: uri) else { return }
            let text = apply(params["contentChanges"]?.array ?? [], to: current.text)
            if let document = workspace.change(uri: uri, text: text, version: params["textDocument"]?["version"]?.int ?? current.version + 1) {
                changed(document)
            }
        case "textDocument/didClose":
            guard let uri = params["textDocument"]?["uri"]?.string, let document = workspace.close(uri: uri) else { return }
            changed(document)
            if document.kind != .policy || !workspace.isPolicyFile(document.path) { publish(uri: uri, []) }
            changedTests.remove(document.path)
        case "workspace/didChangeConfiguration":
            // Only a `placet` section replaces the settings: clients also send empty or foreign ones.
            guard let section = params["settings"]?["placet"] else { return }
            workspace.update(settings: ServerSettings(section))
            policiesChanged = true
        case "workspace/didChangeWatchedFiles":
            workspace.reloadPack()
            policiesChanged = true
        default:
            break  // didSave, $/cancelRequest, $/setTrace, initialized: nothing to do
        }
    }

    func changed(_ document: OpenDocument) {
        switch document.kind {
        case .policy: policiesChanged = true
        case .manifest: changedManifestFolders.insert((document.path as NSString).deletingLastPathComponent)
        case .policyTest: changedTests.insert(document.path)
        case .other: break
        }
    }

    /// Full or ranged content changes (LSP incremental sync), in order.
    func apply(_ changes: [JSONValue], to text: DocumentText) -> String {
        var current = text
        for change in changes {
            guard let newText = change["text"]?.string else { continue }
            guard let range = change["range"] else {
                current = DocumentText(path: text.path, text: newText)
                continue
            }
            let start = current.offset(of: range["start"], encoding: encoding)
            let end = max(start, current.offset(of: range["end"], encoding: encoding))
            var bytes = current.bytes
            bytes.replaceSubrange(start..<end, with: Array(newText.utf8))
            current = DocumentText(path: text.path, text: String(decoding: bytes, as: UTF8.self))
        }
        return current.text
    }

    func initialize(_ params: JSONValue) -> JSONValue {
        let offered = params["capabilities"]?["general"]?["positionEncodings"]?.array?.compactMap(\.string) ?? []
        encoding = offered.contains(PositionEncoding.utf8.rawValue) ? .utf8 : .utf16
        let rootURI = params["workspaceFolders"]?[0]?["uri"]?.string ?? params["rootUri"]?.string
        let root = rootURI.flatMap(FileURI.path(of:)) ?? params["rootPath"]?.string
        var settings = ServerSettings(params["initializationOptions"])
        settings.policies = settings.policies ?? defaults.policies
        settings.inventory = settings.inventory ?? defaults.inventory
        settings.asOf = settings.asOf ?? defaults.asOf
        workspace.configure(root: root, settings: settings)
        state = .running
        policiesChanged = true
        return .object([
            "capabilities": .object([
                "positionEncoding": .string(encoding.rawValue),
                "textDocumentSync": .object(["openClose": true, "change": 2, "save": false]),
                "hoverProvider": true,
                "definitionProvider": true,
                "referencesProvider": true,
                "renameProvider": .object(["prepareProvider": true]),
                "completionProvider": .object(["triggerCharacters": [".", " ", ":", "-"]]),
                "documentFormattingProvider": true,
                "documentSymbolProvider": true,
                "codeLensProvider": .object(["resolveProvider": false]),
                "codeActionProvider": .object(["codeActionKinds": ["quickfix"]]),
                "executeCommandProvider": .object(["commands": [.string(LanguageServer.explainCommand)]]),
            ]),
            "serverInfo": .object(["name": "placet", "version": .string(PlacetVersion.current)]),
        ])
    }

    // MARK: Diagnostics

    /// Analyses what changed and publishes its diagnostics.
    public func performPendingWork() {
        if policiesChanged {
            policiesChanged = false
            publishPolicyDiagnostics()
            for document in workspace.documents.values where document.kind == .manifest || document.kind == .policyTest {
                changed(document)
            }
        }
        let folders = changedManifestFolders
        changedManifestFolders = []
        for folder in folders.sorted() {
            publishManifestDiagnostics(folder: folder)
            // Tests may name the folder's manifests (`files:`).
            for document in workspace.documents.values where document.kind == .policyTest { changedTests.insert(document.path) }
        }
        let tests = changedTests
        changedTests = []
        for path in tests.sorted() { publishTestDiagnostics(path: path) }
    }

    func publishTestDiagnostics(path: String) {
        guard let document = workspace.documents[path], document.kind == .policyTest,
              document.text.bytes.count <= PolicyAnalysis.maximumDocumentSize, let policy = compiledPolicy() else { return }
        let diagnostics = PolicyTestAnalysis.diagnostics(for: document, policy: policy, asOf: asOf, workspace: workspace)
        let conversion = DiagnosticConversion(workspace: workspace, encoding: encoding)
        publish(uri: document.uri, diagnostics.map { conversion.convert($0, in: document.text) })
    }

    /// The analysis of the current policy sources, rebuilt when a source changed.
    func policyAnalysis() -> PolicyAnalysis {
        if let cached = analysisCache, cached.version == workspace.policyVersion { return cached }
        let (sources, tooLarge) = workspace.policySources()
        let analysis = PolicyAnalysis.analyze(sources, tooLarge: tooLarge, version: workspace.policyVersion, asOf: asOf)
        analysisCache = analysis
        return analysis
    }

    /// The compiled pack, or the last one that compiled while the sources have errors.
    func compiledPolicy() -> CompiledPolicy? {
        if let cached = compiledCache, cached.version == workspace.policyVersion { return cached.policy }
        let (policy, _) = CompiledPolicy.compile(sources: workspace.policySources().sources)
        compiledCache = (workspace.policyVersion, policy ?? compiledCache?.policy)
        return compiledCache?.policy
    }

    func publishPolicyDiagnostics() {
        let analysis = policyAnalysis()
        let fallback = workspace.documents.values.filter { $0.kind == .policy }.map(\.path).min() ?? analysis.sources.first?.path
        let byFile = analysis.diagnosticsByFile(fallback: fallback)
        let conversion = DiagnosticConversion(workspace: workspace, encoding: encoding)
        var paths = Set(byFile.keys)
        for uri in publishedURIs { if let path = FileURI.path(of: uri), path.hasSuffix(".placet") { paths.insert(path) } }
        for path in paths.sorted() where !path.hasPrefix("bundled:") {
            guard let text = workspace.text(of: path) else { continue }
            let diagnostics = (byFile[path] ?? []).map { conversion.convert($0, in: text, extraFixes: citationFixes(for: $0, analysis: analysis)) }
            publish(uri: workspace.uri(of: path), diagnostics)
        }
    }

    func publishManifestDiagnostics(folder: String) {
        let open = workspace.documents.values.filter { $0.kind == .manifest && ($0.path as NSString).deletingLastPathComponent == folder }
        guard !open.isEmpty else { return }
        let byFile = compiledPolicy().map { ManifestAnalysis.diagnostics(folder: folder, policy: $0, workspace: workspace) } ?? [:]
        let conversion = DiagnosticConversion(workspace: workspace, encoding: encoding)
        for document in open.sorted(by: { $0.path < $1.path }) {
            var diagnostics = byFile[document.path] ?? []
            if document.text.bytes.count > PolicyAnalysis.maximumDocumentSize {
                diagnostics = [Diagnostic(id: "lsp.documentTooLarge",
                                          message: "over the \(PolicyAnalysis.maximumDocumentSize >> 20) MiB that are checked as you type; run 'placet check' on it",
                                          location: SourceLocation(file: document.path, line: 1, column: 1))]
            }
            publish(uri: document.uri, diagnostics.map { conversion.convert($0, in: document.text) })
        }
    }

    func publish(uri: String, _ diagnostics: [JSONValue]) {
        if diagnostics.isEmpty, !publishedURIs.contains(uri), workspace.document(uri: uri) == nil { return }
        if diagnostics.isEmpty { publishedURIs.remove(uri) } else { publishedURIs.insert(uri) }
        send(JSONRPC.notification("textDocument/publishDiagnostics", .object(["uri": .string(uri), "diagnostics": .array(diagnostics)])))
    }

    func log(_ message: String) {
        send(JSONRPC.notification("window/logMessage", .object(["type": 4, "message": .string(message)])))
    }

    // MARK: Shared lookups

    /// The open document a request names, or an invalid-params error.
    func document(_ params: JSONValue) throws -> OpenDocument {
        guard let uri = params["textDocument"]?["uri"]?.string else { throw ResponseError.invalidParams("no textDocument.uri") }
        guard let document = workspace.document(uri: uri) else { throw ResponseError.invalidParams("'\(uri)' is not open") }
        guard document.text.bytes.count <= PolicyAnalysis.maximumDocumentSize else {
            throw ResponseError(ResponseError.requestFailed, "the document is over \(PolicyAnalysis.maximumDocumentSize >> 20) MiB and is not analysed")
        }
        return document
    }

    /// A location in LSP form for a UTF-8 span of a policy source.
    func location(_ span: Span, in analysis: PolicyAnalysis) -> JSONValue? {
        let path = analysis.sources[span.file].path
        guard !path.hasPrefix("bundled:"), let text = workspace.text(of: path) else { return nil }
        return .object(["uri": .string(workspace.uri(of: path)), "range": text.range(of: span, encoding: encoding)])
    }
}
