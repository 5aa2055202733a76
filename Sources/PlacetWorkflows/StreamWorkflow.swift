// `check --stream`: placements decided as they arrive. The reference manifests (everything but
// placements) are read from the PATHs by the same loader as `check`; placements come as JSON
// Lines and are decided in bounded batches through the same assessor, each batch an inventory
// of the reference tables plus that batch's placements, dropped once its lines are written. So
// memory follows the reference data, not the stream (bar 8 bytes an id for duplicate detection).

import Dispatch
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports

public enum StreamWorkflow {
    /// Where the placements come from.
    public enum PlacementInput {
        case standardInput
        case file(String)
        /// An open stream (tests, and `placet bench`).
        case stream(JSONLinesStream)
    }

    public struct Outcome: Sendable {
        /// What the last line said.
        public let summary: StreamSummary
        /// Warnings of the policies and reference manifests, and the errors that stopped the run.
        public let diagnostics: [Diagnostic]
        public let exitStatus: Int32
    }

    /// At most this many placements are decided at once: enough to keep every core busy, few
    /// enough that a batch's decisions take a few megabytes.
    public static let defaultBatchLines = 4_096

    /// Runs the whole stream. `write` receives each batch's lines as soon as they are decided,
    /// then the summary line, always last; `lineErrors` receives each failed line's errors (for
    /// standard error). Exit status as `check`: 2 when anything was in error, else 1 when
    /// anything was blocked, else 0.
    public static func run(pack: PolicyPack, paths: [String], placements input: PlacementInput, asOf: CivilDate,
                           standardInput: StandardInput? = nil, allowEmpty: Bool = false, batchLines: Int = defaultBatchLines,
                           write: ([UInt8]) -> Void, lineErrors: ([Diagnostic]) -> Void = { _ in }) -> Outcome {
        let renderer = StreamLineRenderer()
        func stop(_ summary: StreamSummary, _ diagnostics: [Diagnostic]) -> Outcome {
            var summary = summary
            summary.errors = Array(diagnostics.filter(\.isError).prefix(500))
            write(renderer.render(summary))
            return Outcome(summary: summary, diagnostics: diagnostics, exitStatus: 2)
        }
        let (compiled, policyDiagnostics) = CompiledPolicy.compile(pack: pack)
        guard let policy = compiled else {
            return stop(StreamSummary(engineVersion: PlacetVersion.current, policyDigest: "", policyPack: pack.name, asOf: asOf, inputs: []),
                        policyDiagnostics)
        }
        let (loaded, referenceDiagnostics) = StreamReferences.load(policy: policy, paths: paths, standardInput: standardInput)
        var diagnostics = policyDiagnostics + referenceDiagnostics
        var summary = StreamSummary(engineVersion: PlacetVersion.current, policyDigest: policy.digest, policyPack: policy.packName,
                                    asOf: asOf, inputs: loaded?.inventory.files ?? [])
        guard let references = loaded, !diagnostics.contains(where: \.isError) else { return stop(summary, diagnostics) }
        let stream: JSONLinesStream
        switch openStream(input) {
        case .success(let opened): stream = opened
        case .failure(let error):
            diagnostics.append(error)
            return stop(summary, diagnostics)
        }

        var decider = BatchDecider(references: references, asOf: asOf)
        let buffers = PartBuffers()
        var notices: [String: Notice] = [:]
        var sawPlacement = false
        while let batch = stream.nextBatch(maximumLines: batchLines) {
            sawPlacement = sawPlacement || !batch.lines.isEmpty
            let decided = decider.decide(batch, path: stream.path)
            summary.summary.add(decided.summary)
            summary.errorLines += decided.failedLines.count
            for notice in decided.notices { notices[notice.waiver] = notice }
            // Each part moved out before it is written, so its buffer goes back unshared.
            var parts = renderer.renderParts(decided.entries, buffers: buffers)
            parts.reverse()
            while let part = parts.popLast() {
                write(part)
                buffers.giveBack(part)
            }
            for errors in decided.failedLines { lineErrors(errors) }
        }
        summary.inputs.append(InputFile(path: stream.path, digest: stream.streamDigest))
        summary.notices = notices.keys.sorted().compactMap { notices[$0] }
        if let readError = stream.readError {
            diagnostics.append(Diagnostic(id: "stream.unreadable", message: readError))
        } else if !sawPlacement, !allowEmpty {
            // A pipeline fed the wrong file (or nothing) must not pass with nothing decided.
            diagnostics.append(Diagnostic(
                id: "check.noPlacements",
                message: "no placements in \(stream.path): nothing to decide; pass --allow-empty if that is intended"))
        }
        if diagnostics.contains(where: \.isError) { return stop(summary, diagnostics) }
        write(renderer.render(summary))
        let status: Int32 = summary.errorLines > 0 ? 2 : summary.summary.blocked > 0 ? 1 : 0
        return Outcome(summary: summary, diagnostics: diagnostics, exitStatus: status)
    }

