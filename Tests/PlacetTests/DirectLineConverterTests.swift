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

    @Test(arguments: variants.indices)
    func fastPathEqualsGeneralPath(variant: Int) throws {
        let (name, change) = Self.variants[variant]
        let text = Self.lines.map(change).joined(separator: "\n") + "\n"
        let file = ManifestFileContext(path: "lines.jsonl", bytes: Array(text.utf8), format: .jsonl)
        let direct = DirectLineConverter(policy: Fixtures.baseline)
        let general = ManifestConverter(policy: Fixtures.baseline)
        var members: [DirectLineConverter.Member] = []
        var taken = 0
        file.bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            var line = 1
            while start < buffer.count {
                var end = start
                while end < buffer.count, buffer[end] != UInt8(ascii: "\n") { end += 1 }
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
                start = end + 1
                line += 1
            }
        }
        if variant < 5 || name == "non-ASCII before the references" || name == "long line" {
            #expect(taken > Self.lines.count / 2, "\(name): the fast path took only \(taken) of \(Self.lines.count) lines")
        }
    }
}
