// The built `placet` executable, run as a pipeline would: exit codes, golden output on the
// example inventory, determinism, and fail-closed behaviour on bad input.

import Foundation
import PlacetLanguage
import Testing

@Suite(.serialized) struct EndToEndTests {
    @Test(arguments: ["2028-01-01", "2026-11-29"])
    func exampleInventoryMatchesGoldenJSON(asOf: String) throws {
        let result = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", asOf, "--format", "json"])
        let golden = try Data(contentsOf: Fixtures.goldenDirectory.appendingPathComponent("acme-\(asOf).json"))
        #expect(result.status == 1)
        #expect(result.stderr == "")
        #expect(result.stdoutData == golden, "output differs from Tests/PlacetTests/Golden/acme-\(asOf).json")
    }

    @Test func goldenSummaryIsTheExpectedOne() throws {
        let data = try Data(contentsOf: Fixtures.goldenDirectory.appendingPathComponent("acme-2028-01-01.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let summary = object?["summary"] as? [String: Int]
        #expect(summary == ["placements": 30, "approved": 8, "blocked": 22, "warnings": 2, "waived": 1])
        let decisions = object?["decisions"] as? [[String: Any]] ?? []
        let fired = Set(decisions.flatMap { ($0["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } })
        #expect(fired.count == 23, "the example inventory fires every rule of the baseline pack")
    }

    @Test func textOutputMatchesGolden() throws {
        let result = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2028-01-01"])
        let golden = try String(contentsOf: Fixtures.goldenDirectory.appendingPathComponent("acme-2028-01-01.txt"), encoding: .utf8)
        #expect(result.status == 1)
        #expect(result.stdout == golden)
    }

    @Test func outputIsByteIdenticalAcrossRuns() throws {
        let first = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2027-06-01", "--format", "json"])
        let second = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2027-06-01", "--format", "json"])
        #expect(first.stdoutData == second.stdoutData)
        #expect(!first.stdoutData.isEmpty)
    }

    @Test func approvedInventoryExitsZero() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-approved-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try #"""
            [{"apiVersion": "placet/v1", "kind": "Placement", "id": "pl-a", "workload": "inference", "model": "mdl-hr-attrition",
              "datasets": ["ds-hr-analytics"], "target": "aws-eu-central-1", "stage": "production"},
             {"apiVersion": "placet/v1", "kind": "Placement", "id": "pl-b", "workload": "batchScoring", "model": "mdl-product-recommender",
              "datasets": ["ds-clickstream"], "target": "aws-ap-south-1", "stage": "production"},
             {"apiVersion": "placet/v1", "kind": "Placement", "id": "pl-c", "workload": "fineTuning", "model": "mdl-catalog-imagegen",
              "datasets": ["ds-product-catalog"], "target": "aws-eu-central-1", "stage": "development"}]
            """#.write(to: file, atomically: true, encoding: .utf8)
        let acme = "policies/examples/acme/"
        let result = try PlacetExecutable.run(["check", acme + "controllers.yaml", acme + "targets.yaml", acme + "models.yaml", acme + "datasets.yaml", file.path,
                                               "--as-of", "2028-01-01"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix("3 placements: 3 approved, 0 blocked; 1 warning, 0 waived (as of 2028-01-01)\n"
            + "policies: policies/ (\(Fixtures.baseline.digest))\n"))
    }

    @Test func worksFromAnyDirectoryWithBundledPolicies() throws {
        let result = try PlacetExecutable.run(["check", Fixtures.acmeDirectory.path, "--as-of", "2028-01-01", "--format", "json"],
                                              in: URL(fileURLWithPath: NSTemporaryDirectory()))
        #expect(result.status == 1)
        #expect(result.stdout.contains("\"blocked\": 22"))
    }

    @Test func badManifestFailsClosedWithExitTwo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: Fixtures.acmeDirectory.appendingPathComponent("targets.yaml"),
                                         to: directory.appendingPathComponent("targets.yaml"))
        try FileManager.default.copyItem(at: Fixtures.acmeDirectory.appendingPathComponent("controllers.yaml"),
                                         to: directory.appendingPathComponent("controllers.yaml"))
        try "apiVersion: placet/v1\nkind: Target\nid: t-bad\nprovider: aws\ncountry: XX\n"
            .write(to: directory.appendingPathComponent("zz-bad.yaml"), atomically: true, encoding: .utf8)
        let json = try PlacetExecutable.run(["check", directory.path, "--format", "json"])
        #expect(json.status == 2)
        let object = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        #expect((object?["decisions"] as? [Any])?.isEmpty == true)
        let errors = object?["errors"] as? [[String: Any]]
        #expect(errors?.count == 1)
        #expect(errors?.first?["line"] as? Int == 5)
        #expect(errors?.first?["column"] as? Int == 10)
        #expect(errors?.first?["message"] as? String == "Target 't-bad', field 'country': unknown Country 'XX'")
        #expect(json.stderr.contains("zz-bad.yaml:5:10: error: Target 't-bad', field 'country': unknown Country 'XX'"))

        let text = try PlacetExecutable.run(["check", directory.path])
        #expect(text.status == 2)
        #expect(!text.stdout.contains("APPROVE"))
        #expect(text.stderr.contains("zz-bad.yaml:5:10: error: Target 't-bad', field 'country': unknown Country 'XX'"), "\(text.stderr)")
    }

    @Test func brokenPolicyFailsClosed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-policy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: Fixtures.policiesDirectory, to: directory)
        try "rule broken.rule\n  effect block\n  cites \"x\"\n  when placement.stge == production\n  message \"x\"\n"
            .write(to: directory.appendingPathComponent("broken.placet"), atomically: true, encoding: .utf8)
        let result = try PlacetExecutable.run(["check", "--policies", directory.path, "policies/examples/acme"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("broken.placet:4:18: error: unknown field 'stge' on Placement; did you mean 'stage'?"))
        #expect(result.stderr.contains(" 4 |   when placement.stge == production"))
    }

    @Test(arguments: [
        (["check"], "Error: Missing expected argument '<path> ...'\n"),
        (["check", "policies/examples/acme", "--as-of", "2026-13-01"], "Error: --as-of: '2026-13-01' is not a real date\n"),
        (["check", "policies/examples/acme", "--format", "pdf"], "Error: The value 'pdf' is invalid for '--format <format>'."),
        (["check", "/nonexistent/manifests"], "error: /nonexistent/manifests: no such file or directory\n"),
        (["frobnicate"], "Error: Unexpected argument 'frobnicate'\n"),
    ])
    func usageAndInputErrorsExitTwo(arguments: [String], message: String) throws {
        let result = try PlacetExecutable.run(arguments)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix(message), "stderr: \(result.stderr)")
    }

    @Test func outputOptionWritesTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-out-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2028-01-01", "--format", "json",
                                               "--output", file.path])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        let golden = try Data(contentsOf: Fixtures.goldenDirectory.appendingPathComponent("acme-2028-01-01.json"))
        #expect(try Data(contentsOf: file) == golden)
    }

    /// `--output` naming a pipe (or a device such as /dev/null) writes into it: a report renamed
    /// over it would put a regular file in its place. Both writers: streamed JSON and whole reports.
    @Test(arguments: [["--format", "json"], ["--format", "markdown"], ["--format", "json", "--log", "LOG"]])
    func outputIntoAPipeWritesThroughIt(format: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placet-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("report").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // A writer of our own keeps the pipe open, so the reader neither waits for placet nor
        // hangs if placet never opens it; closing it after placet exits ends the reading.
        let keeper = open(fifo, O_RDWR)
        let reading = try #require(FileHandle(forReadingAtPath: fifo))
        let received = Locked<Data?>(nil)
        let reader = DispatchGroup()
        DispatchQueue.global().async(group: reader) {
            let data = (try? reading.readToEnd()) ?? Data()
            received.withLock { $0 = data }
        }
        let arguments = format.map { $0 == "LOG" ? folder.appendingPathComponent("log.jsonl").path : $0 }
        let result = try PlacetExecutable.run(["check", "policies/examples/acme", "--as-of", "2028-01-01", "--output", fifo] + arguments)
        close(keeper)
        reader.wait()
        #expect(result.status == 1, "stderr: \(result.stderr)")
        var status = stat()
        #expect(stat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO, "still a pipe")
        let golden = format[1] == "json" ? "acme-2028-01-01.json" : "acme-2028-01-01.md"
        #expect(received.withLock { $0 } == (try Data(contentsOf: Fixtures.goldenDirectory.appendingPathComponent(golden))))
    }

    @Test func exportToXMLThenCheckGivesTheSameDecisions() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-acme-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: file) }
        let export = try PlacetExecutable.run(["export", "--format", "xml", "--output", file.path, "policies/examples/acme"])
        #expect(export.status == 0, "\(export.stderr)")
        let check = try PlacetExecutable.run(["check", file.path, "--as-of", "2028-01-01", "--format", "json"])
        #expect(check.status == 1)
        var fromXML = try JSONSerialization.jsonObject(with: check.stdoutData) as? [String: Any] ?? [:]
        var golden = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.goldenDirectory.appendingPathComponent("acme-2028-01-01.json"))) as? [String: Any] ?? [:]
        #expect((fromXML["inputs"] as? [[String: String]])?.first?["file"] == file.path)
        fromXML["inputs"] = nil
        golden["inputs"] = nil
        #expect(NSDictionary(dictionary: fromXML).isEqual(to: golden))
    }

    @Test func schemaCommandPrintsTheShippedXSD() throws {
        let result = try PlacetExecutable.run(["schema", "--xsd"])
        #expect(result.status == 0)
        let shipped = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("docs/schema/placet-manifest-v1.xsd"), encoding: .utf8)
        #expect(result.stdout == shipped)
    }

    @Test func helpAndVersion() throws {
        let version = try PlacetExecutable.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == "0.1.0\n")
        let help = try PlacetExecutable.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("SUBCOMMANDS:"))
        #expect(help.stdout.contains("check"))
        let checkHelp = try PlacetExecutable.run(["check", "--help"])
        #expect(checkHelp.status == 0)
        #expect(checkHelp.stdout.contains("--as-of <date>"))
        #expect(checkHelp.stdout.contains("--format <format>"))
    }
}
