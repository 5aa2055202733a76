// `check --stream`: every decision line is the `--format json` decision object byte for byte
// (without the layout), in input order, from standard input or a file; a bad line is an error
// line for that placement and exit 2; the summary comes last; output does not depend on how
// the input arrives or how it is batched.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
@testable import PlacetReports
import PlacetWorkflows
import Testing

enum StreamFixtures {
    static let acme = "policies/examples/acme/"
    /// Every manifest of the example but placements, as they are on disk (YAML).
    static let references = ["controllers.yaml", "datasets.yaml", "models.yaml", "targets.yaml", "waivers.yaml"].map { acme + $0 }

    /// The example's 30 placements as JSON Lines, from `placet export` (one manifest per line).
    static let placements: String = {
        guard let exported = try? PlacetExecutable.run(["export", "policies/examples/acme", "--format", "json"]) else { return "" }
        return exported.stdout.split(separator: "\n")
            .filter { $0.contains(#""kind": "Placement""#) }
            .map { line in
                var object = line.drop { $0 == " " }
                if object.hasSuffix(",") { object = object.dropLast() }
                return object + "\n"
            }
            .joined()
    }()

    static func check(_ arguments: [String], input: String? = nil) throws -> CommandResult {
        try PlacetExecutable.run(["check", "--stream"] + arguments, input: input.map { Data($0.utf8) })
    }

    /// JSON text without the whitespace between tokens: the pretty report's decision objects
    /// become comparable, byte for byte, with the stream's one-line objects.
    static func minified(_ text: String) -> String {
        var out = ""
        var inString = false
        var escaped = false
        for character in text {
            if inString {
                out.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
                out.append(character)
            } else if !character.isWhitespace {
                out.append(character)
            }
        }
        return out
    }

    /// The objects of the `decisions` array of a minified `--format json` report, by placement id.
    static func decisionObjects(_ report: String) -> [String: String] {
        guard let start = report.range(of: #""decisions":["#)?.upperBound else { return [:] }
        var objects: [String: String] = [:]
        var depth = 0
        var inString = false
        var escaped = false
        var current = ""
        for character in report[start...] {
            if depth == 0, character == "]" { break }
            if depth == 0, character == "," { continue }
            current.append(character)
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            if character == "\"" { inString = true }
            if character == "{" { depth += 1 }
            if character == "}" {
                depth -= 1
                if depth == 0 {
                    let id = current.dropFirst(#"{"placement":""#.count).prefix { $0 != "\"" }
                    objects[String(id)] = current
                    current = ""
                }
            }
        }
        return objects
    }

    static func json(_ line: Substring) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }
}

@Suite(.serialized) struct StreamTests {
    @Test(arguments: ["2028-01-01", "2026-11-29"])
    func everyDecisionLineIsTheJSONReportsDecision(asOf: String) throws {
        let placements = StreamFixtures.placements
        #expect(placements.split(separator: "\n").count == 30)
        let stream = try StreamFixtures.check(["--as-of", asOf] + StreamFixtures.references, input: placements)
        let report = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", asOf, "--format", "json"])
        #expect(stream.status == report.status, "\(stream.stderr)")
        #expect(stream.stderr == "")
        let expected = StreamFixtures.decisionObjects(StreamFixtures.minified(report.stdout))
        #expect(expected.count == 30)
        let lines = stream.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 32 && lines.last == "", "30 decisions, the summary, and the final newline")
        // In input order: the nth line decides the nth placement line.
        for (line, input) in zip(lines.prefix(30), placements.split(separator: "\n")) {
            let id = StreamFixtures.json(input)["id"] as? String ?? ""
            #expect(String(line) == expected[id], "decision of \(id)")
        }
        let summary = StreamFixtures.json(lines[30])
        let full = try JSONSerialization.jsonObject(with: report.stdoutData) as? [String: Any]
        var counts = full?["summary"] as? [String: Int] ?? [:]
        counts["errors"] = 0
        #expect(summary["summary"] as? [String: Int] == counts)
        #expect((summary["notices"] as? [[String: String]]) == (full?["notices"] as? [[String: String]]))
        #expect(summary["policyDigest"] as? String == full?["policyDigest"] as? String)
        #expect(summary["asOf"] as? String == asOf)
        #expect((summary["errors"] as? [Any])?.isEmpty == true)
    }

    @Test func aFileGivesTheSameLinesAsStandardInput() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-stream-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try StreamFixtures.placements.write(to: file, atomically: true, encoding: .utf8)
        let arguments = ["--as-of", "2028-01-01"] + StreamFixtures.references
        let fromFile = try StreamFixtures.check(["--placements", file.path] + arguments)
        let fromStandardInput = try StreamFixtures.check(["--placements", "-"] + arguments, input: StreamFixtures.placements)
        #expect(fromFile.status == 1 && fromStandardInput.status == 1)
        let fileLines = fromFile.stdout.split(separator: "\n")
        let inputLines = fromStandardInput.stdout.split(separator: "\n")
        #expect(fileLines.dropLast() == inputLines.dropLast())
        // The summaries differ only in what the stream is called; the digest is the file's.
        let digest = Digests.sha256(Array(StreamFixtures.placements.utf8))
        #expect(fileLines.last?.contains(#"{"file":"\#(file.path)","digest":"\#(digest)"}"#) == true)
        #expect(inputLines.last?.contains(#"{"file":"<stdin>","digest":"\#(digest)"}"#) == true)
    }

    @Test func outputIsByteIdenticalAcrossRuns() throws {
        let arguments = ["--as-of", "2027-06-01"] + StreamFixtures.references
        let first = try StreamFixtures.check(arguments, input: StreamFixtures.placements)
        let second = try StreamFixtures.check(arguments, input: StreamFixtures.placements)
        #expect(first.stdoutData == second.stdoutData)
        #expect(!first.stdoutData.isEmpty)
    }

    @Test func aBadLineIsAnErrorLineForThatPlacementAndTheRunExitsTwo() throws {
        let good = StreamFixtures.placements.split(separator: "\n")[0]
        let goodID = StreamFixtures.json(good)["id"] as? String ?? ""
        let input = [
            String(good),
            #"{"apiVersion": "placet/v1", "kind": "Placement", "id": "pl-bad-json", "workload": "#,
            #"{"apiVersion": "placet/v1", "kind": "Placement", "id": "pl-ghost", "workload": "training", "model": "mdl-ghost", "target": "aws-eu-central-1", "stage": "development"}"#,
            "",
            #"{"apiVersion": "placet/v1", "kind": "Placement", "id": "pl-typo", "workload": "training", "model": "mdl-hr-attrition", "target": "aws-eu-central-1", "stage": "development", "framwork": "spark"}"#,
            String(good),
            #"{"apiVersion": "placet/v1", "kind": "Target", "id": "t-stray", "provider": "aws", "country": "DE"}"#,
        ].joined(separator: "\n") + "\n"
        let result = try StreamFixtures.check(["--as-of", "2028-01-01"] + StreamFixtures.references, input: input)
        #expect(result.status == 2)
        let lines = result.stdout.split(separator: "\n").map(StreamFixtures.json)
        #expect(lines.count == 7)
        #expect(lines[0]["placement"] as? String == goodID && lines[0]["decision"] as? String != "error")
        let expected: [(placement: String?, line: Int, column: Int, id: String)] = [
            (nil, 2, 83, "manifest.malformedJSON"),
            ("pl-ghost", 3, 101, "manifest.danglingReference"),
            ("pl-typo", 5, 174, "manifest.unknownField"),
            (goodID, 6, 56, "manifest.duplicateID"),
            ("t-stray", 7, 1, "stream.notAPlacement"),
        ]
        for (line, expectation) in zip(lines[1...5], expected) {
            #expect(line["placement"] as? String == expectation.placement)
            #expect(line["decision"] as? String == "error")
            let error = (line["errors"] as? [[String: Any]])?.first ?? [:]
            #expect(error["file"] as? String == "<stdin>")
            #expect(error["line"] as? Int == expectation.line, "\(line)")
            #expect(error["column"] as? Int == expectation.column, "\(line)")
            #expect(error["id"] as? String == expectation.id)
            #expect(line["findings"] == nil, "nothing is decided for a line in error")
        }
        #expect(result.stderr.contains("<stdin>:3:101: error: Placement 'pl-ghost', field 'model': no Model with id 'mdl-ghost'"))
        let summary = lines[6]["summary"] as? [String: Int]
        #expect(summary?["placements"] == 1 && summary?["errors"] == 5)
    }

    @Test func aLineWithManyErrorsListsTheFirstFifty() throws {
        let fields = (1...60).map { #""unknown\#($0)": 1"# }.joined(separator: ", ")
        let input = #"{"apiVersion": "placet/v1", "kind": "Placement", "id": "pl-noisy", \#(fields)}"# + "\n"
        let result = try StreamFixtures.check(["--as-of", "2028-01-01"] + StreamFixtures.references, input: input)
        #expect(result.status == 2)
        let errors = StreamFixtures.json(result.stdout.split(separator: "\n")[0])["errors"] as? [[String: Any]] ?? []
        #expect(errors.count == 51)
        #expect(errors.last?["id"] as? String == "manifest.tooManyErrors")
        // 60 unknown fields and 3 missing required ones: 63 errors, 50 listed.
        #expect(errors.last?["message"] as? String == "13 more errors on this line are not shown")
    }

    @Test func emptyInputDecidesNothingAndFailsUnlessAllowed() throws {
        let arguments = ["--as-of", "2028-01-01"] + StreamFixtures.references
        let empty = try StreamFixtures.check(arguments, input: "")
        #expect(empty.status == 2)
        let lines = empty.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let errors = StreamFixtures.json(lines[0])["errors"] as? [[String: Any]]
        #expect(errors?.first?["id"] as? String == "check.noPlacements")
        #expect(empty.stderr.contains("no placements in <stdin>"))

        let allowed = try StreamFixtures.check(["--allow-empty"] + arguments, input: "\n  \n")
        #expect(allowed.status == 0)
        #expect(allowed.stdout.split(separator: "\n").count == 1)
        #expect(allowed.stdout.hasPrefix(#"{"summary":{"placements":0,"approved":0,"blocked":0,"warnings":0,"waived":0,"errors":0},"#))
    }

    @Test func errorsInTheReferencesStopTheRunBeforeAnyPlacement() throws {
        let broken = try StreamFixtures.check(["policies/examples/broken"], input: StreamFixtures.placements)
        #expect(broken.status == 2)
        #expect(broken.stdout.split(separator: "\n").count == 1, "only the summary: no placement was read")
        #expect(broken.stderr.contains("targets.yaml:7:10: error: Target 't-bad', field 'country': unknown Country 'XX'"))

        // Placements among the reference PATHs are refused: they belong in the stream.
        let mixed = try StreamFixtures.check(["policies/examples/acme"], input: StreamFixtures.placements)
        #expect(mixed.status == 2)
        #expect(mixed.stdout.contains(#""id":"stream.placementInReferences""#))
        #expect(mixed.stdout.split(separator: "\n").count == 1)
    }

    @Test(arguments: [
        (["--placements", "x.jsonl", "policies/examples/acme"], "--placements needs --stream"),
        (["--stream", "--format", "text", "policies/examples/acme"], "--format text does not apply"),
        (["--stream", "--log", "d.jsonl", "policies/examples/acme"], "--log is not available with --stream"),
        (["--stream", "-"], "standard input ('-') carries the placements"),
        (["--stream", "--placements", "no-such.jsonl", "policies/examples/acme/controllers.yaml"], "no-such.jsonl: no such file"),
    ])
    func usageErrorsExitTwo(arguments: [String], message: String) throws {
        let result = try PlacetExecutable.run(["check"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// Batches of one line, and input cut into pieces mid-line, give the lines one big batch
    /// gives: a waiver applies whichever batch its placement lands in.
    @Test func outputDoesNotDependOnBatchesOrHowTheInputArrives() throws {
        let pack = try PolicyPack(directory: Fixtures.policiesDirectory.path)
        let paths = StreamFixtures.references.map { Fixtures.packageRoot.appendingPathComponent($0).path }
        let bytes = Array(StreamFixtures.placements.utf8)
        func run(batchLines: Int, pieceSize: Int) -> [UInt8] {
            let pieces = stride(from: 0, to: bytes.count, by: pieceSize).map { Array(bytes[$0..<min(bytes.count, $0 + pieceSize)]) }
            var output: [UInt8] = []
            let outcome = StreamWorkflow.run(pack: pack, paths: paths, placements: .stream(JSONLinesStream(pieces: pieces, path: "p.jsonl")),
                                             asOf: CivilDate(iso: "2028-01-01")!, batchLines: batchLines, write: { output += $0 })
            #expect(outcome.exitStatus == 1)
            #expect(outcome.summary.summary.waived > 0, "the example's active waiver applies")
            return output
        }
        let whole = run(batchLines: 4_096, pieceSize: bytes.count)
        for (batchLines, pieceSize) in [(1, 7), (5, 1_000)] {
            let output = run(batchLines: batchLines, pieceSize: pieceSize)
            // Compared as a flag, with where they part: the difference of two outputs this size
            // takes Swift Testing minutes to print.
            let same = output == whole
            let firstDifference = output.indices.first { $0 >= whole.count || output[$0] != whole[$0] } ?? output.count
            #expect(same, "batches of \(batchLines) lines, input in pieces of \(pieceSize) bytes: differs from byte \(firstDifference)")
        }
    }

    /// Parts written into buffers that held an earlier batch's parts are the bytes written into
    /// fresh ones: nothing of the earlier lines is left behind, however long they were.
    @Test func partsInReusedBuffersAreTheSameBytes() {
        func entries(_ count: Int, message: String) -> [StreamEntry] {
            (0..<count).map { index in
                .error(placement: "pl-\(index)", errors: [Diagnostic(id: "stream.test", message: "\(message) \(index)")])
            }
        }
        let renderer = StreamLineRenderer()
        let buffers = PartBuffers()
        let batches = [entries(1_500, message: String(repeating: "long ", count: 60)), entries(700, message: "short"), entries(3, message: "x")]
        for batch in batches {
            var parts = renderer.renderParts(batch, buffers: buffers)
            // Compared as a flag: on failure, a difference of half a megabyte would take minutes to print.
            let same = parts.flatMap { $0 } == renderer.render(batch)
            #expect(same, "a batch's parts in reused buffers differ from the same parts in new ones")
            parts.reverse()
            while let part = parts.popLast() { buffers.giveBack(part) }
        }
        let kept = buffers.take()
        #expect(kept.isEmpty && kept.capacity > 0, "a written part's storage is kept, emptied")
    }

    @Test func linesAreCutWhereverTheInputBreaks() {
        let text = "{\"a\":1}\r\n\n  \n{\"b\":2}\n" + String(repeating: "x", count: 50) + "\n{\"c\":3}\n" + String(repeating: "y", count: 30)
        let pieces = Array(text.utf8).chunks(of: 3)
        let stream = JSONLinesStream(pieces: pieces, path: "t", maximumLineLength: 20)
        var lines: [(Int, String, Int?)] = []
        while let batch = stream.nextBatch(maximumLines: 2) {
            #expect(batch.lines.count <= 2)
            for line in batch.lines {
                lines.append((line.number, String(decoding: batch.bytes[line.range], as: UTF8.self), line.skippedLength))
            }
        }
        #expect(lines.map(\.0) == [1, 4, 5, 6, 7])
        #expect(lines.map(\.1) == ["{\"a\":1}\r", "{\"b\":2}", "", "{\"c\":3}", ""])
        #expect(lines.map(\.2) == [nil, nil, 50, nil, 30], "over-long lines, cut into pieces or whole at the end, are kept as lengths")
        #expect(stream.streamDigest == Digests.sha256(Array(text.utf8)))
    }
}

extension Array {
    func chunks(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min(count, $0 + size)]) }
    }
}
