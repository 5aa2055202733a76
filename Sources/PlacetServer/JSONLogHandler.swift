// Structured logs: one JSON object per line on standard error (time, level, label, message,
// metadata), for log collectors; `placet serve --log-format json` installs it.

import Foundation
import Logging
import PlacetLanguage

public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    /// Lines from several threads must not interleave.
    private static let output = Locked(())

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var json = JSONOutput(capacity: 256)
        json.object { json in
            json.key("time"); json.string(Date().formatted(.iso8601))
            json.key("level"); json.string(event.level.rawValue)
            json.key("label"); json.string(label)
            json.key("message"); json.string(event.message.description)
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                json.key(key); json.string(value.description)
            }
        }
        json.bytes.append(0x0A)
        let line = json.bytes
        Self.output.withLock { _ in FileHandle.standardError.write(Data(line)) }
    }
}
