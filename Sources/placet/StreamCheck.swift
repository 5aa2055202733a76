// `placet check --stream`: the flags that make sense with it, and where its lines go. The
// work is `StreamWorkflow`'s; this file only connects it to the files and the terminal.

import ArgumentParser
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetWorkflows

enum StreamCheck {
    static func validate(format: OutputFormat?, log: String?, placements: String?, paths: [String]) throws {
        if let format, format != .json {
            throw ValidationError("--stream writes JSON Lines (one decision object per line, as in --format json); --format \(format.rawValue) does not apply")
        }
        if log != nil {
            throw ValidationError("--log is not available with --stream; keep the stream's output as the record instead")
        }
        if (placements ?? StandardInput.path) == StandardInput.path, paths.contains(StandardInput.path) {
            throw ValidationError("with --stream, standard input ('-') carries the placements; give reference manifests as files or directories")
        }
    }

    /// Runs the stream to the end and returns the exit status.
    static func run(policyOptions: PolicyOptions, inputOptions: InputOptions, paths: [String], placements: String?,
                    output: String?, allowEmpty: Bool) throws -> Int32 {
        let asOf = try policyOptions.evaluationDate()
        let pack = try policyOptions.pack()
        fixAllocatorThreshold()
        let input: StreamWorkflow.PlacementInput = (placements ?? StandardInput.path) == StandardInput.path
            ? .standardInput : .file(placements ?? StandardInput.path)
        var sink = try OutputSink(path: output)
        var shownErrors = 0
        let outcome = StreamWorkflow.run(
            pack: pack, paths: paths, placements: input, asOf: asOf, standardInput: inputOptions.standardInput,
            allowEmpty: allowEmpty, write: { sink.write($0) },
            lineErrors: { errors in
                // Every error is in the output; standard error shows the first ones, as `check` does.
                if shownErrors < 500 { Terminal.printDiagnostics(Array(errors.prefix(500 - shownErrors))) }
                shownErrors += errors.count
            })
        if shownErrors > 500 {
            Terminal.printDiagnostics([Diagnostic(id: "stream.moreErrors", severity: .note,
                                                  message: "\(shownErrors - 500) more errors on placement lines; every one is in the output")])
        }
        Terminal.printDiagnostics(outcome.diagnostics)
        try sink.finish()
        return outcome.exitStatus
    }
}

/// A stream allocates and frees a batch's large arrays over and over, for hours; glibc raises its
/// mmap threshold after the first large free and from then on keeps such arrays in the heap,
/// where the holes they leave stay resident (about 20 % of the peak at 1M placements). A fixed
/// threshold (mallopt M_MMAP_THRESHOLD, -3 in glibc's ABI) gives them back at once. Swift's Glibc
/// module leaves out malloc.h, so mallopt is looked up at run time; elsewhere this does nothing.
private func fixAllocatorThreshold() {
    #if canImport(Glibc)
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(nil, "mallopt") else { return }
    _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 128 << 10)
    #endif
}
