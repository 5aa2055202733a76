// `--format sarif`: SARIF 2.1.0, so code-scanning UIs annotate manifests. One reportingDescriptor
// per rule (help text with its citations) and one result per finding, located at the manifest
// line of the offending dataset, model, target or placement. Levels: error for block, warning
// for warn, note for waived.

import Crypto
import PlacetEngine
import PlacetLanguage

public struct SARIFRenderer: Sendable {
    public init() {}

    public func render(_ report: Report) -> [UInt8] {
        let rules = report.rules.sorted { $0.id < $1.id }
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in rules.enumerated() { ruleIndex[rule.id] = index }
        var json = JSONWriter(capacity: 4096 + report.decisions.count * 600)
        json.beginObjectValue()
        json.key("$schema"); json.string("https://json.schemastore.org/sarif-2.1.0.json")
        json.key("version"); json.string("2.1.0")
        json.key("runs")
        json.beginArrayValue()
        json.beginObjectValue()
        json.key("tool")
        json.beginObjectValue()
        json.key("driver")
        json.beginObjectValue()
        json.key("name"); json.string("placet")
        json.key("version"); json.string(report.engineVersion)
        json.key("rules")
        json.beginArrayValue()
        for rule in rules {
            json.beginObjectValue()
            json.key("id"); json.string(rule.id)
            json.key("shortDescription"); json.beginObjectValue(); json.key("text")
            json.string("\(rule.effect == .block ? "Blocks" : "Warns on") placements that break \(rule.citations.first ?? rule.id)"); json.endObject()
            json.key("help"); json.beginObjectValue(); json.key("text")
            var help = "Cites: \(rule.citations.joined(separator: "; "))."
            if let effective = rule.effective { help += " Effective from \(effective)." }
            if rule.unwaivable { help += " Cannot be waived." }
            json.string(help); json.endObject()
            json.key("defaultConfiguration"); json.beginObjectValue(); json.key("level"); json.string(rule.effect == .block ? "error" : "warning"); json.endObject()
            json.key("properties"); json.beginObjectValue()
            json.key("tags"); json.beginArrayValue(); json.string(rule.regime); json.string("compliance"); json.endArray()
            json.key("citations"); json.beginArrayValue(); for citation in rule.citations { json.string(citation) }; json.endArray()
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.endObject()
        json.key("invocations")
        json.beginArrayValue()
        json.beginObjectValue()
        json.key("executionSuccessful"); json.bool(report.errors.isEmpty)
        json.key("toolExecutionNotifications")
        json.beginArrayValue()
        for error in report.errors {
            json.beginObjectValue()
            json.key("level"); json.string("error")
            json.key("message"); json.beginObjectValue(); json.key("text"); json.string(error.message); json.endObject()
            if let location = error.location { writeLocations([location], to: &json) }
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.endArray()
        json.key("results")
        json.beginArrayValue()
        for decision in report.decisions {
            for finding in decision.findings {
                json.beginObjectValue()
                json.key("ruleId"); json.string(finding.rule)
                if let index = ruleIndex[finding.rule] { json.key("ruleIndex"); json.number(index) }
                json.key("level"); json.string(finding.waived ? "note" : finding.effect == .block ? "error" : "warning")
                json.key("message"); json.beginObjectValue(); json.key("text")
                json.string("\(decision.placement): \(finding.message)" + (finding.waived ? " (waived by \(finding.waiver ?? "a waiver"))" : "")); json.endObject()
                writeLocations([finding.location ?? decision.location].compactMap { $0 }, to: &json)
                json.key("partialFingerprints"); json.beginObjectValue()
                json.key("placetFinding/v1"); json.string(fingerprint(decision.placement, finding)); json.endObject()
                json.key("properties"); json.beginObjectValue()
                json.key("placement"); json.string(decision.placement)
                json.key("subjects"); json.beginArrayValue(); for subject in finding.subjects { json.string(subject) }; json.endArray()
                json.key("citations"); json.beginArrayValue(); for citation in finding.citations { json.string(citation) }; json.endArray()
                if let waiver = finding.waiver { json.key("waiver"); json.string(waiver) }
                json.endObject()
                json.endObject()
            }
        }
        json.endArray()
        json.key("properties"); json.beginObjectValue()
        json.key("policyDigest"); json.string(report.policyDigest)
        json.key("asOf"); json.string(report.asOf.description)
        json.key("inputs"); json.beginArrayValue()
        for input in report.inputs {
            json.beginObjectValue(); json.key("file"); json.string(input.path); json.key("digest"); json.string(input.digest); json.endObject()
        }
        json.endArray()
        json.endObject()
        json.endObject()
        json.endArray()
        json.endObject()
        return json.finish()
    }

    private func writeLocations(_ locations: [SourceLocation], to json: inout JSONWriter) {
        json.key("locations")
        json.beginArrayValue()
        for location in locations {
            json.beginObjectValue()
            json.key("physicalLocation"); json.beginObjectValue()
            json.key("artifactLocation"); json.beginObjectValue(); json.key("uri"); json.string(Self.uri(location.file)); json.endObject()
            json.key("region"); json.beginObjectValue()
            json.key("startLine"); json.number(max(1, location.line))
            if location.column > 0 { json.key("startColumn"); json.number(location.column) }
            json.endObject()
            json.endObject()
            json.endObject()
        }
        json.endArray()
    }

    /// Relative paths stay relative URI references; absolute paths become file URIs.
    static func uri(_ path: String) -> String {
        var encoded = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~", "/": encoded.unicodeScalars.append(scalar)
            default:
                for byte in String(scalar).utf8 { encoded += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// Stable across runs and line moves: the finding's identity, not its position.
    private func fingerprint(_ placement: String, _ finding: Finding) -> String {
        let identity = "\(placement)\u{0}\(finding.rule)\u{0}\(finding.subjects.joined(separator: ","))"
        return SHA256.hash(data: Array(identity.utf8)).prefix(16).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
