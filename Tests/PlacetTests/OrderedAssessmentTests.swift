// `check --format json` is written as it is decided (a counting pass, then decisions chunk by
// chunk): the same summary, decisions and bytes as assessing everything and rendering it.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import PlacetWorkflows
import Testing

@Suite struct OrderedAssessmentTests {
    /// The decisions and summary `assessInOrder` hands over, collected.
    static func inOrder(_ policy: CompiledPolicy, _ inventory: Inventory, asOf: CivilDate, chunkSize: Int)
        -> (summary: Summary, notices: [Notice], decisions: [Decision]) {
        var summary = Summary()
        var notices: [Notice] = []
        var decisions: [Decision] = []
        PlacementAssessor(policy: policy, asOf: asOf).assessInOrder(
            inventory, chunkSize: chunkSize,
            head: { summary = $0; notices = $1 },
            render: { $0 },
            emit: { parts in for part in parts { decisions += part } })
        return (summary, notices, decisions)
    }

    static func expectSame(_ policy: CompiledPolicy, _ inventory: Inventory, asOf: String, chunkSize: Int) throws {
        let date = try #require(CivilDate(iso: asOf))
        let whole = PlacementAssessor(policy: policy, asOf: date).assess(inventory)
        let ordered = inOrder(policy, inventory, asOf: date, chunkSize: chunkSize)
        #expect(ordered.summary == whole.summary, "as of \(asOf), chunks of \(chunkSize)")
        #expect(ordered.notices == whole.notices)
        #expect(ordered.decisions.map(\.placement) == whole.decisions.map(\.placement))
        #expect(ordered.decisions.map(\.outcome) == whole.decisions.map(\.outcome))
        #expect(ordered.decisions.map(\.findings) == whole.decisions.map(\.findings))
    }

