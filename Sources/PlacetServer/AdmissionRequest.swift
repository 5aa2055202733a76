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
        guard String(validating: body, as: UTF8.self) != nil else {
            return .failure(Diagnostic(id: "request.invalidUTF8", message: "the request body is not valid UTF-8"))
        }
        guard let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") else {
            return .failure(Diagnostic(id: "request.notAnObject", message: "expected a JSON object (an AdmissionReview)",
                                       location: file.diagnosticLocation(Position(line: 1, column: 1))))
        }
        var apiVersion: String?, reviewKind: String?, uid: String?, kind = "", objectKind = "", namespace = "", name = ""
        var operation = "", generateName = "", metadataNamespace = "", metadataName = ""
        var dryRun = false, hasRequest = false, hasObject = false
        var annotations: [Annotation] = []
        var owner: String?
        var position = Position(line: 1, column: 1)
        var requestPosition = position
        let scanned: Result<Void, AdmissionReviewScanner.Failure> = body.withUnsafeBufferPointer { buffer in
            var scanner = AdmissionReviewScanner(buffer)
            do throws(AdmissionReviewScanner.Failure) {
                scanner.skipWhitespace()
                guard try scanner.object({ (review, key) throws(AdmissionReviewScanner.Failure) in
                    switch key {
                    case "apiVersion": apiVersion = try review.text()
                    case "kind": reviewKind = try review.text()
                    case "request":
                        review.skipWhitespace()
                        requestPosition = review.position
                        hasRequest = try review.object { (request, key) throws(AdmissionReviewScanner.Failure) in
                            switch key {
                            case "uid": uid = try request.text()
                            case "kind": try request.object { (kindObject, key) throws(AdmissionReviewScanner.Failure) in
                                guard key == "kind" else { return false }
                                kind = try kindObject.text() ?? ""
                                return true
                            }
                            case "namespace": namespace = try request.text() ?? ""
                            case "name": name = try request.text() ?? ""
                            case "operation": operation = try request.text() ?? ""
                            case "dryRun": dryRun = try request.bool() ?? false
                            case "object":
                                request.skipWhitespace()
                                position = request.position
                                hasObject = try request.object { (object, key) throws(AdmissionReviewScanner.Failure) in
                                    switch key {
                                    case "kind": objectKind = try object.text() ?? ""
                                    case "metadata":
                                        try object.object { (metadata, key) throws(AdmissionReviewScanner.Failure) in
                                            try Self.readMetadata(&metadata, key, name: &metadataName, generateName: &generateName,
                                                                  namespace: &metadataNamespace, annotations: &annotations, owner: &owner)
                                        }
                                    default: return false
                                    }
                                    return true
                                }
                            default: return false
                            }
                            return true
                        }
                    default: return false
                    }
                    return true
                }) else { throw AdmissionReviewScanner.Failure(message: "expected a JSON object", offset: scanner.index) }
                try scanner.finish()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let failure) = scanned {
            return .failure(Diagnostic(id: "request.malformedJSON", message: failure.message,
                                       location: file.diagnosticLocation(Self.position(ofOffset: failure.offset, in: body))))
        }
        func problem(_ message: String, _ position: Position) -> Result<AdmissionRequest, Diagnostic> {
            .failure(Diagnostic(id: "admission.badReview", message: message, location: file.diagnosticLocation(position)))
        }
        guard let apiVersion, apiVersion == version, reviewKind == "AdmissionReview" else {
            return problem("expected an AdmissionReview of apiVersion \(version)", Position(line: 1, column: 1))
        }
        guard hasRequest else { return problem("the AdmissionReview has no request", Position(line: 1, column: 1)) }
        guard let uid, !uid.isEmpty else { return problem("the AdmissionReview's request has no uid", requestPosition) }
        guard hasObject || (operation != "CREATE" && operation != "UPDATE") else {
            return problem("the AdmissionReview's request has no object to place", requestPosition)
        }
        if kind.isEmpty { kind = objectKind }
        if namespace.isEmpty { namespace = metadataNamespace }
        // Objects made by a controller often have only generateName when they are created.
        if name.isEmpty { name = metadataName.isEmpty ? generateName : metadataName }
        return .success(AdmissionRequest(apiVersion: apiVersion, uid: uid, kind: kind.isEmpty ? "Object" : kind, namespace: namespace,
                                         name: name, operation: operation, dryRun: dryRun, annotations: annotations,
                                         controllerOwner: owner, position: hasObject ? position : requestPosition))
    }

    /// One member of the object's metadata: its name, namespace, annotations and controlling owner.
    private static func readMetadata(_ metadata: inout AdmissionReviewScanner, _ key: String, name: inout String, generateName: inout String,
                                     namespace: inout String, annotations: inout [Annotation],
                                     owner: inout String?) throws(AdmissionReviewScanner.Failure) -> Bool {
        switch key {
        case "name": name = try metadata.text() ?? ""
        case "generateName": generateName = try metadata.text() ?? ""
        case "namespace": namespace = try metadata.text() ?? ""
        case "annotations":
            try metadata.object { (items, key) throws(AdmissionReviewScanner.Failure) in
                items.skipWhitespace()
                let position = items.position
                guard let value = try items.text() else { return true }
                annotations.append(Annotation(key: key, value: value, keyPosition: position, position: position))
                return true
            }
        case "ownerReferences":
            try metadata.array { (references) throws(AdmissionReviewScanner.Failure) in
                var referenceKind: String?
                var controller = false
                try references.object { (reference, key) throws(AdmissionReviewScanner.Failure) in
                    switch key {
                    case "kind": referenceKind = try reference.text()
                    case "controller": controller = try reference.bool() ?? false
                    default: return false
                    }
                    return true
                }
                if controller { owner = referenceKind }
            }
        default: return false
        }
        return true
    }

    /// Line and column (in characters) of a byte offset, for an error.
    static func position(ofOffset offset: Int, in bytes: [UInt8]) -> Position {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Position(line: line, column: column)
    }
}
