// A decision session: one warm machine over a loaded inventory, deciding placements one at a
// time. A server or a streaming front end keeps one per thread; what the machine's memos learn
// (a dataset's transfer status towards a target, say) serves every later decision.

import PlacetLanguage

public struct DecisionSession {
    private let assessor: PlacementAssessor
    private let waivers: WaiverBook
    public let inventory: Inventory
    private var machine: Machine

    public init(policy: CompiledPolicy, asOf: CivilDate, inventory: Inventory) {
        assessor = PlacementAssessor(policy: policy, asOf: asOf)
        waivers = WaiverBook(policy: policy, inventory: inventory, asOf: asOf)
        self.inventory = inventory
        machine = assessor.evaluator.makeMachine(inventory: inventory)
    }

    /// The decision for the placement in row `placement` of the inventory's Placement table.
    public mutating func decide(placement: Int) -> Decision {
        assessor.decide(placement: placement, inventory: inventory, waivers: waivers, machine: &machine)
    }
}
