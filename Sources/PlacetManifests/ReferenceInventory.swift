// Reference manifests read once, to which each request of `placet serve` adds its own manifests
// without the references being read again. The placements are the requests': the references'
// own placements are validated and then set aside, and reference waivers are matched by the
// placement id they name against each request's placements (a waiver for a placement that no
// request sends is not an error; it never applies).

import PlacetEngine
import PlacetLanguage

public struct ReferenceInventory: Sendable {
    public let policy: CompiledPolicy
    /// Every reference manifest but placements and waivers, references resolved.
    public let inventory: Inventory
    /// How many placements the references held (validated, then set aside).
    public let setAsidePlacements: Int
    /// The reference waivers, their `placement` field absent: `extend` points it at a request's row.
    private let waivers: RecordTable
    /// Reference waiver rows by the placement id they name.
    private let waiverRowsByPlacement: [String: [Int]]
    /// `required when` conditions compiled once: they hold for any date.
    private let requirements: [Requirement]
    private let conditionEvaluator: Evaluator

    private struct Requirement: Sendable {
        let kind: Int
        let field: Int
        let condition: CompiledExpression
    }

    /// The references, or nil with the errors that stop them being served.
    public static func load(policy: CompiledPolicy, inputs: [ManifestInput], errorLimit: Int = 500) -> (ReferenceInventory?, [Diagnostic]) {
        var builder = InventoryBuilder(policy: policy, errorLimit: errorLimit)
        for input in inputs { builder.read(input) }
        let placementKind = policy.program.placementRecord
        let waiverContract = policy.program.contract.waiver
        // Waivers name the requests' placements: keep those ids aside instead of resolving them.
        var waiverRows: [String: [Int]] = [:]
        builder.pending.removeAll { reference in
            guard let waiverContract, reference.kind == waiverContract.record, reference.field == waiverContract.placement else { return false }
            waiverRows[reference.id, default: []].append(reference.row)
            return true
        }
        let loaded = builder.finish()
        guard !loaded.hasErrors else { return (nil, loaded.diagnostics) }
        var inventory = loaded.inventory
        let setAside = inventory.tables[placementKind].count
        inventory.tables[placementKind] = RecordTable()
        var waivers = RecordTable()
        if let waiverContract {
            waivers = inventory.tables[waiverContract.record]
            inventory.tables[waiverContract.record] = RecordTable()
        }
        let evaluator = Evaluator(program: policy.program, today: CivilDate(daysSinceEpoch: 0), rules: false)
        var requirements: [Requirement] = []
        for (kind, record) in policy.schema.records.enumerated() {
            for (index, field) in record.fields.enumerated() {
                if let condition = field.requiredWhen {
                    requirements.append(Requirement(kind: kind, field: index, condition: evaluator.compile(condition)))
                }
            }
        }
        let references = ReferenceInventory(policy: policy, inventory: inventory, setAsidePlacements: setAside, waivers: waivers,
                                            waiverRowsByPlacement: waiverRows, requirements: requirements, conditionEvaluator: evaluator)
        return (references, loaded.diagnostics)
    }

    /// The references plus `inputs`, read and validated as the loader reads any manifest: every
    /// placement in the result is one of `inputs`', and the reference waivers naming those
    /// placements apply to them. A manifest whose id a reference already defines is an error.
    public func extend(with inputs: [ManifestInput], errorLimit: Int = 500) -> ManifestLoadResult {
        extend(errorLimit: errorLimit) { builder in
            for input in inputs { builder.read(input) }
        }
    }