    @Test(arguments: [1, 4, 512])
    func baselinePackOnAcme(chunkSize: Int) throws {
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: [Fixtures.acmeDirectory.path])
        #expect(!loaded.hasErrors)
        let waivers = try #require(Fixtures.baseline.program.contract.waiver?.record)
        #expect(loaded.inventory.tables[waivers].count > 0, "acme has waivers, so waived counts are compared")
        for asOf in ["2026-11-29", "2028-01-01"] {
            try Self.expectSame(Fixtures.baseline, loaded.inventory, asOf: asOf, chunkSize: chunkSize)
        }
    }

    /// A failing `emit` ends the run with its error: the workers deciding ahead stop and are
    /// done when it returns (a hang or a crash here would be a worker left behind).
    @Test(arguments: [1, 2, 7])
    func aFailingEmitStopsTheWorkers(failAt: Int) throws {
        struct Refused: Error {}
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: [Fixtures.acmeDirectory.path])
        let asOf = try #require(CivilDate(iso: "2028-01-01"))
        var emitted = 0
        let renders = Locked(0)
        #expect(throws: Refused.self) {
            try PlacementAssessor(policy: Fixtures.baseline, asOf: asOf).assessInOrder(
                loaded.inventory, chunkSize: 1,
                head: { _, _ in },
                render: { decisions in renders.withLock { $0 += 1 }; return decisions.count },
                emit: { _ in
                    emitted += 1
                    if emitted == failAt { throw Refused() }
                })
        }
        #expect(emitted == failAt)
        let rendered = renders.withLock { $0 }
        // Decided ahead, at most a few chunks past the one refused; never the whole run.
        #expect(rendered >= failAt && rendered < loaded.inventory.tables[Fixtures.baseline.program.placementRecord].count)
    }

    /// Random conditions (the property tests' generator) counted by the first pass as `decide` finds them.
    @Test(arguments: [UInt64(21), 22, 23, 24])
    func randomRules(seed: UInt64) throws {
        let (policy, _) = EvaluatorPropertyTests.program(seed: seed)
        let loaded = ManifestLoader(policy: policy).load(paths: [Fixtures.acmeDirectory.path])
        #expect(!loaded.hasErrors)
        try Self.expectSame(policy, loaded.inventory, asOf: "2028-01-01", chunkSize: 3)
    }

    /// The counting pass finds a subject reached twice by row when it is a manifest and by
    /// name otherwise (a list, a string): the same findings as `decide`, which goes by name
    /// (a controller here is named "none", as an absent value is written).
    @Test func subjectsReachedTwiceAreCountedOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-subjects-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in try FileManager.default.contentsOfDirectory(atPath: Fixtures.acmeDirectory.path) where !file.hasSuffix(".md") {
            let text = try String(contentsOf: Fixtures.acmeDirectory.appendingPathComponent(file), encoding: .utf8)
            try text.replacingOccurrences(of: "ctl-acme-health", with: "none")
                .write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let rules = [
            "for each d in located(placement)\n  when placement.model is present\n  subject placement.model",
            "for each d in located(placement)\n  when d.controller is present\n  subject d.controller",
            "for each d in located(placement)\n  when d.controller is present and d.controller.id == \"none\"\n  subject d.controller",
            "for each d in located(placement)\n  when true\n  subject d.specialCategories",
            "for each d in located(placement)\n  when true\n  subject d.dataSubjects",
            "for each d in located(placement)\n  when true\n  subject placement.target",
        ]
        let text = rules.enumerated().map { index, body in
            "rule subjects.r\(index)\n  effect warn\n  cites \"test\"\n  \(body)\n  message \"r\(index)\"\n"
        }.joined(separator: "\n")
        let (compiled, diagnostics) = Fixtures.compile(adding: text)
        #expect(diagnostics.filter(\.isError).map(\.message) == [], "\(text)")
        let policy = try #require(compiled)
        let loaded = ManifestLoader(policy: policy).load(paths: [directory.path])
        #expect(!loaded.hasErrors, "\(loaded.diagnostics.map(\.message))")
        let whole = PlacementAssessor(policy: policy, asOf: try #require(CivilDate(iso: "2028-01-01"))).assess(loaded.inventory)
        let findings = whole.decisions.flatMap(\.findings)
        for index in rules.indices { #expect(findings.contains { $0.rule == "subjects.r\(index)" }, "subjects.r\(index)") }
        #expect(findings.contains { $0.rule == "subjects.r2" && $0.subjects == ["none"] })
        // Reached twice: a placement whose model was trained on one of its own datasets, or two
        // datasets of one controller, has fewer findings than items.
        #expect(findings.filter { $0.rule == "subjects.r5" }.count == whole.decisions.count { !$0.findings.isEmpty && $0.findings.contains { $0.rule == "subjects.r5" } })
        for chunkSize in [1, 512] {
            try Self.expectSame(policy, loaded.inventory, asOf: "2028-01-01", chunkSize: chunkSize)
        }
    }

    /// The deciding pass takes the counting pass's word for which items match: past the 64th
    /// item (which its masks cannot hold), in a rule without `for each`, and where an item
    /// matches on some placements only, it finds what deciding everything finds.
    @Test func itemsTheCountingPassMatchedAreDecidedAlike() throws {
        let numbers = (0..<80).map(String.init).joined(separator: ", ")
        let text = """
            rule items.many
              effect warn
              cites "test"
              for each n in [\(numbers)]
              when (n < 3 or n > 60) and placement.stage == production
              message "{n} on {placement.id}"

            rule items.last
              effect block
              cites "test"
              for each n in [\(numbers)]
              when n == 79 and placement.stage != production
              message "only {n}"

            rule items.none
              effect warn
              cites "test"
              when placement.stage == production
              message "{placement.id} is in production"

            """
        let (compiled, diagnostics) = Fixtures.compile(adding: text)
        #expect(diagnostics.filter(\.isError).map(\.message) == [], "\(text)")
        let policy = try #require(compiled)
        let loaded = ManifestLoader(policy: policy).load(paths: [Fixtures.acmeDirectory.path])
        #expect(!loaded.hasErrors)
        let whole = PlacementAssessor(policy: policy, asOf: try #require(CivilDate(iso: "2028-01-01"))).assess(loaded.inventory)
        let findings = whole.decisions.flatMap(\.findings)
        // Both kinds of placement are there, and items past the 64th match on each.
        #expect(findings.contains { $0.rule == "items.many" && $0.subjects == ["79"] })
        #expect(findings.contains { $0.rule == "items.last" })
        #expect(findings.contains { $0.rule == "items.none" })
        for chunkSize in [1, 512] {
            try Self.expectSame(policy, loaded.inventory, asOf: "2028-01-01", chunkSize: chunkSize)
        }
    }

    /// Over more placements than one chunk and one wave, the bytes `check --format json`
    /// writes equal the report rendered whole; and so with an error, where nothing is decided.
    @Test func writtenAsDecidedEqualsRenderedWhole() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-ordered-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in try FileManager.default.contentsOfDirectory(atPath: Fixtures.acmeDirectory.path) {
            try FileManager.default.copyItem(at: Fixtures.acmeDirectory.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        let bulk = try String(contentsOf: Fixtures.acmeDirectory.appendingPathComponent("bulk.jsonl"), encoding: .utf8)
        let lines = bulk.split(separator: "\n")
        var copies: [String] = []
        for copy in 0..<700 {
            for line in lines { copies.append(line.replacingOccurrences(of: "\"id\": \"pl-", with: "\"id\": \"pl-copy\(copy)-")) }
        }
        try (copies.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("copies.jsonl"), atomically: true, encoding: .utf8)

        let pack = try PolicyPack(directory: Fixtures.policiesDirectory.path)
        let asOf = try #require(CivilDate(iso: "2028-01-01"))
        for paths in [[directory.path], [directory.path, Fixtures.packageRoot.appendingPathComponent("policies/examples/broken").path]] {
            var written: [UInt8] = []
            var timings = CheckWorkflow.Timings()
            let outcome = CheckWorkflow.writeJSON(pack: pack, paths: paths, asOf: asOf, timings: &timings, write: { written += $0 })
            let report = CheckWorkflow.run(pack: pack, paths: paths, asOf: asOf)
            #expect(report.summary.placements == (paths.count == 1 ? 4_930 : 0))
            #expect(written == JSONRenderer().render(report), "\(paths)")
            #expect(outcome.exitStatus == CheckWorkflow.exitStatus(report))
            #expect(outcome.diagnostics == report.diagnostics)
        }
    }
}
