// `placet bench`: a deterministic synthetic inventory (1,000 datasets, 200 models,
// 60 targets, N placements) written as JSON Lines, then checked through the same path as
// `check --format json`: load, assess, render. Prints the time of each phase, placements
// per second and the process's peak memory. `--stream N` measures `check --stream` instead
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
    }
}

enum PeakMemory {
    static func megabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // Linux reports kilobytes
    }
}
