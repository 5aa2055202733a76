// Reading a whole file that a command does not stream: a policy file, a policy test and the
// manifests it names, a file to format or import, an editor's neighbour. Only a regular file
// is read (opening a FIFO would wait for a writer), and never more than a limit, so that no
// input can make a command wait forever or read without bound.

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import PlacetLanguage
import Synchronization

public enum RegularFile {
    /// Why a file was not read.
    public enum ReadFailure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Missing, not permitted, or a failed read: the system's reason.
        case unreadable(reason: String)
        /// A folder, FIFO, socket or device.
        case notRegular
        /// Over the limit; `size` is nil when the file grew past it while being read.
        case tooLarge(size: Int?, limit: Int)

        /// The error a command reports for `path`: `<domain>.tooLarge` or `<domain>.unreadable`.
        public func diagnostic(path: String, domain: String) -> Diagnostic {
            let kind = if case .tooLarge = self { "tooLarge" } else { "unreadable" }
            return Diagnostic(id: "\(domain).\(kind)", message: "\(path): \(self)")
        }

        /// Reads after the path: "x.yaml: " + description.
        public var description: String {
            switch self {
            case .unreadable(let reason): "cannot read the file: \(reason)"
            case .notRegular: "not a regular file (a folder, FIFO, socket or device), so it is not read"
            case .tooLarge(let size?, let limit): "file is \(size) bytes, over the limit of \(limit) bytes"
            case .tooLarge(nil, let limit): "file is over the limit of \(limit) bytes"
            }
        }
    }

    /// The bytes of the regular file at `path` (through links), at most `limit` of them.
    public static func read(atPath path: String, limit: Int) -> Result<[UInt8], ReadFailure> {
        var status = stat()
        guard stat(path, &status) == 0 else { return .failure(.unreadable(reason: String(cString: strerror(errno)))) }
        guard status.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular) }
        // Checked again on what was opened, in case the path changed since; non-blocking, so
        // that opening a FIFO put there meanwhile returns at once (a regular file ignores it).
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(.unreadable(reason: String(cString: strerror(errno)))) }
        defer { close(descriptor) }
        guard fstat(descriptor, &status) == 0 else { return .failure(.unreadable(reason: String(cString: strerror(errno)))) }
        guard status.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular) }
        let size = Int(status.st_size)
        if size > limit { return .failure(.tooLarge(size: size, limit: limit)) }
        guard let bytes = readToEnd(descriptor, expected: size, limit: limit) else {
            return .failure(.unreadable(reason: String(cString: strerror(errno))))
        }
        if bytes.count > limit { return .failure(.tooLarge(size: nil, limit: limit)) }
        return .success(bytes)
    }

    /// The bytes of an open file, read straight into an array (through `Data` they were copied
    /// once more, and an array made zeroed first is written twice), at most `limit + 1` of them
    /// so that a file over the limit is seen; nil when a read fails, which is an error to
    /// report, never an empty file.
    package static func readToEnd(_ descriptor: Int32, expected: Int, limit: Int, inPartsFrom threshold: Int = 1 << 23) -> [UInt8]? {
        if expected >= threshold, expected <= limit, let bytes = readInParts(descriptor, size: expected) { return bytes }
        var failed = false
        var readError: Int32 = 0
        var reachedEnd = false
        /// Up to `size` bytes, fewer at the end of the input or on a failed read.
        func block(_ size: Int) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: size) { buffer, filled in
                while filled < buffer.count {
                    let result = Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                    if result == 0 {
                        reachedEnd = true
                        return
                    }
                    if result < 0 {
                        if errno == EINTR { continue }
                        failed = true
                        readError = errno
                        return
                    }
                    filled += result
                }
            }
        }
        // One byte past what is expected, so that reaching the end takes no second block.
        var bytes = block(min(expected, limit) + 1)
        // A pipe, or a file that grew: the rest in growing blocks, up to one byte past the limit.
        while !failed, !reachedEnd, bytes.count <= limit {
            bytes.append(contentsOf: block(min(max(bytes.count, 1 << 16), limit + 1 - bytes.count)))
        }
        guard !failed else {
            errno = readError  // for the caller's message, whatever the array did since
            return nil
        }
        return bytes
    }

    /// A large regular file read in parts on every core at once: copying out of the page cache,
    /// and touching the fresh pages the bytes land in, is most of the cost of a read, and one
    /// core does it at one or two gigabytes a second. Nil (nothing read, the offset where it
    /// was) unless the file is a regular one of `size` bytes, read from its start, and every
    /// part was read whole with nothing past its end: `readToEnd` then reads it in turn.
    private static func readInParts(_ descriptor: Int32, size: Int) -> [UInt8]? {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) == size,
              lseek(descriptor, 0, SEEK_CUR) == 0 else { return nil }
        let parts = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        let partSize = (size + parts - 1) / parts
        var whole = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, filled in
            let base = UInt(bitPattern: buffer.baseAddress)
            let partsRead = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var offset = part * partSize
                let end = min(size, offset + partSize)
                while offset < end {
                    let result = pread(descriptor, UnsafeMutableRawPointer(bitPattern: base + UInt(offset)), end - offset, off_t(offset))
                    if result < 0, errno == EINTR { continue }
                    guard result > 0 else { return }
                    offset += result
                }
                partsRead.add(1, ordering: .relaxed)
            }
            // One byte past the end: a file that grew since its size was taken is read in turn.
            var past: UInt8 = 0
            var atEnd: Int
            repeat { atEnd = pread(descriptor, &past, 1, off_t(size)) } while atEnd < 0 && errno == EINTR
            whole = atEnd == 0 && partsRead.load(ordering: .relaxed) == parts
            filled = whole ? size : 0
        }
        return whole ? bytes : nil
    }
}
