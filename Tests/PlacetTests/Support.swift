// Shared test fixtures: the baseline pack compiled once, manifests from inline text, and a
// runner for the built `placet` executable.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import Testing

enum Fixtures {
    /// The package root, found from this file's path so tests run from any directory.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let policiesDirectory = packageRoot.appendingPathComponent("policies")
    static let acmeDirectory = policiesDirectory.appendingPathComponent("examples/acme")
    static let goldenDirectory = packageRoot.appendingPathComponent("Tests/PlacetTests/Golden")

    /// The repository's policies/, with paths relative to it as diagnostics in these tests expect.
    static let baselineSources: [SourceFile] = {
        let pack = try! PolicyPack(directory: policiesDirectory.path)
        return pack.sources.map { SourceFile(path: String($0.path.dropFirst(pack.displayPrefix.count)), text: $0.text) }
    }()

    /// The bundled baseline pack, compiled once for the whole test run.
    static let baseline: CompiledPolicy = {
        let (policy, diagnostics) = CompiledPolicy.compile(sources: baselineSources)
        precondition(policy != nil, "baseline pack does not compile: \(diagnostics.map(\.message))")
        return policy!
    }()

    /// The baseline pack plus one more policy file, for type-checker tests.
    static func compile(adding text: String, path: String = "test.placet") -> (CompiledPolicy?, [Diagnostic]) {
        CompiledPolicy.compile(sources: baselineSources + [SourceFile(path: path, text: text)])
    }

    static func load(_ inputs: [ManifestInput], policy: CompiledPolicy = baseline) -> ManifestLoadResult {
        ManifestLoader(policy: policy).load(inputs: inputs)
    }

    static func load(yaml: String, path: String = "test.yaml", policy: CompiledPolicy = baseline) -> ManifestLoadResult {
        load([ManifestInput(path: path, text: yaml)], policy: policy)
    }

    /// Loads manifests (which must be valid) and assesses them on a date.
    static func assess(yaml: String, asOf: String = "2028-01-01", policy: CompiledPolicy = baseline,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Assessment? {
        let loaded = load(yaml: yaml, policy: policy)
        #expect(loaded.diagnostics.filter(\.isError).map(\.message) == [], sourceLocation: sourceLocation)
        guard !loaded.hasErrors else { return nil }
        return PlacementAssessor(policy: policy, asOf: CivilDate(iso: asOf)!).assess(loaded.inventory)
    }
}

extension Assessment {
    func decision(_ placement: String) -> Decision? {
        decisions.first { $0.placement == placement }
    }
}

extension Decision {
    /// Findings as `rule [subjects]` strings, with ` waived` when waived: easy to compare in tables.
    var summaries: [String] {
        findings.map { "\($0.rule) [\($0.subjects.joined(separator: ","))]" + ($0.waived ? " waived" : "") }
    }
}

/// Runs the built executable (next to the test bundle) and captures its output.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var stdoutData: Data
}

enum PlacetExecutable {
    static var url: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [bundle.appendingPathComponent("placet"),
                          bundle.deletingLastPathComponent().appendingPathComponent("placet")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    static func run(_ arguments: [String], in directory: URL = Fixtures.packageRoot, input: Data? = nil,
                    executable: URL? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable ?? url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            // Written from another thread: a large input must not block while the child's output fills its pipe.
            DispatchQueue.global().async {
                stdin.fileHandleForWriting.write(input)
                try? stdin.fileHandleForWriting.close()
            }
        }
        // Read both pipes before waiting, or large output deadlocks.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
    }
}

/// Wall-clock bounds in the tests are set for a plain debug build. Under a sanitizer
/// (scripts/sanitized-tests.sh sets PLACET_TEST_TIME_SCALE) everything runs slower by about a
/// constant factor, so each bound is multiplied by it: a hang or a blow-up still fails.
enum TestTiming {
    static let scale = Double(ProcessInfo.processInfo.environment["PLACET_TEST_TIME_SCALE"] ?? "") ?? 1

    static func seconds(_ limit: Double) -> Double { limit * scale }

    static func duration(_ limit: Duration) -> Duration { limit * scale }
}
