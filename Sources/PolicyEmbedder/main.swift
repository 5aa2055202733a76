// PolicyEmbedder: the build tool behind the EmbedPolicies plugin. It writes one Swift file
// holding every file of policies/ (path relative to policies/, contents as base64 so any byte
// survives), which the BaselinePack module compiles in.
//
// Usage: PolicyEmbedder ROOT OUTPUT FILE...

import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: PolicyEmbedder ROOT OUTPUT FILE...\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL.path
var out = """
    // Generated at build time by PolicyEmbedder from policies/. Do not edit: change policies/.

    enum EmbeddedPolicyFiles {
        /// (path relative to policies/, base64 contents), sorted by path.
        static let files: [(path: String, base64: String)] = [

    """
var entries: [(String, String)] = []
for file in arguments.dropFirst(3) {
    let path = URL(fileURLWithPath: file).standardizedFileURL.path
    guard path.hasPrefix(root + "/"), let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("PolicyEmbedder: cannot read \(file) under \(root)\n".utf8))
        exit(1)
    }
    entries.append((String(path.dropFirst(root.count + 1)), data.base64EncodedString()))
}
for (path, contents) in entries.sorted(by: { $0.0 < $1.0 }) {
    // Paths are plain relative file names; escape the two characters a string literal cares about.
    let literal = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    out += "        (\"\(literal)\", \"\(contents)\"),\n"
}
out += "    ]\n}\n"
do {
    try Data(out.utf8).write(to: URL(fileURLWithPath: arguments[2]), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("PolicyEmbedder: cannot write \(arguments[2]): \(error)\n".utf8))
    exit(1)
}
