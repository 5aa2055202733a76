// fuzz-lsp-framing: the bytes an editor writes to `placet lsp` on standard input, through the
// LSP base protocol's framing (`MessageFramer`), the JSON parser and the server's JSON-RPC
// dispatch. The first byte chooses how the stream is cut into reads; the rest is the stream.
// Asserted:
//   - the messages framed (and the oversized ones skipped) do not depend on how the stream
//     was cut into reads: all at once, and in pieces of the chosen sizes, give the same;
//   - no message body is over the size limit;
//   - a parsed message written back parses to a value written the same way again;
//   - a request (a method and an id) gets exactly one answer, carrying its id (null when the
//     id is neither a string nor an integer); a notification gets none; nothing else gets more
//     than one; every answer is a JSON-RPC 2.0 object.
// The server is never initialized: `initialize` names a workspace on disk (its root, its
// `policies` setting), which a fuzzer must not send scanning the machine. Requests before it are
// answered with an error, the contract above holds for them all the same.

import FuzzContracts
import PlacetLanguageServer

/// Small, so the fuzzer reaches the oversized-message path with short inputs.
let maximumMessageSize = 1 << 12

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_lsp_framing_main")
public func fuzzLanguageServerFramingMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzLanguageServerFraming)
}

/// The events that carry messages, for comparing framings: bad headers may be reported in other
/// words, or in more pieces, when the bytes arrive in other reads.
func framed(_ events: [MessageFramer.Event]) -> [MessageFramer.Event] {
    events.filter { if case .badHeader = $0 { false } else { true } }
}

func frame(_ stream: [UInt8], readSizes: [Int]) -> [MessageFramer.Event] {
    var framer = MessageFramer(maximumMessageSize: maximumMessageSize)
    var events: [MessageFramer.Event] = []
    var start = 0
    var read = 0
    while start < stream.count {
        let end = min(stream.count, start + readSizes[read % readSizes.count])
        framer.append(stream[start..<end])
        while let event = framer.next() { events.append(event) }
        start = end
        read += 1
    }
    return events
}

/// One input.
func fuzzLanguageServerFraming(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size >= 1 else { return 0 }
    let selector = Int(data[0])
    let stream = FuzzContract.bytes(data + 1, size - 1)

    let whole = frame(stream, readSizes: [max(1, stream.count)])
    let pieces = frame(stream, readSizes: [1 + selector % 7, 1 + selector, 3 + 5 * (selector % 11)])
    FuzzContract.require(framed(whole) == framed(pieces), "the messages framed depend on how the stream was read")

    var sent: [JSONValue] = []
    let server = LanguageServer(today: FuzzFixtures.asOf) { sent.append($0) }
    for event in whole {
        if case .message(let body) = event {
            FuzzContract.require(body.count <= maximumMessageSize, "a message of \(body.count) bytes, over the limit")
        }
        let message: JSONValue? = if case .message(let body) = event { try? JSONParser.parse(body) } else { nil }
        if let message {
            let written = message.serialized()
            let again = try? JSONParser.parse(Array(written.utf8))
            FuzzContract.require(again?.serialized() == written, "a message written back does not read back the same: \(written.prefix(200))")
            if message["method"]?.string == "initialize" { continue }
        }
        sent.removeAll()
        server.handle(event)
        for answer in sent {
            FuzzContract.require(answer["jsonrpc"]?.string == "2.0", "an answer that is not JSON-RPC 2.0: \(answer.serialized().prefix(200))")
            FuzzContract.require((try? JSONParser.parse(Array(answer.serialized().utf8))) != nil, "an answer that is not JSON")
        }
        guard let message, case .object = message, let method = message["method"] else {
            FuzzContract.require(sent.count <= 1, "\(sent.count) answers to one message")
            continue
        }
        if method.string != nil, let id = message["id"] {
            FuzzContract.require(sent.count == 1, "\(sent.count) answers to a request")
            let expected: JSONValue = id.string != nil || id.int != nil ? id : .null
            FuzzContract.require(sent.first?["id"] == expected, "an answer with another id than its request's")
        } else if method.string != nil {
            FuzzContract.require(sent.isEmpty, "an answer to a notification before initialize")
        } else {
            FuzzContract.require(sent.count <= 1, "\(sent.count) answers to one message")
        }
    }
    server.performPendingWork()
    return 0
}
