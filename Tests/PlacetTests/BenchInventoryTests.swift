// The bench's inventory kept one placement per file: the same placements as its single
// JSON Lines file, and `placet bench --files` measures it.

import Foundation
@testable import placet  // SyntheticInventory, the benchmarks' generator
import PlacetManifests
import Testing

@Suite struct BenchInventoryTests {
    @Test func oneFilePerPlacementHoldsTheSamePlacements() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("placet-bench-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let inventory = SyntheticInventory(placements: 120)
        try inventory.write(to: root.appendingPathComponent("one"))
        try inventory.writeOneFilePerPlacement(to: root.appendingPathComponent("many"))
        let folder = root.appendingPathComponent("many/placements")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count == 120)
        let joined = try names.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined()
        #expect(joined == (try String(contentsOf: root.appendingPathComponent("one/placements.jsonl"), encoding: .utf8)))

        let one = ManifestLoader(policy: Fixtures.baseline).load(paths: [root.appendingPathComponent("one").path])
        let many = ManifestLoader(policy: Fixtures.baseline).load(paths: [root.appendingPathComponent("many").path])
        #expect(one.diagnostics.isEmpty && many.diagnostics.isEmpty)
        let placement = Fixtures.baseline.program.placementRecord
        #expect(many.inventory.tables[placement].ids == one.inventory.tables[placement].ids)
        #expect(many.inventory.tables[placement].rows == one.inventory.tables[placement].rows)
    }

    @Test func benchPrintsARowForOneFileEach() throws {
        let result = try PlacetExecutable.run(["bench", "--placements", "30", "--files", "30", "--as-of", "2028-01-01"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains("30 placements, one file each:"))
        // A row: the count, then seven figures (phases, total, rate, output, memory).
        let rows = lines.filter { line in
            let fields: [Substring] = line.split(separator: " ")
            return fields.count == 8 && fields[0] == "30" && Double(fields[7]) != nil
        }
        #expect(rows.count == 2, "\(result.stdout)")
        let refused = try PlacetExecutable.run(["bench", "--files", "-1"])
        #expect(refused.status != 0)
    }

    /// `--repeat N`: one row of medians per size, then the fastest and slowest total.
    @Test func benchRepeatsEachSizeAndPrintsTheSpread() throws {
        let result = try PlacetExecutable.run(["bench", "--placements", "20", "--repeat", "3", "--as-of", "2028-01-01"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines.filter { $0.count == 8 && $0[0] == "20" }.count == 1, "\(result.stdout)")
        let spread = try #require(lines.first { $0.starts(with: ["medians", "of", "3", "runs;"]) }, "\(result.stdout)")
        // "... total fastest F s, slowest S s"
        let fastest = try #require(Double(spread[6])), slowest = try #require(Double(spread[9]))
        #expect(fastest <= slowest)
        for refused in [["bench", "--repeat", "0"], ["bench", "--repeat", "2", "--emit", "3"]] {
            #expect(try PlacetExecutable.run(refused).status != 0, "\(refused)")
        }
    }
}
