// The assessor: evaluates every rule against every placement and decides.
// Deny overrides: a placement is blocked when any block finding is not waived.
// Placements are independent, so they are split across cores; results are merged in
// placement order, so output does not depend on scheduling.

import Dispatch
import Foundation
import PlacetLanguage
import Synchronization

public struct PlacementAssessor: Sendable {
    public let policy: CompiledPolicy
    public let evaluator: Evaluator
    public let asOf: CivilDate

    /// Rules in force on the evaluation date, held by reference so evaluating a placement
    /// does not copy each rule's fields.
    let rules: [ActiveRule]
    /// Per rule of `rules`: the placement field its `for each` reads, when a placement whose
    /// item there is known to fail may skip it (`CompiledRule.itemField`). Kept apart from the
    /// rules, so skipping one touches no reference count.
    let skipFields: [(rule: Int, kind: Int, field: Int)?]
    /// `rules` again, unretained: `rules` keeps them alive as long as the assessor, and a rule
    /// read through these touches no reference count, which every core deciding at once
    /// would otherwise share.
    let unretainedRules: [Unmanaged<ActiveRule>]
    /// Where a placement names its model, target and datasets (SPEC §2.4), for reports.
    private let modelField: (slot: Int, kind: Int)?
    private let targetField: (slot: Int, kind: Int)?
    private let datasetsField: (slot: Int, kind: Int)?

    public init(policy: CompiledPolicy, asOf: CivilDate) {
        self.policy = policy
        self.asOf = asOf
        let evaluator = Evaluator(program: policy.program, today: asOf)
        self.evaluator = evaluator
        let placement = policy.program.contract.placement
        modelField = placement.model.map { ($0.field, $0.kind) }
        targetField = placement.target.map { ($0.field, $0.kind) }
        datasetsField = placement.datasets.map { ($0.field, $0.kind) }
        // In id order, the order findings are reported in, so a decision's findings usually
        // come out sorted already.
        self.rules = policy.rules.enumerated().compactMap { index, rule in
            if let effective = rule.effective, asOf < effective { return nil }
            return ActiveRule(index: index, definition: rule, placementKind: policy.program.placementRecord)
        }.sorted { $0.id < $1.id }
        unretainedRules = rules.map { Unmanaged.passUnretained($0) }
        skipFields = rules.map { rule in evaluator.rules[rule.index].itemField.map { (rule.index, $0.kind, $0.field) } }
    }

    /// Whether rule `position` of `rules` has no match on `placement`, known without running it.
    @inline(__always)
    func skips(_ position: Int, placement: Int, machine: borrowing Machine) -> Bool {
        guard let skip = skipFields[position] else { return false }
        return machine.itemKnownToFail(rule: skip.rule, placement: placement, kind: skip.kind, field: skip.field)
    }

