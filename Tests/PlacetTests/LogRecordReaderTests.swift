// `verify-log` reads a record's `seq` and `previous` with its own reader instead of
// `JSONSerialization`: held here to what `JSONSerialization` makes of the same bytes, over real
// records, records written differently, and every prefix and one-byte change of one.

import Foundation
@testable import PlacetReports
import Testing

@Suite struct LogRecordReaderTests {
    /// What `parse` read with `JSONSerialization` before.
    private static func oracle(_ body: [UInt8]) -> (seq: Int, previous: String)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let seq = object["seq"] as? Int, let previous = object["previous"] as? String else { return nil }
        return (seq, previous)
    }

    private static func agree(_ body: [UInt8]) -> Bool {
        let ours = LogRecordReader.fields(of: body)
        let theirs = oracle(body)
        return ours?.seq == theirs?.seq && ours?.previous == theirs?.previous
    }

    /// Record bodies (lines without their hash) of a real log.
    private static func bodies() throws -> [[UInt8]] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-reader-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try DecisionLog.append(ReportFixtures.acmeReport(), to: file.path)
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { try #require(DecisionLog.parse($0)).body }
    }

    @Test func realRecordsReadAsBefore() throws {
        let bodies = try Self.bodies()
        #expect(bodies.count == 30)
        for (index, body) in bodies.enumerated() {
            let fields = try #require(LogRecordReader.fields(of: body))
            #expect(fields.seq == index + 1)
            #expect(Self.agree(body))
        }
    }

    /// The same records written by another writer: keys sorted, spaces, slashes escaped.
    @Test func rewrittenRecordsReadAsBefore() throws {
        for body in try Self.bodies() {
            let object = try JSONSerialization.jsonObject(with: Data(body))
            for options: JSONSerialization.WritingOptions in [[.sortedKeys], [.prettyPrinted], [.sortedKeys, .prettyPrinted]] {
                let rewritten = Array(try JSONSerialization.data(withJSONObject: object, options: options))
                #expect(LogRecordReader.fields(of: rewritten) != nil)
                #expect(Self.agree(rewritten), "\(String(decoding: rewritten, as: UTF8.self))")
            }
        }
    }

    /// Every prefix of a record, and the record with each byte changed to each of a few
    /// characters that matter to JSON: nothing is read that `JSONSerialization` would not read.
    @Test func cutAndChangedRecordsReadAsBefore() throws {
        let body = try Self.bodies()[3]
        var disagreements: [String] = []
        for end in 0..<body.count where !Self.agree(Array(body[..<end])) {
            disagreements.append("prefix of \(end) bytes")
        }
        for position in body.indices {
            for replacement in Array(#"{}[]",:"\ 0-.eu"#.utf8) + [0x01, 0x7F] {
                var changed = body
                changed[position] = replacement
                if !Self.agree(changed) { disagreements.append("byte \(position) as \(replacement): \(String(decoding: changed, as: UTF8.self))") }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test(arguments: [
        (#"{"seq":7,"previous":"p"}"#, 7, "p"),
        (#" { "previous" : "p" , "seq" : 7 } "#, 7, "p"),
        (#"{"seq":7,"previous":"\u0073ha\/256\n\ud83d\ude00"}"#, 7, "sha/256\n😀"),
        (#"{"s\u0065q":7,"previous":"p"}"#, 7, "p"),
        (#"{"seq":1,"seq":7,"previous":"q","previous":"p"}"#, 7, "p"),
        (#"{"seq":7,"previous":"p","rest":[{"a":[1,-2.5e+3,true,false,null,{}]},[],"x"]}"#, 7, "p"),
        (#"{"seq":0,"previous":""}"#, 0, ""),
    ] as [(String, Int, String)])
    func recordsAreRead(text: String, seq: Int, previous: String) throws {
        let fields = try #require(LogRecordReader.fields(of: Array(text.utf8)))
        #expect(fields.seq == seq)
        #expect(fields.previous == previous)
        #expect(Self.agree(Array(text.utf8)))
    }

    @Test(arguments: [
        #"{"seq":7}"#, #"{"previous":"p"}"#, #"{}"#, #"[]"#, "", #"{"seq":"7","previous":"p"}"#,
        #"{"seq":7.5,"previous":"p"}"#, #"{"seq":99999999999999999999,"previous":"p"}"#,
        #"{"seq":07,"previous":"p"}"#, #"{"seq":7,"previous":null}"#,
        #"{"seq":7,"previous":"p"} x"#, #"{"seq":7,"previous":"p""#, #"{"seq":7,"previous":"\ud83d"}"#,
        #"{"seq":7,"previous":"\x"}"#, "{\"seq\":7,\"previous\":\"a\u{01}b\"}", #"{"seq":7,"previous":"p","x":tru}"#,
        #"{"seq":7,"previous":"p","x":1.}"#, #"{"seq":7 "previous":"p"}"#,
        #"{"seq":7,"previous":"p","x":"#, #"{"seq":7,"previous":"p","x":-}"#, #"{"seq":7,"previous":"p","x":1e}"#,
    ])
    func nonRecordsAreNot(text: String) {
        #expect(LogRecordReader.fields(of: Array(text.utf8)) == nil)
        #expect(Self.agree(Array(text.utf8)))
    }

    /// Where `JSONSerialization` reads more than RFC 8259 allows (trailing commas), or a sequence
    /// number below zero: no writer of the log writes these, so they are not records.
    @Test(arguments: [#"{"seq":-7,"previous":"p"}"#, #"{"seq":7,"previous":"p",}"#, #"{"seq":7,"previous":"p","x":[1,]}"#])
    func stricterThanJSONSerialization(text: String) {
        #expect(LogRecordReader.fields(of: Array(text.utf8)) == nil)
        #expect(Self.oracle(Array(text.utf8)) != nil)
    }

    /// Nesting past the limit is refused without exhausting the stack.
    @Test func deepNestingIsRefused() {
        let deep = #"{"seq":7,"previous":"p","x":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(LogRecordReader.fields(of: Array(deep.utf8)) == nil)
        let fine = #"{"seq":7,"previous":"p","x":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(LogRecordReader.fields(of: Array(fine.utf8))?.seq == 7)
    }
}
