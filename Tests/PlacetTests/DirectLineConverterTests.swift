// The JSON Lines fast path against the general path: on every line it takes, the record,
// references and locations equal the general path's; everything unusual is left to the
// general path, which words the errors.

import Foundation
import PlacetEngine
import PlacetLanguage
@testable import PlacetManifests
import Testing

@Suite struct DirectLineConverterTests {
    /// Every acme manifest as one compact JSON line, plus the example's own JSON Lines.
    static let lines: [String] = {
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: [Fixtures.acmeDirectory.path])
        precondition(!loaded.hasErrors, "acme does not load")
        let json = ManifestWriter(policy: Fixtures.baseline, inventory: loaded.inventory).write(.json)!
        let manifests = try! JSONSerialization.jsonObject(with: Data(json)) as! [Any]
        var lines = manifests.map { manifest in
            String(decoding: try! JSONSerialization.data(withJSONObject: manifest, options: [.withoutEscapingSlashes, .sortedKeys]), as: UTF8.self)
        }
        let bulk = try! String(contentsOf: Fixtures.acmeDirectory.appendingPathComponent("bulk.jsonl"), encoding: .utf8)
        lines += bulk.split(separator: "\n").map(String.init)
        return lines
    }()

    /// Ways a line can differ from the plain form: some the fast path takes, some it must leave.
    static let variants: [(name: String, change: @Sendable (String) -> String)] = [
        ("as written", { $0 }),
        ("spaces", { $0.replacingOccurrences(of: "\":", with: "\" :  ").replacingOccurrences(of: ",\"", with: " ,\t\"") }),
        ("CR at the end", { $0 + "\r" }),
        ("leading blanks", { "   " + $0 }),
        ("kind last", { line in
            guard let range = line.range(of: #""kind":"[A-Za-z]+","#, options: .regularExpression) else { return line }
            let member = String(line[range].dropLast())
            var rest = line
            rest.removeSubrange(range)
            return String(rest.dropLast()) + "," + member + "}"
        }),
        ("unknown key", { String($0.dropLast()) + ",\"colour\":\"blue\"}" }),
        ("duplicate id", { String($0.dropLast()) + ",\"id\":\"again\"}" }),
        ("escaped id", { $0.replacingOccurrences(of: "\"id\":\"", with: "\"id\":\"\\u0041") }),
        ("non-ASCII before the references", { $0.replacingOccurrences(of: "\"id\":\"", with: "\"id\":\"ø-") }),
        ("numbers for strings", { $0.replacingOccurrences(of: #":"[a-z][^"]*""#, with: ":12", options: .regularExpression) }),
        ("nulls", { $0.replacingOccurrences(of: #":"[^"]*""#, with: ":null", options: .regularExpression) }),
        ("strings for bools", { $0.replacingOccurrences(of: ":true", with: ":\"true\"").replacingOccurrences(of: ":false", with: ":\"false\"") }),
        ("nested list", { $0.replacingOccurrences(of: ":[", with: ":[[]") }),
        ("object value", { $0.replacingOccurrences(of: ":[", with: ":{},\"x\":[") }),
        ("bad apiVersion", { $0.replacingOccurrences(of: "placet/v1", with: "placet/v2") }),
        ("long line", { String($0.dropLast()) + String(repeating: " ", count: 420) + "}" }),
        ("trailing garbage", { $0 + " x" }),
        ("unterminated", { String($0.dropLast()) }),
        ("bad number", { $0.replacingOccurrences(of: #":(\d)"#, with: ":-.$1", options: .regularExpression) }),
        ("huge number", { $0.replacingOccurrences(of: #":(\d+)"#, with: ":1e999", options: .regularExpression) }),
        // Names found by their bytes: a key or an enumeration case one byte off is not a near miss.
        ("keys one byte off", { $0.replacingOccurrences(of: "\"id\":", with: "\"ie\":").replacingOccurrences(of: "\"kind\":\"", with: "\"kind\":\"X") }),
        ("values one byte longer", { $0.replacingOccurrences(of: #"(?<!"kind"):"([a-zA-Z]+)""#, with: ":\"$1x\"", options: .regularExpression) }),
    ]

    /// Calls `body` with each line of `file` (its bytes, where it starts and ends, its number).
    static func forEachLine(of file: ManifestFileContext,
                            _ body: (UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ line: Int) -> Void) {
        file.bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            var line = 1
            while start < buffer.count {
                var end = start
                while end < buffer.count, buffer[end] != UInt8(ascii: "\n") { end += 1 }
                body(buffer, start, end, line)
                start = end + 1
                line += 1
            }
        }
    }

    @Test(arguments: variants.indices)
    func fastPathEqualsGeneralPath(variant: Int) throws {
        let (name, change) = Self.variants[variant]
        let text = Self.lines.map(change).joined(separator: "\n") + "\n"
        let file = ManifestFileContext(path: "lines.jsonl", bytes: Array(text.utf8), format: .jsonl)
        let direct = DirectLineConverter(policy: Fixtures.baseline)
        let general = ManifestConverter(policy: Fixtures.baseline)
        var members: [DirectLineConverter.Member] = []
        var taken = 0
        Self.forEachLine(of: file) { buffer, start, end, line in
            let slow = JSONLinesReader.convertLine(buffer, start..<end, line: line, file, general)
            if let fast = direct.convert(buffer, start..<end, line: line, file: file, members: &members) {
                taken += 1
                #expect(slow.diagnostics.isEmpty, "\(name), line \(line): taken by the fast path, but the general path says \(slow.diagnostics.map(\.message))")
                #expect(fast.kind == slow.kind && fast.id == slow.id, "\(name), line \(line)")
                #expect(fast.values == slow.values, "\(name), line \(line): \(fast.values) against \(slow.values)")
                #expect(fast.origin == slow.origin && fast.idPosition == slow.idPosition, "\(name), line \(line)")
                #expect(fast.references.map(\.field) == slow.references.map(\.field), "\(name), line \(line)")
                #expect(fast.references.map(\.target) == slow.references.map(\.target), "\(name), line \(line)")
                #expect(fast.references.map(\.id) == slow.references.map(\.id), "\(name), line \(line)")
                #expect(fast.references.map(\.position) == slow.references.map(\.position), "\(name), line \(line)")
                #expect(fast.references.map(\.length) == slow.references.map(\.length), "\(name), line \(line)")
                #expect(fast.references.map { $0.location(in: file).sourceLine } == slow.references.map { $0.location(in: file).sourceLine },
                        "\(name), line \(line)")
            } else if slow.diagnostics.isEmpty, variant < 6, !buffer[start..<end].contains(UInt8(ascii: "\\")) {
                // The plain forms are the fast path's whole purpose: only waivers and escapes go the general way.
                #expect(slow.kind == Fixtures.baseline.program.contract.waiver?.record, "\(name), line \(line): declined a plain \(slow.kind.map { Fixtures.baseline.schema.records[$0].name } ?? "?"): \(String(decoding: buffer[start..<end], as: UTF8.self))")
            }
        }
        if variant < 5 || name == "non-ASCII before the references" || name == "long line" {
            #expect(taken > Self.lines.count / 2, "\(name): the fast path took only \(taken) of \(Self.lines.count) lines")
        }
    }
    /// References to ids already read are resolved as a line is converted, to the rows the
    /// resolution after every file gives; the fields left to it are named, and only those.
    /// `every`: 1, every id is known; 2, every other one, so that fields mix rows and ids.
    @Test(arguments: [1, 2])
    func knownReferencesResolveToTheRowsResolvingLaterGives(every: Int) throws {
        let inventory = ManifestLoader(policy: Fixtures.baseline).load(paths: [Fixtures.acmeDirectory.path]).inventory
        let placementKind = Fixtures.baseline.program.placementRecord
        let known = KnownRecordIDs(indexes: inventory.tables.indices.map { kind in
            kind == placementKind ? nil : inventory.tables[kind].indexByID.filter { $0.value % every == 0 }
        })
        let text = Self.lines.joined(separator: "\n") + "\n"
        let file = ManifestFileContext(path: "lines.jsonl", bytes: Array(text.utf8), format: .jsonl)
        let direct = DirectLineConverter(policy: Fixtures.baseline)
        var members: [DirectLineConverter.Member] = []
        var settled = 0
        var resolvedHere = 0
        Self.forEachLine(of: file) { buffer, start, end, line in
            let later = direct.convert(buffer, start..<end, line: line, file: file, members: &members)
            let now = direct.convert(buffer, start..<end, line: line, file: file, members: &members, known: known)
            #expect((later == nil) == (now == nil), "line \(line)")
            if let later, let now, let kind = now.kind {
                let fields = Fixtures.baseline.schema.records[kind].fields
                for (index, field) in fields.enumerated() {
                    let expected = InventoryBuilder.resolve(later.values[index], as: field.type, in: inventory)
                    // Resolving what was resolved already changes nothing.
                    #expect(InventoryBuilder.resolve(now.values[index], as: field.type, in: inventory) == expected, "line \(line), \(field.name)")
                    if now.unresolvedFields >> UInt64(index) & 1 == 0 {
                        // Passed by at the end: already what resolving gives.
                        #expect(now.values[index] == (field.type.refersToRecord ? expected : later.values[index]),
                                "line \(line), \(field.name): \(now.values[index]) against \(expected)")
                        if field.type.refersToRecord, now.values[index] != later.values[index] { resolvedHere += 1 }
                    } else {
                        #expect(field.type.refersToRecord, "line \(line), \(field.name): left to resolve, but it names no record")
                    }
                }
                // Only ids not known (placements' among them) are left to look up.
                #expect(now.references.map(\.id) == later.references.filter { known.row(of: $0.id, kind: $0.target) == nil }.map(\.id), "line \(line)")
                if now.unresolvedFields == 0 { settled += 1 }
            }
        }
        if every == 1 { #expect(settled > Self.lines.count / 2, "only \(settled) of \(Self.lines.count) lines were resolved while read") }
        #expect(resolvedHere > 0)
    }

    /// A set of records is a set of rows, ordered by row, once every id in it is known; with
    /// one unknown it stays as written for the resolution after every file.
    @Test func aSetOfKnownRecordsIsOrderedByRow() throws {
        let (compiled, diagnostics) = Fixtures.compile(adding: "record Bundle {\n  id: string\n  members: set of Dataset = []\n}\n")
        let policy = try #require(compiled, "\(diagnostics.map(\.message))")
        let datasetKind = try #require(policy.schema.recordIndex["Dataset"])
        let bundleKind = try #require(policy.schema.recordIndex["Bundle"])
        var indexes = [[String: Int]?](repeating: nil, count: policy.schema.records.count)
        indexes[datasetKind] = ["ds-a": 2, "ds-b": 0, "ds-c": 1]
        let known = KnownRecordIDs(indexes: indexes)
        let direct = DirectLineConverter(policy: policy)
        func convert(_ members: String?) -> ConvertedManifest? {
            let line = #"{"apiVersion":"placet/v1","kind":"Bundle","id":"b""# + (members.map { #","members":["# + $0 + "]" } ?? "") + "}"
            let file = ManifestFileContext(path: "b.jsonl", bytes: Array(line.utf8), format: .jsonl)
            var scratch: [DirectLineConverter.Member] = []
            return file.bytes.withUnsafeBufferPointer { direct.convert($0, 0..<$0.count, line: 1, file: file, members: &scratch, known: known) }
        }
        let field = try #require(policy.schema.records[bundleKind].fieldIndex["members"])
        let all = try #require(convert(#""ds-a","ds-b","ds-c","ds-b""#))
        #expect(all.values[field] == .collection([.record(0), .record(1), .record(2)]))
        #expect(all.unresolvedFields >> UInt64(field) & 1 == 0 && all.references.isEmpty)
        let some = try #require(convert(#""ds-a","ds-x""#))
        #expect(some.values[field] == .collection([.record(2), .string("ds-x")]))
        #expect(some.unresolvedFields >> UInt64(field) & 1 == 1 && some.references.map(\.id) == ["ds-x"])
        // Left out, the field holds its default, which names nothing.
        let none = try #require(convert(nil))
        #expect(none.values[field] == .collection([]) && none.unresolvedFields == 0)
    }
    /// Ids are found by their bytes, every one of thousands, and nothing else is: not a prefix,
    /// not an empty id, not an id of one byte more.
    @Test func idTableFindsEveryIdByItsBytesAndNothingElse() {
        var index: [String: Int] = ["ø-ünïcödé": 5_000]
        for row in 0..<5_000 { index["ds-\(row)"] = row }
        let table = IDTable(index.map { ($0.key, $0.value) })
        func row(_ id: String) -> Int? {
            var id = id
            return id.withUTF8 { table.value(of: $0, 0..<$0.count) }
        }
        let wrong = index.filter { row($0.key) != $0.value }
        #expect(wrong.isEmpty, "\(wrong.count) ids not found as written, as \(wrong.prefix(3))")
        for missing in ["ds-5000", "ds-", "", "ds-00", "ds-1 ", "ø-ünïcöd"] {
            #expect(row(missing) == nil, "\(missing)")
        }
        // Within a line: the range picks the id out of the bytes around it.
        var line = #"["ds-42","ds-7"]"#
        #expect(line.withUTF8 { table.value(of: $0, 2..<7) } == 42)
        #expect(line.withUTF8 { table.value(of: $0, 10..<14) } == 7)
    }
}
