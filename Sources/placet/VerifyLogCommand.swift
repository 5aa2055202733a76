// `placet verify-log FILE`: check a decision log's hash chain.

import ArgumentParser
import Foundation
import PlacetReports

struct VerifyLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-log",
        abstract: "Check a decision log's hash chain; report the first record altered, removed or reordered.",
        discussion: "Exit 0 when the chain is intact, 1 when it was tampered with, 2 when the file cannot be read.")

    @Argument(help: ArgumentHelp("The decision log written by check --log.", valueName: "file"))
    var file: String

    func run() throws {
        let verdict: DecisionLog.Verdict
        do {
            verdict = try DecisionLog.verify(file: file)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        switch verdict {
        case .intact(let records):
            print("\(file): intact, \(records) record\(records == 1 ? "" : "s")")
        case .tampered(let line, let reason):
            print("\(file):\(line): tampered: \(reason)")
            throw ExitCode(1)
        }
    }
}
