// JSON Lines files of several chunks: read on every core, they give what one reader in file order would.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import Testing

@Suite struct JSONLinesPipelineTests {
    /// The acme reference manifests, and a JSON Lines file of about a megabyte (several chunks)
    /// of acme's placements under new ids, with some lines replaced by `bad(line)`.
    static func inputs(badLines: Set<Int>, bad: (Int) -> String) throws -> (inputs: [ManifestInput], ids: [String]) {
        var inputs: [ManifestInput] = []
        for name in ["controllers.yaml", "datasets.yaml", "models.yaml", "targets.yaml"] {
            inputs.append(ManifestInput(path: name, bytes: Array(try Data(contentsOf: Fixtures.acmeDirectory.appendingPathComponent(name)))))
        }
        let bulk = try String(contentsOf: Fixtures.acmeDirectory.appendingPathComponent("bulk.jsonl"), encoding: .utf8)
        let lines = bulk.split(separator: "\n")
        var text: [String] = []
        for copy in 0..<700 {
            for line in lines {
                let number = text.count + 1
                text.append(badLines.contains(number)
                    ? bad(number) : line.replacingOccurrences(of: "\"id\": \"pl-", with: "\"id\": \"pl-copy\(copy)-"))
            }
        }
        // Every line with an id defines it, in file order (a manifest with errors too).
        let ids = text.compactMap { line in
            line.split(separator: "\"id\": \"").dropFirst().first.map { String($0.prefix { $0 != "\"" }) }
        }
        let file = text.joined(separator: "\n") + "\n"
        #expect(file.utf8.count > 3 << 18, "more than three chunks")
        inputs.append(ManifestInput(path: "big.jsonl", text: file))
        return (inputs, ids)
    }

    @Test func errorsAndRecordsComeInFileOrderAcrossChunks() throws {
        let malformed: Set<Int> = [7, 1_500, 2_999, 4_444]
        let dangling: Set<Int> = [2, 1_200, 2_400, 3_600, 4_800]
        let (inputs, ids) = try Self.inputs(badLines: malformed.union(dangling)) { line in
            malformed.contains(line)
                ? "{\"apiVersion\": \"placet/v1\", \"kind\": "
                : "{\"apiVersion\": \"placet/v1\", \"kind\": \"Placement\", \"id\": \"pl-bad-\(line)\", \"workload\": \"inference\", \"model\": \"mdl-none\", \"target\": \"aws-eu-central-1\", \"stage\": \"staging\"}"
        }
        let loaded = Fixtures.load(inputs)
        let seen = loaded.diagnostics.map { "\($0.id) \($0.location?.file ?? ""):\($0.location?.line ?? 0)" }
        let expected = malformed.sorted().map { "manifest.malformedJSON big.jsonl:\($0)" }
            + dangling.sorted().map { "manifest.danglingReference big.jsonl:\($0)" }
        #expect(seen == expected)
        let placements = loaded.inventory.tables[Fixtures.baseline.program.placementRecord]
        #expect(placements.ids.count == 700 * 7 - malformed.count)
        #expect(placements.ids == ids)
    }

    @Test func theErrorLimitStopsAtTheFirstErrorsInFileOrder() throws {
        let malformed: Set<Int> = [10, 900, 1_800, 2_700, 3_600, 4_500]
        let (inputs, _) = try Self.inputs(badLines: malformed) { _ in "[1, 2" }
        var loader = ManifestLoader(policy: Fixtures.baseline)
        loader.errorLimit = 3
        let loaded = loader.load(inputs: inputs)
        #expect(loaded.diagnostics.map { "\($0.id):\($0.location?.line ?? 0)" }
            == ["manifest.malformedJSON:10", "manifest.malformedJSON:900", "manifest.malformedJSON:1800", "manifest.tooManyErrors:0"])
    }

    /// References to manifests read before a large file are resolved as its lines are
    /// converted, the others once every file is read: in any order of files the rows are the same.
    @Test func rowsDoNotDependOnWhetherReferencesWereReadBefore() throws {
        let (inputs, _) = try Self.inputs(badLines: []) { _ in "" }
        let references = Array(inputs.dropLast())
        let big = try #require(inputs.last)
        let kind = Fixtures.baseline.program.placementRecord
        func rows(_ order: [ManifestInput]) -> [[Value]] {
            let loaded = Fixtures.load(order)
            #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message).prefix(3))")
            return loaded.inventory.tables[kind].rows
        }
        let resolvedAtTheEnd = rows([big] + references)
        let fields = ["model", "datasets", "target"].compactMap { Fixtures.baseline.schema.records[kind].fieldIndex[$0] }
        let allRows = resolvedAtTheEnd.allSatisfy { row in
            fields.allSatisfy { field in
                switch row[field] {
                case .record, .absent: true
                case .collection(let items): items.allSatisfy { if case .record = $0 { true } else { false } }
                default: false
                }
            }
        }
        #expect(fields.count == 3 && allRows, "every reference a row")
        // Compared as one flag: a failure would otherwise print every row.
        let sameReadAfter = rows(references + [big]) == resolvedAtTheEnd
        #expect(sameReadAfter, "references read before the placements")
        // Targets after the placements, as in `placet bench`'s folders: the rest resolve as read.
        let targetsLast = references.filter { $0.path != "targets.yaml" } + [big] + references.filter { $0.path == "targets.yaml" }
        let sameTargetsLast = rows(targetsLast) == resolvedAtTheEnd
        #expect(sameTargetsLast, "targets read after the placements")
    }

    /// Each small JSON Lines file reserves room for its lines; growth must stay geometric, or
    /// thousands of one-line files copy the whole table once each.
    @Test func reservingALittleMorePerFileGrowsTheTableGeometrically() {
        var table = RecordTable()
        var reallocations = 0
        for record in 0..<10_000 {
            let before = table.capacity
            table.reserveCapacity(table.count + 1)
            if table.capacity != before { reallocations += 1 }
            table.append(id: "r\(record)", fields: [], origin: SourceLocation(file: "f.jsonl", line: 1, column: 1))
        }
        #expect(table.count == 10_000)
        #expect(reallocations <= 20, "\(reallocations) reallocations for 10,000 records")
    }

    @Test func manyOneLineFilesLoadInFileOrder() throws {
        var inputs: [ManifestInput] = []
        for name in ["controllers.yaml", "datasets.yaml", "models.yaml", "targets.yaml"] {
            inputs.append(ManifestInput(path: name, bytes: Array(try Data(contentsOf: Fixtures.acmeDirectory.appendingPathComponent(name)))))
        }
        let bulk = try String(contentsOf: Fixtures.acmeDirectory.appendingPathComponent("bulk.jsonl"), encoding: .utf8)
        let line = try #require(bulk.split(separator: "\n").first)
        var ids: [String] = []
        for file in 0..<2_000 {
            let id = "pl-file\(file)"
            ids.append(id)
            let text = String(line).replacing(#/"id": "pl-[^"]*"/#, with: "\"id\": \"\(id)\"")
            inputs.append(ManifestInput(path: "p\(file).jsonl", text: text + "\n"))
        }
        let loaded = Fixtures.load(inputs)
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.inventory.tables[Fixtures.baseline.program.placementRecord].ids == ids)
    }
}
