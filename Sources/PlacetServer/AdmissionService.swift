// `POST /v1/admission[/TARGET]`: a Kubernetes AdmissionReview (admission.k8s.io/v1) for any
// workload object (Pod, Job, CronJob, Deployment, StatefulSet, RayJob, RayCluster,
// SparkApplication, PyTorchJob, ...). The top-level object's `placet.dev/<field>` annotations
// are the fields of a Placement (model, datasets, workload, stage, framework, and any other
// field the schema gives a Placement); the target is the cluster's own Target. The placement
// is read by the loader like any manifest, so a wrong value is reported with the reason.
// Every request that reaches the webhook is in an enforced namespace (the webhook's
// namespaceSelector), so an object without the annotations is denied, naming the missing ones.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import PlacetWorkflows

extension DecisionService {
    static let annotationPrefix = "placet.dev/"

    /// Kinds whose controllers create the objects they own (a Job's Pods, a CronJob's Jobs, a
    /// RayJob's RayCluster): the owner was checked when it was created, so what its controller
    /// makes for it is admitted without annotations of its own.
    static let checkedOwnerKinds: Set<String> = [
        "Job", "CronJob", "Deployment", "ReplicaSet", "StatefulSet", "RayJob", "RayCluster", "RayService",
        "SparkApplication", "ScheduledSparkApplication", "PyTorchJob",
    ]

    public func admission(body: [UInt8], contentType: String?, target requestedTarget: String? = nil,
                          today: CivilDate = CivilDate.today()) -> ServiceResponse {
        guard Self.manifestFormat(contentType: contentType) == .json else {
            return .refusal(400, "Content-Type \(contentType.map { "'\($0)'" } ?? "missing"): an AdmissionReview is application/json",
                            diagnostics: [Diagnostic(id: "request.contentType", message: "unsupported Content-Type \(contentType ?? "(none)")")])
        }
        let file = ManifestFileContext(path: Self.requestPath, bytes: body, format: .json)
        let review: AdmissionRequest
        switch AdmissionRequest.read(body, file: file) {
        case .success(let value): review = value
        case .failure(let problem): return .refusal(400, problem.message, diagnostics: [problem])
        }
        guard review.operation == "CREATE" || review.operation == "UPDATE" else {
            return Self.answer(review, allowed: true, message: nil, warnings: [])
        }
        if let owner = review.controllerOwner, Self.checkedOwnerKinds.contains(owner) {
            return Self.answer(review, allowed: true, message: nil, warnings: [])
        }
        guard let target = requestedTarget ?? pack.clusterTarget else {
            return Self.denial(review, code: 500, "placet: the server has no cluster target (--cluster-target, or the webhook path /v1/admission/TARGET)")
        }
        guard pack.hasTarget(target) else {
            return Self.denial(review, code: 500, "placet: no Target '\(target)' in the reference manifests\(Suggestion.didYouMean(target, in: pack.targetIDs()))")
        }
        let placementRecord = pack.policy.schema.records[pack.policy.program.placementRecord]
        let fixed: Set = [SchemaContract.id, SchemaContract.PlacementField.target]
        var problems: [String] = []
        var entries: [MappingEntry] = []
        for annotation in review.annotations where annotation.key.hasPrefix(Self.annotationPrefix) {
            let name = String(annotation.key.dropFirst(Self.annotationPrefix.count))
            guard let index = placementRecord.fieldIndex[name], !fixed.contains(name) else {
                let fields = placementRecord.fields.map(\.name).filter { !fixed.contains($0) }
                let hint = name == SchemaContract.PlacementField.target ? " (the target is the cluster's own)"
                    : Suggestion.hint(Suggestion.closest(to: name, in: fields).map { Self.annotationPrefix + $0 })
                problems.append("unknown annotation \(annotation.key)\(hint)")
                continue
            }
            let value: DocumentNode
            switch placementRecord.fields[index].type.unwrapped {
            case .list, .set:
                let items = annotation.value.split(separator: ",").map(Self.trimmed).filter { !$0.isEmpty }
                value = .sequence(items.map { .scalar($0, .plain, annotation.position) }, annotation.position)
            default:
                value = .scalar(annotation.value, .plain, annotation.position)
            }
            entries.append(MappingEntry(key: name, at: annotation.keyPosition, value: value))
        }
        let given = Set(entries.map(\.key))
        let missing = placementRecord.fields.filter { $0.isRequired && !fixed.contains($0.name) && !given.contains($0.name) }
        if !missing.isEmpty {
            let names = missing.map { Self.annotationPrefix + $0.name }.joined(separator: ", ")
            let optional = placementRecord.fields.filter { !$0.isRequired && !fixed.contains($0.name) && !given.contains($0.name) }
                .map { Self.annotationPrefix + $0.name }.prefix(3)
            problems.insert(entries.isEmpty
                ? "\(review.objectName) has no placet.dev annotations and its namespace is gated by placet: add \(names)\(optional.isEmpty ? "" : " (and, as they apply, \(optional.joined(separator: ", ")))")"
                : "\(review.objectName) is missing the annotation\(missing.count > 1 ? "s" : "") \(names)", at: 0)
        }
        guard problems.isEmpty else { return Self.denial(review, code: 400, "placet: " + problems.joined(separator: "; ")) }

        let header: [(String, String)] = [("apiVersion", "placet/v1"), ("kind", SchemaContract.placement),
                                          (SchemaContract.id, review.placementID), (SchemaContract.PlacementField.target, target)]
        let document = DocumentNode.mapping(header.map { MappingEntry(key: $0.0, at: review.position, value: .scalar($0.1, .text, review.position)) }
                                            + entries, review.position)
        let loaded = pack.references.extend { $0.add(document: document, from: file) }
        guard !loaded.hasErrors else {
            let messages = loaded.diagnostics.filter(\.isError).map { Self.annotationMessage($0.message, placement: review.placementID) }
            var response = Self.denial(review, code: 400, "placet: \(review.objectName) cannot be placed: " + messages.joined(separator: "; "))
            response.refused = true
            return response
        }
        let assessment = pack.assess(loaded.inventory, asOf: today)
        guard let decision = assessment.decisions.first else {
            return Self.denial(review, code: 500, "placet: no decision was made for \(review.objectName)")
        }
        var response = Self.answer(review, allowed: decision.outcome == .approve,
                                   message: decision.outcome == .approve ? nil : Self.blockMessage(decision, review: review, target: target, asOf: today),
                                   warnings: Self.warnings(decision, notices: assessment.notices))
        response.decisions = [decision]
        if !review.dryRun {
            let policy = pack.policy
            let inputs = loaded.inventory.files
            let diagnostics = loaded.diagnostics
            response.loggable = {
                // The review itself is the input the decision was made from; its digest is taken only when it is logged.
                let review = InputFile(path: "admission review \(review.uid)", digest: Digests.sha256(body))
                return Report(engineVersion: PlacetVersion.current, policyDigest: policy.digest, policyPack: policy.packName, asOf: today,
                              inputs: inputs + [review], assessment: assessment, diagnostics: diagnostics)
            }
        }
        return response
    }

