// What a new user hits first (issue 8): the installed binary, which policies a command uses,
// paths in diagnostics, nothing to decide, standard input, `where` arguments, small messages.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetReports
import Testing

@Suite(.serialized) struct NewUserTests {
    static let acme = Fixtures.acmeDirectory.path

    static func temporaryDirectory(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    // MARK: The installed binary

    /// The binary copied alone to an empty folder, run from another folder with no ./policies:
    /// what every Dockerfile and CI image does.
    @Test func installedBinaryCarriesItsPack() throws {
        let install = try Self.temporaryDirectory("bin")
        let work = try Self.temporaryDirectory("work")
        defer {
            try? FileManager.default.removeItem(at: install)
            try? FileManager.default.removeItem(at: work)
        }
        let binary = install.appendingPathComponent("placet")
        try FileManager.default.copyItem(at: PlacetExecutable.url, to: binary)

        let check = try PlacetExecutable.run(["check", Self.acme, "--as-of", "2028-01-01"], in: work, executable: binary)
        #expect(check.status == 1, "\(check.stderr)")
        #expect(check.stderr == "")
        let golden = try String(contentsOf: Fixtures.goldenDirectory.appendingPathComponent("acme-2028-01-01.txt"), encoding: .utf8)
        // The same decisions as with ./policies; only the pack's name differs, not its digest.
        #expect(check.stdout == golden.replacingOccurrences(of: "policies: policies/ (", with: "policies: bundled baseline v2 ("))

        let test = try PlacetExecutable.run(["test"], in: work, executable: binary)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.hasSuffix("173 passed, 0 failed\n"))
        let lint = try PlacetExecutable.run(["lint", "--as-of", "2028-01-01"], in: work, executable: binary)
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        let export = try PlacetExecutable.run(["export", Self.acme, "--format", "xml"], in: work, executable: binary)
        #expect(export.status == 0)
        #expect(export.stdout.hasPrefix("<?xml"))
        let schema = try PlacetExecutable.run(["schema", "--xsd"], in: work, executable: binary)
        #expect(schema.status == 0)
        #expect(schema.stdout.contains("urn:placet:manifest:v1"))
        let fmt = try PlacetExecutable.run(["fmt", "--check"], in: work, executable: binary)
        #expect(fmt.status == 0, "\(fmt.stdout)\(fmt.stderr)")
    }

