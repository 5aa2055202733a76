// The plain evaluator takes two shortcuts the observed one does not: conjuncts of `when` that
// read only the `for each` item are kept per item row and tested first, and messages are kept
// by their item and the values through which they read the placement. Random `for each` rules
// over the acme inventory must decide, and word their findings, exactly as the observed
// evaluator (explain's and coverage's, with neither shortcut) computes them clause by clause.

import Foundation
@testable import PlacetEngine
@testable import PlacetLanguage
import PlacetManifests
import Testing

/// Random `for each` rules: conjunctions mixing item-only and placement-reading parts, and
/// messages that read the item, the placement's fields, calls given the placement, or its id.
struct ForEachRuleGenerator {
    var random: ConditionGenerator

    static let datasetAtoms = ["personal(d)", "d.residency is empty", "gdprApplies(d)", "d.criminalData", "d.dpia < completed",
                               "d.specialCategories is not empty", "today >= 2027-06-01"]
    static let datasetPlacementAtoms = ["placement.target.sovereign", "restrictedTransfer(d, placement.target)",
                                        "placement.workload in [training, fineTuning]", "placement.target.gpuHourCost > 2",
                                        "(some l in d.residency: covers(l, placement.target.country))", "d in placement.datasets"]
    static let datasetMessages = ["{d.id}{via(d, placement)} r", "{d.id} on {placement.target.id} ({placement.target.country})",
                                  "{d.id} in {placement.id}", "{d.dpia} {d.residency}", "{placement.framework} {d.id}{via(d, placement)}",
                                  "{restrictedTransfer(d, placement.target)} {destinations(placement.target)}"]
    static let modelAtoms = ["m.gpai", "highRisk(m)", "m.riskTier >= high", "today >= highRiskFrom(m)", "not m.humanOversight"]
    static let modelPlacementAtoms = ["serving(placement)", "placement.publicService", "placement.stage == production"]
    static let modelMessages = ["{m.id} r", "{m.id} at {placement.target.id}", "{m.id} {placement.id}", "{m.riskTier} {placement.workload}"]

    mutating func pick(_ choices: [String]) -> String { choices[random.next(choices.count)] }

    /// An atom, perhaps negated or or-ed with another.
    mutating func part(_ itemAtoms: [String], _ placementAtoms: [String]) -> String {
        let atom = random.next(2) == 0 ? pick(itemAtoms) : pick(placementAtoms)
        switch random.next(4) {
        case 0: return "not (\(atom))"
        case 1: return "(\(atom) or \(random.next(2) == 0 ? pick(itemAtoms) : pick(placementAtoms)))"
        default: return atom
        }
    }

    mutating func rule(_ index: Int) -> String {
        let overDatasets = random.next(3) != 0
        let (variable, collection) = overDatasets ? ("d", ["located(placement)", "placement.datasets"][random.next(2)]) : ("m", "placement.model")
        let itemAtoms = overDatasets ? Self.datasetAtoms : Self.modelAtoms
        let placementAtoms = overDatasets ? Self.datasetPlacementAtoms : Self.modelPlacementAtoms
        let condition = (0..<(1 + random.next(4))).map { _ in part(itemAtoms, placementAtoms) }.joined(separator: " and ")
        let message = pick(overDatasets ? Self.datasetMessages : Self.modelMessages)
        return "rule short.r\(index)\n  effect \(["warn", "block"][random.next(2)])\n  cites \"test\"\n"
            + "  for each \(variable) in \(collection)\n  when \(condition)\n  message \"\(message)\"\n"
    }
}

@Suite struct RuleShortcutPropertyTests {
    /// The findings of `short.*` rules as (rule, message), clause by clause on the observed evaluator.
    static func reference(policy: CompiledPolicy, inventory: Inventory, asOf: CivilDate, placement: Int) -> [String] {
        let observed = Evaluator(program: policy.program, today: asOf, observed: true)
        var machine = observed.makeMachine(inventory: inventory)
        var found: [String] = []
        for (index, rule) in policy.program.rules.enumerated() where rule.id.hasPrefix("short.") {
            let code = observed.rules[index]
            #expect(code.itemTest == nil, "the observed program takes no shortcut")
            machine.enterRule(frameSize: rule.frameSize, placement: placement)
            for item in code.forEach!(&machine).elements {
                machine.stack[1] = item
                guard code.condition!(&machine).boolValue, case .string(let message) = code.message(&machine) else { continue }
                found.append("\(rule.id): \(message)")
            }
        }
        return found.sorted()
    }

