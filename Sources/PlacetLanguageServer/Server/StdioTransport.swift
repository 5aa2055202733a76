// The server's process loop: a reader thread frames standard input into a bounded queue; the
// calling thread hands each message to the LanguageServer and, whenever the queue runs dry,
// computes and publishes the diagnostics that are waiting, so a burst of keystrokes is analysed once.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Framed input between the reader thread and the server's thread.
// @unchecked Sendable: every stored property is read and written only while `condition` is locked.
final class InputQueue: @unchecked Sendable {
    enum Next {
        case event(MessageFramer.Event)
        case empty
        case finished
    }

    /// The reader waits while this much is queued, so a flood of input cannot grow memory without bound.
    static let maximumQueuedBytes = 128 << 20

    private let condition = NSCondition()
    private var events: [MessageFramer.Event] = []
    private var head = 0
    private var queuedBytes = 0
    private var finished = false

    func push(_ event: MessageFramer.Event) {
        condition.lock()
        defer { condition.unlock() }
        while queuedBytes > InputQueue.maximumQueuedBytes { condition.wait() }
        if case .message(let bytes) = event { queuedBytes += bytes.count }
        events.append(event)
        condition.broadcast()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next event; when none is queued, waits for one if `wait`, else answers `.empty`.
    func next(wait: Bool) -> Next {
        condition.lock()
        defer { condition.unlock() }
        while head == events.count {
            if finished { return .finished }
            if !wait { return .empty }
            condition.wait()
        }
        let event = events[head]
        head += 1
        if head == events.count {
            events.removeAll(keepingCapacity: true)
            head = 0
        }
        if case .message(let bytes) = event { queuedBytes -= bytes.count }
        condition.broadcast()
        return .event(event)
    }
}

public enum StdioTransport {
    /// Serves LSP on file descriptors until `exit` or the end of input; returns the exit status.
    public static func serve(input: Int32 = 0, output: Int32 = 1, defaults: ServerSettings = ServerSettings(),
                             maximumMessageSize: Int = MessageFramer.defaultMaximumMessageSize) -> Int32 {
        let server = LanguageServer(defaults: defaults) { message in
            writeAll(MessageFramer.frame(Array(message.serialized().utf8)), to: output)
        }
        let queue = InputQueue()
        let reader = Thread {
            var framer = MessageFramer(maximumMessageSize: maximumMessageSize)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                framer.append(buffer[0..<count])
                while let event = framer.next() { queue.push(event) }
            }
            queue.finish()
        }
        reader.start()
        while true {
            switch queue.next(wait: !server.hasPendingWork) {
            case .event(let event):
                server.handle(event)
                if let status = server.exitStatus { return status }
            case .empty:
                server.performPendingWork()
            case .finished:
                return server.exitStatus ?? 1
            }
        }
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            // The client is gone: nothing more can be said to it.
            guard written > 0 else { exit(1) }
            offset += written
        }
    }
}
