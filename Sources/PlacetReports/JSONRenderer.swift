// `--format json`: the object of SPEC §5, keys in the documented order.

import Dispatch
import PlacetEngine
import PlacetLanguage

public struct JSONRenderer: Sendable {
    public init() {}

    public func render(_ report: Report) -> [UInt8] {
        let decisions = report.decisions
        var writer = JSONReportWriter(report, summary: report.summary)
        // Decisions are most of the output: write them in chunks on every core, join in order.
        let chunkSize = 2_048
        let chunkCount = (decisions.count + chunkSize - 1) / chunkSize
        let parts = Locked<[[UInt8]]>(Array(repeating: [], count: chunkCount))
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let part = JSONReportWriter.items(decisions[(chunk * chunkSize)..<min(decisions.count, (chunk + 1) * chunkSize)])
            parts.withLock { $0[chunk] = part }
        }
        writer.append(parts.withLock { $0 })
        return writer.finish(notices: report.notices, errors: report.errors)
    }

    /// One decision object, as `decisions` lists it here and `check --stream` writes it on a line of its own.
    /// One decision on one line, as the server's responses and the stream embed it.
    package static func compactDecision(_ decision: Decision) -> [UInt8] {
        var json = JSONWriter(pretty: false, capacity: 512)
        JSONRenderer().write(decision, to: &json)
        return json.output
    }

    /// One decision on its own (a stream line, a server response): findings member by member,
    /// since templates pay off only when a rule's findings repeat.
    func write(_ decision: Decision, to json: inout JSONWriter) {
        Self.beginDecision(placement: decision.placement, outcome: decision.outcome, to: &json)
        for finding in decision.findings { Self.write(finding, to: &json) }
        Self.endDecision(to: &json)
    }

    /// One decision of many: `templates` keeps the fixed parts of each rule's findings from one
    /// decision to the next.
    func write(_ decision: Decision, to json: inout JSONWriter, templates: inout FindingTemplates) {
        withUnsafePointer(to: decision) { write(at: $0, to: &json, templates: &templates) }
    }

    /// The same, read where the decision is stored (see `write(at:to:templates:)` for findings).
    func write(at decision: UnsafePointer<Decision>, to json: inout JSONWriter, templates: inout FindingTemplates) {
        Self.beginDecision(placement: decision.pointee.placement, outcome: decision.pointee.outcome, to: &json)
        // Read in place: a copy of each finding would retain and release each of its strings.
        decision.pointee.findings.withUnsafeBufferPointer { findings in
            guard let first = findings.baseAddress else { return }
            for index in findings.indices { Self.write(at: first + index, to: &json, templates: &templates) }
        }
        Self.endDecision(to: &json)
    }

    private static func beginDecision(placement: String, outcome: Outcome, to json: inout JSONWriter) {
        json.beginObjectValue()
        json.key("placement"); json.string(placement)
        json.key("decision"); json.string(outcome.rawValue)
        json.key("findings")
        json.beginArrayValue()
    }

    private static func endDecision(to json: inout JSONWriter) {
        json.endArray()
        json.endObject()
    }

    /// A finding through its rule's template when it is written on one line, else in general.
    static func write(_ finding: borrowing Finding, to json: inout JSONWriter, templates: inout FindingTemplates) {
        withUnsafePointer(to: finding) { write(at: $0, to: &json, templates: &templates) }
    }

    /// The same, for a finding read where it is stored: passed by value (even `borrowing`),
    /// a finding read from an array was copied whole, retaining and releasing each of its
    /// strings and arrays; through a pointer, only the members written are read.
    static func write(at finding: UnsafePointer<Finding>, to json: inout JSONWriter, templates: inout FindingTemplates) {
        guard json.nextContainerIsInline else { return write(finding.pointee, to: &json) }
        let template = templates.template(for: finding, pretty: json.isPretty)
        json.beginInlineContainerValue()
        template.write(finding, to: &json)
        json.endInlineContainerValue()
    }

    /// A finding written member by member: the bytes a template must equal.
    static func write(_ finding: Finding, to json: inout JSONWriter) {
        json.beginObjectValue()
        json.key("rule"); json.string(finding.rule)
        json.key("effect"); json.string(finding.effect.rawValue)
        json.key("waived"); json.bool(finding.waived)
        if let waiver = finding.waiver {
            json.key("waiver"); json.string(waiver)
        }
        json.key("subjects")
        json.beginArrayValue()
        for subject in finding.subjects { json.string(subject) }
        json.endArray()
        json.key("message"); json.string(finding.message)
        json.key("citations")
        json.beginArrayValue()
        for citation in finding.citations { json.string(citation) }
        json.endArray()
        json.endObject()
    }
}

