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
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("error: \(file): cannot read the log\n".utf8))
            throw ExitCode(2)
        }
        switch DecisionLog.verify(String(decoding: data, as: UTF8.self)) {
        case .intact(let records):
            print("\(file): intact, \(records) record\(records == 1 ? "" : "s")")
        case .tampered(let line, let reason):
            print("\(file):\(line): tampered: \(reason)")
            throw ExitCode(1)
        }
    }
}
