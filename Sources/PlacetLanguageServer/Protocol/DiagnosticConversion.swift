// Placet diagnostics as LSP diagnostics: the same id (as `code`), message and severity; notes
// as related information; fix-its carried in `data` so a code action can apply them without
// the server remembering what it published.

import PlacetLanguage

struct DiagnosticConversion {
    let workspace: Workspace
    let encoding: PositionEncoding

    func severity(_ severity: Diagnostic.Severity) -> Int {
        switch severity {
        case .error: 1
        case .warning: 2
        case .note: 3
        }
    }

    func unit(for path: String) -> DocumentText.ColumnUnit {
        path.hasSuffix(".placet") ? .characters : .unicodeScalars
    }

    /// The LSP range of a location in its file's text.
    func range(_ location: SourceLocation?, in text: DocumentText) -> JSONValue {
        guard let location, location.line > 0 else { return text.range(from: 0, to: 0, encoding: encoding) }
        let span = text.span(line: location.line, column: max(1, location.column), length: location.column > 0 ? location.length : 0,
                             unit: unit(for: text.path))
        return text.range(from: span.lowerBound, to: span.upperBound, encoding: encoding)
    }

    /// `extraFixes`: quick fixes the server adds (a missing citation), as `{title, edits}` objects.
    func convert(_ diagnostic: Diagnostic, in text: DocumentText, extraFixes: [JSONValue] = []) -> JSONValue {
        var related: [JSONValue] = []
        for note in diagnostic.notes {
            guard let location = note.location, let noteText = workspace.text(of: location.file) else { continue }
            related.append(.object(["location": .object(["uri": .string(workspace.uri(of: location.file)),
                                                         "range": range(location, in: noteText)]),
                                    "message": .string(note.message)]))
        }
        var fixes = extraFixes
        for fixIt in diagnostic.fixIts where fixIt.location.file == text.path {
            let edit = JSONValue.object(["range": range(fixIt.location, in: text), "newText": .string(fixIt.replacement)])
            fixes.append(.object(["title": .string("Replace with '\(fixIt.replacement)'"), "edits": [edit]]))
        }
        return .object([
            "range": range(diagnostic.location, in: text),
            "severity": JSONValue(severity(diagnostic.severity)),
            "code": .string(diagnostic.id),
            "source": "placet",
            "message": .string(diagnostic.message),
            "relatedInformation": related.isEmpty ? nil : .array(related),
            "data": fixes.isEmpty ? nil : .object(["fixes": .array(fixes)]),
        ])
    }
}