/// A finding written on one line is the same bytes around its waiver, subjects and message for
/// every finding of its rule: those bytes are quoted once per rule, not once per finding.
/// They are the bytes the general path above writes for an object nested past
/// `JSONWriter.lineBreakDepth` (items after ", ", keys before ": "; without either space
/// when not pretty).
struct FindingTemplates {
    /// Templates by where their finding's citations are stored: a rule's findings share its
    /// one citations array, so its address finds the template without hashing the rule id.
    /// The address is only a hint; a template is used only when it matches the finding.
    private var slots = [FindingTemplate?](repeating: nil, count: 256)

    mutating func template(for finding: UnsafePointer<Finding>, pretty: Bool) -> FindingTemplate {
        let first = Self.firstSlot(finding)
        // Looked up before anything changes: while `slots` is written the finding would be copied.
        if let known = known(first, finding, pretty: pretty) { return known }
        let template = FindingTemplate(finding.pointee, pretty: pretty)
        var free = first
        for probe in 0..<8 where slots[(first + probe) & 255] == nil {
            free = (first + probe) & 255
            break
        }
        slots[free] = template
        return template
    }

    private static func firstSlot(_ finding: UnsafePointer<Finding>) -> Int {
        let address = UInt(bitPattern: finding.pointee.citations.withUnsafeBufferPointer { $0.baseAddress })
        return Int(truncatingIfNeeded: (address &* 0x9E37_79B9_7F4A_7C15) >> 56)
    }

    private func known(_ first: Int, _ finding: UnsafePointer<Finding>, pretty: Bool) -> FindingTemplate? {
        for probe in 0..<8 {
            guard let known = slots[(first + probe) & 255] else { return nil }
            if known.matches(finding, pretty: pretty) { return known }
        }
        return nil
    }
}

final class FindingTemplate {
    let rule: String
    let effect: Effect
    let citations: [String]
    let pretty: Bool
    /// `{"rule": ID, "effect": EFFECT, "waived": `
    let head: [UInt8]
    /// `, "citations": [...]}`
    let tail: [UInt8]
    let comma: [UInt8]
    let waiverKey: [UInt8]
    let subjectsKey: [UInt8]
    let messageKey: [UInt8]

    init(_ finding: borrowing Finding, pretty: Bool) {
        rule = finding.rule
        effect = finding.effect
        citations = finding.citations
        self.pretty = pretty
        let comma = Array((pretty ? ", " : ",").utf8)
        let colon = Array((pretty ? ": " : ":").utf8)
        func key(_ name: String, first: Bool = false) -> [UInt8] {
            var bytes = first ? [] : comma
            JSONWriter.appendQuoted(name, to: &bytes)
            return bytes + colon
        }
        var head: [UInt8] = [UInt8(ascii: "{")] + key("rule", first: true)
        JSONWriter.appendQuoted(finding.rule, to: &head)
        head += key("effect")
        JSONWriter.appendQuoted(finding.effect.rawValue, to: &head)
        head += key("waived")
        self.head = head
        var tail = key("citations") + [UInt8(ascii: "[")]
        for (index, citation) in finding.citations.enumerated() {
            if index > 0 { tail += comma }
            JSONWriter.appendQuoted(citation, to: &tail)
        }
        tail += Array("]}".utf8)
        self.tail = tail
        self.comma = comma
        waiverKey = key("waiver")
        subjectsKey = key("subjects") + [UInt8(ascii: "[")]
        messageKey = Array("]".utf8) + key("message")
    }

