// fuzz-verify-log: a decision-log file, through the chain check `placet verify-log` runs on
// the lines it reads (its block reader is held to the same verdicts by DecisionLogTests).
// Asserted: a tampered verdict names a line of the file; an intact verdict counts no more
// records than the file has lines; and an intact log with its last record repeated, or with
// its first record dropped (when it has two or more), is reported tampered, so the chain
// really is checked.

import FuzzContracts
import PlacetReports

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_verify_log_main")
public func fuzzDecisionLogMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzDecisionLog)
}

/// One input.
func fuzzDecisionLog(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    switch DecisionLog.verify(text) {
    case .tampered(let line, let reason):
        FuzzContract.require(line >= 1 && line <= lines.count, "tampered at line \(line) of \(lines.count): \(reason)")
    case .intact(let records):
        FuzzContract.require(records <= lines.count, "\(records) records in \(lines.count) lines")
        guard records > 0 else { break }
        let kept = lines.filter { !$0.isEmpty }
        let replayed = (kept + [kept[kept.count - 1]]).joined(separator: "\n") + "\n"
        guard case .tampered = DecisionLog.verify(replayed) else { FuzzContract.violated("a repeated last record was not noticed") }
        if kept.count >= 2 {
            let truncated = kept.dropFirst().joined(separator: "\n") + "\n"
            guard case .tampered = DecisionLog.verify(truncated) else { FuzzContract.violated("a removed first record was not noticed") }
        }
    }
    return 0
}
