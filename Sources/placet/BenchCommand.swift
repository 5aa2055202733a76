// `placet bench`: a deterministic synthetic inventory (1,000 datasets, 200 models,
// 60 targets, N placements) written as JSON Lines, then checked through the same path as
// `check --format json`: load; count (the summary comes first in the report); decide again
// and write (the output is counted, not kept). Prints the time of each phase, placements
// per second and the process's peak memory; `--repeat N` gives each column's median of N runs.
// `--files N` adds a run of N placements kept one file each (the cost per file, not per
// placement). `--stream N` measures `check --stream` instead
// (StreamBench.swift); `--references` and `--emit` write the same inventory for a pipeline.

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

    @Option(name: .long, help: ArgumentHelp("Also check N placements written one file each (an inventory kept as one manifest per file), after the other sizes.", valueName: "n"))
    var files: Int?

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Check each inventory N times and print the median of each column, then the fastest and slowest total: a single run on a busy machine can be far off.", valueName: "n"))
    var repetitions = 1

    @Option(name: .long, help: ArgumentHelp("Measure check --stream instead: N generated placements piped into a child process; prints its time, rate and peak memory.", valueName: "n"))
    var stream: Int?

    @Option(name: .long, help: ArgumentHelp("Only write the generated inventory's reference manifests (no placements) to this directory, for check --stream.", valueName: "dir"))
    var references: String?

    @Option(name: .long, help: ArgumentHelp("Only write N generated placements to standard output as JSON Lines, as they are generated: the placements of --references' inventory.", valueName: "n"))
    var emit: Int?

    func validate() throws {
        if [stream != nil, references != nil, emit != nil].filter({ $0 }).count > 1 {
            throw ValidationError("--stream, --references and --emit are separate modes; give one")
        }
        if let count = stream ?? emit, count < 0 { throw ValidationError("the number of placements cannot be negative") }
        if let files, files < 0 { throw ValidationError("the number of files cannot be negative") }
        if repetitions < 1 { throw ValidationError("--repeat needs at least one run") }
        if repetitions > 1, stream != nil || references != nil || emit != nil {
            throw ValidationError("--repeat repeats the placements runs; it does not go with --stream, --references or --emit")
        }
        if files != nil, stream != nil || references != nil || emit != nil {
            throw ValidationError("--files adds a row to the placements run; it does not go with --stream, --references or --emit")
        }
    }

    func run() throws {
        let asOf = try policyOptions.asOf.map { _ in try policyOptions.evaluationDate() } ?? CivilDate(daysSinceEpoch: 21184)  // 2028-01-01
        if let references {
            return try SyntheticInventory(placements: 0).writeReferences(to: URL(fileURLWithPath: references))
        }
        if let emit {
            return try StreamBench.emit(emit)
        }
        if let stream {
            return try StreamBench.run(placements: stream, asOf: asOf, policies: policyOptions.policies, keep: keep)
        }
        // As `check` runs a batch, so that the figures are its figures.
        HeapSettings.forBatch()
        let root = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("placet-bench-\(ProcessInfo.processInfo.processIdentifier)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: root) } }
        print("placet bench: as of \(asOf), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("placements   load s  count s  decide+write s   total s   placements/s  output MB  peak RSS MB")
        var runs = placements.sorted().map { (count: $0, oneFileEach: false) }
        if let files { runs.append((files, true)) }
        for (count, oneFileEach) in runs {
            let directory = root.appendingPathComponent(oneFileEach ? "files\(count)" : "n\(count)")
            if oneFileEach {
                print("\(count) placements, one file each:")
                try SyntheticInventory(placements: count).writeOneFilePerPlacement(to: directory)
            } else {
                try SyntheticInventory(placements: count).write(to: directory)
            }
            var runs: [(timings: CheckWorkflow.Timings, total: Double, bytes: Int)] = []
            for _ in 0..<repetitions {
                let start = Date()
                var timings = CheckWorkflow.Timings()
                var bytes = 0
                let outcome = CheckWorkflow.writeJSON(pack: try policyOptions.pack(), paths: [directory.path], asOf: asOf, allowEmpty: true,
                                                      timings: &timings, write: { bytes += $0.count })
                let total = Date().timeIntervalSince(start)
                guard !outcome.diagnostics.contains(where: \.isError) else {
                    Terminal.printDiagnostics(outcome.diagnostics)
                    throw ExitCode(2)
                }
                runs.append((timings, total, bytes))
            }
            // Each column's median over the runs (its own: the phases of one run need not add up to another's total).
            func median(_ value: (CheckWorkflow.Timings) -> Double) -> Double {
                runs.map { value($0.timings) }.sorted()[(runs.count - 1) / 2]
            }
            let totals = runs.map(\.total).sorted()
            let total = totals[(runs.count - 1) / 2]
            let line = String(format: "%10d  %7.3f  %7.3f  %14.3f  %8.3f  %13.0f  %9.1f  %11.1f",
                              count, median { $0.load }, median { $0.assess }, median { $0.render }, total, Double(count) / total,
                              Double(runs[0].bytes) / 1_048_576, PeakMemory.megabytes())
            print(line)
            if repetitions > 1 {
                print(String(format: "            medians of %d runs; total fastest %.3f s, slowest %.3f s", repetitions, totals[0], totals[totals.count - 1]))
            }
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