    /// Whether this template writes `finding`: its rule, and the effect and citations it was
    /// made with (one rule id can only differ in those in a report put together by hand). The
    /// strings and arrays are usually one buffer each, so the comparisons are quick.
    func matches(_ finding: UnsafePointer<Finding>, pretty: Bool) -> Bool {
        self.pretty == pretty && rule == finding.pointee.rule && effect == finding.pointee.effect && citations == finding.pointee.citations
    }

    func write(_ finding: UnsafePointer<Finding>, to json: inout JSONWriter) {
        json.raw(head)
        json.rawBool(finding.pointee.waived)
        if let waiver = finding.pointee.waiver {
            json.raw(waiverKey)
            json.rawQuoted(waiver)
        }
        json.raw(subjectsKey)
        for (index, subject) in finding.pointee.subjects.enumerated() {
            if index > 0 { json.raw(comma) }
            json.rawQuoted(subject)
        }
        json.raw(messageKey)
        json.rawQuoted(finding.pointee.message)
        json.raw(tail)
    }
}

/// `--format json` written in pieces: the head up to the decisions, the decisions a chunk at a
/// time (each chunk written on any core), then the rest. `JSONRenderer.render` is this writer
/// given every decision at once, so both give the same bytes.
public struct JSONReportWriter {
    private var json = JSONWriter(capacity: 4096)

    /// Starts the report: provenance and `summary`, then opens `decisions`.
    public init(_ report: Report, summary: Summary) {
        json.beginObjectValue()
        json.provenance(engineVersion: report.engineVersion, policyDigest: report.policyDigest, policyPack: report.policyPack,
                        asOf: report.asOf, inputs: report.inputs)
        json.key("summary")
        json.beginObjectValue()
        json.counts(summary)
        json.endObject()
        json.key("decisions")
        json.beginArrayValue()
    }

    /// Decisions as items of the `decisions` array, for `append`. A slice, not any collection:
    /// a generic caller in another module would get an unspecialised copy that copies each
    /// decision and finding it reads.
    public static func items(_ decisions: ArraySlice<Decision>) -> [UInt8] {
        items(decisions, into: JSONWriter(itemsAtDepth: 2, capacity: decisions.count * 1_500))
    }

    /// The same, in a buffer from `buffers`; give it back once written (`PartBuffers.giveBack`).
    public static func items(_ decisions: ArraySlice<Decision>, buffers: PartBuffers) -> [UInt8] {
        items(decisions, into: JSONWriter(itemsAtDepth: 2, reusing: buffers.take(), capacity: decisions.count * 1_500))
    }

    private static func items(_ decisions: ArraySlice<Decision>, into writer: consuming JSONWriter) -> [UInt8] {
        var writer = writer
        var templates = FindingTemplates()
        decisions.withUnsafeBufferPointer { decisions in
            guard let first = decisions.baseAddress else { return }
            for index in decisions.indices { JSONRenderer().write(at: first + index, to: &writer, templates: &templates) }
        }
        return writer.output
    }

    /// Appends parts made by `items`, in order.
    public mutating func append(_ parts: [[UInt8]]) {
        json.appendItems(parts)
    }

    /// Writes a part made by `items` out through `write` rather than appending it: the same
    /// bytes as `append` then `take`, without copying the part. Take what the writer holds first.
    public mutating func write(items part: [UInt8], to write: ([UInt8]) throws -> Void) rethrows {
        try json.writeItems(part, write)
    }

    /// The bytes written since the last call, handed over so they can be written out.
    public mutating func take() -> [UInt8] {
        json.takeOutput()
    }

    /// Closes `decisions` and ends the report with its notices and errors.
    public mutating func finish(notices: [Notice], errors: [Diagnostic]) -> [UInt8] {
        json.endArray()
        json.key("notices")
        json.notices(notices)
        json.key("errors")
        json.diagnostics(errors)
        json.endObject()
        return json.finish()
    }
}
