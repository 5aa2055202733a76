// The README cannot drift: every `sh` code block's commands run against the built binary, in
// order, in a scratch folder holding copies of policies/ and the test fixtures, and each exits
// as the README says (`# exit N` at the end of the line; 0 when it says nothing). Lines that
// build or test the package itself (`swift build`, `swift test`) are not run from inside the tests.

import Foundation
import Testing

struct READMECommand: CustomTestStringConvertible, Sendable {
    let line: Int
    let command: String
    let expectedStatus: Int32
    var testDescription: String { "README.md:\(line): \(command)" }
}

enum READMECommands {
    static let all: [READMECommand] = {
        guard let text = try? String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8) else { return [] }
        var commands: [READMECommand] = []
        var block: [(Int, String)]?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).enumerated() {
            if line.hasPrefix("```") {
                if let lines = block {
                    commands += parse(lines)
                    block = nil
                } else if line == "```sh" {
                    block = []
                }
                continue
            }
            block?.append((index + 1, line))
        }
        return commands
    }()

    /// With `$ ` prompts, only prompted lines are commands (the rest is output); without, every line is.
    static func parse(_ lines: [(Int, String)]) -> [READMECommand] {
        let prompted = lines.contains { $0.1.hasPrefix("$ ") }
        var commands: [READMECommand] = []
        var pending: (Int, String)?
        for (number, raw) in lines {
            var line = raw
            if let current = pending {
                pending = (current.0, current.1 + " " + line.trimmingCharacters(in: .whitespaces))
            } else {
                if prompted {
                    guard line.hasPrefix("$ ") else { continue }
                    line.removeFirst(2)
                }
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty, !line.hasPrefix("#") else { continue }
                pending = (number, line)
            }
            if pending!.1.hasSuffix("\\") {
                pending!.1.removeLast()
                continue
            }
            let (start, full) = pending!
            pending = nil
            var command = full.trimmingCharacters(in: .whitespaces)
            var status: Int32 = 0
            if let range = command.range(of: #"#\s*exit\s+(\d+)\s*$"#, options: .regularExpression) {
                status = Int32(command[range].filter(\.isNumber))!
                command = String(command[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            if command.hasPrefix("swift build") || command.hasPrefix("swift test") { continue }
            commands.append(READMECommand(line: start, command: command, expectedStatus: status))
        }
        return commands
    }

    /// The scratch folder of the suite now running (`READMEWorkspace`), so later commands see
    /// what earlier ones wrote.
    @TaskLocal static var workspace: URL?

    static func makeWorkspace() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placet-readme-\(UUID().uuidString)")
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: folder.appendingPathComponent("Tests/PlacetTests"), withIntermediateDirectories: true)
        try fileManager.copyItem(at: Fixtures.policiesDirectory, to: folder.appendingPathComponent("policies"))
        try fileManager.copyItem(at: Fixtures.packageRoot.appendingPathComponent("Tests/PlacetTests/Fixtures"),
                                 to: folder.appendingPathComponent("Tests/PlacetTests/Fixtures"))
        return folder
    }
}

/// One scratch folder for the whole suite, made before its first command and removed after
/// its last, so runs leave nothing behind in the temporary directory.
struct READMEWorkspace: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let folder = try READMECommands.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await READMECommands.$workspace.withValue(folder) { try await function() }
    }
}

@Suite(.serialized, READMEWorkspace()) struct READMETests {
    @Test func theREADMEHasCommandsToRun() {
        #expect(READMECommands.all.count >= 15, "\(READMECommands.all.map(\.command))")
        #expect(READMECommands.all.contains { $0.command.contains("policies/examples/broken") && $0.expectedStatus == 2 })
    }

    @Test(arguments: READMECommands.all)
    func commandExitsAsDocumented(_ entry: READMECommand) throws {
        let binary = PlacetExecutable.url.path
        let command = entry.command.replacingOccurrences(of: "swift run placet", with: "'\(binary)'")
        #expect(command.hasPrefix("'\(binary)'") || command.hasPrefix("cp "), "README.md:\(entry.line) is not a placet command: \(command)")
        let workspace = try #require(READMECommands.workspace, "READMETests runs in the folder READMEWorkspace makes")
        let result = try PlacetExecutable.run(["-c", command], in: workspace, executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(result.status == entry.expectedStatus, "README.md:\(entry.line): \(entry.command)\n\(result.stderr)")
        #expect(!result.stderr.contains("Usage:"), "README.md:\(entry.line): \(result.stderr)")
    }
}
