// `placet where`: for a prospective workload (a model, its datasets, a workload kind and a
// stage), every Target in the inventory is tried as a placement through the same loader and
// assessor `check` uses; compliant targets are ranked by GPU-hour cost, the others come with
// the rules that exclude them.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests

public struct TargetSearch: Sendable {
    public struct Request: Sendable {
        public var model: String?
        public var datasets: [String]
        public var workload: String
        public var stage: String
        public var framework: String?

        public init(model: String?, datasets: [String], workload: String, stage: String, framework: String?) {
            self.model = model
            self.datasets = datasets
            self.workload = workload
            self.stage = stage
            self.framework = framework
        }
    }

    public struct Candidate: Sendable {
        public let target: String
        public let gpuHourCost: Double
        public let decision: Decision
        /// Block findings that are not waived: why the target is excluded.
        public var blockingRules: [String] {
            Array(Set(decision.findings.filter { $0.effect == .block && !$0.waived }.map(\.rule))).sorted()
        }
    }

    public struct Result: Sendable {
        public let compliant: [Candidate]
        public let excluded: [Candidate]
    }

    public let policy: CompiledPolicy
    public let asOf: CivilDate

    public init(policy: CompiledPolicy, asOf: CivilDate) {
        self.policy = policy
        self.asOf = asOf
    }

    /// The id prefix of the placements tried, so they cannot clash with real ones.
    static let prefix = "where:"

    public func search(_ request: Request, inputs: [ManifestInput], paths: [String]) -> (Result?, [Diagnostic]) {
        let contract = policy.program.contract
        let targetKind = contract.target?.record
        var builder = InventoryBuilder(policy: policy, errorLimit: 500)
        // The one manifest loader reads the files, with its size limits.
        ManifestLoader(policy: policy).read(paths: paths, into: &builder)
        for input in inputs { builder.read(input) }
        guard let targetKind else {
            return (nil, [Diagnostic(id: "where.noTargets", message: "the schema has no Target kind")])
        }
        // The request is arguments, not a manifest: check it as such, once, naming the flag.
        if !builder.bag.hasErrors {
            let problems = validate(request, inventory: builder.inventory)
            if !problems.isEmpty { return (nil, problems) }
        }
        // Placements for every target, written as JSON Lines through the normal reader, so
        // every rule sees them exactly as it sees a placement in a manifest.
        let targetIDs = builder.inventory.tables[targetKind].ids
        var lines: [String] = []
        for target in targetIDs {
            typealias Field = SchemaContract.PlacementField
            func member(_ name: String, _ json: String) -> String { "\(DraftRenderer.quote(name)): \(json)" }
            var members = [member("apiVersion", "\"placet/v1\""), member("kind", DraftRenderer.quote(SchemaContract.placement)),
                           member(SchemaContract.id, DraftRenderer.quote(Self.prefix + target)),
                           member(Field.workload, DraftRenderer.quote(request.workload)), member(Field.stage, DraftRenderer.quote(request.stage)),
                           member(Field.target, DraftRenderer.quote(target)),
                           member(Field.datasets, "[\(request.datasets.map(DraftRenderer.quote).joined(separator: ", "))]")]
            if let model = request.model { members.append(member(Field.model, DraftRenderer.quote(model))) }
            if let framework = request.framework { members.append(member(Field.framework, DraftRenderer.quote(framework))) }
            lines.append("{" + members.joined(separator: ", ") + "}")
        }
        if targetIDs.isEmpty {
            builder.bag.add(Diagnostic(id: "where.noTargets", message: "the manifests define no Target to place the workload on"))
        }
        builder.read(ManifestInput(path: "(placet where request).jsonl", text: lines.joined(separator: "\n")))
        let loaded = builder.finish()
        guard !loaded.hasErrors else { return (nil, loaded.diagnostics) }

        let assessment = PlacementAssessor(policy: policy, asOf: asOf).assess(loaded.inventory)
        let costField = contract.target?.gpuHourCost
        var compliant: [Candidate] = []
        var excluded: [Candidate] = []
        for decision in assessment.decisions where decision.placement.hasPrefix(Self.prefix) {
            let target = String(decision.placement.dropFirst(Self.prefix.count))
            var cost = 0.0
            if let costField, let row = loaded.inventory.tables[targetKind].indexByID[target],
               case .number(let value) = loaded.inventory.tables[targetKind].rows[row][costField] {
                cost = value
            }
            let candidate = Candidate(target: target, gpuHourCost: cost, decision: decision)
            if decision.outcome == .approve { compliant.append(candidate) } else { excluded.append(candidate) }
        }
        compliant.sort { ($0.gpuHourCost, $0.target) < ($1.gpuHourCost, $1.target) }
        excluded.sort { $0.target < $1.target }
        return (Result(compliant: compliant, excluded: excluded), loaded.diagnostics)
    }

    /// Each flag's value against the schema (enumerations) and the inventory (ids), with the
    /// valid values and a did-you-mean, as usage errors (`where.badArgument`).
    func validate(_ request: Request, inventory: Inventory) -> [Diagnostic] {
        let schema = policy.schema
        let contract = policy.program.contract
        let placement = contract.placement.record
        var problems: [Diagnostic] = []
        func problem(_ flag: String, _ message: String) {
            problems.append(Diagnostic(id: "where.badArgument", message: "--\(flag): \(message)"))
        }
        // Flags are typed short: a unique completion ('infer' -> 'inference') beats edit distance.
        func suggestion(_ value: String, in candidates: [String]) -> String {
            let completions = candidates.filter { $0.lowercased().hasPrefix(value.lowercased()) }
            if value.count >= 2, completions.count == 1 { return "; did you mean '\(completions[0])'?" }
            return Suggestion.didYouMean(value, in: candidates)
        }
        func checkEnumeration(_ flag: String, field: Int?, value: String?) {
            guard let value, let index = field else { return }
            guard case .enumeration(let enumeration) = schema.records[placement].fields[index].type.unwrapped else { return }
            let cases = schema.enumerations[enumeration].cases
            if schema.enumerations[enumeration].caseIndex[value] == nil {
                problem(flag, "unknown \(schema.enumerations[enumeration].name) '\(value)'\(suggestion(value, in: cases)) (valid values: \(cases.joined(separator: ", ")))")
            }
        }
        func checkID(_ flag: String, kind table: Int?, id: String) {
            guard let table else { return }
            let kind = schema.records[table].name
            let known = inventory.tables[table].ids
            if inventory.tables[table].indexByID[id] == nil {
                let listing = known.isEmpty ? "the manifests define no \(kind)" : known.count <= 20 ? "known ids: \(known.sorted().joined(separator: ", "))" : "\(known.count) are defined"
                problem(flag, "no \(kind) with id '\(id)'\(suggestion(id, in: known)) (\(listing))")
            }
        }
        checkEnumeration("workload", field: contract.placement.workload, value: request.workload)
        checkEnumeration("stage", field: contract.placement.stage, value: request.stage)
        checkEnumeration("framework", field: contract.placement.framework, value: request.framework)
        if let model = request.model { checkID("model", kind: contract.model, id: model) }
        for dataset in request.datasets { checkID("datasets", kind: contract.dataset, id: dataset) }
        return problems
    }
}
