// placet: the command-line tool. Thin by design: it parses arguments, calls the libraries,
// prints, and chooses the exit code (0 approved, 1 blocked, 2 error: fail closed).

import ArgumentParser
import Foundation
import PlacetWorkflows

@main
struct Placet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placet",
        abstract: "Decide where machine-learning data and models may run, citing the law behind every decision.",
        discussion: """
            Exit codes: 0 every placement approved, 1 at least one blocked, 2 a policy, manifest or usage error \
            (nothing is approved while an error stands).
            """,
        version: PlacetVersion.current,
        subcommands: [CheckCommand.self, WhereCommand.self, ExportCommand.self, ImportCommand.self, ExplainCommand.self, TestCommand.self, VerifyLogCommand.self, SchemaCommand.self, BenchCommand.self, LintCommand.self, DiffCommand.self, FmtCommand.self, RulesCommand.self, LSPCommand.self, ServeCommand.self])

    /// Usage errors exit 2, like every other error that stops a check (argument-parser's default is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if exitCode(for: error) == .success { Placet.exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
