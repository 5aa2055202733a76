// Formatting (`placet fmt`'s formatter, whole document), document symbols for outline views,
// and quick fixes: the fix-its the diagnostics carry, and a `cites` clause for a rule that cites nothing.

import Foundation
import PlacetLanguage

extension LanguageServer {
    func formatting(_ params: JSONValue) throws -> JSONValue {
        let document = try document(params)
        guard document.kind == .policy else { return .array([]) }
        let (formatted, diagnostics) = PolicyFormatter.format(document.text.source)
        guard let formatted else {
            let reason = diagnostics.first { $0.isError }?.message ?? "the file cannot be formatted"
            throw ResponseError(ResponseError.requestFailed, "not formatted: \(reason)")
        }
        guard formatted != document.text.text else { return .array([]) }
        let whole = document.text.range(from: 0, to: document.text.fullRange.upperBound, encoding: encoding)
        return .array([.object(["range": whole, "newText": .string(formatted)])])
    }

    /// LSP SymbolKind values.
    enum SymbolKind: Int {
        case field = 8, enumeration = 10, function = 12, constant = 14, event = 24, structure = 23, enumMember = 22
    }

    func symbolEntry(_ name: String, _ kind: SymbolKind, detail: String?, span: Span, selection: Span,
                     text: DocumentText, children: [JSONValue] = []) -> JSONValue {
        .object(["name": .string(name), "kind": JSONValue(kind.rawValue), "detail": detail.map(JSONValue.string),
                 "range": text.range(of: span, encoding: encoding), "selectionRange": text.range(of: selection, encoding: encoding),
                 "children": children.isEmpty ? nil : .array(children)])
    }

    func documentSymbols(_ params: JSONValue) throws -> JSONValue {
        let document = try document(params)
        guard document.kind == .policy else { return manifestSymbols(document) }
        let analysis = policyAnalysis()
        guard let file = analysis.fileIDs[document.path] else { return .array([]) }
        let text = document.text
        var symbols: [JSONValue] = []
        for declaration in analysis.files[file].declarations {
            switch declaration {
            case .enumeration(let enumeration):
                let cases = enumeration.cases.map { symbolEntry($0.name, .enumMember, detail: nil, span: $0.span, selection: $0.span, text: text) }
                symbols.append(symbolEntry(enumeration.name.name, .enumeration, detail: "enum", span: enumeration.span,
                                           selection: enumeration.name.span, text: text, children: cases))
            case .record(let record):
                let fields = record.fields.map {
                    symbolEntry($0.name.name, .field, detail: "\(IndexType($0.type))", span: $0.name.span.to($0.type.span),
                                selection: $0.name.span, text: text)
                }
                symbols.append(symbolEntry(record.name.name, .structure, detail: record.isValue ? "value record" : "record",
                                           span: record.span, selection: record.name.span, text: text, children: fields))
            case .constant(let constant):
                symbols.append(symbolEntry(constant.name.name, .constant, detail: "\(IndexType(constant.type))",
                                           span: constant.name.span.to(constant.value.span), selection: constant.name.span, text: text))
            case .function(let function):
                symbols.append(symbolEntry(function.name.name, .function, detail: "\(IndexType(function.returnType))",
                                           span: function.name.span.to(function.body.span), selection: function.name.span, text: text))
            case .rule(let rule):
                symbols.append(symbolEntry(rule.id.name, .event, detail: "rule, \(rule.effect.rawValue)", span: rule.span,
                                           selection: rule.id.span, text: text))
            }
        }
        return .array(symbols)
    }

    /// A manifest's outline: each manifest by id, with its kind.
    func manifestSymbols(_ document: OpenDocument) -> JSONValue {
        guard document.kind == .manifest else { return .array([]) }
        let text = document.text
        return .array(ManifestSymbols(declarations: policyAnalysis().index.declarations).manifestIDs(in: text).map { id in
            let span = Span(file: 0, start: id.value.lowerBound, end: id.value.upperBound)
            return symbolEntry(text.text(id.value), .structure, detail: id.kind, span: span, selection: span, text: text)
        })
    }

    func codeActions(_ params: JSONValue) throws -> JSONValue {
        guard let uri = params["textDocument"]?["uri"]?.string else { throw ResponseError.invalidParams("no textDocument.uri") }
        var actions: [JSONValue] = []
        for diagnostic in params["context"]?["diagnostics"]?.array ?? [] {
            for fix in diagnostic["data"]?["fixes"]?.array ?? [] {
                guard let title = fix["title"], let edits = fix["edits"] else { continue }
                actions.append(.object(["title": title, "kind": "quickfix", "diagnostics": [diagnostic], "isPreferred": true,
                                        "edit": .object(["changes": .object([(uri, edits)])])]))
            }
        }
        return .array(actions)
    }

    /// A `cites` clause after the `effect` line of a rule that lint says cites nothing.
    func citationFixes(for diagnostic: Diagnostic, analysis: PolicyAnalysis) -> [JSONValue] {
        guard diagnostic.id == "lint.missingCitation", let location = diagnostic.location,
              let file = analysis.fileIDs[location.file], let text = workspace.text(of: location.file) else { return [] }
        let source = analysis.sources[file]
        guard let rule = analysis.index.declarations.rules.values.first(where: {
            $0.id.span.file == file && source.lineAndColumn(of: $0.id.span.start).line == location.line
        }), rule.citations.isEmpty else { return [] }
        let effectLine = source.lineAndColumn(of: rule.effectSpan.start).line
        let lineText = source.lineText(effectLine)
        let indentation = String(lineText.prefix { $0 == " " || $0 == "\t" })
        let end = text.diagnosticLineRange(effectLine).upperBound
        let edit = JSONValue.object(["range": text.range(from: end, to: end, encoding: encoding),
                                     "newText": .string("\n\(indentation)cites \"TODO: the provision this rule encodes\"")])
        return [.object(["title": "Add a 'cites' clause", "edits": [edit]])]
    }
}
