// The decision log: one JSON line per placement decision, appended by `check --log FILE`.
// Each record carries a sequence number, the time, the decision and findings, the policy and
// input digests, the hash of the previous record, and its own hash, so the file is a hash
// chain: `placet verify-log` finds the first record altered, removed or reordered. Appends
// hold an exclusive lock (flock) while they read the chain's tail and write, then fsync, so
// two processes appending at once still produce one valid chain.

import Crypto
import Foundation
import PlacetEngine
import PlacetLanguage

public enum DecisionLog {
    public static let genesis = "sha256:" + String(repeating: "0", count: 64)
    private static let hashKey = #","hash":""#

    public struct LogError: Error, Sendable {
        public let message: String
    }

    static func sha256(_ text: some StringProtocol) -> String {
        "sha256:" + SHA256.hash(data: Array(text.utf8)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The record lines for a report, chained after `previous` starting at `sequence`.
    static func records(for report: Report, time: String, previous: String, sequence: Int) -> [String] {
        var lines: [String] = []
        var previous = previous
        for (offset, decision) in report.decisions.enumerated() {
            var json = JSONWriter(pretty: false, capacity: 512)
            json.beginObjectValue()
            json.key("seq"); json.number(sequence + offset)
            json.key("time"); json.string(time)
            json.key("asOf"); json.string(report.asOf.description)
            json.key("placement"); json.string(decision.placement)
            json.key("decision"); json.string(decision.outcome.rawValue)
            json.key("findings"); json.beginArrayValue()
            for finding in decision.findings {
                json.beginObjectValue()
                json.key("rule"); json.string(finding.rule)
                json.key("effect"); json.string(finding.effect.rawValue)
                json.key("waived"); json.bool(finding.waived)
                json.key("subjects"); json.beginArrayValue(); for subject in finding.subjects { json.string(subject) }; json.endArray()
                json.endObject()
            }
            json.endArray()
            json.key("policyDigest"); json.string(report.policyDigest)
            json.key("inputs"); json.beginArrayValue()
            for input in report.inputs {
                json.beginObjectValue(); json.key("file"); json.string(input.path); json.key("digest"); json.string(input.digest); json.endObject()
            }
            json.endArray()
            json.key("previous"); json.string(previous)
            json.endObject()
            let body = String(decoding: json.output, as: UTF8.self)
            let hash = sha256(body)
            lines.append(String(body.dropLast()) + hashKey + hash + "\"}")
            previous = hash
        }
        return lines
    }

    /// Appends the report's decisions to the log atomically and durably (see `append(_:[Report]...)`).
    public static func append(_ report: Report, to path: String, time: Date = Date()) throws(LogError) {
        try append([report], to: path, time: time)
    }

    struct Record {
        let seq: Int
        let previous: String
        let hash: String
        let body: String
    }

    /// The fields the chain needs, read from one line; nil when the line is not a record.
    static func parse(_ line: some StringProtocol) -> Record? {
        let text = String(line)
        guard let hashRange = text.range(of: hashKey, options: .backwards), text.hasSuffix("\"}") else { return nil }
        // The key's closing quote may be the suffix's own (`,"hash":"}`): then there is no hash.
        let hashEnd = text.index(text.endIndex, offsetBy: -2)
        guard hashRange.upperBound <= hashEnd else { return nil }
        let hash = String(text[hashRange.upperBound..<hashEnd])
        let body = String(text[..<hashRange.lowerBound]) + "}"
        guard let data = body.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let seq = object["seq"] as? Int, let previous = object["previous"] as? String else { return nil }
        return Record(seq: seq, previous: previous, hash: hash, body: body)
    }

    public enum Verdict: Sendable, Equatable {
        case intact(records: Int)
        /// The first broken record, by 1-based line number, and what is wrong with it.
        case tampered(line: Int, reason: String)
    }

    public static func verify(_ contents: String) -> Verdict {
        var previous = genesis
        var expectedSequence = 1
        var count = 0
        let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.isEmpty {
                if index == lines.count - 1 { break }
                return .tampered(line: number, reason: "empty line inside the log")
            }
            guard let record = parse(line) else { return .tampered(line: number, reason: "not a log record (altered)") }
            if sha256(record.body) != record.hash { return .tampered(line: number, reason: "record altered: its content does not match its hash") }
            if record.seq != expectedSequence {
                // The missing record later in the file means the order was changed, not a removal.
                let later = lines[(index + 1)...].contains { parse($0)?.seq == expectedSequence }
                if later || record.seq < expectedSequence {
                    return .tampered(line: number, reason: "records reordered: record \(record.seq) comes before record \(expectedSequence)")
                }
                let gap = record.seq - expectedSequence > 1 ? "s \(expectedSequence)-\(record.seq - 1)" : " \(expectedSequence)"
                return .tampered(line: number, reason: "record\(gap) removed before this line (sequence jumps to \(record.seq))")
            }
            if record.previous != previous { return .tampered(line: number, reason: "chain broken: the previous record's hash does not match") }
            previous = record.hash
            expectedSequence += 1
            count += 1
        }
        return .intact(records: count)
    }
}
