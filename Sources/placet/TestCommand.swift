// `placet test [DIR]`: run the policy tests (`*.test.yaml`) under DIR against the policies,
// in the style of `opa test`: failing tests with expected and actual, then `N passed, N failed`.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetWorkflows

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run policy tests (*.test.yaml) and report failures and, with --coverage, rule and branch coverage.",
        discussion: """
            Policies: --policies DIR; else DIR when it holds *.placet files; else ./policies when it exists; else the \
            bundled baseline pack. Tests: those under DIR, else those of the policies in use. \
            Exit 1 on any failure or coverage below --threshold, 2 on a policy or test-file error.
            """)

    @Argument(help: ArgumentHelp("Directory holding the tests; default: the policies' own folder (or the bundled pack's tests).", valueName: "dir"))
    var directory: String?

    @OptionGroup var policyOptions: PolicyOptions

    @Flag(name: .long, help: "Report per rule whether tests made it fire and not fire, and every condition branch no test exercised.")
    var coverage = false

    @Option(name: .long, help: ArgumentHelp("Fail when coverage is below this percentage (implies --coverage).", valueName: "percent"))
    var threshold: Double?

    @Flag(name: .long, help: "List passing tests too.")
    var verbose = false

    func run() throws {
        let defaultAsOf = try policyOptions.evaluationDate()
        // DIR that holds policy files is a pack of its own, tested against itself.
        let pack = try PolicyOptions.pack(PolicyTestWorkflow.policies(option: policyOptions.policies, testDirectory: directory))
        let policy = try PolicyOptions.compile(pack)
        let (testRun, diagnostics) = PolicyTestWorkflow.run(testDirectory: directory, pack: pack, policy: policy, defaultAsOf: defaultAsOf)
        Terminal.printDiagnostics(diagnostics)
        guard let run = testRun else { throw ExitCode(2) }
        var out = ""
        for result in run.results where !result.passed || verbose {
            out += "\(result.passed ? "PASS" : "FAIL"): \(result.test.file):\(result.test.line): \(result.test.name)\n"
            for failure in result.failures { out += "  \(failure.replacingOccurrences(of: "\n", with: "\n  "))\n" }
        }
        if coverage || threshold != nil { out += render(run.coverage) }
        out += "policies: \(policy.packName) (\(policy.digest))\n"
        out += "\(run.passed) passed, \(run.failed) failed\n"
        // The last line says why the run failed when the tests passed but coverage did not.
        var belowThreshold = false
        if let threshold, run.coverage.percent < threshold {
            belowThreshold = true
            out += String(format: "FAILED: coverage %.1f%% is below the threshold of %.1f%%\n", run.coverage.percent, threshold)
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        if !diagnostics.filter(\.isError).isEmpty { throw ExitCode(2) }
        if run.failed > 0 || belowThreshold { throw ExitCode(1) }
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
