// The decision log: one JSON line per placement decision, appended by `check --log FILE`.
// Each record carries a sequence number, the time, the decision and findings, the policy and
// input digests, the hash of the previous record, and its own hash, so the file is a hash
// chain: `placet verify-log` finds the first record altered, removed or reordered. Appends
// hold an exclusive lock (flock) while they read the chain's tail and write, then fsync, so
// two processes appending at once still produce one valid chain.

import Foundation
import PlacetEngine
import PlacetLanguage

public enum DecisionLog {
    public static let genesis = "sha256:" + String(repeating: "0", count: 64)
    private static let hashKey = #","hash":""#

    public struct LogError: Error, Sendable {
        public let message: String
    }

    /// What each decision's record says of the decision alone, for a run of decisions: from
    /// the placement's id to the bracket closing its findings,
    /// `"P","decision":"O","findings":[...]`. Written on any core (where the decisions were
    /// just made), ahead of the chain, which only the appending thread extends.
    public struct RecordBodies: Sendable {
        fileprivate var bytes: [UInt8] = []
        /// Where each decision's body ends in `bytes`.
        fileprivate var ends: [Int] = []

        public var count: Int { ends.count }

        public init(_ decisions: ArraySlice<Decision>) {
            ends.reserveCapacity(decisions.count)
            bytes.reserveCapacity(decisions.count * 512)
            // Decisions and findings are read where they are stored: a copy of each would retain
            // and release every string and array it holds.
            decisions.withUnsafeBufferPointer { decisions in
                for offset in decisions.indices {
                    let decision = decisions.baseAddress! + offset
                    JSONWriter.appendQuoted(decision.pointee.placement, to: &bytes)
                    let outcome = switch decision.pointee.outcome {
                    case .block: #","decision":"block","findings":["#
                    case .approve: #","decision":"approve","findings":["#
                    }
                    bytes.append(contentsOf: outcome.utf8)
                    decision.pointee.findings.withUnsafeBufferPointer { findings in
                        for index in findings.indices {
                            let finding = findings.baseAddress! + index
                            bytes.append(contentsOf: (index == 0 ? #"{"rule":"# : #",{"rule":"#).utf8)
                            JSONWriter.appendQuoted(finding.pointee.rule, to: &bytes)
                            let effect = switch finding.pointee.effect {
                            case .block: #","effect":"block","waived":"#
                            case .warn: #","effect":"warn","waived":"#
                            }
                            bytes.append(contentsOf: effect.utf8)
                            bytes.append(contentsOf: (finding.pointee.waived ? #"true,"subjects":["# : #"false,"subjects":["#).utf8)
                            finding.pointee.subjects.withUnsafeBufferPointer { subjects in
                                for (position, subject) in subjects.enumerated() {
                                    if position > 0 { bytes.append(UInt8(ascii: ",")) }
                                    JSONWriter.appendQuoted(subject, to: &bytes)
                                }
                            }
                            bytes.append(contentsOf: "]}".utf8)
                        }
                    }
                    ends.append(bytes.count)
                }
            }
        }
    }

    /// Writes one record per body, each line with its newline, to `output`, chained after
    /// `previous` starting at `sequence`; `flush` is called whenever `output` has grown past
    /// `flushSize` bytes (and may empty it). Returns the last record's hash.
    static func writeRecords(for bodies: RecordBodies, asOf: CivilDate, policyDigest: String, inputs: [InputFile],
                             time: String, previous: String, sequence: Int, into output: inout [UInt8], flushSize: Int,
                             flush: (inout [UInt8]) throws(LogError) -> Void) throws(LogError) -> String {
        // What every record of the call shares is written once: the time and date after `seq`,
        // the policy and inputs before `previous`. A record is
        // {"seq":N,"time":T,"asOf":D,"placement":P,"decision":O,"findings":[...],"policyDigest":G,"inputs":[...],"previous":H}
        // hashed as such, then written with `,"hash":"…"` before its closing brace.
        func quoted(_ text: String) -> [UInt8] {
            var bytes: [UInt8] = []
            JSONWriter.appendQuoted(text, to: &bytes)
            return bytes
        }
        let afterSequence = Array(#","time":"#.utf8) + quoted(time) + Array(#","asOf":"#.utf8) + quoted(asOf.description)
            + Array(#","placement":"#.utf8)
        var beforePrevious = Array(#"],"policyDigest":"#.utf8) + quoted(policyDigest) + Array(#","inputs":["#.utf8)
        for (index, input) in inputs.enumerated() {
            beforePrevious += Array((index == 0 ? #"{"file":"# : #",{"file":"#).utf8) + quoted(input.path)
                + Array(#","digest":"#.utf8) + quoted(input.digest) + [UInt8(ascii: "}")]
        }
        beforePrevious += Array(#"],"previous":"#.utf8)
        var previous = previous
        var record: [UInt8] = []
        record.reserveCapacity(1024)
        var start = 0
        for (offset, end) in bodies.ends.enumerated() {
            record.removeAll(keepingCapacity: true)
            record.append(contentsOf: #"{"seq":"#.utf8)
            record.append(contentsOf: String(sequence + offset).utf8)
            record.append(contentsOf: afterSequence)
            record.append(contentsOf: bodies.bytes[start..<end])
            start = end
            record.append(contentsOf: beforePrevious)
            JSONWriter.appendQuoted(previous, to: &record)
            record.append(UInt8(ascii: "}"))
            let hash = Digests.sha256(record)
            output.append(contentsOf: record.dropLast())
            output.append(contentsOf: hashKeyBytes)
            output.append(contentsOf: hash.utf8)
            output.append(contentsOf: "\"}\n".utf8)
            previous = hash
            if output.count > flushSize { try flush(&output) }
        }
        return previous
    }

    /// Appends the report's decisions to the log atomically and durably (see `append(_:[Report]...)`).
    public static func append(_ report: Report, to path: String, time: Date = Date()) throws(LogError) {
        try append([report], to: path, time: time)
    }

    struct Record {
        let seq: Int
        let previous: String
        let hash: String
        /// The line without its hash, as it was hashed.
        let body: [UInt8]
    }

    /// The fields the chain needs, read from one line; nil when the line is not a record.
    static func parse(_ line: some StringProtocol) -> Record? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 2, bytes[bytes.count - 2] == UInt8(ascii: "\""), bytes[bytes.count - 1] == UInt8(ascii: "}"),
              let keyStart = lastIndex(of: hashKeyBytes, in: bytes) else { return nil }
        // The key's closing quote may be the suffix's own (`,"hash":"}`): then there is no hash.
        let hashStart = keyStart + hashKeyBytes.count
        let hashEnd = bytes.count - 2
        guard hashStart <= hashEnd else { return nil }
        let hash = String(decoding: bytes[hashStart..<hashEnd], as: UTF8.self)
        let body = Array(bytes[..<keyStart]) + [UInt8(ascii: "}")]
        guard let fields = LogRecordReader.fields(of: body) else { return nil }
        return Record(seq: fields.seq, previous: fields.previous, hash: hash, body: body)
    }

    private static let hashKeyBytes = Array(hashKey.utf8)

    /// Where the last occurrence of `needle` starts in `bytes`.
    private static func lastIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var start = bytes.count - needle.count
        while start >= 0 {
            if bytes[start] == needle[0], bytes[start..<(start + needle.count)].elementsEqual(needle) { return start }
            start -= 1
        }
        return nil
    }

    public enum Verdict: Sendable, Equatable {
        case intact(records: Int)
        /// The first broken record, by 1-based line number, and what is wrong with it.
        case tampered(line: Int, reason: String)
    }

    public static func verify(_ contents: String) -> Verdict {
        var lines = contents.split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
        return verify { lines.next() }
    }

    /// Checks a log at `path` as it reads it, a block at a time, so that memory is that of
    /// its longest line (at most `maximumLineLength` bytes), not of the log: a log grows with
    /// every run, and one run of a million placements writes over a gigabyte. A FIFO named
    /// here is read to its end (`placet verify-log <(zcat decisions.jsonl.gz)`).
    public static func verify(file path: String, blockSize: Int = 1 << 20, maximumLineLength: Int = 64 << 20) throws(LogError) -> Verdict {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LogError(message: "\(path): cannot read the log: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var reader = LogLineReader(descriptor: descriptor, path: path, blockSize: blockSize, maximumLineLength: maximumLineLength)
        return try verify { () throws(LogError) -> String? in try reader.next() }
    }

    /// The chain check over the log's lines, given one at a time without their newline (the
    /// text after the last newline is a line, empty when the log ends with one), nil after
    /// the last. Stops at the first broken record.
    static func verify<Line: StringProtocol, Failure: Error>(nextLine: () throws(Failure) -> Line?) throws(Failure) -> Verdict {
        var previous = genesis
        var expectedSequence = 1
        var count = 0
        var number = 0
        while let line = try nextLine() {
            number += 1
            if line.isEmpty {
                // The empty text after the log's final newline is not a line of its own.
                if try nextLine() == nil { break }
                return .tampered(line: number, reason: "empty line inside the log")
            }
            guard let record = parse(line) else { return .tampered(line: number, reason: "not a log record (altered)") }
            if Digests.sha256(record.body) != record.hash { return .tampered(line: number, reason: "record altered: its content does not match its hash") }
            if record.seq != expectedSequence {
                // The missing record later in the file means the order was changed, not a removal.
                var later = false
                while !later, let rest = try nextLine() { later = parse(rest)?.seq == expectedSequence }
                if later || record.seq < expectedSequence {
                    return .tampered(line: number, reason: "records reordered: record \(record.seq) comes before record \(expectedSequence)")
                }
                let gap = record.seq - expectedSequence > 1 ? "s \(expectedSequence)-\(record.seq - 1)" : " \(expectedSequence)"
                return .tampered(line: number, reason: "record\(gap) removed before this line (sequence jumps to \(record.seq))")
            }
            if record.previous != previous { return .tampered(line: number, reason: "chain broken: the previous record's hash does not match") }
            previous = record.hash
            expectedSequence += 1
            count += 1
        }
        return .intact(records: count)
    }
}

/// A file's lines, read a block at a time: each without its newline, then the text after the
/// last newline (empty when the file ends with one), then nil.
private struct LogLineReader {
    let descriptor: Int32
    let path: String
    let blockSize: Int
    let maximumLineLength: Int
    private var buffer: [UInt8] = []
    private var block: [UInt8]
    /// Where the next line starts in `buffer`.
    private var start = 0
    /// Bytes from `start` already known to hold no newline.
    private var scanned = 0
    private var reachedEnd = false
    private var finished = false
    private var line = 0

    init(descriptor: Int32, path: String, blockSize: Int, maximumLineLength: Int) {
        self.descriptor = descriptor
        self.path = path
        self.blockSize = max(1, blockSize)
        block = Array(repeating: 0, count: self.blockSize)
        self.maximumLineLength = maximumLineLength
    }

    mutating func next() throws(DecisionLog.LogError) -> String? {
        while true {
            if let newline = buffer[(start + scanned)...].firstIndex(of: 0x0A) {
                let text = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                scanned = 0
                line += 1
                return text
            }
            scanned = buffer.count - start
            if scanned > maximumLineLength {
                throw DecisionLog.LogError(message: "\(path):\(line + 1): line over \(maximumLineLength) bytes, not a decision log record")
            }
            if reachedEnd {
                guard !finished else { return nil }
                finished = true
                let text = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                scanned = 0
                return text
            }
            // The unread part moves to the front before the next block is read after it.
            if start > 0 {
                buffer.removeSubrange(..<start)
                start = 0
            }
            var result: Int
            repeat {
                result = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            } while result < 0 && errno == EINTR
            if result < 0 { throw DecisionLog.LogError(message: "\(path): cannot read the log: \(String(cString: strerror(errno)))") }
            if result == 0 { reachedEnd = true } else { buffer.append(contentsOf: block[..<result]) }
        }
    }
}
