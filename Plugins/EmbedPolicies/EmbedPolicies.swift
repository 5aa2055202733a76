// EmbedPolicies: a build-tool plugin that compiles the package's policies/ folder into the
// BaselinePack module, so the installed `placet` binary carries its pack and needs no
// resource bundle or build folder at run time. policies/ stays the one source of truth.

import Foundation
import PackagePlugin

@main
struct EmbedPolicies: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL.appending(path: "policies")
        let files = try EmbedPolicies.packFiles(under: root)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPolicyFiles.swift")
        return [.buildCommand(
            displayName: "Embedding \(files.count) policy files from policies/",
            executable: try context.tool(named: "PolicyEmbedder").url,
            arguments: [root.path(percentEncoded: false), output.path(percentEncoded: false)]
                + files.map { $0.path(percentEncoded: false) },
            inputFiles: files,
            outputFiles: [output])]
    }

    /// The files the pack is made of: policy sources, policy tests, the pack's own metadata and
    /// the example inventories the tests and README use. Sorted, so the output is stable.
    static func packFiles(under root: URL) throws -> [URL] {
        let extensions: Set<String> = ["placet", "yaml", "yml", "json", "jsonl", "xml"]
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw EmbedError(message: "cannot read \(root.path)")
        }
        var files: [URL] = []
        for case let url as URL in walker where extensions.contains(url.pathExtension) {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }
}

struct EmbedError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
