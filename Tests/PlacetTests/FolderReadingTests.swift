// What a folder scan reads: regular files only, sized through links. Opening a FIFO waits for
// a writer (`placet check FOLDER` waited forever on one named like a manifest), so a FIFO
// found in a folder is an error, exit 2, and is never opened; named on the command line it
// is still read (`placet check <(generate)`).

import Foundation
import PlacetEngine
import PlacetLanguage
@testable import PlacetLanguageServer
import PlacetManifests
@testable import PlacetServer
import PlacetWorkflows
import Synchronization
import Testing

@Suite struct FolderReadingTests {
    static func folder() throws -> URL { try ManifestFileReadingTests.folder() }
    static let target = ManifestFileReadingTests.target

    /// A file of `size` bytes with nothing written (all NUL, no disk used), for size limits.
    static func sparseFile(_ url: URL, size: Int) throws {
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        guard truncate(url.path, off_t(size)) == 0 else { throw POSIXError(.EIO) }
    }

    /// Makes a FIFO at `path`, and, while the test runs, writes `payload` to it and closes it
    /// whenever a reader waits on it: code that wrongly reads the FIFO then sees a file and
    /// fails its expectations, instead of hanging the test run.
    final class FIFO: Sendable {
        let path: String
        private let stopped = Mutex(false)
        private let opened = Mutex(false)

        init(_ url: URL, payload: String = "") throws {
            path = url.path
            guard mkfifo(path, 0o600) == 0 else { throw POSIXError(.EEXIST) }
            let bytes = Array(payload.utf8)
            let thread = Thread { [self] in
                while !stopped.withLock({ $0 }) {
                    // Fails (ENXIO) while no reader has it open.
                    let descriptor = open(path, O_WRONLY | O_NONBLOCK)
                    if descriptor >= 0 {
                        opened.withLock { $0 = true }
                        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                        close(descriptor)
                    }
                    usleep(20_000)
                }
            }
            thread.start()
        }

        /// Stops writing, and records an issue if anything opened the FIFO to read it.
        func finish(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            stopped.withLock { $0 = true }
            #expect(!opened.withLock { $0 }, "the FIFO was opened to be read", sourceLocation: sourceLocation)
        }
    }

