// fuzz-server: an HTTP request body, decided by `placet serve`'s DecisionService without HTTP,
// against the example inventory as reference manifests. The first byte chooses the endpoint
// and content type (POST /v1/check as JSON, JSON Lines, YAML or XML, with or without
// `explain`; POST /v1/where; POST /v1/admission), the rest is the body. Asserted:
//   - every answer is one valid JSON object;
//   - /v1/check: a 200 lists decisions and no errors; anything else is refused, decides
//     nothing and approves nothing; every error naming the body points inside it;
//   - /v1/where: errors naming the body point inside it;
//   - /v1/admission: a refusal or a blocked placement is never `allowed`, and an allowed
//     review with a decision was approved.

import Foundation
import FuzzContracts
import PlacetLanguage
import PlacetManifests
import PlacetServer

let service: DecisionService = {
    var configuration = ServerConfiguration(policies: nil, paths: [FuzzFixtures.acmeDirectory.path], bundledPack: { FuzzFixtures.pack })
    configuration.clusterTarget = "onprem-fra-gpu"
    switch ServedPack.load(configuration) {
    case .success(let pack): return DecisionService(pack: pack)
    case .failure(let failure): FuzzContract.violated("the example inventory does not load: \(failure.summary)")
    }
}()

let checkTypes = ["application/json", "application/x-ndjson", "application/yaml", "application/xml"]
/// The format each of `checkTypes` names.
let checkFormats: [ManifestFormat] = [.json, .jsonl, .yaml, .xml]
let asOf = "2028-01-01"

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_server_main")
public func fuzzServerRequestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzServerRequest)
}

/// One input.
func fuzzServerRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size >= 1 else { return 0 }
    let selector = Int(data[0])
    let body = FuzzContract.bytes(data + 1, size - 1)
    switch selector % 10 {
    case 0..<8:
        let response = service.check(body: body, contentType: checkTypes[selector % 4], asOf: asOf,
                                     explain: selector % 10 >= 4 ? "true" : nil)
        let object = FuzzJSON.object(response.body, what: "the /v1/check answer")
        errorsInside(object, body: body, format: checkFormats[selector % 4])
        if response.status == 200 {
            FuzzContract.require(!response.refused && !response.decisions.isEmpty, "a 200 from /v1/check decided nothing")
            ReportContract.failsClosed(response.body, hasErrors: false)
        } else {
            FuzzContract.require(response.status == 400, "/v1/check answered \(response.status)")
            FuzzContract.require(response.refused && response.decisions.isEmpty && response.loggable == nil,
                                 "a refused /v1/check request decided something")
            ReportContract.failsClosed(response.body, hasErrors: true)
        }
    case 8:
        let response = service.search(body: body, contentType: "application/json", asOf: asOf)
        errorsInside(FuzzJSON.object(response.body, what: "the /v1/where answer"), body: body)
        FuzzContract.require(response.status == 200 || response.status == 400, "/v1/where answered \(response.status)")
    default:
        let response = service.admission(body: body, contentType: "application/json", today: FuzzFixtures.asOf)
        let object = FuzzJSON.object(response.body, what: "the admission answer")
        if response.status == 400 {
            errorsInside(object, body: body)
            FuzzContract.require(response.decisions.isEmpty, "a refused admission review decided something")
        } else {
            let allowed = (object["response"] as? [String: Any])?["allowed"] as? Bool
            FuzzContract.require(allowed != nil, "the admission answer has no response.allowed")
            if response.refused { FuzzContract.require(allowed == false, "a refused admission review was allowed") }
            if let decision = response.decisions.first {
                FuzzContract.require(allowed == (decision.outcome == .approve), "allowed is \(String(describing: allowed)) but the decision is \(decision.outcome)")
            }
        }
    }
    return 0
}

/// Every entry of `errors` that names the request body has a line and column inside it, counted
/// with the line breaks of the body's format.
func errorsInside(_ object: [String: Any], body: [UInt8], format: ManifestFormat = .json) {
    let errors = object["errors"] as? [[String: Any]] ?? []
    let diagnostics = errors.compactMap { error -> Diagnostic? in
        guard let file = error["file"] as? String, let line = error["line"] as? Int, let column = error["column"] as? Int else { return nil }
        return Diagnostic(id: error["id"] as? String ?? "?", message: error["message"] as? String ?? "",
                          location: SourceLocation(file: file, line: line, column: column))
    }
    FuzzContract.locationsInside(diagnostics, path: DecisionService.requestPath, bytes: body, lineBreaks: format.lineBreaks)
}
