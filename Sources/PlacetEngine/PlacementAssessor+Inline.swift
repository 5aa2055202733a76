// Deciding the few placements of one request on the calling thread, for `placet serve`: an
// admission review or a small check holds one or a handful of placements, where handing them
// to worker threads (and asking the system how many cores there are, which reads cgroup files
// on Linux) costs more than deciding them.

extension PlacementAssessor {
    /// The same assessment as `assess`, computed on the calling thread with one machine.
    public func assessInline(_ inventory: Inventory) -> Assessment {
        let waivers = WaiverBook(policy: policy, inventory: inventory, asOf: asOf)
        let count = inventory.tables[policy.program.placementRecord].count
        var machine = evaluator.makeMachine(inventory: inventory)
        var decisions = (0..<count).map { decide(placement: $0, inventory: inventory, waivers: waivers, machine: &machine) }
        decisions.sort { $0.placement < $1.placement }
        return Assessment(asOf: asOf, policyDigest: policy.digest, inputs: inventory.files,
                          decisions: decisions, notices: waivers.notices, waivers: waivers.statuses)
    }
}
