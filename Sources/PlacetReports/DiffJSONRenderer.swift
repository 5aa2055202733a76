// `placet diff --format json`: one object, keys in a fixed order, changes sorted by placement
// id, so the same inputs give the same bytes.
//
// {"asOf": "2026-11-29", "old": {"policyDigest": "sha256:…"}, "new": {"policyDigest": "sha256:…"},
//  "summary": {"placements": 19, "decisionsChanged": 1, "findingsChanged": 2},
//  "changes": [{"placement": "pl-1", "before": {"decision": "block", "findings": [
//      {"rule": "gdpr.lawful-basis", "effect": "block", "waived": false, "subjects": ["ds-1"]}]},
//    "after": {"decision": "approve", "findings": […]}}],
//  "errors": [{"file": "m.yaml", "line": 3, "column": 5, "id": "…", "message": "…"}]}
//
// `decisionsChanged` counts placements whose decision changes; `findingsChanged` those whose
// decision stays but whose findings change. `before` (or `after`) is left out for a placement
// assessed on one side only. On an error `changes` is empty and `errors` lists them.

import PlacetEngine
import PlacetLanguage

public struct DiffJSONRenderer: Sendable {
    public init() {}

    public func render(_ report: DiffReport) -> [UInt8] {
        var json = JSONWriter()
        json.beginObjectValue()
        json.key("asOf"); json.string(report.asOf.description)
        json.key("old")
        json.beginObjectValue()
        json.key("policyDigest"); json.string(report.oldPolicyDigest)
        json.endObject()
        json.key("new")
        json.beginObjectValue()
        json.key("policyDigest"); json.string(report.newPolicyDigest)
        json.endObject()
        json.key("summary")
        json.beginObjectValue()
        json.key("placements"); json.number(report.impact?.placements ?? 0)
        json.key("decisionsChanged"); json.number(report.impact?.decisionsChanged ?? 0)
        json.key("findingsChanged"); json.number(report.impact?.findingsChanged ?? 0)
        json.endObject()
        json.key("changes")
        json.beginArrayValue()
        for change in report.impact?.changes ?? [] {
            json.beginObjectValue()
            json.key("placement"); json.string(change.placement)
            if let before = change.before {
                json.key("before")
                write(before, to: &json)
            }
            if let after = change.after {
                json.key("after")
                write(after, to: &json)
            }
            json.endObject()
        }
        json.endArray()
        json.key("errors")
        json.diagnostics(report.errors)
        json.endObject()
        return json.finish()
    }

    private func write(_ outcome: PlacementOutcome, to json: inout JSONWriter) {
        json.beginObjectValue()
        json.key("decision"); json.string(outcome.outcome.rawValue)
        json.key("findings")
        json.beginArrayValue()
        for finding in outcome.findings {
            json.beginObjectValue()
            json.key("rule"); json.string(finding.rule)
            json.key("effect"); json.string(finding.effect.rawValue)
            json.key("waived"); json.bool(finding.waived)
            json.key("subjects")
            json.beginArrayValue()
            for subject in finding.subjects { json.string(subject) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }
}
