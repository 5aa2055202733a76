// `file://` URIs and paths: the client names documents by URI, diagnostics and the loaders by path.

import Foundation

public enum FileURI {
    /// The path of a `file:` URI, or nil for any other scheme.
    public static func path(of uri: String) -> String? {
        guard let url = URL(string: uri), url.isFileURL else { return nil }
        return url.standardizedFileURL.path
    }

    public static func uri(of path: String) -> String {
        URL(fileURLWithPath: path).absoluteString
    }
}
