// PlacetEngine: compiles checked policy programs and evaluates them against an inventory
// of manifests, producing decisions with findings, waivers and notices.
//
// CompiledPolicy is built once per run: policy sources are parsed, type-checked and bound,
// field defaults are evaluated, and the digest that reports cite is computed.

import Crypto
import Foundation
import PlacetLanguage

public struct CompiledPolicy: Sendable {
    public let program: CheckedProgram
    /// `sha256:<hex>` over the policy sources in sorted path order.
    public let digest: String
    /// Per record kind and field: the default value, when the field has one.
    public let defaults: [[Value?]]
    public let ruleIndex: [String: Int]

    public var schema: Schema { program.schema }
    public var rules: [RuleDefinition] { program.rules }

    /// Parses and checks policy sources. Sources are ordered by path first so the digest and
    /// every diagnostic are the same whatever order the files were found in.
    public static func compile(sources: [SourceFile]) -> (CompiledPolicy?, [Diagnostic]) {
        let ordered = sources.sorted { $0.path < $1.path }
        let (checked, diagnostics) = TypeChecker.check(sources: ordered)
        guard let checked else { return (nil, diagnostics) }
        // Defaults are constant expressions without `today`, so any date will do here.
        let evaluator = Evaluator(program: checked, today: CivilDate(daysSinceEpoch: 0))
        var defaults: [[Value?]] = []
        for record in checked.schema.records {
            defaults.append(record.fields.map { field in
                if let expression = field.defaultValue {
                    return evaluator.evaluateConstant(expression, type: field.type)
                }
                return field.type.isOptional ? .absent : nil
            })
        }
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in checked.rules.enumerated() { ruleIndex[rule.id] = index }
        return (CompiledPolicy(program: checked, digest: digest(of: ordered), defaults: defaults, ruleIndex: ruleIndex), diagnostics)
    }

    static func digest(of sources: [SourceFile]) -> String {
        var hasher = SHA256()
        for source in sources {
            hasher.update(data: Data(source.path.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(source.bytes))
            hasher.update(data: Data([0]))
        }
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Reads policy files (`*.placet`) from a directory, recursively, in sorted order.
public enum PolicySources {
    public static func load(directory: URL) throws -> [SourceFile] {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PolicyLoadError(message: "policy directory '\(directory.path)' does not exist")
        }
        guard let enumerator = fileManager.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw PolicyLoadError(message: "cannot read policy directory '\(directory.path)'")
        }
        var paths: [String] = []
        let base = directory.standardizedFileURL.path
        for case let url as URL in enumerator where url.pathExtension == "placet" {
            paths.append(url.standardizedFileURL.path)
        }
        paths.sort()
        var sources: [SourceFile] = []
        for path in paths {
            guard let data = fileManager.contents(atPath: path) else {
                throw PolicyLoadError(message: "cannot read policy file '\(path)'")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw PolicyLoadError(message: "\(path): policy file is not valid UTF-8")
            }
            // Paths relative to the policy directory keep the digest independent of where it lives.
            let relative = path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
            sources.append(SourceFile(path: relative, text: text))
        }
        if sources.isEmpty {
            throw PolicyLoadError(message: "no policy files (*.placet) in '\(directory.path)'")
        }
        return sources
    }
}

public struct PolicyLoadError: Error, Sendable {
    public let message: String
}
