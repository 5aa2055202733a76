// `check --stream`: JSON Lines. Each placement is one line, in input order: its decision object,
// exactly as `--format json` lists it under `decisions` (the same writer, without the layout),
// or an error line; the summary is the last line, `--format json`'s report without `decisions`.

import Dispatch
import PlacetEngine
import PlacetLanguage

/// What one placement line of the stream came to.
public enum StreamEntry: Sendable {
    case decision(Decision)
    /// Not decided: `placement` is the line's id when it has one.
    case error(placement: String?, errors: [Diagnostic])
}

/// The last line of a stream: what `--format json` says besides the decisions.
public struct StreamSummary: Sendable {
    public var engineVersion: String
    public var policyDigest: String
    public var policyPack: String
    public var asOf: CivilDate
    /// The reference manifests, then the placement stream.
    public var inputs: [InputFile]
    /// Over the decided placements, counted as `--format json` counts them.
    public var summary = Summary()
    /// Placement lines in error, which were not decided.
    public var errorLines = 0
    /// Waiver notices, by waiver id, for the waivers whose placements came in the stream.
    public var notices: [Notice] = []
    /// Errors that stopped the run or failed it as a whole (policies, reference manifests, reading the stream).
    public var errors: [Diagnostic] = []

    public init(engineVersion: String, policyDigest: String, policyPack: String, asOf: CivilDate, inputs: [InputFile]) {
        self.engineVersion = engineVersion
        self.policyDigest = policyDigest
        self.policyPack = policyPack
        self.asOf = asOf
        self.inputs = inputs
    }
}

public struct StreamLineRenderer: Sendable {
    public init() {}

    /// One line per entry, in order; written in chunks on every core and joined in order.
    public func render(_ entries: [StreamEntry]) -> [UInt8] {
        renderParts(entries).flatMap { $0 }
    }

    /// The same lines in parts of a few hundred, in order, each written on any core straight
    /// into its own buffer, to be written out one after another: joining them would copy every
    /// byte again into memory freshly touched for each batch.
    /// `buffers`: where the parts' buffers come from, and go back to once written (see
    /// `PartBuffers`).
    public func renderParts(_ entries: [StreamEntry], buffers: PartBuffers? = nil) -> [[UInt8]] {
        let chunkSize = 512
        let chunkCount = (entries.count + chunkSize - 1) / chunkSize
        let parts = Locked<[[UInt8]]>(Array(repeating: [], count: chunkCount))
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            var bytes = buffers?.take() ?? []
            bytes.reserveCapacity(chunkSize * 2_048)
            var templates = FindingTemplates()
            for entry in entries[(chunk * chunkSize)..<min(entries.count, (chunk + 1) * chunkSize)] {
                bytes = write(entry, after: consume bytes) { decision, json in JSONRenderer().write(decision, to: &json, templates: &templates) }
            }
            parts.withLock { $0[chunk] = bytes }
        }
        return parts.withLock { $0 }
    }

    /// One entry's line, with its newline.
    public func line(_ entry: StreamEntry) -> [UInt8] {
        write(entry, after: []) { decision, json in JSONRenderer().write(decision, to: &json) }
    }

    /// `bytes` with the entry's line and its newline after them.
    private func write(_ entry: StreamEntry, after bytes: consuming [UInt8], writeDecision: (Decision, inout JSONWriter) -> Void) -> [UInt8] {
        var json = JSONWriter(pretty: false, continuing: bytes)
        switch entry {
        case .decision(let decision):
            writeDecision(decision, &json)
        case .error(let placement, let errors):
            json.beginObjectValue()
            json.key("placement")
            if let placement { json.string(placement) } else { json.null() }
            json.key("decision"); json.string("error")
            json.key("errors"); json.diagnostics(errors)
            json.endObject()
        }
        return json.finish()
    }

    public func render(_ summary: StreamSummary) -> [UInt8] {
        var json = JSONWriter(pretty: false)
        json.beginObjectValue()
        json.key("summary")
        json.beginObjectValue()
        json.counts(summary.summary)
        json.key("errors"); json.number(summary.errorLines)
        json.endObject()
        json.provenance(engineVersion: summary.engineVersion, policyDigest: summary.policyDigest, policyPack: summary.policyPack,
                        asOf: summary.asOf, inputs: summary.inputs)
        json.key("notices")
        json.notices(summary.notices)
        json.key("errors")
        json.diagnostics(summary.errors)
        json.endObject()
        var bytes = json.output
        bytes.append(0x0A)
        return bytes
    }
}

/// Buffers of parts already written out, for the next batch's parts. A stream renders a few
/// megabytes of parts per batch, for hours: in a fresh buffer each time (the stream gives
/// large blocks straight back to the kernel, see `check --stream`), every byte written first
/// takes a page fault. Reused, the same pages serve every batch. The pool holds at most
/// `limit` buffers, so it stays within a batch's parts.
public final class PartBuffers: Sendable {
    private let free = Locked<[[UInt8]]>([])
    private let limit: Int

    public init(limit: Int = 16) {
        self.limit = limit
    }

    /// An empty buffer that has held a part, or an empty array when none is kept.
    func take() -> [UInt8] {
        free.withLock { $0.popLast() } ?? []
    }

    /// Keeps a written part's buffer, emptied, while the pool is under its limit. The part
    /// should be the last reference to its storage (moved out of the array of parts): a
    /// shared buffer is not emptied in place but copied into a new one.
    public func giveBack(_ part: consuming [UInt8]) {
        var buffer = part
        guard buffer.capacity > 0 else { return }
        buffer.removeAll(keepingCapacity: true)
        free.withLock { free in
            if free.count < limit { free.append(buffer) }
        }
    }
}