    /// Nothing to fall back on at run time: no target declares resources and no code looks
    /// for a resource bundle (a stale bundle in an old build folder must not hide a regression).
    @Test func noCodeReadsAResourceBundle() throws {
        let manifest = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(!manifest.contains("resources:"))
        let sources = Fixtures.packageRoot.appendingPathComponent("Sources")
        for case let relative as String in FileManager.default.enumerator(atPath: sources.path)! where relative.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
            #expect(!text.contains("Bundle" + ".module"), "Sources/\(relative) reads a resource bundle")
        }
    }

    @Test func bundledPackIsTheRepositorysPolicies() throws {
        let bundled = try #require(CompiledPolicy.compile(pack: PolicyPack(bundled: Self.bundledFiles())).0)
        #expect(bundled.digest == Fixtures.baseline.digest)
        #expect(bundled.packName == "bundled baseline v2")
    }

    /// The embedded files, read back through the binary's own `placet test` would be slower; the
    /// plugin's inputs are the repository's files, so read those the same way.
    static func bundledFiles() throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let root = Fixtures.policiesDirectory.path
        for case let relative as String in FileManager.default.enumerator(atPath: root)! where relative.hasSuffix(".placet") || relative == "pack.yaml" {
            files[relative] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative)))
        }
        return files
    }

    // MARK: One rule for which policies a command uses

    /// A repository with its own ./policies: a failing test and a rule without citation must be
    /// seen by `lint` and `test`, not hidden by the bundled pack.
    @Test func commandsUseTheRepositorysOwnPolicies() throws {
        let repo = try Self.temporaryDirectory("repo")
        defer { try? FileManager.default.removeItem(at: repo) }
        let policies = repo.appendingPathComponent("policies")
        try FileManager.default.copyItem(at: Fixtures.policiesDirectory, to: policies)
        try """
            rule local.uncited
              effect warn
              when placement.stage == production
              subject placement.target
              message "uncited"

            """.write(to: policies.appendingPathComponent("rules/local.placet"), atomically: true, encoding: .utf8)
        // And a policy test of the repository's own that fails: it expects the baseline's
        // residency rule to let restricted data onto a non-sovereign target.
        try """
            rules: [residency.sovereign]
            tests:
              - name: restricted data on a non-sovereign target is approved (wrong on purpose)
                asOf: 2028-01-01
                manifests:
                  - {apiVersion: placet/v1, kind: Dataset, id: ds-r, personalData: false, classification: restricted}
                  - {apiVersion: placet/v1, kind: Target, id: t-de, provider: aws, country: DE, accessFrom: [DE]}
                  - {apiVersion: placet/v1, kind: Placement, id: pl-r, workload: storage, datasets: [ds-r], target: t-de, stage: production}
                expect:
                  pl-r: {decision: approve}

            """.write(to: policies.appendingPathComponent("tests/local.test.yaml"), atomically: true, encoding: .utf8)

        let lint = try PlacetExecutable.run(["lint", "--as-of", "2028-01-01"], in: repo)
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("policies/rules/local.placet:1:6: warning: rule 'local.uncited' cites no legal source"), "\(lint.stdout)")
        #expect(lint.stdout.contains("policies: policies/ (sha256:"))

        let test = try PlacetExecutable.run(["test"], in: repo)
        #expect(test.status == 1, "\(test.stdout)")
        #expect(!test.stdout.hasSuffix("173 passed, 0 failed\n"))
        #expect(test.stdout.contains("FAIL: policies/tests/local.test.yaml:3: restricted data on a non-sovereign target is approved (wrong on purpose)"),
                "\(test.stdout)")

        let check = try PlacetExecutable.run(["check", Self.acme, "--as-of", "2028-01-01", "--format", "json"], in: repo)
        let object = try JSONSerialization.jsonObject(with: check.stdoutData) as? [String: Any]
        #expect(object?["policyPack"] as? String == "policies/")
        #expect(object?["policyDigest"] as? String != Fixtures.baseline.digest)
    }

    @Test(arguments: ["check", "where", "explain", "test", "lint", "fmt", "diff", "export", "schema"])
    func everyCommandTakesPolicies(command: String) throws {
        let help = try PlacetExecutable.run([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--policies <dir>"), "\(help.stdout)")
    }

    @Test func unknownFieldNamesThePackInUse() throws {
        let file = try Self.temporaryDirectory("field").appendingPathComponent("t.yaml")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try "apiVersion: placet/v1\nkind: Target\nid: t\nprovider: aws\ncountry: DE\ncontroller: x\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try PlacetExecutable.run(["check", file.path], in: file.deletingLastPathComponent())
        #expect(result.status == 2)
        #expect(result.stderr.contains("Target 't': unknown field 'controller' (schema of the policies in use: bundled baseline v2)"), "\(result.stderr)")
    }

    // MARK: Paths in diagnostics are the paths the user gave

    @Test(arguments: ["text", "json", "sarif"])
    func policyErrorsUseThePathGiven(format: String) throws {
        let work = try Self.temporaryDirectory("paths")
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.copyItem(at: Fixtures.policiesDirectory, to: work.appendingPathComponent("mine"))
        try "const BROKEN: number = MISSING\n".write(to: work.appendingPathComponent("mine/rules/x.placet"), atomically: true, encoding: .utf8)
        let result = try PlacetExecutable.run(["check", Self.acme, "--policies", "mine", "--format", format], in: work)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("mine/rules/x.placet:1:24: error: unknown identifier 'MISSING'"), "\(result.stderr)")
        switch format {
        case "json":
            let object = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
            #expect((object?["errors"] as? [[String: Any]])?.first?["file"] as? String == "mine/rules/x.placet")
        case "sarif":
            #expect(result.stdout.contains(#""uri": "mine/rules/x.placet""#), "\(result.stdout)")
        default:
            break
        }
        let lint = try PlacetExecutable.run(["lint", "mine"], in: work)
        #expect(lint.stderr.hasPrefix("mine/rules/x.placet:1:24: error: unknown identifier 'MISSING'"))
    }

    // MARK: Fail closed on nothing to decide

    @Test func inputsWithoutPlacementsFailClosed() throws {
        let work = try Self.temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(at: work) }
        try "".write(to: work.appendingPathComponent("empty.yaml"), atomically: true, encoding: .utf8)
        for path in [work.appendingPathComponent("empty.yaml").path, Self.acme + "/controllers.yaml"] {
            let result = try PlacetExecutable.run(["check", path])
            #expect(result.status == 2)
            #expect(result.stderr == "error: no Placement manifests in \(path): nothing to decide; pass --allow-empty if that is intended\n")
            let allowed = try PlacetExecutable.run(["check", "--allow-empty", path])
            #expect(allowed.status == 0)
            #expect(allowed.stdout.hasPrefix("0 placements: 0 approved, 0 blocked"))
        }
    }

    // MARK: Standard input

    @Test(arguments: [("yaml", "placements.yaml"), ("json", "more-placements.json"), ("jsonl", "bulk.jsonl")])
    func standardInputIsAManifestFile(format: String, file: String) throws {
        let data = try Data(contentsOf: Fixtures.acmeDirectory.appendingPathComponent(file))
        let acme = Self.acme + "/"
        let references = ["controllers.yaml", "targets.yaml", "models.yaml", "datasets.yaml"].map { acme + $0 }
        for formatArguments in [[], ["--input-format", format]] {
            let result = try PlacetExecutable.run(["check", "-", "--as-of", "2028-01-01"] + formatArguments + references, input: data)
            #expect(result.status == 1 || result.status == 0, "\(result.stderr)")
            #expect(result.stderr == "")
        }
    }

    @Test func xmlOnStandardInputIsSniffedAsXML() throws {
        let xml = try PlacetExecutable.run(["export", Self.acme, "--format", "xml"]).stdoutData
        let sniffed = try PlacetExecutable.run(["check", "-", "--as-of", "2028-01-01", "--format", "json"], input: xml)
        #expect(sniffed.status == 1, "\(sniffed.stderr)")
        let object = try JSONSerialization.jsonObject(with: sniffed.stdoutData) as? [String: Any]
        #expect((object?["summary"] as? [String: Int])?["placements"] == 30)
        #expect((object?["inputs"] as? [[String: String]])?.first?["file"] == "<stdin>")

        // Told it is YAML, the error names <stdin>:line:column and quotes one line, not the document.
        let wrong = try PlacetExecutable.run(["check", "-", "--input-format", "yaml"], input: xml)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.hasPrefix("<stdin>:1:1: error: "))
        #expect(wrong.stderr.count < 400, "\(wrong.stderr)")
    }

    // MARK: `where` checks its arguments as arguments

    @Test func whereReportsBadFlagsOnceEach() throws {
        let result = try PlacetExecutable.run(["where", "--model", "mdl-hr-atrition", "--workload", "infer", "--stage", "production", Self.acme])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            error: --workload: unknown Workload 'infer'; did you mean 'inference'? (valid values: training, fineTuning, inference, batchScoring, storage)
            error: --model: no Model with id 'mdl-hr-atrition'; did you mean 'mdl-hr-attrition'? (known ids: mdl-acme-foundation, mdl-acme-lm-small, mdl-acme-lm-v1, mdl-call-emotion, mdl-catalog-imagegen, mdl-citizen-score, mdl-credit-scoring, mdl-cv-screener, mdl-hr-attrition, mdl-hub-undress-gen, mdl-product-recommender, mdl-sepsis-alert, mdl-shift-planner, mdl-support-chatbot, mdl-telemetry-anomaly)

            """)
        let help = try PlacetExecutable.run(["where", "--help"])
        #expect(help.stdout.contains("--as-of <date>"))
        #expect(help.stdout.contains("--policies <dir>"))
    }

    // MARK: Smaller ones

    @Test(arguments: [("2027-02-30", "'2027-02-30' is not a real date"), ("2027-2-3", "'2027-2-3' is not a date written YYYY-MM-DD")])
    func datesSayWhatIsWrong(text: String, message: String) throws {
        #expect(CivilDate.problem(with: text) == message)
        let result = try PlacetExecutable.run(["check", Self.acme, "--as-of", text])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: --as-of: \(message)\n"))
    }

    @Test func missingOutputFolderSaysSo() throws {
        let result = try PlacetExecutable.run(["check", Self.acme, "--output", "/nonexistent-placet-folder/report.json"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: --output: the folder '/nonexistent-placet-folder' does not exist\n"))
    }

    @Test(arguments: [([:], true), (["NO_COLOR": "1"], false), (["NO_COLOR": ""], true), (["TERM": "dumb"], false)])
    func colourFollowsNoColorDotOrg(environment: [String: String], allowed: Bool) {
        #expect(ColorPolicy.allowsColor(environment: environment) == allowed)
    }

    @Test func coverageBelowThresholdSaysSoLast() throws {
        let result = try PlacetExecutable.run(["test", "--threshold", "100.5"])
        #expect(result.status == 1)
        #expect(result.stdout.hasSuffix("173 passed, 0 failed\nFAILED: coverage 100.0% is below the threshold of 100.5%\n"), "\(result.stdout.suffix(200))")
    }
}
