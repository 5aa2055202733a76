// `check`: policies, manifests, assessment, as one report. `placet check`, each side of
// `placet diff` and `placet bench` take this path.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports

/// The path every command that decides takes: policies, manifests, assessment.
public enum CheckWorkflow {
    /// Seconds spent in each phase, for `placet bench`.
    public struct Timings: Sendable {
        public var load = 0.0
        public var assess = 0.0
        /// `writeJSON` only: deciding again and writing, after the counting pass (`assess`).
        public var render = 0.0

        public init() {}
    }

    public static func run(pack: PolicyPack, paths: [String], asOf: CivilDate, standardInput: StandardInput? = nil,
                           allowEmpty: Bool = false) -> Report {
        var timings = Timings()
        return run(pack: pack, paths: paths, asOf: asOf, standardInput: standardInput, allowEmpty: allowEmpty, timings: &timings)
    }

    public static func run(pack: PolicyPack, paths: [String], asOf: CivilDate, standardInput: StandardInput? = nil,
                           allowEmpty: Bool = false, timings: inout Timings) -> Report {
        let started = Date()
        let prepared = prepare(pack: pack, paths: paths, asOf: asOf, standardInput: standardInput, allowEmpty: allowEmpty)
        let assessing = Date()
        timings.load = assessing.timeIntervalSince(started)
        let assessment = prepared.decides.map { PlacementAssessor(policy: $0, asOf: asOf).assess(prepared.inventory) }
        timings.assess = Date().timeIntervalSince(assessing)
        return prepared.report(asOf: asOf, assessment: assessment)
    }

    /// `check --format json` written as it is decided, the same bytes as `JSONRenderer` gives
    /// for `run`'s report, with memory holding the inventory and a few chunks of decisions
    /// rather than the whole report. Returns what `run`'s report would say besides its
    /// decisions: its diagnostics, and the exit status. `whileLoaded` is given the same while
    /// the inventory is still held: a process that exits there skips freeing every record,
    /// which at a million placements takes a noticeable part of a second. `logged`, when
    /// given, gets the decision log's record bodies for the decisions (written on the cores
    /// that decided them), in order, a chunk at a time after it is written, with the report
    /// they belong to (without its assessment). It is not called when an error stands.
    public static func writeJSON(pack: PolicyPack, paths: [String], asOf: CivilDate, standardInput: StandardInput? = nil,
                                 allowEmpty: Bool = false, timings: inout Timings,
                                 write: ([UInt8]) throws -> Void,
                                 logged: ((DecisionLog.RecordBodies, Report) -> Void)? = nil,
                                 whileLoaded: ((diagnostics: [Diagnostic], exitStatus: Int32)) -> Void = { _ in })
        rethrows -> (diagnostics: [Diagnostic], exitStatus: Int32) {
        let started = Date()
        let prepared = prepare(pack: pack, paths: paths, asOf: asOf, standardInput: standardInput, allowEmpty: allowEmpty)
        return try withExtendedLifetime(prepared) {
            let (outcome, machines) = try writeJSON(prepared, asOf: asOf, started: started, timings: &timings, write: write, logged: logged)
            // The machines that decided are held as well: their memos are many small allocations.
            withExtendedLifetime(machines) { whileLoaded(outcome) }
            return outcome
        }
    }

