// `placet test [DIR]`: run the policy tests (`*.test.yaml`) under DIR against the policies,
// in the style of `opa test`: failing tests with expected and actual, then `N passed, N failed`.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run policy tests (*.test.yaml) and report failures and, with --coverage, rule and branch coverage.",
        discussion: "DIR defaults to the bundled pack. Policies default to the *.placet files in DIR (or the bundled pack). Exit 1 on any failure or coverage below --threshold, 2 on a policy or test-file error.")

    @Argument(help: ArgumentHelp("Directory holding the tests (and, by default, the policies).", valueName: "dir"))
    var directory: String?

    @Option(name: .long, help: ArgumentHelp("Directory of policy files; default: DIR when it has *.placet files, else the bundled pack.", valueName: "dir"))
    var policies: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Date for tests that give no asOf; default: today (UTC).", valueName: "date"))
    var asOf: String?

    @Flag(name: .long, help: "Report per rule whether tests made it fire and not fire, and every condition branch no test exercised.")
    var coverage = false

    @Option(name: .long, help: ArgumentHelp("Fail when coverage is below this percentage (implies --coverage).", valueName: "percent"))
    var threshold: Double?

    @Flag(name: .long, help: "List passing tests too.")
    var verbose = false

    func run() throws {
        let options = try PolicyOptions.parse(asOf.map { ["--as-of", $0] } ?? [])
        let defaultAsOf = try options.evaluationDate()
        let testDirectory = try directory ?? options.policyDirectory().path
        let policyDirectory: URL
        if let policies {
            policyDirectory = URL(fileURLWithPath: policies)
        } else if (try? PolicySources.load(directory: URL(fileURLWithPath: testDirectory))) != nil {
            policyDirectory = URL(fileURLWithPath: testDirectory)
        } else {
            policyDirectory = try options.policyDirectory()
        }
        let policy = try CheckPipeline.compilePolicy(directory: policyDirectory)
        let files = PolicyTestRunner.discover(directory: testDirectory)
        guard !files.isEmpty else {
            Terminal.printDiagnostics([Diagnostic(id: "test.noTests", message: "\(testDirectory): no test files (*.test.yaml)")])
            throw ExitCode(2)
        }
        let (run, diagnostics) = PolicyTestRunner(policy: policy, defaultAsOf: defaultAsOf).run(files: files)
        Terminal.printDiagnostics(diagnostics)
        var out = ""
        for result in run.results where !result.passed || verbose {
            out += "\(result.passed ? "PASS" : "FAIL"): \(result.test.file):\(result.test.line): \(result.test.name)\n"
            for failure in result.failures { out += "  \(failure.replacingOccurrences(of: "\n", with: "\n  "))\n" }
        }
        if coverage || threshold != nil { out += render(run.coverage) }
        out += "\(run.passed) passed, \(run.failed) failed\n"
        FileHandle.standardOutput.write(Data(out.utf8))
        if !diagnostics.filter(\.isError).isEmpty { throw ExitCode(2) }
        if run.failed > 0 { throw ExitCode(1) }
        if let threshold, run.coverage.percent < threshold {
            FileHandle.standardError.write(Data(String(format: "coverage %.1f%% is below the threshold of %.1f%%\n", run.coverage.percent, threshold).utf8))
            throw ExitCode(1)
        }
    }

    private func render(_ coverage: CoverageTracker) -> String {
        let (covered, total) = coverage.counts
        var out = String(format: "coverage: %.1f%% (%d of %d items)\n", coverage.percent, covered, total)
        for rule in coverage.rules.sorted(by: { $0.rule < $1.rule }) {
            let (c, t) = rule.counts
            let mark = c == t ? "ok" : "  "
            out += "  \(mark) \(rule.rule): fired \(rule.fired ? "yes" : "NO"), not fired \(rule.notFired ? "yes" : "NO")"
            if rule.dated { out += ", before effective date \(rule.beforeEffective ? "yes" : "NO")" }
            out += ", branches \(rule.leafTrue.filter { $0 }.count + rule.leafFalse.filter { $0 }.count)/\(2 * rule.leafTrue.count)\n"
            for gap in rule.gaps where gap.hasPrefix("branch") { out += "       \(gap)\n" }
        }
        out += "  waivers: active \(coverage.waiverActive ? "yes" : "NO"), expired \(coverage.waiverExpired ? "yes" : "NO"), unwaivable rule \(coverage.waiverUnwaivable ? "yes" : "NO")\n"
        return out
    }
}
