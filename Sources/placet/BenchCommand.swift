// `placet bench`: a deterministic synthetic inventory (1,000 datasets, 200 models,
// 60 targets, N placements) written as JSON Lines, then checked through the same path as
// `check --format json`: load, assess, render. Prints the time of each phase, placements
// per second and the process's peak memory.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports
import PlacetWorkflows

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure check throughput on a generated inventory (same path as check --format json).")

    @Option(name: .long, parsing: .upToNextOption, help: "Placement counts to run, smallest first.")
    var placements: [Int] = [10_000, 100_000]

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("Keep the generated inventories in this directory.", valueName: "dir"))
    var keep: String?

    @Flag(name: .long, help: "Also time single decisions against a warm policy and inventory (the server's path), and `where` over 1,000 targets.")
    var latency = false

    func run() throws {
        let asOf = try policyOptions.asOf.map { _ in try policyOptions.evaluationDate() } ?? CivilDate(daysSinceEpoch: 21184)  // 2028-01-01
        let root = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("placet-bench-\(ProcessInfo.processInfo.processIdentifier)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: root) } }
        print("placet bench: as of \(asOf), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("placements   load s  assess s  render s   total s   placements/s  output MB  peak RSS MB")
        for count in placements.sorted() {
            let directory = root.appendingPathComponent("n\(count)")
            try SyntheticInventory(placements: count).write(to: directory)
            let start = Date()
            var timings = CheckWorkflow.Timings()
            let report = CheckWorkflow.run(pack: try policyOptions.pack(), paths: [directory.path], asOf: asOf, allowEmpty: true, timings: &timings)
            let checked = Date()
            let bytes = JSONRenderer().render(report)
            let rendered = Date()
            guard report.errors.isEmpty, let assessment = report.assessment else {
                Terminal.printDiagnostics(report.diagnostics)
                throw ExitCode(2)
            }
            let total = rendered.timeIntervalSince(start)
            let line = String(format: "%10d  %7.3f  %8.3f  %8.3f  %8.3f  %13.0f  %9.1f  %11.1f",
                              assessment.decisions.count, timings.load, timings.assess,
                              rendered.timeIntervalSince(checked), total, Double(count) / total,
                              Double(bytes.count) / 1_048_576, PeakMemory.megabytes())
            print(line)
        }
        if latency { try measureLatency(root: root, asOf: asOf) }
    }

    /// Single decisions one after another on one warm session: median and p99 per decision.
    /// Then `where` for one model and two datasets over an inventory with 1,000 targets.
    private func measureLatency(root: URL, asOf: CivilDate) throws {
        let directory = root.appendingPathComponent("latency")
        try SyntheticInventory(placements: 10_000).write(to: directory)
        let policy = try policyOptions.compile()
        let loaded = ManifestLoader(policy: policy).load(paths: [directory.path])
        guard !loaded.hasErrors else {
            Terminal.printDiagnostics(loaded.diagnostics)
            throw ExitCode(2)
        }
        var session = DecisionSession(policy: policy, asOf: asOf, inventory: loaded.inventory)
        let count = loaded.inventory.tables[policy.program.placementRecord].count
        var nanoseconds: [UInt64] = []
        nanoseconds.reserveCapacity(2 * count)
        for round in 0..<2 {
            for placement in 0..<count {
                let start = DispatchTime.now().uptimeNanoseconds
                let decision = session.decide(placement: placement)
                let elapsed = DispatchTime.now().uptimeNanoseconds - start
                if round == 1 { nanoseconds.append(elapsed) }
                precondition(!decision.placement.isEmpty)  // keeps the decision from being optimised away
            }
        }
        nanoseconds.sort()
        func micros(_ quantile: Double) -> Double {
            Double(nanoseconds[min(nanoseconds.count - 1, Int(Double(nanoseconds.count) * quantile))]) / 1_000
        }
        print(String(format: "single decision, warm (%d decisions after one warming pass): median %.1f µs, p99 %.1f µs, max %.1f µs",
                     nanoseconds.count, micros(0.5), micros(0.99), micros(1.0)))

        let wide = root.appendingPathComponent("where")
        var inventory = SyntheticInventory(placements: 0)
        inventory.targets = 1_000
        try inventory.write(to: wide)
        let request = TargetSearch.Request(model: "m-1", datasets: ["ds-1", "ds-2"], workload: "training", stage: "production", framework: nil)
        var timings: [Double] = []
        for _ in 0..<5 {
            let start = Date()
            let (result, diagnostics) = TargetSearch(policy: policy, asOf: asOf).search(request, inputs: [], paths: [wide.path])
            timings.append(Date().timeIntervalSince(start))
            guard result != nil else {
                Terminal.printDiagnostics(diagnostics)
                throw ExitCode(2)
            }
        }
        timings.sort()
        print(String(format: "where over 1,000 targets (load, decide every target, rank): median %.1f ms of 5 runs", timings[2] * 1_000))
    }
}

enum PeakMemory {
    static func megabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // Linux reports kilobytes
    }
}

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

    func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var generator = SplitMix64(seed: 2026)
        let countries = ["DE", "FR", "NL", "IE", "SE", "NO", "US", "GB", "CH", "IN", "BR", "JP", "SG", "PL", "ES", "IT"]
        let frameworks = ["spark", "ray", "dask", "mpi", "kubernetes", "slurm"]
        let useCases = ["general", "general", "general", "transparency.chatbot", "annex3.employment", "annex3.education",
                        "annex3.creditScoring", "transparency.syntheticContent", "prohibited.socialScoring"]
        let controllerCountries = ["DE", "FR", "NL", "IE", "US", "IN", "GB", "SE"]
        let tiers = ["minimal", "limited", "high", "high", "minimal"]

        var out = ""
        for index in 0..<controllers {
            out += "{\"apiVersion\":\"placet/v1\",\"kind\":\"\(SchemaContract.controller)\",\"id\":\"c-\(index)\","
                + "\"establishedIn\":[\"\(controllerCountries[index % controllerCountries.count])\"]}\n"
        }
        try out.write(to: directory.appendingPathComponent("controllers.jsonl"), atomically: true, encoding: .utf8)

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
        try out.write(to: directory.appendingPathComponent("datasets.jsonl"), atomically: true, encoding: .utf8)

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
        try out.write(to: directory.appendingPathComponent("models.jsonl"), atomically: true, encoding: .utf8)

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
        try out.write(to: directory.appendingPathComponent("targets.jsonl"), atomically: true, encoding: .utf8)

        let workloads = ["training", "fineTuning", "inference", "batchScoring"]
        let stages = ["development", "staging", "production"]
        var lines: [String] = []
        lines.reserveCapacity(placements)
        for index in 0..<placements {
            let datasetList = (0..<(1 + Int(generator.next() % 3))).map { _ in "\"ds-\(generator.next() % UInt64(datasets))\"" }
            var fields = [
                "\"apiVersion\":\"placet/v1\"", "\"kind\":\"\(SchemaContract.placement)\"", "\"id\":\"pl-\(index)\"",
                "\"workload\":\"\(workloads[Int(generator.next() % 4)])\"", "\"model\":\"m-\(generator.next() % UInt64(models))\"",
                "\"datasets\":[\(datasetList.joined(separator: ","))]", "\"target\":\"t-\(generator.next() % UInt64(targets))\"",
                "\"stage\":\"\(stages[Int(generator.next() % 3)])\"",
            ]
            if generator.next() % 2 == 0 { fields.append("\"framework\":\"\(frameworks[Int(generator.next() % 6)])\"") }
            lines.append("{" + fields.joined(separator: ",") + "}")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("placements.jsonl"), atomically: true, encoding: .utf8)
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
