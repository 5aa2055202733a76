// PlacetEngine: compiles checked policy programs and evaluates them against an inventory
// of manifests, producing decisions with findings, waivers and notices.
//
// CompiledPolicy is built once per run: policy sources are parsed, type-checked and bound,
// field defaults are evaluated, and the digest that reports cite is computed. `Evaluation/`
// compiles the bound program into closures once per evaluation date; `PlacementAssessor`
// runs them over every placement; `PlacementExplainer` and `CoverageTracker` run the same
// code observed.

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
    /// The pack's name as reports show it ("policies", "bundled baseline v2"); empty when
    /// compiled from loose sources.
    public private(set) var packName = ""

    public var schema: Schema { program.schema }
    public var rules: [RuleDefinition] { program.rules }

    /// Parses and checks policy sources. Sources are ordered by path first so the digest and
    /// every diagnostic are the same whatever order the files were found in.
    public static func compile(pack: PolicyPack) -> (CompiledPolicy?, [Diagnostic]) {
        var (policy, diagnostics) = compile(sources: pack.sources, pathPrefix: pack.displayPrefix)
        policy?.packName = pack.name
        return (policy, diagnostics)
    }

    /// `pathPrefix` is left out of the digest, so a pack has one digest wherever it lives
    /// (a folder given by any path, or the copy bundled into the binary).
    public static func compile(sources: [SourceFile], pathPrefix: String = "") -> (CompiledPolicy?, [Diagnostic]) {
        let ordered = sources.sorted { $0.path < $1.path }
        let parsed = Parser.parse(sources: ordered)
        let (checked, diagnostics) = TypeChecker.check(parsed.files, sources: ordered, parseDiagnostics: parsed.diagnostics)
        guard let checked else { return (nil, diagnostics) }
        // Defaults are constant expressions without `today`, so any date will do here.
        let evaluator = Evaluator(program: checked, today: CivilDate(daysSinceEpoch: 0), rules: false)
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
        return (CompiledPolicy(program: checked, digest: digest(of: ordered, pathPrefix: pathPrefix), defaults: defaults, ruleIndex: ruleIndex), diagnostics)
    }

    static func digest(of sources: [SourceFile], pathPrefix: String) -> String {
        var hasher = SHA256()
        for source in sources {
            let path = source.path.hasPrefix(pathPrefix) ? String(source.path.dropFirst(pathPrefix.count)) : source.path
            hasher.update(data: Data(path.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(source.bytes))
            hasher.update(data: Data([0]))
        }
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

public struct PolicyLoadError: Error, Sendable {
    public let message: String
}
