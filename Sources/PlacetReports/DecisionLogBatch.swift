// The decision log for a long-running writer (`placet serve`): several reports' decisions in
// one locked append and one fsync (group commit), and only the log's last line read to find the
// chain's tail, so an append costs the same on a log of ten records or ten million. The chain
// is the one `append(_:to:)` and `verify` know: other processes may append to the same file.

import Foundation
import PlacetEngine

extension DecisionLog {
    /// Appends the decisions of every report, in order, in one hold of the log's lock, written
    /// whenever more than `flushSize` bytes of records are ready.
    public static func append(_ reports: [Report], to path: String, time: Date = Date(), flushSize: Int = 4 << 20) throws(LogError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LogError(message: "\(path): cannot open the log: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw LogError(message: "\(path): cannot lock the log") }
        defer { flock(descriptor, LOCK_UN) }
        var previous = genesis
        var sequence = 1
        if let last = try lastLine(descriptor, path: path) {
            guard let record = parse(last) else { throw LogError(message: "\(path): the last record is not a log record; run placet verify-log") }
            previous = record.hash
            sequence = record.seq + 1
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let stamp = formatter.string(from: time)
        // Written a few megabytes at a time (by default) under the lock, so that a run of a million
        // decisions does not hold its whole log text (over a gigabyte) in memory; synced once.
        let firstSequence = sequence
        var output: [UInt8] = []
        func flush(_ pending: inout [UInt8]) throws(LogError) {
            try write(pending, to: descriptor, path: path)
            pending.removeAll(keepingCapacity: true)
        }
        for report in reports {
            previous = try writeRecords(for: report, time: stamp, previous: previous, sequence: sequence,
                                        into: &output, flushSize: flushSize, flush: flush)
            sequence += report.decisions.count
        }
        try flush(&output)
        guard sequence > firstSequence else { return }
        guard fsync(descriptor) == 0 else { throw LogError(message: "\(path): cannot sync the log to disk") }
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(LogError) {
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
    private static func lastLine(_ descriptor: Int32, path: String) throws(LogError) -> String? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw LogError(message: "\(path): cannot read the log") }
        let size = Int(status.st_size)
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
