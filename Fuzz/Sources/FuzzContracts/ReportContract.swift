// What a pipeline reads from `check --format json` (and the server's /v1/check): valid JSON,
// and while an error stands, no decision and nothing approved in it.

import Foundation

public enum ReportContract {
    public static func failsClosed(_ json: [UInt8], hasErrors: Bool) {
        let object = FuzzJSON.object(json, what: "the JSON report")
        let decisions = object["decisions"] as? [Any] ?? []
        let summary = object["summary"] as? [String: Any] ?? [:]
        let approved = (summary["approved"] as? NSNumber)?.intValue ?? 0
        let errors = object["errors"] as? [Any] ?? []
        if hasErrors {
            FuzzContract.require(!errors.isEmpty, "an error stands but the JSON report lists no errors")
            FuzzContract.require(decisions.isEmpty, "\(decisions.count) decision(s) in the JSON report while an error stands")
            FuzzContract.require(approved == 0, "\(approved) placement(s) approved in the JSON report while an error stands")
        } else {
            FuzzContract.require(errors.isEmpty, "no error stands but the JSON report lists \(errors.count)")
        }
    }
}

public enum FuzzJSON {
    /// Bytes that must be one JSON object.
    public static func object(_ bytes: [UInt8], what: String) -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            FuzzContract.violated("\(what) is not valid JSON (\(error)): \(String(decoding: bytes.prefix(400), as: UTF8.self))")
        }
        guard let object = parsed as? [String: Any] else { FuzzContract.violated("\(what) is not a JSON object") }
        return object
    }
}