    private static func writeJSON(_ prepared: Prepared, asOf: CivilDate, started: Date, timings: inout Timings,
                                  write: ([UInt8]) throws -> Void, logged: ((DecisionLog.RecordBodies, Report) -> Void)?)
        rethrows -> (outcome: (diagnostics: [Diagnostic], exitStatus: Int32), machines: WarmMachines?) {
        let shell = prepared.report(asOf: asOf, assessment: nil)
        var assessing = Date()
        timings.load = assessing.timeIntervalSince(started)
        guard let policy = prepared.decides else {
            try write(JSONRenderer().render(shell))
            return ((shell.diagnostics, 2), nil)
        }
        var writer: JSONReportWriter?
        var summary = Summary()
        var notices: [Notice] = []
        // A chunk's bytes are written as they are, not copied into the writer, and their buffer
        // goes back to be written into again: a fresh one per chunk, freed on another thread,
        // kept malloc consolidating and the kernel clearing pages.
        let buffers = PartBuffers()
        let machines = try PlacementAssessor(policy: policy, asOf: asOf).assessInOrder(
            prepared.inventory, describing: false,
            head: { counted, waiverNotices in
                summary = counted
                notices = waiverNotices
                writer = JSONReportWriter(shell, summary: counted)
                timings.assess = Date().timeIntervalSince(assessing)
                assessing = Date()
                try write(writer!.take())
            },
            // The log's record bodies are written beside the report's bytes, only when `logged` wants them.
            render: { [logs = logged != nil] decisions in
                (JSONReportWriter.items(decisions[...], buffers: buffers), logs ? DecisionLog.RecordBodies(decisions[...]) : nil)
            },
            emit: { parts in
                var parts = consume parts
                parts.reverse()
                while let (bytes, bodies) = parts.popLast() {
                    try writer!.write(items: bytes, to: write)
                    buffers.giveBack(bytes)
                    if let logged, let bodies { logged(bodies, shell) }
                }
            })
        if writer == nil { writer = JSONReportWriter(shell, summary: summary) }
        try write(writer!.finish(notices: notices, errors: []))
        timings.render = Date().timeIntervalSince(assessing)
        return ((shell.diagnostics, summary.blocked > 0 ? 1 : 0), machines)
    }

    /// The policy compiled and the manifests loaded: what every check starts from.
    private struct Prepared {
        let policy: CompiledPolicy?
        let packName: String
        let inventory: Inventory
        let diagnostics: [Diagnostic]

        /// The policy, when there is one and no error stands: fail closed.
        var decides: CompiledPolicy? { diagnostics.contains(where: \.isError) ? nil : policy }

        func report(asOf: CivilDate, assessment: Assessment?) -> Report {
            guard let policy else {
                return Report(engineVersion: PlacetVersion.current, policyDigest: "", policyPack: packName, asOf: asOf, inputs: [],
                              assessment: nil, diagnostics: diagnostics)
            }
            return Report(engineVersion: PlacetVersion.current, policyDigest: policy.digest, policyPack: policy.packName, asOf: asOf,
                          inputs: inventory.files, assessment: assessment, diagnostics: diagnostics,
                          rules: policy.rules.map(RuleDescriptor.init))
        }
    }

    private static func prepare(pack: PolicyPack, paths: [String], asOf: CivilDate, standardInput: StandardInput?,
                                allowEmpty: Bool) -> Prepared {
        let (compiled, policyDiagnostics) = CompiledPolicy.compile(pack: pack)
        guard let policy = compiled else {
            return Prepared(policy: nil, packName: pack.name, inventory: Inventory(recordKinds: 0), diagnostics: policyDiagnostics)
        }
        let loaded = ManifestLoader(policy: policy).load(paths: paths, standardInput: standardInput)
        var diagnostics = policyDiagnostics + loaded.diagnostics
        if !allowEmpty, !diagnostics.contains(where: \.isError),
           loaded.inventory.tables[policy.program.placementRecord].ids.isEmpty {
            // A pipeline pointed at the wrong folder must not pass with nothing decided.
            diagnostics.append(Diagnostic(
                id: "check.noPlacements",
                message: "no Placement manifests in \(paths.joined(separator: ", ")): nothing to decide; pass --allow-empty if that is intended"))
        }
        return Prepared(policy: policy, packName: pack.name, inventory: loaded.inventory, diagnostics: diagnostics)
    }

    /// A report that decides nothing, for a run that could not start (an unreadable pack).
    public static func failed(asOf: CivilDate, _ diagnostic: Diagnostic) -> Report {
        Report(engineVersion: PlacetVersion.current, policyDigest: "", asOf: asOf, inputs: [], assessment: nil, diagnostics: [diagnostic])
    }

    /// 2 on any error (fail closed), else 1 when anything is blocked, else 0.
    public static func exitStatus(_ report: Report) -> Int32 {
        if !report.errors.isEmpty || report.assessment == nil { return 2 }
        return report.summary.blocked > 0 ? 1 : 0
    }
}
