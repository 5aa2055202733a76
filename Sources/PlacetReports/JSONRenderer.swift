// `--format json`: the object of SPEC §5, keys in the documented order.

import Dispatch
import PlacetEngine
import PlacetLanguage
import Synchronization

public struct JSONRenderer: Sendable {
    public init() {}

    public func render(_ report: Report) -> [UInt8] {
        let decisions = report.decisions
        var json = JSONWriter(capacity: 4096)
        json.beginObjectValue()
        json.provenance(engineVersion: report.engineVersion, policyDigest: report.policyDigest, policyPack: report.policyPack,
                        asOf: report.asOf, inputs: report.inputs)
        json.key("summary")
        json.beginObjectValue()
        json.counts(report.summary)
        json.endObject()
        json.key("decisions")
        json.beginArrayValue()
        // Decisions are most of the output: write them in chunks on every core, join in order.
        let chunkSize = 2_048
        let chunkCount = (decisions.count + chunkSize - 1) / chunkSize
        let parts = Mutex<[[UInt8]]>(Array(repeating: [], count: chunkCount))
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = (chunk * chunkSize)..<min(decisions.count, (chunk + 1) * chunkSize)
            var writer = JSONWriter(itemsAtDepth: 2, capacity: range.count * 1_500)
            for decision in decisions[range] { write(decision, to: &writer) }
            parts.withLock { $0[chunk] = writer.output }
        }
        json.appendItems(parts.withLock { $0 })
        json.endArray()
        json.key("notices")
        json.notices(report.notices)
        json.key("errors")
        json.diagnostics(report.errors)
        json.endObject()
        return json.finish()
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
