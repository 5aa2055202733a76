// The generated inventory `placet bench` measures: reference manifests (controllers, datasets,
// models, targets) and any number of placements, as JSON Lines, the same bytes on every run.

import Foundation
import PlacetLanguage

/// A deterministic inventory: the same counts always give the same bytes. It draws the same
/// random facts as the schema revision 1 generator did (same seed, same order of draws) and
/// adds the revision 2 facts deterministically (controllers, who runs each target and from
/// where, agreements, training purpose), so pack v1 and pack v2 are measured on the same
/// inventory and the difference is the law's, not the data's.
struct SyntheticInventory {
    let placements: Int
    let datasets = 1_000
    let models = 200
    var targets = 60
    let controllers = 20
    static let frameworks = ["spark", "ray", "dask", "mpi", "kubernetes", "slurm"]

    /// The reference manifests and `placements.jsonl`, in `directory`.
    func write(to directory: URL) throws {
        var generator = SplitMix64(seed: 2026)
        try writeReferences(to: directory, generator: &generator)
        var lines: [String] = []
        lines.reserveCapacity(placements)
        for index in 0..<placements { lines.append(placement(index, &generator)) }
        try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("placements.jsonl"), atomically: true, encoding: .utf8)
    }

    /// The same inventory with each placement in a file of its own, in `directory/placements`:
    /// how a repository that keeps one manifest per file looks to the loader.
    func writeOneFilePerPlacement(to directory: URL) throws {
        var generator = SplitMix64(seed: 2026)
        try writeReferences(to: directory, generator: &generator)
        let folder = directory.appendingPathComponent("placements")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for index in 0..<placements {
            let path = folder.appendingPathComponent("p\(String(100_000_000 + index).dropFirst()).jsonl").path
            guard FileManager.default.createFile(atPath: path, contents: Data((placement(index, &generator) + "\n").utf8)) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
    }

    /// The reference manifests alone: what `check --stream` reads from its PATHs.
    func writeReferences(to directory: URL) throws {
        var generator = SplitMix64(seed: 2026)
        try writeReferences(to: directory, generator: &generator)
    }

    /// The placements of `write`, one line (without newline) at a time, without holding them:
    /// the generator `check --stream` is measured with.
    func eachPlacement(_ body: (String) throws -> Void) rethrows {
        var generator = SplitMix64(seed: 2026)
        _ = referenceFiles(&generator)
        for index in 0..<placements { try body(placement(index, &generator)) }
    }

    private func writeReferences(to directory: URL, generator: inout SplitMix64) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in referenceFiles(&generator) {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    /// File name and contents of each reference file, drawing from `generator` in the fixed order.
    private func referenceFiles(_ generator: inout SplitMix64) -> [(String, String)] {
        let countries = ["DE", "FR", "NL", "IE", "SE", "NO", "US", "GB", "CH", "IN", "BR", "JP", "SG", "PL", "ES", "IT"]
        let frameworks = Self.frameworks
        let useCases = ["general", "general", "general", "transparency.chatbot", "annex3.employment", "annex3.education",
                        "annex3.creditScoring", "transparency.syntheticContent", "prohibited.socialScoring"]
        let controllerCountries = ["DE", "FR", "NL", "IE", "US", "IN", "GB", "SE"]
        let tiers = ["minimal", "limited", "high", "high", "minimal"]
        var files: [(String, String)] = []

        var out = ""
        for index in 0..<controllers {
            out += "{\"apiVersion\":\"placet/v1\",\"kind\":\"\(SchemaContract.controller)\",\"id\":\"c-\(index)\","
                + "\"establishedIn\":[\"\(controllerCountries[index % controllerCountries.count])\"]}\n"
        }
        files.append(("controllers.jsonl", out))

        out = ""
        for index in 0..<datasets {
            let personal = generator.next() % 3 != 0
            var fields = ["\"apiVersion\":\"placet/v1\"", "\"kind\":\"\(SchemaContract.dataset)\"", "\"id\":\"ds-\(index)\"", "\"personalData\":\(personal)"]
            if personal {
                fields.append("\"controller\":\"c-\(index % controllers)\"")
                fields.append("\"trainingPurposeCompatible\":true")
                fields.append("\"dataSubjects\":[\"\(["EU", "DE", "US", "EEA", "FR"][Int(generator.next() % 5)])\"]")
                if generator.next() % 4 != 0 { fields.append("\"lawfulBasis\":\"\(["consent", "contract", "legitimateInterests"][Int(generator.next() % 3)])\"") }
                if generator.next() % 5 == 0 { fields.append("\"specialCategories\":[\"health\"]") }
                if generator.next() % 3 == 0 { fields.append("\"art9Condition\":\"explicitConsent\"") }
                fields.append("\"dpia\":\"\(["notStarted", "inProgress", "completed"][Int(generator.next() % 3)])\"")
                if generator.next() % 4 == 0 { fields.append("\"transferMechanisms\":[\"scc\"]") }
            }
            if generator.next() % 6 == 0 { fields.append("\"residency\":[\"EU\"]") }
            fields.append("\"classification\":\"\(["public", "internal", "confidential", "restricted"][Int(generator.next() % 4)])\"")
            out += "{" + fields.joined(separator: ",") + "}\n"
        }
        files.append(("datasets.jsonl", out))

        out = ""
        for index in 0..<models {
            let trained = (0..<Int(generator.next() % 4)).map { _ in "\"ds-\(generator.next() % UInt64(datasets))\"" }
            let fields = [
                "\"apiVersion\":\"placet/v1\"", "\"kind\":\"\(SchemaContract.model)\"", "\"id\":\"m-\(index)\"",
                "\"useCase\":\"\(useCases[Int(generator.next() % UInt64(useCases.count))])\"",
                "\"riskTier\":\"\(tiers[Int(generator.next() % UInt64(tiers.count))])\"",
                "\"gpai\":\(generator.next() % 10 == 0)", "\"trainingFlops\":\(generator.next() % 2 == 0 ? "3e25" : "1e22")",
                "\"trainedOn\":[\(trained.joined(separator: ","))]",
                "\"anonymityAssessed\":\(generator.next() % 4 == 0)",
                "\"conformityAssessment\":\"\(["notStarted", "completed"][Int(generator.next() % 2)])\"",
                "\"humanOversight\":\(generator.next() % 2 == 0)",
            ]
            out += "{" + fields.joined(separator: ",") + "}\n"
        }
        files.append(("models.jsonl", out))

        out = ""
        for index in 0..<targets {
            let offered = frameworks.filter { _ in generator.next() % 2 == 0 }.map { "\"\($0)\"" }
            let fields = [
                "\"apiVersion\":\"placet/v1\"", "\"kind\":\"\(SchemaContract.target)\"", "\"id\":\"t-\(index)\"", "\"provider\":\"cloud\(index % 5)\"",
                "\"country\":\"\(countries[index % countries.count])\"", "\"sovereign\":\(generator.next() % 3 == 0)",
                "\"dpfCertified\":\(generator.next() % 2 == 0)", "\"gpuHourCost\":\(1 + generator.next() % 9)",
                "\"frameworks\":[\(offered.joined(separator: ","))]",
                "\"processorAgreement\":true", "\"transferMechanisms\":[\"scc\"]",
                "\"accessFrom\":[\"\(countries[index % countries.count])\"]",
            ]
            out += "{" + fields.joined(separator: ",") + "}\n"
        }
        files.append(("targets.jsonl", out))
        return files
    }

    /// Placement `index`, drawing from `generator` after the reference files and earlier placements.
    private func placement(_ index: Int, _ generator: inout SplitMix64) -> String {
        let workloads = ["training", "fineTuning", "inference", "batchScoring"]
        let stages = ["development", "staging", "production"]
        let datasetList = (0..<(1 + Int(generator.next() % 3))).map { _ in "\"ds-\(generator.next() % UInt64(datasets))\"" }
        var fields = [
            "\"apiVersion\":\"placet/v1\"", "\"kind\":\"\(SchemaContract.placement)\"", "\"id\":\"pl-\(index)\"",
            "\"workload\":\"\(workloads[Int(generator.next() % 4)])\"", "\"model\":\"m-\(generator.next() % UInt64(models))\"",
            "\"datasets\":[\(datasetList.joined(separator: ","))]", "\"target\":\"t-\(generator.next() % UInt64(targets))\"",
            "\"stage\":\"\(stages[Int(generator.next() % 3)])\"",
        ]
        if generator.next() % 2 == 0 { fields.append("\"framework\":\"\(Self.frameworks[Int(generator.next() % 6)])\"") }
        return "{" + fields.joined(separator: ",") + "}"
    }
}

/// A tiny deterministic generator, so benchmarks do not depend on the system's randomness.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
