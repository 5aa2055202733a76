// One evaluator, observed or not: random well-typed conditions over the acme inventory give the
// same value whether the program is compiled plain or with its leaves reporting to an observer
// (as explain and coverage run it), and a constant condition folds in the linter to the value
// the evaluator computes.

import Foundation
@testable import PlacetEngine
@testable import PlacetLanguage
import PlacetManifests
import Testing

/// Random condition text in the policy language, over a placement's target and datasets.
struct ConditionGenerator {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    mutating func condition(_ depth: Int) -> String {
        let choice = depth <= 0 ? 4 + next(6) : next(10)
        switch choice {
        case 0: return "(\(condition(depth - 1)) and \(condition(depth - 1)))"
        case 1: return "(\(condition(depth - 1)) or \(condition(depth - 1)))"
        case 2: return "not \(condition(depth - 1))"
        case 3: return "(if \(condition(depth - 1)) then \(condition(depth - 1)) else \(condition(depth - 1)))"
        case 4: return "\(number(depth - 1)) \(["<", "<=", ">", ">=", "==", "!="][next(6)]) \(number(depth - 1))"
        case 5: return "\(country()) \(["in", "not in"][next(2)]) \(countries(depth - 1))"
        case 6: return "\(countries(depth - 1)) is \(["", "not "][next(2)])empty"
        case 7:
            // Named by depth: a nested quantifier may not shadow an outer one's variable.
            let name = "c\(max(depth, 0))"
            return "(\(["some", "all"][next(2)]) \(name) in \(countries(depth - 1)): \(name) in \(countries(depth - 1)))"
        case 8: return ["placement.target.sovereign", "placement.target.dpfCertified", "today >= 2026-12-02",
                        "restrictedDestination(placement.target)", "placement.model is present"][next(5)]
        default: return "(\(["some", "all"][next(2)]) d in placement.datasets: \(["personal(d)", "d.residency is empty", "gdprApplies(d)"][next(3)]))"
        }
    }

    mutating func number(_ depth: Int) -> String {
        switch depth <= 0 ? 3 + next(3) : next(6) {
        case 0: return "(\(number(depth - 1)) \(["+", "-", "*", "/"][next(4)]) \(number(depth - 1)))"
        case 1: return "count(\(countries(depth - 1)))"
        case 2: return "-(\(number(depth - 1)))"
        case 3: return "placement.target.gpuHourCost"
        case 4: return "count(placement.datasets)"
        default: return String(next(5))
        }
    }

    mutating func countries(_ depth: Int) -> String {
        switch depth <= 0 ? 3 + next(4) : next(7) {
        case 0: return "(\(countries(depth - 1)) \(["union", "intersect", "except"][next(3)]) \(countries(depth - 1)))"
        case 1: return "(if \(condition(depth - 1)) then \(countries(depth - 1)) else \(countries(depth - 1)))"
        case 2: return "destinations(placement.target)"
        case 3: return ["EEA", "EU"][next(2)]
        case 4: return "[\(country()), \(country())]"
        case 5: return "placement.target.accessFrom"
        default: return "[placement.target.country]"
        }
    }

    mutating func country() -> String {
        ["DE", "FR", "US", "IN", "BR", "CH", "placement.target.country"][next(7)]
    }
}

/// Counts what it sees; seeing must not change what is computed.
final class CountingObserver: EvaluationObserver {
    var leaves = 0
    func observe(_ leaf: ConditionLeaf, value: Value, machine: inout Machine) { leaves += 1 }
}

@Suite struct EvaluatorPropertyTests {
    static let rulesPerSeed = 40

    static func program(seed: UInt64) -> (CompiledPolicy, [String]) {
        var generator = ConditionGenerator(state: seed)
        let conditions = (0..<rulesPerSeed).map { _ in generator.condition(4) }
        let text = conditions.enumerated().map { index, condition in
            "rule prop.r\(index)\n  effect warn\n  cites \"test\"\n  when \(condition)\n  message \"r\(index)\"\n"
        }.joined(separator: "\n")
        let (policy, diagnostics) = Fixtures.compile(adding: text)
        #expect(diagnostics.filter(\.isError).map(\.message) == [], "generated: \(text)")
        return (policy ?? Fixtures.baseline, conditions)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func observedAndPlainEvaluationAgree(seed: UInt64) throws {
        let (policy, _) = Self.program(seed: seed)
        let loaded = ManifestLoader(policy: policy).load(paths: [Fixtures.acmeDirectory.path])
        #expect(!loaded.hasErrors)
        let placements = loaded.inventory.tables[policy.program.placementRecord].count
        var observedLeaves = 0
        for asOf in ["2026-11-29", "2028-01-01"] {
            let date = try #require(CivilDate(iso: asOf))
            let plain = Evaluator(program: policy.program, today: date)
            let observed = Evaluator(program: policy.program, today: date, observed: true)
            var plainMachine = plain.makeMachine(inventory: loaded.inventory)
            var observedMachine = observed.makeMachine(inventory: loaded.inventory)
            let observer = CountingObserver()
            observedMachine.observer = observer
            for (index, rule) in policy.program.rules.enumerated() where rule.id.hasPrefix("prop.") {
                let plainCode = try #require(plain.rules[index].condition)
                let observedCode = try #require(observed.rules[index].condition)
                for placement in 0..<placements {
                    plainMachine.enterRule(frameSize: rule.frameSize, placement: placement)
                    observedMachine.enterRule(frameSize: rule.frameSize, placement: placement)
                    let expected = plainCode(&plainMachine)
                    let seen = observedCode(&observedMachine)
                    #expect(expected == seen, "\(rule.id) on placement \(placement) as of \(asOf)")
                    #expect(expected == .bool(true) || expected == .bool(false))
                }
            }
            observedLeaves += observer.leaves
        }
        // The observer was really called: every evaluated condition has at least one leaf.
        #expect(observedLeaves >= 2 * placements * Self.rulesPerSeed)
    }

    @Test(arguments: [UInt64(11), 12, 13, 14])
    func linterFoldingAgreesWithTheEvaluator(seed: UInt64) throws {
        // Constant conditions only (no placement, no `today`, no quantifier: constants may not
        // use one), so the linter can fold them.
        var generator = ConditionGenerator(state: seed)
        var checked = 0
        for _ in 0..<400 {
            let text = generator.condition(3)
            guard !["placement", "today", "restricted", "some ", "all "].contains(where: text.contains) else { continue }
            let (policy, diagnostics) = Fixtures.compile(adding: "const PROP_C: bool = \(text)\n")
            #expect(diagnostics.filter(\.isError).map(\.message) == [], "generated: \(text)")
            guard let policy, let index = policy.program.constants.firstIndex(where: { $0.name == "PROP_C" }) else { continue }
            let evaluator = Evaluator(program: policy.program, today: CivilDate(daysSinceEpoch: 0))
            let folded = Terms(program: policy.program).fold(policy.program.constants[index].value, Environment())
            #expect(folded == evaluator.constants[index], "\(text)")
            checked += 1
        }
        #expect(checked >= 10)
    }
}