    @Test(arguments: [UInt64(21), 22, 23, 24, 25, 26])
    func shortcutsDecideAsTheObservedEvaluator(seed: UInt64) throws {
        var generator = ForEachRuleGenerator(random: ConditionGenerator(state: seed))
        let text = (0..<30).map { generator.rule($0) }.joined(separator: "\n")
        let (compiled, diagnostics) = Fixtures.compile(adding: text)
        #expect(diagnostics.filter(\.isError).map(\.message) == [], "generated: \(text)")
        let policy = try #require(compiled)
        let loaded = ManifestLoader(policy: policy).load(paths: [Fixtures.acmeDirectory.path])
        #expect(!loaded.hasErrors)
        let count = loaded.inventory.tables[policy.program.placementRecord].count
        var shortcutsTaken = 0
        var itemFieldsRead = 0
        var findings = 0
        for asOf in ["2026-11-29", "2028-01-01"] {
            let date = try #require(CivilDate(iso: asOf))
            let assessor = PlacementAssessor(policy: policy, asOf: date)
            shortcutsTaken += assessor.evaluator.rules.filter { $0.itemTest != nil }.count
            itemFieldsRead += assessor.evaluator.rules.filter { $0.itemField != nil }.count
            let waivers = WaiverBook(policy: policy, inventory: loaded.inventory, asOf: date)
            // Twice through on one machine, the second time from its memos; and on a machine
            // keeping one message per rule, so most messages are built past a full store.
            for limit in [4_096, 1] {
                var machine = assessor.evaluator.makeMachine(inventory: loaded.inventory)
                machine.messageLimit = limit
                for _ in 0..<2 {
                    for placement in 0..<count {
                        let decision = assessor.decide(placement: placement, inventory: loaded.inventory, waivers: waivers, machine: &machine)
                        let seen = decision.findings.filter { $0.rule.hasPrefix("short.") }.map { "\($0.rule): \($0.message)" }.sorted()
                        let expected = Self.reference(policy: policy, inventory: loaded.inventory, asOf: date, placement: placement)
                        #expect(seen == expected, "placement \(placement) as of \(asOf), message limit \(limit)")
                        findings += seen.count
                    }
                }
            }
        }
        // The shortcuts were taken, and there was something to find.
        #expect(shortcutsTaken > 0)
        // Some rules over `placement.model` skip a placement whose model is known to fail.
        #expect(itemFieldsRead > 0)
        #expect(findings > 0)
    }

    /// Which conjuncts go first, and through what a message reads the placement.
    @Test func theAnalysisSplitsWhatReadsThePlacement() throws {
        let text = """
        rule short.split
          effect warn
          cites "test"
          for each d in located(placement)
          when personal(d) and placement.target.sovereign and d.criminalData
          message "{d.id}{via(d, placement)} on {placement.target.id}"

        rule short.whole
          effect warn
          cites "test"
          for each d in located(placement)
          when personal(d)
          message "{d.id} of {placement}"
        """
        let (compiled, diagnostics) = Fixtures.compile(adding: text)
        #expect(diagnostics.filter(\.isError).map(\.message) == [])
        let policy = try #require(compiled)
        let rules = policy.program.rules
        let split = try #require(rules.first { $0.id == "short.split" })
        let whole = try #require(rules.first { $0.id == "short.whole" })
        let conjuncts = CompiledRule.conjuncts(of: try #require(split.condition))
        #expect(conjuncts.count == 3)
        #expect(conjuncts.filter { !CompiledRule.reads(slot: 0, $0) }.count == 2)
        // `via(d, placement)` and `placement.target`: the two ways the message reads the placement.
        #expect(CompiledRule.placementParts(of: split.message)?.count == 2)
        // Printing the placement itself: no key would be smaller than the placement.
        #expect(CompiledRule.placementParts(of: whole.message) == nil)
    }
}
