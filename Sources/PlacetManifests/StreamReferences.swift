// The reference data of a streamed check (`check --stream`): every manifest but placements,
// read from the PATHs by the same loader as `check`, with the same limits and validation.
// Placements come later, line by line; waivers name placements, so their `placement`
// references are kept as ids and matched against each batch of the stream instead.

import PlacetEngine
import PlacetLanguage

public struct StreamReferences: Sendable {
    public let policy: CompiledPolicy
    /// Datasets, models, targets, controllers and waivers, references resolved; no placements.
    /// A waiver's `placement` field is absent here: `waivers(for:)` gives it per batch.
    public let inventory: Inventory
    /// Waiver rows by the placement id they name. Waivers for placements that never appear in
    /// the stream are not an error (the same reference data serves many streams, such as the
    /// partitions of a Spark job); they simply never apply.
    private let waiverRowsByPlacement: [String: [Int]]
    /// Evaluates `required when` conditions, which hold for any date.
    let conditionEvaluator: Evaluator

    public var placementKind: Int { policy.program.placementRecord }

    /// The reference inventory, or nil with the errors that stop the run before any placement is read.
    public static func load(policy: CompiledPolicy, paths: [String], standardInput: StandardInput? = nil) -> (StreamReferences?, [Diagnostic]) {
        let loader = ManifestLoader(policy: policy)
        var builder = InventoryBuilder(policy: policy, errorLimit: loader.errorLimit)
        loader.read(paths: paths, standardInput: standardInput, into: &builder)
        let placementKind = policy.program.placementRecord
        let placementName = policy.schema.records[placementKind].name
        for (row, origin) in builder.inventory.tables[placementKind].origins.enumerated() {
            builder.bag.add(Diagnostic(
                id: "stream.placementInReferences",
                message: "\(placementName) '\(builder.inventory.tables[placementKind].ids[row])': with --stream, placements come from --placements (JSON Lines), not from the reference PATHs",
                location: origin))
        }
        // Waivers name placements of the stream: keep those ids aside instead of resolving them.
        let waiverContract = policy.program.contract.waiver
        var waiverRows: [String: [Int]] = [:]
        var kept: [InventoryBuilder.PendingReference] = []
        for reference in builder.pending {
            guard reference.target == placementKind else {
                kept.append(reference)
                continue
            }
            if let waiverContract, reference.kind == waiverContract.record, reference.field == waiverContract.placement {
                waiverRows[reference.id, default: []].append(reference.row)
            } else {
                let record = policy.schema.records[reference.kind]
                builder.bag.add(Diagnostic(
                    id: "stream.placementReference",
                    message: "\(record.name) '\(builder.inventory.tables[reference.kind].ids[reference.row])', field '\(record.fields[reference.field].name)': names a \(placementName), and with --stream placements are known only as they arrive; only waivers may name them",
                    location: reference.location))
            }
        }
        builder.pending = kept
        let loaded = builder.finish()
        guard !loaded.hasErrors else { return (nil, loaded.diagnostics) }
        let references = StreamReferences(policy: policy, inventory: loaded.inventory, waiverRowsByPlacement: waiverRows,
                                          conditionEvaluator: Evaluator(program: policy.program, today: CivilDate(daysSinceEpoch: 0), rules: false))
        return (references, loaded.diagnostics)
    }

    /// The inventory to assess one batch: the reference tables, the batch's placements, and the
    /// waivers naming those placements with their `placement` field pointing at the batch's rows.
    public func inventory(with placements: RecordTable) -> Inventory {
        var inventory = self.inventory
        inventory.tables[placementKind] = placements
        guard let contract = policy.program.contract.waiver, !waiverRowsByPlacement.isEmpty else { return inventory }
        let allWaivers = self.inventory.tables[contract.record]
        var waivers = RecordTable()
        for (row, id) in placements.ids.enumerated() {
            for waiver in waiverRowsByPlacement[id] ?? [] {
                var fields = allWaivers.rows[waiver]
                fields[contract.placement] = .record(row)
                waivers.append(id: allWaivers.ids[waiver], fields: fields, origin: allWaivers.origins[waiver])
            }
        }
        inventory.tables[contract.record] = waivers
        return inventory
    }
}
