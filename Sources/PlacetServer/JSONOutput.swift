// A compact JSON writer for the server's own responses (admission reviews, where, errors,
// explanations), and the decision and error objects written exactly as `check --format json`
// writes them, so a client parses one shape whichever endpoint answered.

import PlacetEngine
import PlacetReports
import PlacetLanguage

struct JSONOutput {
    var bytes: [UInt8] = []
    /// Per open container: whether it has a member yet (a comma goes before the next).
    private var hasMember: [Bool] = [false]
    private var afterKey = false

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    private mutating func beginValue() {
        if afterKey {
            afterKey = false
            return
        }
        if hasMember[hasMember.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasMember[hasMember.count - 1] = true
    }

    mutating func object(_ body: (inout JSONOutput) -> Void) {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        hasMember.append(false)
        body(&self)
        hasMember.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array(_ body: (inout JSONOutput) -> Void) {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        hasMember.append(false)
        body(&self)
        hasMember.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func key(_ name: String) {
        beginValue()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ value: String) {
        beginValue()
        appendQuoted(value)
    }

    mutating func strings(_ values: [String]) {
        array { json in for value in values { json.string(value) } }
    }

    mutating func number(_ value: Int) {
        beginValue()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func number(_ value: Double) {
        beginValue()
        bytes.append(contentsOf: ValueFormatter.format(number: value).utf8)
    }

    mutating func bool(_ value: Bool) {
        beginValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Bytes that are already one JSON value (a report rendered by PlacetReports).
    mutating func raw(_ value: [UInt8]) {
        beginValue()
        bytes.append(contentsOf: value)
    }

    private mutating func appendQuoted(_ value: String) {
        JSONWriter.appendQuoted(value, to: &bytes)
    }
}

extension JSONOutput {
    /// A decision as `check --format json` writes it (PlacetReports' own decision writer).
    mutating func decision(_ decision: Decision) {
        raw(JSONRenderer.compactDecision(decision))
    }

    /// Errors as every JSON output lists them: `{"file", "line", "column", "id", "message"}`.
    mutating func diagnostics(_ diagnostics: [Diagnostic]) {
        array { json in
            for diagnostic in diagnostics {
                json.object { json in
                    if let location = diagnostic.location {
                        json.key("file"); json.string(location.file)
                        json.key("line"); json.number(location.line)
                        json.key("column"); json.number(location.column)
                    }
                    json.key("id"); json.string(diagnostic.id)
                    json.key("message"); json.string(diagnostic.message)
                }
            }
        }
    }

    /// `{"error": message, "errors": [...]}`: the body of every refusal that decides nothing.
    static func error(_ message: String, diagnostics: [Diagnostic] = []) -> [UInt8] {
        var json = JSONOutput()
        json.object { json in
            json.key("error"); json.string(message)
            json.key("errors"); json.diagnostics(diagnostics)
        }
        json.bytes.append(0x0A)
        return json.bytes
    }
}