    @Test func aFIFOInAManifestFolderIsAnErrorAndTheRestIsRead() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(Self.target.utf8).write(to: directory.appendingPathComponent("targets.jsonl"))
        let fifo = try FIFO(directory.appendingPathComponent("placements.jsonl"))
        defer { fifo.finish() }
        let loaded = ManifestLoader(policy: Fixtures.baseline).load(paths: [directory.path])
        #expect(loaded.diagnostics.map(\.id) == ["manifest.notRegularFile"], "\(loaded.diagnostics.map(\.message))")
        #expect(loaded.diagnostics.first?.message.hasPrefix("\(fifo.path): not a regular file") == true)
        #expect(loaded.diagnostics.first?.isError == true)
        #expect(loaded.inventory.tables[Fixtures.baseline.schema.recordIndex["Target"]!].ids == ["t-1"])
    }

    /// Only a FIFO: its error, not also "no manifest files" (there is one; it is not read).
    @Test func aFolderOfOnlyAFIFOSaysWhy() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = try FIFO(directory.appendingPathComponent("targets.yaml"))
        defer { fifo.finish() }
        let (files, diagnostics) = ManifestLoader.discover(paths: [directory.path])
        #expect(files.isEmpty)
        #expect(diagnostics.map(\.id) == ["manifest.notRegularFile"])
    }

    /// The command ends with exit 2 and the file's name, and nothing is approved.
    @Test func checkOnAFolderWithAFIFOFailsClosed() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["controllers.yaml", "datasets.yaml", "models.yaml", "targets.yaml", "placements.yaml"] {
            try FileManager.default.copyItem(at: Fixtures.acmeDirectory.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let fifo = try FIFO(directory.appendingPathComponent("zz-more.yaml"))
        defer { fifo.finish() }
        let result = try PlacetExecutable.run(["check", "--format", "json", "--as-of", "2028-01-01", directory.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("zz-more.yaml: not a regular file"), "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect((report["decisions"] as? [Any])?.isEmpty == true)
    }

    @Test func aFIFOInAPolicyFolderIsRefused() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: Fixtures.policiesDirectory.appendingPathComponent("pack.yaml"), to: directory.appendingPathComponent("pack.yaml"))
        let fifo = try FIFO(directory.appendingPathComponent("b.placet"))
        defer { fifo.finish() }
        #expect(throws: PolicyLoadError.self) { try PolicyPack(directory: directory.path) }
        do {
            _ = try PolicyPack(directory: directory.path)
        } catch let error as PolicyLoadError {
            #expect(error.message == "policy file '\(fifo.path)' is not a regular file (a FIFO, socket or device)")
        }
        let formatted = try PlacetExecutable.run(["fmt", "--check", directory.path])
        #expect(formatted.status != 0)
        #expect(formatted.stderr.contains("b.placet' is not a regular file"), "\(formatted.stderr)")
    }

    /// A file given where a pack's folder goes is told apart from a folder that is missing.
    @Test func aFileIsNotAPolicyFolder() throws {
        let file = Fixtures.policiesDirectory.appendingPathComponent("pack.yaml").path
        #expect(throws: PolicyLoadError.self) { try PolicyPack(directory: file) }
        do {
            _ = try PolicyPack(directory: file)
        } catch let error as PolicyLoadError {
            #expect(error.message == "'\(file)' is not a directory: a policy pack is a folder of *.placet files")
        }
        let linted = try PlacetExecutable.run(["lint", "/dev/null"])
        #expect(linted.status == 2)
        #expect(linted.stderr.contains("'/dev/null' is not a directory"), "\(linted.stderr)")
    }

    /// A policy file over the limit is refused by its size, before it is read.
    @Test func aPolicyFileOverTheLimitIsRefused() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let large = directory.appendingPathComponent("large.placet")
        try Self.sparseFile(large, size: PolicyPack.maximumFileSize + 1)
        do {
            _ = try PolicyPack(directory: directory.path)
            Issue.record("a policy file over the limit was read")
        } catch let error as PolicyLoadError {
            #expect(error.message == "policy file '\(large.path)' is \(PolicyPack.maximumFileSize + 1) bytes, over the limit of \(PolicyPack.maximumFileSize) bytes")
        }
        try Self.sparseFile(large, size: PolicyPack.maximumFileSize)
        // At the limit it is read (and, all NUL bytes, fails to compile, which is not this test's business).
        #expect(throws: Never.self) { try PolicyPack(directory: directory.path) }
    }

    @Test func aFIFOAmongPolicyTestsIsAnError() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = try FIFO(directory.appendingPathComponent("waits.test.yaml"))
        defer { fifo.finish() }
        let pack = try PolicyPack(directory: Fixtures.policiesDirectory.path)
        let (run, diagnostics) = PolicyTestWorkflow.run(testDirectory: directory.path, pack: pack, policy: Fixtures.baseline,
                                                        defaultAsOf: CivilDate(iso: "2028-01-01")!)
        #expect(run?.results.count == nil)
        #expect(diagnostics.map(\.id) == ["test.notRegularFile"])
    }

    /// The language server reads a manifest's neighbours: a FIFO among them is passed over,
    /// never opened, and a link is sized by what it leads to (it used to be sized as a link,
    /// so a link to a file of any size was read whole before the limit was checked).
    @Test func theLanguageServerReadsOnlyRegularNeighboursWithinTheLimit() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let valid = directory.appendingPathComponent("targets.yaml")
        try Data("apiVersion: placet/v1\nkind: Target\n".utf8).write(to: valid)
        let fifo = try FIFO(directory.appendingPathComponent("waits.yaml"), payload: "apiVersion: placet/v1\nkind: Target\n")
        defer { fifo.finish() }
        let large = directory.appendingPathComponent("large.data")
        try Data(("apiVersion: placet/v1\n" + String(repeating: "#", count: PolicyAnalysis.maximumDocumentSize)).utf8).write(to: large)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("linked.yaml").path, withDestinationPath: large.path)
        let inputs = ManifestAnalysis.inputs(folder: directory.path, workspace: Workspace())
        #expect(inputs.map(\.path) == [valid.path])
    }

    /// The server's reference manifests: a link to a file over the limit is refused by the
    /// size of that file (every file of a ConfigMap volume is a link).
    @Test func theServerSizesReferenceFilesThroughLinks() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let real = directory.appendingPathComponent("real.data")
        try Data(Self.target.utf8).write(to: real)
        let link = directory.appendingPathComponent("targets.jsonl")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: real.path)
        let (refused, refusals) = PackLoader.readReferences([directory.path], maximumFileSize: Self.target.utf8.count - 1)
        #expect(refused.isEmpty)
        #expect(refusals.map(\.id) == ["manifest.tooLarge"])
        let (read, diagnostics) = PackLoader.readReferences([directory.path], maximumFileSize: Self.target.utf8.count)
        #expect(read.map(\.path) == [link.path])
        #expect(diagnostics.isEmpty)
    }

    /// Files read whole (policy files, policy tests and the manifests they name, `fmt`,
    /// `import`, the language server's): a regular file within the limit, through links; a
    /// FIFO or folder is refused without being opened; a file over the limit is refused by its
    /// size, unread.
    @Test func filesReadWholeAreRegularAndWithinTheLimit() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("three.yaml")
        try Data("abc".utf8).write(to: file)
        let link = directory.appendingPathComponent("link.yaml")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: file.path)
        let fifo = try FIFO(directory.appendingPathComponent("waits.yaml"), payload: "abc")
        defer { fifo.finish() }
        #expect(RegularFile.read(atPath: file.path, limit: 3) == .success(Array("abc".utf8)))
        #expect(RegularFile.read(atPath: link.path, limit: 3) == .success(Array("abc".utf8)))
        #expect(RegularFile.read(atPath: file.path, limit: 2) == .failure(.tooLarge(size: 3, limit: 2)))
        #expect(RegularFile.read(atPath: fifo.path, limit: 3) == .failure(.notRegular))
        #expect(RegularFile.read(atPath: directory.path, limit: 3) == .failure(.notRegular))
        #expect(RegularFile.read(atPath: directory.appendingPathComponent("none").path, limit: 3)
            == .failure(.unreadable(reason: "No such file or directory")))
    }

    /// A large file is read in parts on every core at once (the threshold lowered here to one
    /// byte): the same bytes as reading it in turn, and the descriptor's offset untouched,
    /// which shows the parts were read. A file not of the expected size, or one already read
    /// from, is read in turn from where it stands.
    @Test(arguments: [1, 2, 3, 4_097, (1 << 16) + 7])
    func largeFilesAreReadInPartsToTheSameBytes(size: Int) throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("placements.jsonl")
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        try Data(bytes).write(to: file)
        func opened() -> Int32 { open(file.path, O_RDONLY | O_CLOEXEC) }

        let inParts = opened()
        defer { close(inParts) }
        #expect(RegularFile.readToEnd(inParts, expected: size, limit: size, inPartsFrom: 1) == bytes)
        #expect(lseek(inParts, 0, SEEK_CUR) == 0)

        let expectingMore = opened()
        defer { close(expectingMore) }
        #expect(RegularFile.readToEnd(expectingMore, expected: size + 10, limit: size + 10, inPartsFrom: 1) == bytes)
        #expect(lseek(expectingMore, 0, SEEK_CUR) == off_t(size))

        let started = opened()
        defer { close(started) }
        var first: UInt8 = 0
        #expect(read(started, &first, 1) == 1)
        #expect(RegularFile.readToEnd(started, expected: size, limit: size, inPartsFrom: 1) == Array(bytes.dropFirst()))
    }

    /// `placet test` read a test file, and each manifest file a test names, whole and with no
    /// limit (a FIFO gave "cannot read"): now a test naming a FIFO fails with the reason, the
    /// FIFO unopened, and a test file over the limit is refused by its size.
    @Test func policyTestsReadRegularFilesWithinTheLimit() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = try FIFO(directory.appendingPathComponent("waits.yaml"), payload: Self.target)
        defer { fifo.finish() }
        let tests = directory.appendingPathComponent("fifo.test.yaml")
        try Data("""
            tests:
              - name: names a FIFO
                files: [waits.yaml]
                manifests:
                  - {apiVersion: placet/v1, kind: Dataset, id: ds-1, personalData: false}
                expect:
                  pl-1: {decision: approve}

            """.utf8).write(to: tests)
        let runner = PolicyTestRunner(policy: Fixtures.baseline, defaultAsOf: CivilDate(iso: "2028-01-01")!)
        let (run, diagnostics) = runner.run(files: [tests.path])
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        #expect(run.results.map(\.failures) == [["\(fifo.path): not a regular file (a folder, FIFO, socket or device), so it is not read"]])

        let large = directory.appendingPathComponent("large.test.yaml")
        try Self.sparseFile(large, size: PolicyTestRunner.maximumTestFileSize + 1)
        let (_, refusals) = runner.parse(file: large.path)
        #expect(refusals.map(\.id) == ["test.tooLarge"])
        #expect(refusals.map(\.message) == ["\(large.path): file is \(PolicyTestRunner.maximumTestFileSize + 1) bytes, over the limit of \(PolicyTestRunner.maximumTestFileSize) bytes"])
    }

    /// `placet fmt` and `placet import` read their named file the same way.
    @Test func fmtAndImportRefuseWhatTheyShouldNotRead() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let large = directory.appendingPathComponent("large.placet")
        try Self.sparseFile(large, size: PolicyPack.maximumFileSize + 1)
        let formatted = try PlacetExecutable.run(["fmt", "--check", large.path])
        #expect(formatted.status == 2)
        #expect(formatted.stderr.contains("over the limit of \(PolicyPack.maximumFileSize) bytes"), "\(formatted.stderr)")
        let imported = try PlacetExecutable.run(["import", "croissant", directory.path])
        #expect(imported.status == 2)
        #expect(imported.stderr.contains("not a regular file"), "\(imported.stderr)")
    }
}
