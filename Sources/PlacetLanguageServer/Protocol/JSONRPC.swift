// JSON-RPC 2.0 as LSP uses it: requests, notifications, responses and the error codes.

public struct ResponseError: Error, Sendable {
    public let code: Int
    public let message: String

    public init(_ code: Int, _ message: String) {
        self.code = code
        self.message = message
    }

    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    public static let serverNotInitialized = -32002
    public static let requestFailed = -32803

    public static func invalidParams(_ message: String) -> ResponseError { ResponseError(invalidParams, message) }
}

enum JSONRPC {
    static func response(id: JSONValue, result: JSONValue) -> JSONValue {
        .object([("jsonrpc", "2.0"), ("id", id), ("result", result)])
    }

    static func error(id: JSONValue, _ error: ResponseError) -> JSONValue {
        .object([("jsonrpc", "2.0"), ("id", id),
                 ("error", .object([("code", JSONValue(error.code)), ("message", .string(error.message))]))])
    }

    static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        .object([("jsonrpc", "2.0"), ("method", .string(method)), ("params", params)])
    }
}