    /// A loader message about the annotations' placement, in the annotations' words.
    static func annotationMessage(_ message: String, placement: String) -> String {
        var text = message
        let prefix = "\(SchemaContract.placement) '\(placement)', "
        if text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        let ownPrefix = "\(SchemaContract.placement) '\(placement)': "
        if text.hasPrefix(ownPrefix) { text.removeFirst(ownPrefix.count) }
        return text.replacingOccurrences(of: "field '", with: "annotation '\(annotationPrefix)")
    }

    /// Each block finding with its rule, subjects and citations, short enough for kubectl.
    static func blockMessage(_ decision: Decision, review: AdmissionRequest, target: String, asOf: CivilDate) -> String {
        let blocking = decision.findings.filter { $0.effect == .block && !$0.waived }
        var text = "placet blocked \(review.objectName) on target \(target) as of \(asOf): "
        text += blocking.map { finding in
            "\(finding.rule) [\(finding.subjects.joined(separator: ", "))] (\(finding.citations.joined(separator: "; "))): \(shorten(finding.message, to: 160))"
        }.joined(separator: " | ")
        return shorten(text, to: 2_000)
    }

    /// Warnings, waived findings and waiver notices, one line each (the API server shows them to the client).
    static func warnings(_ decision: Decision, notices: [Notice]) -> [String] {
        var lines: [String] = []
        for finding in decision.findings where finding.effect == .warn || finding.waived {
            let what = finding.waived ? "waived by \(finding.waiver ?? "a waiver")" : "warning"
            lines.append(shorten("placet \(what): \(finding.rule) [\(finding.subjects.joined(separator: ", "))]: \(finding.message)", to: 250))
        }
        for notice in notices { lines.append(shorten("placet: waiver \(notice.waiver): \(notice.message)", to: 250)) }
        return lines
    }

    /// Without spaces and tabs at either end (by hand: Foundation's character sets are slow per request).
    static func trimmed(_ text: Substring) -> String {
        var text = text
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }

    static func shorten(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    static func denial(_ review: AdmissionRequest, code: Int, _ message: String) -> ServiceResponse {
        answer(review, allowed: false, message: message, code: code, warnings: [])
    }

    /// The AdmissionReview sent back: allowed or not, a status message when not, and warnings.
    static func answer(_ review: AdmissionRequest, allowed: Bool, message: String?, code: Int = 403, warnings: [String]) -> ServiceResponse {
        var json = JSONOutput(capacity: 512)
        json.object { json in
            json.key("apiVersion"); json.string(review.apiVersion)
            json.key("kind"); json.string("AdmissionReview")
            json.key("response")
            json.object { json in
                json.key("uid"); json.string(review.uid)
                json.key("allowed"); json.bool(allowed)
                if let message, !allowed {
                    json.key("status")
                    json.object { json in
                        json.key("code"); json.number(code)
                        json.key("message"); json.string(message)
                    }
                }
                if !warnings.isEmpty {
                    json.key("warnings"); json.strings(warnings)
                }
            }
        }
        json.bytes.append(0x0A)
        return ServiceResponse(status: 200, body: json.bytes)
    }
}
