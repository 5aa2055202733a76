// `--format junit`: JUnit XML as CI dashboards read it (Jenkins/Surefire). One testsuite per
// policy regime with a testcase per (placement, rule) that fired — block findings as
// <failure>, warnings passing with <system-out>, waived findings as <skipped> — and a
// "placements" suite with one passing testcase per approved placement. Written with
// libxml2's xmlTextWriter, so escaping is libxml2's job.

import PlacetEngine
import PlacetLanguage
import PlacetXML

public struct JUnitRenderer: Sendable {
    public init() {}

    private struct Case {
        let name: String
        let className: String
        enum Kind { case failure(String), warning(String), skipped(String), passed }
        let kind: Kind
        let detail: String
    }

    public func render(_ report: Report) -> [UInt8]? {
        var suites: [(name: String, cases: [Case])] = []
        var byRegime: [String: [Case]] = [:]
        for decision in report.decisions {
            for finding in decision.findings {
                let regime = RuleDefinition.regime(of: finding.rule)
                let detail = "\(finding.message)\nsubjects: \(finding.subjects.joined(separator: ", "))\ncites: \(finding.citations.joined(separator: "; "))"
                let kind: Case.Kind
                if finding.waived {
                    kind = .skipped("waived by \(finding.waiver ?? "a waiver")")
                } else if finding.effect == .block {
                    kind = .failure(finding.message)
                } else {
                    kind = .warning(finding.message)
                }
                byRegime[regime, default: []].append(Case(name: "\(decision.placement): \(finding.rule) [\(finding.subjects.joined(separator: ", "))]",
                                                          className: "placet.\(regime).\(finding.rule)", kind: kind, detail: detail))
            }
        }
        for (regime, cases) in byRegime.sorted(by: { $0.key < $1.key }) { suites.append(("placet.\(regime)", cases)) }
        let approved = report.decisions.filter { $0.outcome == .approve }.map {
            Case(name: $0.placement, className: "placet.placements", kind: .passed,
                 detail: "approved" + ($0.findings.isEmpty ? "" : " with \($0.findings.count) warning or waived finding(s)"))
        }
        suites.append(("placet.placements", approved))

        let writer = XMLTextWriter()
        writer.startElement("testsuites")
        writer.attribute("name", "placet check (as of \(report.asOf))")
        let allCases = suites.flatMap(\.cases)
        writer.attribute("tests", String(allCases.count))
        writer.attribute("failures", String(allCases.filter { if case .failure = $0.kind { true } else { false } }.count))
        writer.attribute("errors", String(report.errors.count))
        writer.attribute("time", "0")
        if !report.errors.isEmpty {
            // Fail closed: errors are their own suite so dashboards cannot show green.
            writer.startElement("testsuite")
            writer.attribute("name", "placet.errors")
            writer.attribute("tests", String(report.errors.count))
            writer.attribute("failures", "0")
            writer.attribute("errors", String(report.errors.count))
            for (index, error) in report.errors.enumerated() {
                writer.startElement("testcase")
                let place = error.location.map { "\($0.file):\($0.line)" } ?? "input"
                writer.attribute("name", "error \(index + 1): \(place)")
                writer.attribute("classname", "placet.errors")
                writer.startElement("error")
                writer.attribute("type", error.id)
                writer.attribute("message", error.message)
                writer.endElement()
                writer.endElement()
            }
            writer.endElement()
        }
        for suite in suites {
            writer.startElement("testsuite")
            writer.attribute("name", suite.name)
            writer.attribute("tests", String(suite.cases.count))
            writer.attribute("failures", String(suite.cases.filter { if case .failure = $0.kind { true } else { false } }.count))
            writer.attribute("errors", "0")
            writer.attribute("skipped", String(suite.cases.filter { if case .skipped = $0.kind { true } else { false } }.count))
            writer.attribute("time", "0")
            writer.startElement("properties")
            let evidence = [("policyDigest", report.policyDigest), ("asOf", report.asOf.description), ("engine", "placet \(report.engineVersion)")]
                + report.inputs.map { ("input", "\($0.path) \($0.digest)") }
            for (name, value) in evidence {
                writer.startElement("property")
                writer.attribute("name", name)
                writer.attribute("value", value)
                writer.endElement()
            }
            writer.endElement()
            for testCase in suite.cases {
                writer.startElement("testcase")
                writer.attribute("name", testCase.name)
                writer.attribute("classname", testCase.className)
                writer.attribute("time", "0")
                switch testCase.kind {
                case .failure(let message):
                    writer.startElement("failure")
                    writer.attribute("type", "block")
                    writer.attribute("message", message)
                    writer.text(testCase.detail)
                    writer.endElement()
                case .skipped(let message):
                    writer.startElement("skipped")
                    writer.attribute("message", message)
                    writer.endElement()
                    writer.element("system-out", text: testCase.detail)
                case .warning:
                    writer.element("system-out", text: "warning: " + testCase.detail)
                case .passed:
                    writer.element("system-out", text: testCase.detail)
                }
                writer.endElement()
            }
            writer.endElement()
        }
        writer.endElement()
        return writer.finish()
    }
}
