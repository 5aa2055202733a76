// What each endpoint decides, as functions from a request's bytes to a response's bytes: the
// HTTP layer only reads the body and sends the answer, and tests call these without HTTP.
// Fail closed: any error diagnostic is a 400 that decides nothing; nothing is approved on error.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import PlacetWorkflows

/// An answer ready to send, with what the server records about it.
public struct ServiceResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var contentType = "application/json"
    /// The decisions made, for metrics (empty when nothing was decided).
    public var decisions: [Decision] = []
    /// Refused with diagnostics: nothing was decided.
    public var refused = false
    /// What the decision log appends, built only when there is a log; nil for dry runs,
    /// refusals and questions that place nothing.
    public var loggable: (@Sendable () -> Report)?

    public init(status: Int, body: [UInt8], contentType: String = "application/json") {
        self.status = status
        self.body = body
        self.contentType = contentType
    }

    static func refusal(_ status: Int, _ message: String, diagnostics: [Diagnostic] = []) -> ServiceResponse {
        var response = ServiceResponse(status: status, body: JSONOutput.error(message, diagnostics: diagnostics))
        response.refused = true
        return response
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

public struct DecisionService: Sendable {
    public let pack: ServedPack

    public init(pack: ServedPack) {
        self.pack = pack
    }

    /// How request bodies are named in diagnostics (`errors[].file`), as `<stdin>` is for `check -`.
    public static let requestPath = "<request>"

    /// The manifest format a Content-Type names; nil for any other type.
    static func manifestFormat(contentType: String?) -> ManifestFormat? {
        guard let contentType else { return nil }
        if contentType == "application/json" { return .json }
        // By hand, not with Foundation's character sets: this runs on every request.
        var media = Substring(contentType)
        if let semicolon = media.firstIndex(of: ";") { media = media[..<semicolon] }
        switch trimmed(media).lowercased() {
        case "application/json": return .json
        case "application/x-ndjson", "application/jsonl", "application/json-lines", "application/x-jsonlines": return .jsonl
        case "application/yaml", "application/x-yaml", "text/yaml": return .yaml
        case "application/xml", "text/xml": return .xml
        default: return nil
        }
    }

    static let acceptedTypes = "application/json, application/x-ndjson (JSON Lines), application/yaml or application/xml"

    /// `?as_of=YYYY-MM-DD`, or today (UTC).
    static func evaluationDate(_ text: String?) -> Result<CivilDate, Diagnostic> {
        guard let text else { return .success(CivilDate.today()) }
        guard let date = CivilDate(iso: text) else {
            return .failure(Diagnostic(id: "request.badAsOf", message: "as_of: \(CivilDate.problem(with: text) ?? "expected YYYY-MM-DD")"))
        }
        return .success(date)
    }

    static func flag(_ name: String, _ text: String?) -> Result<Bool, Diagnostic> {
        switch text?.lowercased() {
        case nil, "false", "0": .success(false)
        case "true", "1", "": .success(true)
        case let other?: .failure(Diagnostic(id: "request.badParameter", message: "\(name): expected true or false, found '\(other)'"))
        }
    }

    // MARK: POST /v1/check

    /// The manifests of the body decided against the references: the object `check --format json`
    /// writes (200), or with `errors` and no decisions (400). `explain` adds `explanations`.
    public func check(body: [UInt8], contentType: String?, asOf: String? = nil, explain: String? = nil) -> ServiceResponse {
        guard let format = Self.manifestFormat(contentType: contentType) else {
            return .refusal(400, "Content-Type \(contentType.map { "'\($0)'" } ?? "missing"): send \(Self.acceptedTypes)",
                            diagnostics: [Diagnostic(id: "request.contentType", message: "unsupported Content-Type \(contentType ?? "(none)")")])
        }
        let date: CivilDate
        let explaining: Bool
        switch (Self.evaluationDate(asOf), Self.flag("explain", explain)) {
        case (.success(let value), .success(let flag)): (date, explaining) = (value, flag)
        case (.failure(let problem), _), (_, .failure(let problem)): return .refusal(400, problem.message, diagnostics: [problem])
        }
        let policy = pack.policy
        let loaded = pack.references.extend(with: [ManifestInput(path: Self.requestPath, bytes: body, format: format)])
        var diagnostics = loaded.diagnostics
        let placements = loaded.inventory.tables[policy.program.placementRecord]
        if !diagnostics.contains(where: \.isError), placements.count == 0 {
            diagnostics.append(Diagnostic(id: "check.noPlacements", message: "the request holds no Placement manifests: nothing to decide"))
        }
        let assessment = diagnostics.contains(where: \.isError) ? nil : pack.assess(loaded.inventory, asOf: date)
        let report = Report(engineVersion: PlacetVersion.current, policyDigest: policy.digest, policyPack: policy.packName, asOf: date,
                            inputs: loaded.inventory.files, assessment: assessment, diagnostics: diagnostics)
        var bytes = JSONRenderer().render(report)
        guard assessment != nil else {
            var response = ServiceResponse(status: 400, body: bytes)
            response.refused = true
            return response
        }
        if explaining {
            let explainer = PlacementExplainer(policy: policy, asOf: date)
            let explanations = report.decisions.compactMap { explainer.explain(placement: $0.placement, in: loaded.inventory) }
            bytes = Self.adding(explanations: explanations, to: bytes)
        }
        var response = ServiceResponse(status: 200, body: bytes)
        response.decisions = report.decisions
        response.loggable = { report }
        return response
    }

    /// The report object with one more member: its closing brace is replaced by `"explanations": [...]}`.
    static func adding(explanations: [Explanation], to report: [UInt8]) -> [UInt8] {
        var bytes = report
        while let last = bytes.last, last == 0x0A || last == 0x20 { bytes.removeLast() }
        guard bytes.last == UInt8(ascii: "}") else { return report }
        bytes.removeLast()
        var json = JSONOutput()
        json.array { json in for explanation in explanations { json.explanation(explanation) } }
        bytes.append(contentsOf: ",\n  \"explanations\": ".utf8)
        bytes.append(contentsOf: json.bytes)
        bytes.append(contentsOf: "\n}\n".utf8)
        return bytes
    }

    // MARK: GET /v1/rules

    /// `placet rules --format json` of the pack being served.
    public func rules() -> ServiceResponse {
        ServiceResponse(status: 200, body: pack.rulesJSON)
    }
}

extension JSONOutput {
    /// `explain` as data: the placement's facts and decision, then every rule with the lines
    /// that decided it (depth is the indentation `placet explain` prints).
    mutating func explanation(_ explanation: Explanation) {
        object { json in
            json.key("placement"); json.string(explanation.placement)
            json.key("asOf"); json.string(explanation.asOf.description)
            json.key("decision"); json.string(explanation.decision.outcome.rawValue)
            json.key("facts"); json.strings(explanation.facts.map(\.text))
            json.key("rules")
            json.array { json in
                for rule in explanation.rules {
                    json.object { json in
                        json.key("rule"); json.string(rule.rule)
                        json.key("effect"); json.string(rule.effect.rawValue)
                        json.key("citations"); json.strings(rule.citations)
                        switch rule.status {
                        case .fired: json.key("status"); json.string("fired")
                        case .didNotFire: json.key("status"); json.string("didNotFire")
                        case .notYetEffective(let date):
                            json.key("status"); json.string("notYetEffective")
                            json.key("effective"); json.string(date.description)
                        }
                        json.key("trace")
                        json.array { json in
                            for line in rule.lines {
                                json.object { json in
                                    json.key("depth"); json.number(line.depth)
                                    json.key("text"); json.string(line.text)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
