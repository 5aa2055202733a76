// `--format json`: the object of SPEC §5, keys in the documented order.

import Dispatch
import PlacetEngine
import PlacetLanguage
import Synchronization

public struct JSONRenderer: Sendable {
    public init() {}

    public func render(_ report: Report) -> [UInt8] {
        let decisions = report.decisions
        var writer = JSONReportWriter(report, summary: report.summary)
        // Decisions are most of the output: write them in chunks on every core, join in order.
        let chunkSize = 2_048
        let chunkCount = (decisions.count + chunkSize - 1) / chunkSize
        let parts = Mutex<[[UInt8]]>(Array(repeating: [], count: chunkCount))
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

    func write(_ decision: Decision, to json: inout JSONWriter) {
        json.beginObjectValue()
        json.key("placement"); json.string(decision.placement)
        json.key("decision"); json.string(decision.outcome.rawValue)
        json.key("findings")
        json.beginArrayValue()
        for finding in decision.findings {
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
        json.endArray()
        json.endObject()
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

    /// Decisions as items of the `decisions` array, for `append`.
    public static func items(_ decisions: some Collection<Decision>) -> [UInt8] {
        var writer = JSONWriter(itemsAtDepth: 2, capacity: decisions.count * 1_500)
        for decision in decisions { JSONRenderer().write(decision, to: &writer) }
        return writer.output
    }

    /// Appends parts made by `items`, in order.
    public mutating func append(_ parts: [[UInt8]]) {
        json.appendItems(parts)
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
