// The schema contract: every record and field name the Swift code relies on, in one place.
// The schema itself is data in policies/; these are the few names the engine, the manifest
// loader and `placet where` give a meaning to. The type checker resolves them once against the
// pack's schema (`SchemaContract.resolve`) and stores the indices in `CheckedProgram.contract`,
// so no evaluation looks a name up again. A name the engine cannot work without is an error
// (`type.contractMissing`); the optional ones resolve to nil when a pack leaves them out.

public enum SchemaContract {
    /// The field every record has (`type.missingIdField` checks it for each record).
    public static let id = "id"

    /// The kind whose manifests are evaluated. Required.
    public static let placement = "Placement"
    /// The kind of waivers (SPEC §2.7). Optional; when declared, its required fields are checked.
    public static let waiver = "Waiver"
    /// Kinds `placet where` and the importers refer to. Optional.
    public static let model = "Model"
    public static let dataset = "Dataset"
    public static let target = "Target"
    public static let controller = "Controller"

    /// Placement's fields: references shown in reports, and what `placet where` fills in. Optional.
    public enum PlacementField {
        public static let model = "model"
        public static let target = "target"
        public static let datasets = "datasets"
        public static let workload = "workload"
        public static let stage = "stage"
        public static let framework = "framework"
    }

    /// Waiver's fields: `rule`, `placement` and `expires` are required when Waiver is declared.
    public enum WaiverField {
        public static let rule = "rule"
        public static let placement = "placement"
        public static let expires = "expires"
        public static let approvedBy = "approvedBy"
        public static let justification = "justification"
    }

    /// Target's fields. Optional.
    public enum TargetField {
        /// EUR per GPU hour, for ranking the targets `placet where` finds.
        public static let gpuHourCost = "gpuHourCost"
    }

    /// The contract's names as indices into `schema`, with a diagnostic for each required name
    /// the schema lacks. The result is nil only when there is no `Placement` to evaluate.
    public static func resolve(_ schema: Schema) -> (ResolvedSchemaContract?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        guard let placement = schema.recordIndex[Self.placement] else {
            diagnostics.append(.contractMissing(record: Self.placement, purpose: "to evaluate placements", at: nil))
            return (nil, diagnostics)
        }
        let placementRecord = schema.records[placement]

        var waiver: ResolvedSchemaContract.WaiverFields?
        if let index = schema.recordIndex[Self.waiver] {
            let record = schema.records[index]
            let needed: [(String, PlacetType)] = [(WaiverField.rule, .string), (WaiverField.placement, .record(placement)),
                                                  (WaiverField.expires, .date)]
            var found: [Int] = []
            for (name, type) in needed {
                if let field = record.fieldIndex[name], record.fields[field].type == type {
                    found.append(field)
                } else {
                    diagnostics.append(.contractMissing(record: Self.waiver, field: name, type: schema.describe(type),
                                                        purpose: "for waivers", at: record.location))
                }
            }
            if found.count == needed.count {
                waiver = .init(record: index, rule: found[0], placement: found[1], expires: found[2],
                               approvedBy: field(WaiverField.approvedBy, of: record, if: { $0 == .string }),
                               justification: field(WaiverField.justification, of: record, if: { $0 == .string }))
            }
        }

        let target = schema.recordIndex[Self.target].map { index in
            ResolvedSchemaContract.TargetFields(
                record: index, gpuHourCost: field(TargetField.gpuHourCost, of: schema.records[index], if: { $0.unwrapped == .number }))
        }
        func enumeration(_ type: PlacetType) -> Bool {
            if case .enumeration = type.unwrapped { true } else { false }
        }
        let fields = ResolvedSchemaContract.PlacementFields(
            record: placement,
            model: reference(PlacementField.model, of: placementRecord),
            target: reference(PlacementField.target, of: placementRecord),
            datasets: reference(PlacementField.datasets, of: placementRecord),
            workload: field(PlacementField.workload, of: placementRecord, if: enumeration),
            stage: field(PlacementField.stage, of: placementRecord, if: enumeration),
            framework: field(PlacementField.framework, of: placementRecord, if: enumeration))
        let contract = ResolvedSchemaContract(
            placement: fields, waiver: waiver, target: target,
            model: schema.recordIndex[Self.model], dataset: schema.recordIndex[Self.dataset],
            controller: schema.recordIndex[Self.controller])
        return (contract, diagnostics)
    }

    private static func field(_ name: String, of record: RecordType, if fits: (PlacetType) -> Bool) -> Int? {
        guard let index = record.fieldIndex[name], fits(record.fields[index].type) else { return nil }
        return index
    }

    /// A field that names other manifests: a record, an optional record, or a set or list of records.
    private static func reference(_ name: String, of record: RecordType) -> ResolvedSchemaContract.Reference? {
        guard let index = record.fieldIndex[name] else { return nil }
        let type = record.fields[index].type.unwrapped
        guard case .record(let kind) = type.elementType ?? type else { return nil }
        return .init(field: index, kind: kind)
    }
}

/// `SchemaContract` resolved against one schema: record kinds and field slots as indices.
public struct ResolvedSchemaContract: Sendable, Hashable {
    /// A field that refers to manifests of another kind.
    public struct Reference: Sendable, Hashable {
        public let field: Int
        public let kind: Int
    }

    public struct PlacementFields: Sendable, Hashable {
        public let record: Int
        public let model: Reference?
        public let target: Reference?
        public let datasets: Reference?
        /// Enumeration fields, for checking `placet where`'s flags.
        public let workload: Int?
        public let stage: Int?
        public let framework: Int?
    }

    public struct WaiverFields: Sendable, Hashable {
        public let record: Int
        public let rule: Int
        public let placement: Int
        public let expires: Int
        /// String fields shown in reports; nil when the schema leaves them out.
        public let approvedBy: Int?
        public let justification: Int?
    }

    public struct TargetFields: Sendable, Hashable {
        public let record: Int
        /// A number field; nil when the schema has none (every target then costs 0).
        public let gpuHourCost: Int?
    }

    public let placement: PlacementFields
    /// Nil when the schema declares no `Waiver`: waivers are then not a feature of the pack.
    public let waiver: WaiverFields?
    public let target: TargetFields?
    public let model: Int?
    public let dataset: Int?
    public let controller: Int?
}