    private static func openStream(_ input: PlacementInput) -> Result<JSONLinesStream, Diagnostic> {
        switch input {
        case .standardInput:
            return .success(JSONLinesStream(fileDescriptor: STDIN_FILENO, path: StandardInput.displayPath))
        case .stream(let stream):
            return .success(stream)
        case .file(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                return .failure(Diagnostic(id: "manifest.noSuchFile", message: "\(path): no such file (--placements)"))
            }
            let descriptor = isDirectory.boolValue ? -1 : open(path, O_RDONLY)
            guard descriptor >= 0 else {
                return .failure(Diagnostic(id: "manifest.unreadable", message: "\(path): cannot read the file (--placements takes one JSON Lines file)"))
            }
            return .success(JSONLinesStream(fileDescriptor: descriptor, path: path, closesDescriptor: true))
        }
    }
}

/// Decides one batch of lines: converts them (on every core), refuses duplicate ids, assesses
/// the valid placements together and puts every line's outcome back in input order.
struct BatchDecider {
    let references: StreamReferences
    let assessor: PlacementAssessor
    let converter: PlacementLineConverter
    /// The assessor's machines, kept from batch to batch: what they learnt about the reference
    /// data (a dataset's transfer status towards a target) holds for every batch.
    let warm: WarmMachines
    /// Every id seen so far in the stream, valid or not, as `check` keeps every id it reads.
    private var seen = PlacementIDFingerprints()

    struct Decided {
        var entries: [StreamEntry] = []
        var failedLines: [[Diagnostic]] = []
        var summary = Summary()
        var notices: [Notice] = []
    }

    init(references: StreamReferences, asOf: CivilDate) {
        self.references = references
        self.assessor = PlacementAssessor(policy: references.policy, asOf: asOf)
        self.converter = PlacementLineConverter(references: references)
        self.warm = WarmMachines(streamOf: references.policy)
    }

    mutating func decide(_ batch: JSONLinesStream.Batch, path: String) -> Decided {
        let converted = convert(batch, path: path)
        let placementName = references.policy.schema.records[references.placementKind].name
        var decided = Decided()
        // A line's entry, or nil until its decision is made; `entryOfRow` says which line each row came from.
        var entries: [StreamEntry?] = []
        entries.reserveCapacity(converted.count)
        var entryOfRow: [Int] = []
        var table = RecordTable()
        for var placement in converted {
            if let id = placement.id, !seen.insert(id) {
                placement.errors.append(Diagnostic(
                    id: "manifest.duplicateID",
                    message: "duplicate \(placementName) id '\(id)': an earlier line of this stream has it",
                    location: placement.idLocation ?? placement.origin))
            }
            if placement.errors.isEmpty, let id = placement.id {
                entryOfRow.append(entries.count)
                entries.append(nil)
                table.append(id: id, fields: placement.fields, origin: placement.origin)
            } else {
                entries.append(.error(placement: placement.id, errors: placement.errors))
            }
        }
        if table.count > 0 {
            let assessment = assessor.assess(references.inventory(with: table), warm: warm)
            for decision in assessment.decisions {
                guard let row = table.indexByID[decision.placement] else { continue }
                entries[entryOfRow[row]] = .decision(decision)
            }
            decided.summary = assessment.summary
            decided.notices = assessment.notices
        }
        decided.entries = entries.map { entry in
            // Every valid placement gets a decision; should one not, it is an error, never a silent gap.
            entry ?? .error(placement: nil, errors: [Diagnostic(id: "stream.undecided", message: "no decision was made for this line")])
        }
        for case .error(_, let errors) in decided.entries { decided.failedLines.append(errors) }
        return decided
    }

    /// Each line as a placement or its errors, in order; lines are independent, so chunks run on every core.
    private func convert(_ batch: JSONLinesStream.Batch, path: String) -> [StreamedPlacement] {
        let lines = batch.lines
        let chunkSize = 256
        let chunkCount = (lines.count + chunkSize - 1) / chunkSize
        let results = Locked<[[StreamedPlacement]]>(Array(repeating: [], count: chunkCount))
        let converter = self.converter
        let bytes = batch.bytes
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let converted = lines[(chunk * chunkSize)..<min(lines.count, (chunk + 1) * chunkSize)].map { line in
                if let length = line.skippedLength {
                    return PlacementLineConverter.tooLong(line: line.number, length: length, path: path)
                }
                return converter.convert(bytes, range: line.range, line: line.number, path: path)
            }
            results.withLock { $0[chunk] = converted }
        }
        return results.withLock { $0 }.flatMap { $0 }
    }
}
