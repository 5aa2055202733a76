// The server's decision-log appends: several reports in one write, continuing a chain another
// writer started, reading only the last line, however long that line is.

import Foundation
import PlacetEngine
import PlacetReports
import Testing

@Suite struct DecisionLogBatchTests {
    @Test func batchesContinueTheChainOfSingleAppends() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-batch-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let report = ReportFixtures.acmeReport()
        try DecisionLog.append(report, to: file.path)
        try DecisionLog.append([report, ReportFixtures.acmeReport(asOf: "2026-11-29")], to: file.path)
        try DecisionLog.append(report, to: file.path)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(DecisionLog.verify(text) == .intact(records: 4 * report.decisions.count))
    }

    /// A record naming thousands of inputs is longer than the first chunk read from the end.
    @Test func aLastRecordLongerThanOneChunkIsFound() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-batch-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        var report = ReportFixtures.acmeReport()
        report.inputs += (0..<2_000).map { InputFile(path: "references/file-\($0).yaml", digest: "sha256:" + String(repeating: "ab", count: 32)) }
        try DecisionLog.append([report], to: file.path)
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.last.map { $0.utf8.count > 64 << 10 } == true)
        try DecisionLog.append([ReportFixtures.acmeReport()], to: file.path)
        #expect(DecisionLog.verify(try String(contentsOf: file, encoding: .utf8)) == .intact(records: 2 * report.decisions.count))
    }

    @Test func aReportWithoutDecisionsAddsNothing() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-batch-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try DecisionLog.append([ReportFixtures.errorReport()], to: file.path)
        #expect(try String(contentsOf: file, encoding: .utf8).isEmpty)
    }

    /// Records are written a few megabytes at a time, so a large run never holds its whole log
    /// text: written a record at a time, the file is the same bytes as written at once.
    @Test func recordsWrittenInPiecesAreTheSameLog() throws {
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        let reports = [ReportFixtures.acmeReport(), ReportFixtures.acmeReport(asOf: "2026-11-29")]
        var logs: [[UInt8]] = []
        for flushSize in [0, 1_000, .max] {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-batch-\(UUID().uuidString).jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            try DecisionLog.append(reports, to: file.path, time: time, flushSize: flushSize)
            logs.append(Array(try Data(contentsOf: file)))
        }
        #expect(logs[0] == logs[2])
        #expect(logs[1] == logs[2])
        #expect(DecisionLog.verify(String(decoding: logs[2], as: UTF8.self)) == .intact(records: 2 * reports[0].decisions.count))
    }

    /// An append given up, or released without a commit (a run whose report could not be
    /// written), leaves the log as it was, records already written and all; the chain goes on.
    @Test(arguments: [false, true]) func anAppendNotCommittedLeavesTheLogAsItWas(released: Bool) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-batch-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let report = ReportFixtures.acmeReport()
        try DecisionLog.append(report, to: file.path)
        let before = try Data(contentsOf: file)
        do {
            let log = try DecisionLog.Append(path: file.path, flushSize: 0)
            try log.add(report)
            #expect(try Data(contentsOf: file).count > before.count, "written as added")
            if !released { log.rollBack() }
        }
        #expect(try Data(contentsOf: file) == before)
        try DecisionLog.append(report, to: file.path)
        #expect(try DecisionLog.verify(file: file.path) == .intact(records: 2 * report.decisions.count))
    }

    /// Decisions added a few at a time make the same records as the report added at once.
    @Test func decisionsAddedInChunksAreTheSameLog() throws {
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        let report = ReportFixtures.acmeReport()
        var logs: [[UInt8]] = []
        for chunk in [report.decisions.count, 7, 1] {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-batch-\(UUID().uuidString).jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            let log = try DecisionLog.Append(path: file.path, time: time)
            for start in stride(from: 0, to: report.decisions.count, by: chunk) {
                try log.add(report.decisions[start..<min(start + chunk, report.decisions.count)], asOf: report.asOf,
                            policyDigest: report.policyDigest, inputs: report.inputs)
            }
            try log.commit()
            logs.append(Array(try Data(contentsOf: file)))
        }
        #expect(logs[1] == logs[0])
        #expect(logs[2] == logs[0])
        #expect(DecisionLog.verify(String(decoding: logs[0], as: UTF8.self)) == .intact(records: report.decisions.count))
    }
}

@Suite struct DecisionLogGoldenTests {
    /// The log's records, byte for byte, for a fixed time: what every writer of the log must
    /// keep writing (logs written before a change are checked by the new `verify-log`).
    @Test func recordsAreTheGoldenBytes() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placet-golden-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let time = Date(timeIntervalSince1970: 1_800_000_000.25)
        // Inputs named relative to the package, so the bytes do not depend on where it is.
        let reports = [ReportFixtures.acmeReport(), ReportFixtures.acmeReport(asOf: "2026-11-29")].map { report in
            var report = report
            let root = Fixtures.packageRoot.path + "/"
            report.inputs = report.inputs.map { InputFile(path: $0.path.hasPrefix(root) ? String($0.path.dropFirst(root.count)) : $0.path, digest: $0.digest) }
            return report
        }
        try DecisionLog.append(reports, to: file.path, time: time)
        let golden = Fixtures.goldenDirectory.appendingPathComponent("acme-decision-log.jsonl")
        if ProcessInfo.processInfo.environment["PLACET_WRITE_GOLDEN_LOG"] == "1" { try Data(contentsOf: file).write(to: golden) }
        #expect(try Data(contentsOf: file) == (try Data(contentsOf: golden)))
    }
}
