// `--format oscal`: an OSCAL 1.2.1 assessment-results document (XML): metadata, one result for
// the run, one observation per finding (the manifest ids as subjects, the citations as
// properties), and one OSCAL finding per rule that fired, linked to its observations.
// UUIDs are derived from the content (name-based, SHA-256), so the same run gives the same
// document. Written with xmlTextWriter.

import Crypto
import PlacetEngine
import PlacetLanguage
import PlacetXML

public struct OSCALRenderer: Sendable {
    public static let namespace = "http://csrc.nist.gov/ns/oscal/1.0"

    public init() {}

    /// A version-5-style UUID from a name: the same name always gives the same UUID.
    public static func uuid(_ name: String) -> String {
        var bytes = Array(SHA256.hash(data: Array(("placet:" + name).utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    public func render(_ report: Report) -> [UInt8]? {
        let timestamp = "\(report.asOf)T00:00:00Z"
        let run = "\(report.policyDigest)|\(report.asOf)|\(report.inputs.map(\.digest).joined(separator: ","))"
        let writer = XMLTextWriter()
        writer.startElement("assessment-results")
        writer.attribute("xmlns", Self.namespace)
        writer.attribute("uuid", Self.uuid("document|" + run))

        writer.startElement("metadata")
        writer.element("title", text: "Placet placement assessment as of \(report.asOf)")
        writer.element("last-modified", text: timestamp)
        writer.element("version", text: report.engineVersion)
        writer.element("oscal-version", text: "1.2.1")
        property(writer, "policy-digest", report.policyDigest)
        for input in report.inputs { property(writer, "input-digest", "\(input.path) \(input.digest)") }
        writer.endElement()

        writer.startElement("import-ap")
        writer.attribute("href", "#placet-baseline-policies")
        writer.endElement()

        writer.startElement("result")
        writer.attribute("uuid", Self.uuid("result|" + run))
        writer.element("title", text: "placet check")
        writer.startElement("description")
        let summary = report.summary
        writer.element("p", text: report.errors.isEmpty
            ? "\(summary.placements) placements: \(summary.approved) approved, \(summary.blocked) blocked; \(summary.warnings) warnings, \(summary.waived) waived."
            : "\(report.errors.count) input or policy errors: nothing was approved.")
        writer.endElement()
        writer.element("start", text: timestamp)
        writer.element("end", text: timestamp)
        property(writer, "placements", String(summary.placements))
        property(writer, "approved", String(summary.approved))
        property(writer, "blocked", String(summary.blocked))
        writer.startElement("reviewed-controls")
        writer.startElement("control-selection")
        writer.startElement("include-all")
        writer.endElement()
        writer.endElement()
        writer.endElement()

        var observationsByRule: [String: [(uuid: String, decision: Decision, finding: Finding)]] = [:]
        for decision in report.decisions {
            for finding in decision.findings {
                let uuid = Self.uuid("observation|\(run)|\(decision.placement)|\(finding.rule)|\(finding.subjects.joined(separator: ","))")
                observationsByRule[finding.rule, default: []].append((uuid, decision, finding))
                writer.startElement("observation")
                writer.attribute("uuid", uuid)
                writer.element("title", text: "\(finding.rule) on \(decision.placement)")
                writer.startElement("description")
                writer.element("p", text: finding.message)
                writer.endElement()
                property(writer, "rule", finding.rule)
                property(writer, "effect", finding.waived ? "waived" : finding.effect.rawValue)
                for citation in finding.citations { property(writer, "citation", citation) }
                if let waiver = finding.waiver { property(writer, "waiver", waiver) }
                writer.element("method", text: "TEST")
                writer.element("type", text: "finding")
                for subject in [decision.placement] + finding.subjects {
                    writer.startElement("subject")
                    writer.attribute("subject-uuid", Self.uuid("subject|\(subject)"))
                    writer.attribute("type", "resource")
                    writer.element("title", text: subject)
                    writer.endElement()
                }
                writer.element("collected", text: timestamp)
                writer.endElement()
            }
        }
        for rule in observationsByRule.keys.sorted() {
            let observations = observationsByRule[rule] ?? []
            let descriptor = report.rules.first { $0.id == rule }
            let blocking = observations.contains { $0.finding.effect == .block && !$0.finding.waived }
            writer.startElement("finding")
            writer.attribute("uuid", Self.uuid("finding|\(run)|\(rule)"))
            writer.element("title", text: rule)
            writer.startElement("description")
            writer.element("p", text: "\(rule) fired on \(observations.count) placement finding(s). Cites \(observations[0].finding.citations.joined(separator: "; ")).")
            writer.endElement()
            for citation in descriptor?.citations ?? observations[0].finding.citations { property(writer, "citation", citation) }
            writer.startElement("target")
            writer.attribute("type", "objective-id")
            writer.attribute("target-id", rule)
            writer.startElement("status")
            writer.attribute("state", blocking ? "not-satisfied" : "satisfied")
            writer.endElement()
            writer.endElement()
            for observation in observations {
                writer.startElement("related-observation")
                writer.attribute("observation-uuid", observation.uuid)
                writer.endElement()
            }
            writer.endElement()
        }
        writer.endElement()  // result
        writer.endElement()  // assessment-results
        return writer.finish()
    }

    private func property(_ writer: XMLTextWriter, _ name: String, _ value: String) {
        guard !value.isEmpty else { return }  // OSCAL property values may not be empty
        writer.startElement("prop")
        writer.attribute("name", name)
        writer.attribute("ns", "https://placet.example/ns/oscal")
        writer.attribute("value", value)
        writer.endElement()
    }
}
