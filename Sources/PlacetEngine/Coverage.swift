// Policy test coverage: for each rule, whether some test made it fire, made it not fire, and
// (for dated rules) ran before it took effect; for each leaf of its condition, whether some
// test saw it true and false; and whether the waiver cases (active, expired, unwaivable) ran.

import PlacetLanguage

public struct CoverageTracker: Sendable {
    public struct RuleCoverage: Sendable {
        public let rule: String
        public let dated: Bool
        public let leafTexts: [String]
        public var fired = false
        public var notFired = false
        public var beforeEffective = false
        public var leafTrue: [Bool]
        public var leafFalse: [Bool]

        /// Items covered and items in all, for this rule.
        public var counts: (covered: Int, total: Int) {
            var covered = (fired ? 1 : 0) + (notFired ? 1 : 0) + leafTrue.filter { $0 }.count + leafFalse.filter { $0 }.count
            var total = 2 + 2 * leafTrue.count
            if dated {
                total += 1
                covered += beforeEffective ? 1 : 0
            }
            return (covered, total)
        }

        /// What no test exercised, in words.
        public var gaps: [String] {
            var gaps: [String] = []
            if !fired { gaps.append("no test makes it fire") }
            if !notFired { gaps.append("no test makes it not fire") }
            if dated, !beforeEffective { gaps.append("no test runs before its effective date") }
            for (index, text) in leafTexts.enumerated() {
                if !leafTrue[index] { gaps.append("branch `\(text)` never true") }
                if !leafFalse[index] { gaps.append("branch `\(text)` never false") }
            }
            return gaps
        }
    }

    public let policy: CompiledPolicy
    public private(set) var rules: [RuleCoverage]
    public private(set) var waiverActive = false
    public private(set) var waiverExpired = false
    public private(set) var waiverUnwaivable = false

    public init(policy: CompiledPolicy) {
        self.policy = policy
        rules = policy.rules.map { rule in
            let texts = rule.conditionLeaves.map(\.text)
            return RuleCoverage(rule: rule.id, dated: rule.effective != nil, leafTexts: texts,
                                leafTrue: Array(repeating: false, count: texts.count),
                                leafFalse: Array(repeating: false, count: texts.count))
        }
    }

    public var counts: (covered: Int, total: Int) {
        var covered = [waiverActive, waiverExpired, waiverUnwaivable].filter { $0 }.count
        var total = 3
        for rule in rules {
            let (c, t) = rule.counts
            covered += c
            total += t
        }
        return (covered, total)
    }

    public var percent: Double {
        let (covered, total) = counts
        return total == 0 ? 100 : Double(covered) * 100 / Double(total)
    }

    /// Records what one test's evaluation exercised.
    public mutating func observe(inventory: Inventory, asOf: CivilDate, assessment: Assessment) {
        let program = policy.program
        let evaluator = Evaluator(program: program, today: asOf, observed: true)
        var machine = evaluator.makeMachine(inventory: inventory)
        let table = inventory.tables[program.placementRecord]
        var decisions: [String: Decision] = [:]
        for decision in assessment.decisions { decisions[decision.placement] = decision }
        for notice in assessment.notices {
            switch notice.reason {
            case .expired: waiverExpired = true
            case .unwaivableRule: waiverUnwaivable = true
            case .warningRule: break
            }
        }
        for placement in table.rows.indices {
            let findings = decisions[table.ids[placement]]?.findings ?? []
            if findings.contains(where: \.waived) { waiverActive = true }
            for (index, rule) in program.rules.enumerated() {
                if let effective = rule.effective, asOf < effective {
                    rules[index].beforeEffective = true
                    continue
                }
                if findings.contains(where: { $0.rule == rule.id }) { rules[index].fired = true } else { rules[index].notFired = true }
                let code = evaluator.rules[index]
                guard let condition = code.condition else { continue }
                let recorder = LeafRecorder(count: rules[index].leafTrue.count)
                machine.observer = recorder
                machine.enterRule(frameSize: code.frameSize, placement: placement)
                if let collection = code.forEach {
                    for item in collection(&machine).elements {
                        machine.enterRule(frameSize: code.frameSize, placement: placement)
                        machine.stack[1] = item
                        _ = condition(&machine)
                    }
                } else {
                    _ = condition(&machine)
                }
                machine.observer = nil
                for leaf in 0..<recorder.seenTrue.count {
                    if recorder.seenTrue[leaf] { rules[index].leafTrue[leaf] = true }
                    if recorder.seenFalse[leaf] { rules[index].leafFalse[leaf] = true }
                }
            }
        }
    }
}

/// Notes each of the rule's own leaves' outcomes (leaves inside definitions are the definitions' own).
final class LeafRecorder: EvaluationObserver {
    var seenTrue: [Bool]
    var seenFalse: [Bool]

    init(count: Int) {
        seenTrue = Array(repeating: false, count: count)
        seenFalse = Array(repeating: false, count: count)
    }

    func observe(_ leaf: ConditionLeaf, value: Value, machine: inout Machine) {
        guard machine.callDepth == 0, leaf.index < seenTrue.count else { return }
        if value.boolValue { seenTrue[leaf.index] = true } else { seenFalse[leaf.index] = true }
    }
}