    /// The references plus whatever `add` gives the builder: manifests built as document trees
    /// of a request (the server's admission reviews and `where`), positioned in its body.
    package func extend(errorLimit: Int = 500, adding add: (inout InventoryBuilder) -> Void) -> ManifestLoadResult {
        var builder = InventoryBuilder(policy: policy, errorLimit: errorLimit)
        builder.inventory = inventory
        let firstNewRow = inventory.tables.map(\.count)
        add(&builder)
        let schema = policy.schema
        for reference in builder.pending where builder.inventory.tables[reference.target].indexByID[reference.id] == nil {
            let known = builder.inventory.tables[reference.target].ids
            builder.bag.add(Diagnostic(
                id: "manifest.danglingReference",
                message: "\(schema.records[reference.kind].name) '\(builder.inventory.tables[reference.kind].ids[reference.row])', field '\(schema.records[reference.kind].fields[reference.field].name)': no \(schema.records[reference.target].name) with id '\(reference.id)'\(known.count < 5000 ? Suggestion.didYouMean(reference.id, in: known) : "")",
                location: reference.location))
        }
        // Only the new rows hold ids still to resolve: the references' rows are resolved already.
        for kind in schema.records.indices where builder.inventory.tables[kind].count > firstNewRow[kind] {
            let fields = schema.records[kind].fields.enumerated().filter { $0.element.type.refersToRecord }
            for row in firstNewRow[kind]..<builder.inventory.tables[kind].count {
                for (index, field) in fields {
                    let value = builder.inventory.tables[kind].rows[row][index]
                    builder.inventory.tables[kind].rows[row][index] = InventoryBuilder.resolve(value, as: field.type, in: builder.inventory)
                }
            }
        }
        if !builder.bag.hasErrors { checkRequirements(from: firstNewRow, in: &builder) }
        if !builder.bag.hasErrors { addReferenceWaivers(from: firstNewRow, to: &builder) }
        var diagnostics = builder.bag.diagnostics
        if builder.bag.isFull {
            diagnostics.append(Diagnostic(id: "manifest.tooManyErrors", severity: .note, message: "error limit of \(builder.bag.limit) reached; further errors are not shown"))
        }
        return ManifestLoadResult(inventory: builder.inventory, diagnostics: diagnostics)
    }

    /// The loader's conditional requirements, for the new rows only.
    private func checkRequirements(from firstNewRow: [Int], in builder: inout InventoryBuilder) {
        for requirement in requirements where builder.inventory.tables[requirement.kind].count > firstNewRow[requirement.kind] {
            let table = builder.inventory.tables[requirement.kind]
            let missing = (firstNewRow[requirement.kind]..<table.count).filter { row in
                switch table.rows[row][requirement.field] {
                case .absent: true
                case .collection(let items): items.isEmpty
                default: false
                }
            }
            if missing.isEmpty { continue }
            let record = policy.schema.records[requirement.kind]
            let field = record.fields[requirement.field]
            for row in conditionEvaluator.rows(where: requirement.condition, among: missing, inventory: builder.inventory) {
                builder.bag.add(Diagnostic(
                    id: "manifest.conditionallyRequired",
                    message: "\(record.name) '\(table.ids[row])': field '\(field.name)' is required (and may not be empty) when \(field.requiredWhenText)",
                    location: table.origins[row]))
            }
        }
    }

    /// Copies of the reference waivers naming the new placements, pointed at their rows.
    private func addReferenceWaivers(from firstNewRow: [Int], to builder: inout InventoryBuilder) {
        guard let contract = policy.program.contract.waiver, !waiverRowsByPlacement.isEmpty else { return }
        let placementKind = policy.program.placementRecord
        let placements = builder.inventory.tables[placementKind]
        for row in firstNewRow[placementKind]..<placements.count {
            for waiverRow in waiverRowsByPlacement[placements.ids[row]] ?? [] {
                let id = waivers.ids[waiverRow]
                if let clash = builder.inventory.tables[contract.record].indexByID[id] {
                    let first = waivers.origins[waiverRow]
                    builder.bag.add(Diagnostic(id: "manifest.duplicateID",
                                               message: "duplicate \(policy.schema.records[contract.record].name) id '\(id)': first defined at \(first.file):\(first.line)",
                                               location: builder.inventory.tables[contract.record].origins[clash]))
                    continue
                }
                var fields = waivers.rows[waiverRow]
                fields[contract.placement] = .record(row)
                builder.inventory.tables[contract.record].append(id: id, fields: fields, origin: waivers.origins[waiverRow])
            }
        }
    }
}

extension MappingEntry {
    /// A member of a document built in code: the server's placements from annotations and questions.
    package init(key: String, at keyPosition: Position, value: DocumentNode) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}
