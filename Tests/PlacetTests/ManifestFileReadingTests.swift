// Manifest files read from disk: every byte, within the size limit, and a file that cannot
// be read is an error, never an empty file that passes.

import Foundation
import PlacetLanguage
import PlacetManifests
import Testing

@Suite struct ManifestFileReadingTests {
    static func folder() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static let target = """
        {"apiVersion": "placet/v1", "kind": "Target", "id": "t-1", "provider": "onprem", "country": "DE", "gpuHourCost": 2, "frameworks": ["kubernetes"], "accessFrom": ["DE"]}

        """

    /// A file whose read fails (`/proc/self/mem` at offset 0 gives EIO) is reported, even as
    /// JSON Lines, where an empty file would be valid and so would have passed unseen.
    @Test func aFileThatCannotBeReadIsAnError() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("placements.jsonl")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/proc/self/mem")
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: [directory.path])
        let unreadable = loaded.diagnostics.filter { $0.id == "manifest.unreadable" }
        #expect(unreadable.count == 1, "\(loaded.diagnostics.prefix(3).map(\.message))")
        #expect(unreadable.first?.message.hasPrefix("\(link.path): cannot read the file") == true)
    }

    @Test(arguments: [0, 1])
    func aFileAtTheLimitIsReadAndOneByteMoreIsRefused(over: Int) throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("targets.jsonl")
        let bytes = Array(Self.target.utf8)
        try Data(bytes + Array(repeating: UInt8(ascii: "\n"), count: over)).write(to: file)
        var loader = ManifestLoader(policy: Fixtures.baseline)
        loader.maximumFileSize = bytes.count
        let loaded = loader.load(paths: [file.path])
        let targets = loaded.inventory.tables[Fixtures.baseline.schema.recordIndex["Target"]!]
        if over == 0 {
            #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.prefix(3).map(\.message))")
            #expect(targets.ids == ["t-1"])
        } else {
            #expect(loaded.diagnostics.map(\.id).contains("manifest.tooLarge"))
            #expect(targets.count == 0)
        }
    }

    /// A pipe (`<(generate)` in a shell) has no size: it is read to its end.
    @Test(.timeLimit(.minutes(1)))
    func aPipeIsReadToItsEnd() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("targets.jsonl")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        // Enough lines that the pipe fills several times over.
        let text = (0..<2_000).map { Self.target.replacingOccurrences(of: "t-1", with: "t-\($0)") }.joined()
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: fifo.path) else { return }
            handle.write(Data(text.utf8))
            try? handle.close()
        }
        writer.start()
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: [fifo.path])
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.prefix(3).map(\.message))")
        #expect(loaded.inventory.tables[Fixtures.baseline.schema.recordIndex["Target"]!].ids == (0..<2_000).map { "t-\($0)" })
    }

    /// A placement naming thousands of unknown datasets: the first 500 are reported, each at
    /// its id, then the limit's note; the rest are counted, not built.
    @Test func danglingReferencesStopAtTheErrorLimit() throws {
        let ids = (0..<2_000).map { "\"ds-\($0)\"" }.joined(separator: ", ")
        let line = #"{"apiVersion": "placet/v1", "kind": "Placement", "id": "p", "workload": "training", "model": "m", "target": "t", "stage": "development", "datasets": ["# + ids + "]}\n"
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(inputs: [ManifestInput(path: "flood.jsonl", bytes: Array(line.utf8))])
        #expect(loaded.diagnostics.count == 501)
        #expect(loaded.diagnostics.filter { $0.id == "manifest.danglingReference" }.count == 500)
        #expect(loaded.diagnostics.last?.id == "manifest.tooManyErrors")
        let first = try #require(loaded.diagnostics.first { $0.message.hasSuffix("no Dataset with id 'ds-0'") })
        // At the quoted id, 1-based.
        let column = Array(line.utf8).firstRange(of: Array("\"ds-0\"".utf8))!.lowerBound + 1
        #expect(first.location?.line == 1)
        #expect(first.location?.column == column)
    }

    /// A failed read of standard input is an error, not the part read so far.
    @Test func standardInputThatCannotBeReadIsAnError() throws {
        let input = StandardInput(format: .jsonl) { _ in nil }
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: [StandardInput.path], standardInput: input)
        #expect(loaded.diagnostics.map(\.id) == ["manifest.unreadable"])
        #expect(loaded.diagnostics.first?.message.hasPrefix("<stdin>: cannot read standard input") == true)
    }

    /// The same through the command: standard input redirected from a folder fails to read.
    @Test func theCommandRefusesStandardInputItCannotRead() throws {
        let result = try PlacetExecutable.run(
            ["-c", "exec \"$0\" check --as-of 2028-01-01 policies/examples/acme/targets.yaml - < /", PlacetExecutable.url.path],
            executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(result.status == 2)
        #expect(result.stderr.contains("<stdin>: cannot read standard input"), "\(result.stderr)")
    }

    /// Yams prints a line to standard output when it reads its encoding from
    /// YAMS_DEFAULT_ENCODING; Placet gives the encoding, so the report stays the report.
    @Test func yamlReadingWritesNothingIntoTheReport() throws {
        let result = try PlacetExecutable.run(
            ["-c", "YAMS_DEFAULT_ENCODING=utf8 exec \"$0\" check --format json --as-of 2028-01-01 policies/examples/acme", PlacetExecutable.url.path],
            executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(result.status == 1)
        #expect(!result.stdout.contains("YAMS_DEFAULT_ENCODING"))
        let report = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
        #expect((report?["decisions"] as? [Any])?.count == 30)
    }
}