    /// `warm`: machines kept from an earlier call on an inventory that differed only in the
    /// kinds `warm` names (a stream's batches), so what their memos learnt is not learnt again.
    public func assess(_ inventory: Inventory, warm: WarmMachines? = nil) -> Assessment {
        let waivers = WaiverBook(policy: policy, inventory: inventory, asOf: asOf)
        let placementKind = policy.program.placementRecord
        let count = inventory.tables[placementKind].count
        let chunkSize = 512
        let chunks = (count + chunkSize - 1) / chunkSize
        let workers = min(chunks, warm?.capacity ?? ProcessInfo.processInfo.activeProcessorCount)
        let results = Locked<[[Decision]]>(Array(repeating: [], count: chunks))
        let nextChunk = Atomic<Int>(0)
        // One machine per worker for the whole run, so what its memos learn serves every chunk it takes.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var machine: Machine
            if let warm, var kept = warm.take(worker) {
                kept.rebind(to: inventory, changed: warm.changedKinds)
                machine = kept
            } else {
                machine = workerEvaluator(worker).makeMachine(inventory: inventory)
            }
            defer { warm?.put(machine, worker) }
            while true {
                let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
                guard chunk < chunks else { break }
                let range = (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize)
                let decisions = range.map { decide(placement: $0, inventory: inventory, waivers: waivers, machine: &machine) }
                results.withLock { $0[chunk] = decisions }
            }
        }
        var decisions = results.withLock { chunks in
            var all: [Decision] = []
            all.reserveCapacity(count)
            for index in chunks.indices {
                all.append(contentsOf: chunks[index])
                chunks[index] = []
            }
            return all
        }
        decisions.sort { $0.placement < $1.placement }
        return Assessment(asOf: asOf, policyDigest: policy.digest, inputs: inventory.files,
                          decisions: decisions, notices: waivers.notices, waivers: waivers.statuses)
    }

    /// Each worker but the first compiles its own copy of the program: closures and constants
    /// that no other core retains and releases, so reference counts do not bounce between
    /// caches. The first uses the assessor's own, which nothing else runs meanwhile.
    func workerEvaluator(_ worker: Int) -> Evaluator {
        worker == 0 ? evaluator : Evaluator(program: policy.program, today: asOf)
    }

    /// `only`: the rules (bit i for `rules[i]`) that can have findings here, known from a
    /// counting pass (`assessInOrder`); the others are not evaluated again.
    /// `itemMatches`: what that pass found for them (`MatchTable`), so their conditions are
    /// not evaluated again either; nil to evaluate them.
    /// `describing`: whether the decision names the placement's model, target and datasets
    /// (for HTML and Markdown), where the placement and its findings' subjects are written
    /// (for SARIF and explain); the JSON report and the decision log write none of it, so
    /// `check --format json` skips them.
    func decide(placement: Int, inventory: Inventory, waivers: WaiverBook, machine: inout Machine, only: UInt64 = .max,
                itemMatches: UnsafeBufferPointer<UInt64>? = nil, describing: Bool = true) -> Decision {
        let placementKind = policy.program.placementRecord
        // Not copied where nothing is described: the JSON report and the log do not write it.
        let placementOrigin = describing ? inventory.tables[placementKind].origins[placement] : nil
        var findings: [Finding] = []
        // Rules run in id order, so findings need sorting only when a rule's own come out of
        // order (by subject).
        var inOrder = true
        var nextItemMatch = 0
        for ruleIndex in rules.indices where ruleIndex >= 64 || only >> UInt64(ruleIndex) & 1 == 1 {
            // A rule the counting pass found matches for was not skipped there.
            let known = itemMatches != nil && ruleIndex < 64
            if !known, skips(ruleIndex, placement: placement, machine: machine) { continue }
            unretainedRules[ruleIndex]._withUnsafeGuaranteedRef { rule in
                // The machine's own compiled copy of the rule (see `assess`).
                machine.unretainedRules[rule.index]._withUnsafeGuaranteedRef { code in
                    var matched: UInt64?
                    if known, let itemMatches {
                        if code.forEach == nil {
                            matched = 1
                        } else {
                            let items = itemMatches[nextItemMatch]
                            nextItemMatch += 1
                            matched = items == MatchTable.unknown ? nil : items
                        }
                    }
                    let firstOfRule = findings.count
                    Self.forEachMatch(of: rule, code: code, placement: placement, machine: &machine, matched: matched) { machine, _ in
                        let (subjectValue, subjects) = Self.subject(of: rule, code: code, placement: placement, machine: &machine)
                        // A subject reached twice (directly and through lineage) is one finding.
                        // By index: a slice's elements would be copied whole, a retain per field.
                        for index in firstOfRule..<findings.count where findings[index].subjects == subjects { return }
                        guard case .string(let message) = Self.message(rule, code: code, machine: &machine) else { return }
                        var waiver: String?
                        if rule.effect == .block, !rule.unwaivable { waiver = waivers.waiver(rule: rule.index, placement: placement) }
                        if findings.count > firstOfRule, subjects.lexicographicallyPrecedes(findings[findings.count - 1].subjects) { inOrder = false }
                        // Room for a few at the first: most blocked placements have several findings.
                        if findings.isEmpty { findings.reserveCapacity(4) }
                        findings.append(Finding(
                            rule: rule.id, effect: rule.effect, waived: waiver != nil, waiver: waiver, subjects: subjects,
                            message: message, citations: rule.citations,
                            location: describing ? Self.origin(of: subjectValue, kind: rule.subjectKind, inventory: inventory) ?? placementOrigin : nil))
                    }
                }
            }
        }
        if !inOrder {
            findings.sort { a, b in a.rule != b.rule ? a.rule < b.rule : a.subjects.lexicographicallyPrecedes(b.subjects) }
        }
        let blocked = findings.contains { $0.effect == .block && !$0.waived }
        guard describing else {
            return Decision(placement: inventory.tables[placementKind].ids[placement], outcome: blocked ? .block : .approve, findings: findings,
                            location: nil, model: nil, target: nil, datasets: [])
        }
        let row = inventory.tables[placementKind].rows[placement]
        func id(_ field: (slot: Int, kind: Int)?) -> String? {
            guard let field, case .record(let index) = row[field.slot] else { return nil }
            return inventory.tables[field.kind].ids[index]
        }
        var datasets: [String] = []
        if let field = datasetsField {
            let items = row[field.slot].elements
            datasets.reserveCapacity(items.count)
            for case .record(let index) in items { datasets.append(inventory.tables[field.kind].ids[index]) }
        }
        return Decision(placement: inventory.tables[placementKind].ids[placement], outcome: blocked ? .block : .approve, findings: findings,
                        location: placementOrigin, model: id(modelField), target: id(targetField), datasets: datasets)
    }

    /// Runs `rule` on `placement`: `match` is called, with the machine there and the item's
    /// position in the `for each` collection, for each item whose condition holds (or once, at
    /// position 0, when the rule has no `for each` and its condition holds).
    /// `matched`: what an earlier run of the same rule on the same placement found (the
    /// counting pass, `tally`), so conditions are not evaluated again: for a rule without
    /// `for each`, that its condition holds; with one, bit i set for each item i that matched
    /// (items past the 64th never do). A rule's subject and message see only the placement
    /// and the item, never what its condition computed, so the match is the same.
    /// Always inlined: a call would box `match`'s context. The caller asks `skips` first: a
    /// rule it skips has no match here.
    @inline(__always)
    static func forEachMatch(of rule: ActiveRule, code: CompiledRule, placement: Int, machine: inout Machine, matched: UInt64? = nil,
                             _ match: (inout Machine, _ position: Int) -> Void) {
        machine.enterRule(frameSize: code.frameSize, placement: placement)
        // The clauses are taken out of the rule once, not per item: each read of an optional
        // closure from the class is a retain and a release.
        let condition = code.condition
        guard let collection = code.forEach else {
            if matched == nil, let condition, !condition(&machine).boolValue { return }
            match(&machine, 0)
            return
        }
        // The item test's kind, not the test: its closure is needed only for a row not yet known.
        let itemKind = code.itemTest?.kind
        func visit(_ item: Value, _ position: Int, _ machine: inout Machine) {
            if let matched {
                guard position < 64, matched >> UInt64(position) & 1 == 1 else { return }
                machine.setItem(item)
                match(&machine, position)
                return
            }
            machine.setItem(item)
            if let itemKind, !machine.itemHolds(rule: rule.index, kind: itemKind, code: code) { return }
            if let condition, !condition(&machine).boolValue { return }
            match(&machine, position)
        }
        switch collection(&machine) {
        case .collection(let items):
            for position in items.indices { visit(items[position], position, &machine) }
        case .absent: break
        case let single: visit(single, 0, &machine)
        }
    }

    /// A match's subject: its value, and each of its members as findings name it.
    static func subject(of rule: ActiveRule, code: CompiledRule, placement: Int, machine: inout Machine) -> (value: Value, names: [String]) {
        let value = code.subject.map { $0(&machine) } ?? .record(placement)
        return (value, subjectNames(of: value, rule: rule, machine: machine))
    }

    /// Each member of a subject as findings name it.
    static func subjectNames(of value: Value, rule: ActiveRule, machine: borrowing Machine) -> [String] {
        if case .collection(let items) = value { return items.map { machine.formatter.format($0, as: rule.subjectElementType) } }
        return [machine.formatter.format(value, as: rule.subjectElementType)]
    }

    /// Messages are kept per rule by what they depend on (`CompiledRule.messageKey`): the
    /// `for each` item and the values through which they read the placement. A message like
    /// "{d.id}{via(d, placement)} holds ..." is then built once per dataset and `via`, not per
    /// placement.
    private static func message(_ rule: ActiveRule, code: CompiledRule, machine: inout Machine) -> Value {
        guard let parts = code.messageKey else { return code.message(&machine) }
        let item = code.forEach == nil ? Value.absent : machine.stack[1]
        return machine.message(rule: rule.index, item: item, parts: parts, build: code.message)
    }

    private static func origin(of value: Value, kind: Int?, inventory: Inventory) -> SourceLocation? {
        guard case .record(let row) = value, let kind else { return nil }
        return inventory.tables[kind].origins[row]
    }
}

/// The parts of a rule that evaluation reads, held by one reference.
final class ActiveRule: Sendable {
    let index: Int
    let id: String
    let effect: Effect
    let unwaivable: Bool
    let citations: [String]
    /// How findings name the members of the subject: the placement when the rule names none.
    let subjectElementType: PlacetType
    /// The kind of manifest the subject is, when it is one: where a finding points.
    let subjectKind: Int?

    init(index: Int, definition: RuleDefinition, placementKind: Int) {
        self.index = index
        id = definition.id
        effect = definition.effect
        unwaivable = definition.unwaivable
        citations = definition.citations
        let subjectType = definition.subject == nil ? PlacetType.record(placementKind) : (definition.subjectType ?? .error)
        subjectElementType = subjectType.unwrapped.elementType ?? subjectType
        if case .record(let kind) = subjectType.unwrapped { subjectKind = kind } else { subjectKind = nil }
    }
}
