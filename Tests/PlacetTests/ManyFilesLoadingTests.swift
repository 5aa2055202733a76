// A folder of many small files is read, parsed and converted on every core, files ahead of
// the one being added: what it gives must be what reading the files one after another gives,
// records and diagnostics in file order, up to the error limit.

import Foundation
import PlacetEngine
import PlacetLanguage
@testable import PlacetManifests  // PreparedInput, to see what a file prepared ahead holds
import Testing

@Suite struct ManyFilesLoadingTests {
    static func target(_ id: String) -> String {
        #"{"apiVersion": "placet/v1", "kind": "Target", "id": "\#(id)", "provider": "onprem", "country": "DE", "gpuHourCost": 2, "frameworks": ["kubernetes"], "accessFrom": ["DE"]}"#
    }

    /// Files of every format read ahead, with errors of each kind between their manifests, a
    /// JSON Lines file too large to read ahead, an XML file (read in turn) and one that cannot
    /// be read.
    static func folder() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-many-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for index in 0..<240 {
            let name = String(format: "f%03d", index)
            let contents: (String, [UInt8])
            switch index % 6 {
            case 0:
                contents = ("yaml", Array("""
                    apiVersion: placet/v1
                    kind: Target
                    id: t-\(index)
                    provider: onprem
                    country: DE
                    gpuHourCost: 2
                    frameworks: [kubernetes]
                    accessFrom: [DE]

                    """.utf8))
            case 1:
                contents = ("json", Array("[\(target("t-\(index)-a")),\n \(target("t-\(index)-b"))]\n".utf8))
            case 2:
                contents = ("jsonl", Array("\(target("t-\(index)-a"))\n\(target("t-\(index)-b"))\n".utf8))
            case 3:
                // An error between two manifests of one file.
                contents = ("yml", Array("\(target("t-\(index)-a"))\n---\njust text\n---\n\(target("t-\(index)-b"))\n".utf8))
            case 4:
                contents = index % 24 == 4
                    ? ("json", Array("{\"apiVersion\": \"placet/v1\",\n  \"kind\": ".utf8))
                    : ("json", Array(target("t-0").utf8))  // a duplicate id
            default:
                switch index % 30 {
                case 5: contents = ("yaml", Array("id: t-\(index)\n".utf8) + [0xC3, 0x28, 0x0A])
                case 11: contents = ("yaml", Array("id: t-\(index)\nframeworks: [kubernetes\n".utf8))
                default: contents = ("yaml", Array("\(target("t-\(index)"))\n".utf8))
                }
            }
            try Data(contents.1).write(to: directory.appendingPathComponent("\(name).\(contents.0)"))
        }
        let big = (0..<2_000).map { target("big-\($0)") }.joined(separator: "\n") + "\n"
        #expect(big.utf8.count > 1 << 18, "too large to read ahead")
        try Data(big.utf8).write(to: directory.appendingPathComponent("f100-big.jsonl"))
        let placements = try Data(contentsOf: Fixtures.acmeDirectory.appendingPathComponent("bulk.jsonl"))
        try placements.write(to: directory.appendingPathComponent("f200-placements.jsonl"))
        try Data("<manifests xmlns=\"\(XMLTests.namespace)\">\n<dataset id=\"d\">\n</manifests>\n".utf8)
            .write(to: directory.appendingPathComponent("f150-broken.xml"))
        // A file whose read fails (EIO), among those read ahead.
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("f050-unreadable.jsonl").path,
                                                   withDestinationPath: "/proc/self/mem")
        return directory
    }

    static func described(_ loaded: ManifestLoadResult) -> (diagnostics: [String], ids: [[String]], files: [InputFile]) {
        (loaded.diagnostics.map { "\($0.id) \($0.location?.file ?? ""):\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.message)" },
         loaded.inventory.tables.map(\.ids),
         loaded.inventory.files)
    }

    /// The same files read one by one, each in its turn, in the order the folder is read.
    static func oneAfterAnother(_ directory: URL, standardInput: [UInt8]?, loader: ManifestLoader) -> ManifestLoadResult {
        var builder = InventoryBuilder(policy: loader.policy, errorLimit: loader.errorLimit)
        for file in ManifestLoader.discover(paths: [directory.path]).files {
            loader.read(paths: [file], into: &builder)
        }
        if let standardInput {
            loader.read(paths: [StandardInput.path], standardInput: StandardInput(format: .jsonl) { _ in standardInput }, into: &builder)
        }
        return builder.finish()
    }

    @Test func aFolderReadOnEveryCoreGivesWhatReadingFilesInOrderGives() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let piped = Array("\(Self.target("stdin-1"))\n\(Self.target("t-0"))\n".utf8)
        let loader = ManifestLoader(policy: Fixtures.baseline)
        let loaded = loader.load(paths: [directory.path, StandardInput.path],
                                 standardInput: StandardInput(format: .jsonl) { _ in piped })
        let expected = Self.described(Self.oneAfterAnother(directory, standardInput: piped, loader: loader))
        let seen = Self.described(loaded)
        #expect(seen.diagnostics == expected.diagnostics)
        #expect(seen.ids == expected.ids)
        #expect(seen.files == expected.files)
        // What the folder holds, so the comparison is not of two empty loads.
        let ids = Set(seen.diagnostics.map { String($0.prefix { $0 != " " }) })
        #expect(ids.isSuperset(of: ["manifest.malformedJSON", "manifest.malformedYAML", "manifest.invalidUTF8",
                                    "manifest.notAManifest", "manifest.duplicateID", "manifest.invalidXML", "manifest.unreadable"]), "\(ids)")
        let targets = seen.ids[Fixtures.baseline.schema.recordIndex["Target"]!]
        #expect(targets.count > 2_200)
        #expect(targets.contains("big-1999") && targets.contains("stdin-1"))
        #expect(seen.files.count == 244, "every file but the unreadable one")
        #expect(seen.files.last?.path == "<stdin>")
    }

    @Test(arguments: [1, 7, 40])
    func theErrorLimitStopsAtTheFirstFilesErrorsInOrder(limit: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("placet-many-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for index in 0..<200 {
            try Data("[1, \n".utf8).write(to: directory.appendingPathComponent(String(format: "bad%03d.json", index)))
        }
        var loader = ManifestLoader(policy: Fixtures.baseline)
        loader.errorLimit = limit
        let loaded = loader.load(paths: [directory.path])
        let expected = (0..<limit).map { String(format: "manifest.malformedJSON bad%03d.json", $0) } + ["manifest.tooManyErrors "]
        #expect(loaded.diagnostics.map { "\($0.id) \(($0.location?.file as NSString?)?.lastPathComponent ?? "")" } == expected)
        #expect(loaded.inventory.files.count == limit)
        #expect(Self.described(loaded).diagnostics
            == Self.described(Self.oneAfterAnother(directory, standardInput: nil, loader: loader)).diagnostics)
    }

    /// A file prepared ahead stops converting at the error limit: the errors after it could
    /// not be shown, and thousands of them would be held for nothing.
    @Test(arguments: [ManifestFormat.yaml, .json])
    func aFilePreparedAheadHoldsNoMoreThanTheErrorLimit(format: ManifestFormat) throws {
        let text = format == .yaml ? String(repeating: "- {}\n", count: 5_000) : "[" + Array(repeating: "{}", count: 5_000).joined(separator: ",") + "]"
        let input = ManifestInput(path: "many.\(format.rawValue)", text: text)
        let prepared = PreparedInput.prepare(input, policy: Fixtures.baseline, lineConverter: nil, errorLimit: 12)
        guard case .manifests(let manifests, let errors, _) = prepared.content else {
            Issue.record("expected manifests, got \(prepared.content)")
            return
        }
        let held = manifests.map(\.diagnostics.count).reduce(errors.count, +)
        #expect(held >= 12 && held < 50 && manifests.count <= 12, "\(manifests.count) manifests, \(held) errors")
        var loader = ManifestLoader(policy: Fixtures.baseline)
        loader.errorLimit = 12
        let loaded = loader.load(inputs: [input])
        #expect(loaded.diagnostics.count == 13)
        #expect(loaded.diagnostics.last?.id == "manifest.tooManyErrors")
        #expect(loaded.diagnostics.dropLast().allSatisfy { $0.location?.file == input.path && $0.location!.line <= 12 })
    }

    @Test(arguments: [
        ("a.yaml", ManifestFormat.yaml), ("dir.d/b.YML", .yaml), ("c.b.json", .json), ("d.jsonl", .jsonl), ("e.xml", .xml),
        ("x/y.yaml/", .yaml), ("..jsonl", .jsonl),
    ])
    func formatsFromExtensions(path: String, format: ManifestFormat) {
        #expect(ManifestFormat(path: path) == format)
    }

    @Test(arguments: [".yaml", "x/.json", "dir.d/file", "file.", "", "/", "a.yaml ", "a.txt"])
    func pathsWithoutAManifestExtension(path: String) {
        #expect(ManifestFormat(path: path) == nil)
    }
}
