// The parts of an AdmissionReview (admission.k8s.io/v1) the webhook reads: the request's uid,
// kind, namespace, name, operation and dryRun, and the object's annotations and controlling
// owner. Read with the manifest loader's JSON reader, so a malformed review is reported at
// its line and column.

import PlacetLanguage
import PlacetManifests

struct AdmissionRequest: Sendable {
    struct Annotation: Sendable {
        let key: String
        let value: String
        let keyPosition: Position
        let position: Position
    }

    let apiVersion: String
    let uid: String
    let kind: String
    let namespace: String
    let name: String
    let operation: String
    let dryRun: Bool
    let annotations: [Annotation]
    /// The kind of the object's controlling owner (`ownerReferences[].controller: true`), if any.
    let controllerOwner: String?
    /// Where the object starts in the body, for the placement built from it.
    let position: Position

    /// `Job ml/train-bert`, as messages name the object.
    var objectName: String { namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)" }
    /// The id of the placement the object asks for: `Job/ml/train-bert`; waivers name it.
    var placementID: String { namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)" }

    static let version = "admission.k8s.io/v1"

    static func read(_ body: [UInt8], file: ManifestFileContext) -> Result<AdmissionRequest, Diagnostic> {
        let entries: [MappingEntry]
        let top: Position
        switch DecisionService.readObject(body, file: file) {
        case .success(let (read, position)): (entries, top) = (read, position)
        case .failure(let problem): return .failure(problem)
        }
        func problem(_ message: String, _ position: Position) -> Result<AdmissionRequest, Diagnostic> {
            .failure(Diagnostic(id: "admission.badReview", message: message, location: file.diagnosticLocation(position)))
        }
        guard let apiVersion = text(member(entries, "apiVersion")), apiVersion == version,
              text(member(entries, "kind")) == "AdmissionReview" else {
            return problem("expected an AdmissionReview of apiVersion \(version)", top)
        }
        guard case .mapping(let request, let requestPosition)? = member(entries, "request") else {
            return problem("the AdmissionReview has no request", top)
        }
        guard let uid = text(member(request, "uid")), !uid.isEmpty else {
            return problem("the AdmissionReview's request has no uid", requestPosition)
        }
        var kind = ""
        if case .mapping(let kindEntries, _)? = member(request, "kind") { kind = text(member(kindEntries, "kind")) ?? "" }
        let operation = text(member(request, "operation")) ?? ""
        var namespace = text(member(request, "namespace")) ?? ""
        var name = text(member(request, "name")) ?? ""
        var dryRun = false
        if case .scalar("true", .jsonBool, _)? = member(request, "dryRun") { dryRun = true }
        var annotations: [Annotation] = []
        var owner: String?
        var objectPosition = requestPosition
        if case .mapping(let object, let position)? = member(request, "object"),
           case .mapping(let metadata, _)? = member(object, "metadata") {
            objectPosition = position
            if kind.isEmpty { kind = text(member(object, "kind")) ?? "" }
            if namespace.isEmpty { namespace = text(member(metadata, "namespace")) ?? "" }
            // Objects made by a controller often have only generateName when they are created.
            if name.isEmpty { name = text(member(metadata, "name")) ?? text(member(metadata, "generateName")) ?? "" }
            if case .mapping(let items, _)? = member(metadata, "annotations") {
                for item in items {
                    guard case .scalar(let value, _, let valuePosition) = item.value else { continue }
                    annotations.append(Annotation(key: item.key, value: value, keyPosition: item.keyPosition, position: valuePosition))
                }
            }
            if case .sequence(let references, _)? = member(metadata, "ownerReferences") {
                for case .mapping(let reference, _) in references {
                    if case .scalar("true", .jsonBool, _)? = member(reference, "controller") { owner = text(member(reference, "kind")) }
                }
            }
        } else if operation == "CREATE" || operation == "UPDATE" {
            return problem("the AdmissionReview's request has no object to place", requestPosition)
        }
        return .success(AdmissionRequest(apiVersion: apiVersion, uid: uid, kind: kind.isEmpty ? "Object" : kind, namespace: namespace,
                                         name: name, operation: operation, dryRun: dryRun, annotations: annotations,
                                         controllerOwner: owner, position: objectPosition))
    }

    private static func member(_ entries: [MappingEntry], _ key: String) -> DocumentNode? {
        entries.first { $0.key == key }?.value
    }

    private static func text(_ node: DocumentNode?) -> String? {
        if case .scalar(let value, .text, _)? = node { return value }
        return nil
    }
}
