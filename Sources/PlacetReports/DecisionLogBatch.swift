// Appending to the decision log. An `Append` holds the log's lock from the reading of the
// chain's tail (only the last line is read, so an append costs the same on a log of ten
// records or ten million) to its one fsync; records are written a few megabytes at a time as
// decisions come, so neither `check --format json --log` over a million placements nor the
// server's group commit (several reports in one append) holds its log text. The chain is the
// one `verify` knows: other processes may append to the same file.

import Foundation
import PlacetEngine
import PlacetLanguage

extension DecisionLog {
    /// Appends the decisions of every report, in order, in one hold of the log's lock, written
    /// whenever more than `flushSize` bytes of records are ready.
    public static func append(_ reports: [Report], to path: String, time: Date = Date(), flushSize: Int = 4 << 20) throws(LogError) {
        let log = try Append(path: path, time: time, flushSize: flushSize)
        for report in reports { try log.add(report) }
        try log.commit()
    }

    /// An append in progress: the log locked and its tail read; records written as decisions
    /// are added; synced by `commit`. One given up (`rollBack`, or released without a commit)
    /// cuts the log back to where it began, so a run that fails part way leaves no records:
    /// the log gains whole runs only. Other writers wait for the lock meanwhile.
    public final class Append {
        private let descriptor: Int32
        private let path: String
        /// The log's size when the lock was taken: where a rollback cuts it back to.
        private let startSize: off_t
        private let stamp: String
        private let flushSize: Int
        private var previous: String
        private var sequence: Int
        private let firstSequence: Int
        private var output: [UInt8] = []
        private var open = true

        /// Opens (creating it if need be) and locks the log at `path`; every record gets `time`.
        public init(path: String, time: Date = Date(), flushSize: Int = 4 << 20) throws(LogError) {
            let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw LogError(message: "\(path): cannot open the log: \(String(cString: strerror(errno)))") }
            var tail: (previous: String, sequence: Int, size: off_t)
            do throws(LogError) {
                guard flock(descriptor, LOCK_EX) == 0 else { throw LogError(message: "\(path): cannot lock the log") }
                tail = try Self.tail(descriptor, path: path)
            } catch {
                close(descriptor)  // which releases the lock, if it was taken
                throw error
            }
            self.descriptor = descriptor
            self.path = path
            startSize = tail.size
            previous = tail.previous
            sequence = tail.sequence
            firstSequence = tail.sequence
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            stamp = formatter.string(from: time)
            self.flushSize = flushSize
        }

        deinit {
            if open { rollBack() }
        }

        /// Records for `decisions`, in order, with the run's date, policy and inputs.
        public func add(_ decisions: ArraySlice<Decision>, asOf: CivilDate, policyDigest: String, inputs: [InputFile]) throws(LogError) {
            try add(RecordBodies(decisions), asOf: asOf, policyDigest: policyDigest, inputs: inputs)
        }

        /// Records for decisions whose bodies were written already (on the cores that made them).
        public func add(_ bodies: RecordBodies, asOf: CivilDate, policyDigest: String, inputs: [InputFile]) throws(LogError) {
            precondition(open, "a log append used after it ended")
            let descriptor = descriptor, path = path
            previous = try writeRecords(for: bodies, asOf: asOf, policyDigest: policyDigest, inputs: inputs, time: stamp,
                                        previous: previous, sequence: sequence, into: &output, flushSize: flushSize) { pending throws(LogError) in
                try DecisionLog.write(pending, to: descriptor, path: path)
                pending.removeAll(keepingCapacity: true)
            }
            sequence += bodies.count
        }

        /// Records for the report's decisions (none when an error stands).
        public func add(_ report: Report) throws(LogError) {
            try add(report.decisions[...], asOf: report.asOf, policyDigest: report.policyDigest, inputs: report.inputs)
        }

        /// Writes what is pending, syncs the log to disk when anything was added, and unlocks it.
        /// On failure the log is cut back to where it began.
        public func commit() throws(LogError) {
            precondition(open, "a log append used after it ended")
            do throws(LogError) {
                try DecisionLog.write(output, to: descriptor, path: path)
                output = []
                if sequence > firstSequence, fsync(descriptor) != 0 {
                    throw LogError(message: "\(path): cannot sync the log to disk: \(String(cString: strerror(errno)))")
                }
            } catch {
                rollBack()
                throw error
            }
            open = false
            close(descriptor)
        }

        /// Cuts the log back to its size before this append and unlocks it.
        public func rollBack() {
            guard open else { return }
            open = false
            output = []
            // Records written by now are past `startSize`; nobody else wrote while the lock was held.
            _ = ftruncate(descriptor, startSize)
            close(descriptor)
        }

        /// The chain's last hash and next sequence number, and the file's size.
        private static func tail(_ descriptor: Int32, path: String) throws(LogError) -> (previous: String, sequence: Int, size: off_t) {
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw LogError(message: "\(path): cannot read the log") }
            guard let last = try lastLine(descriptor, size: Int(status.st_size), path: path) else { return (genesis, 1, status.st_size) }
            guard let record = parse(last) else { throw LogError(message: "\(path): the last record is not a log record; run placet verify-log") }
            return (record.hash, record.seq + 1, status.st_size)
        }
    }

    fileprivate static func write(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(LogError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(descriptor, base + written, raw.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw LogError(message: "\(path): cannot write the log: \(String(cString: strerror(errno)))")
            }
            written += result
        }
    }

    /// The file's last non-empty line, read backwards in growing chunks from the end; nil for an empty file.
    private static func lastLine(_ descriptor: Int32, size: Int, path: String) throws(LogError) -> String? {
        guard size > 0 else { return nil }
        var chunk = 64 << 10
        while true {
            let start = max(0, size - chunk)
            var buffer = [UInt8](repeating: 0, count: size - start)
            var filled = 0
            while filled < buffer.count {
                let result = buffer.withUnsafeMutableBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return 0 }
                    return pread(descriptor, base + filled, raw.count - filled, off_t(start + filled))
                }
                if result < 0, errno == EINTR { continue }
                guard result > 0 else { throw LogError(message: "\(path): cannot read the log") }
                filled += result
            }
            var end = buffer.count
            while end > 0, buffer[end - 1] == 0x0A { end -= 1 }
            if let newline = buffer[..<end].lastIndex(of: 0x0A) {
                return String(decoding: buffer[(newline + 1)..<end], as: UTF8.self)
            }
            if start == 0 { return end == 0 ? nil : String(decoding: buffer[..<end], as: UTF8.self) }
            chunk *= 4
        }
    }
}
