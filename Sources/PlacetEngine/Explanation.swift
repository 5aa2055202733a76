// `placet explain`: for one placement, every rule in order — fired, did not fire, or not yet
// effective — with the values that decided it, following definitions such as `adequate` down
// to the fields they read, so nobody needs to open the policy to know why.

import PlacetLanguage

public struct Explanation: Sendable {
    public struct Line: Sendable, Equatable {
        public let depth: Int
        public let text: String
    }

    public enum Status: Sendable, Equatable {
        case fired
        case didNotFire
        case notYetEffective(CivilDate)
    }

    public struct RuleExplanation: Sendable {
        public let rule: String
        public let effect: Effect
        public let citations: [String]
        public let status: Status
        public let lines: [Line]
    }

    public let placement: String
    public let asOf: CivilDate
    public let decision: Decision
    public let facts: [Line]
    public let rules: [RuleExplanation]
}

public struct PlacementExplainer: Sendable {
    public let policy: CompiledPolicy
    public let asOf: CivilDate
    /// How deep explanations follow definition calls (two levels per call): deep enough to reach
    /// the fields under gdpr.transfer -> restrictedTransfer -> restrictedDestination -> restricted -> adequate.
    public var maximumDepth = 8

    public init(policy: CompiledPolicy, asOf: CivilDate) {
        self.policy = policy
        self.asOf = asOf
    }

    /// Nil when the inventory has no placement with that id.
    public func explain(placement id: String, in inventory: Inventory) -> Explanation? {
        let program = policy.program
        let table = inventory.tables[program.placementRecord]
        guard let placement = table.indexByID[id] else { return nil }
        let assessor = PlacementAssessor(policy: policy, asOf: asOf)
        let waivers = WaiverBook(policy: policy, inventory: inventory, asOf: asOf)
        var plain = assessor.evaluator.makeMachine(inventory: inventory)
        let decision = assessor.decide(placement: placement, inventory: inventory, waivers: waivers, machine: &plain)
        // The same program compiled with its condition leaves reporting to the tracer.
        let evaluator = Evaluator(program: program, today: asOf, observed: true)
        var machine = evaluator.makeMachine(inventory: inventory)
        let formatter = machine.formatter

        var facts: [Explanation.Line] = []
        let record = program.schema.records[program.placementRecord]
        for (index, field) in record.fields.enumerated() where index != record.idField {
            let value = table.rows[placement][index]
            if value == .absent { continue }
            facts.append(.init(depth: 0, text: "\(field.name) = \(formatter.format(value, as: field.type))"))
        }

        var rules: [Explanation.RuleExplanation] = []
        for (ruleIndex, rule) in program.rules.enumerated().sorted(by: { $0.element.id < $1.element.id }) {
            if let effective = rule.effective, asOf < effective {
                rules.append(.init(rule: rule.id, effect: rule.effect, citations: rule.citations,
                                   status: .notYetEffective(effective), lines: []))
                continue
            }
            let fired = decision.findings.contains { $0.rule == rule.id }
            let code = evaluator.rules[ruleIndex]
            let tracer = ExplanationTracer(formatter: formatter, maximumDepth: maximumDepth, evaluator: evaluator)
            machine.observer = tracer
            machine.enterRule(frameSize: code.frameSize, placement: placement)
            if let collection = code.forEach {
                let elementType = rule.forEachType ?? .error
                let items = collection(&machine).elements
                tracer.lines.append(.init(depth: 0, text: "for each \(rule.forEachText ?? "item"): "
                    + (items.isEmpty ? "nothing to check" : items.map { formatter.format($0, as: elementType) }.joined(separator: ", "))))
                for item in items {
                    machine.enterRule(frameSize: code.frameSize, placement: placement)
                    machine.stack[1] = item
                    tracer.lines.append(.init(depth: 1, text: "\(formatter.format(item, as: elementType)):"))
                    tracer.baseDepth = 2
                    let holds = code.condition.map { $0(&machine).boolValue } ?? true
                    tracer.lines.append(.init(depth: 2, text: holds ? "=> condition holds: finding" : "=> condition does not hold"))
                }
            } else if let condition = code.condition {
                tracer.baseDepth = 0
                let holds = condition(&machine).boolValue
                tracer.lines.append(.init(depth: 0, text: holds ? "=> condition holds: finding" : "=> condition does not hold"))
            }
            machine.observer = nil
            rules.append(.init(rule: rule.id, effect: rule.effect, citations: rule.citations,
                               status: fired ? .fired : .didNotFire, lines: tracer.lines))
        }
        return Explanation(placement: id, asOf: asOf, decision: decision, facts: facts, rules: rules)
    }
}

/// Writes one line per evaluated leaf — `text = value  [observed values]` — and follows calls
/// of definitions into their bodies, through the same compiled code, a level of lines deeper.
final class ExplanationTracer: EvaluationObserver {
    let formatter: ValueFormatter
    let maximumDepth: Int
    let evaluator: Evaluator
    var baseDepth = 0
    var lines: [Explanation.Line] = []
    /// The call depth whose leaves are being explained, and the line depth they print at:
    /// leaves inside other calls (a quantifier's body calling a definition) are not this level's.
    private var levels: [(callDepth: Int, depth: Int)] = [(0, 0)]

    init(formatter: ValueFormatter, maximumDepth: Int, evaluator: Evaluator) {
        self.formatter = formatter
        self.maximumDepth = maximumDepth
        self.evaluator = evaluator
    }

    func observe(_ leaf: ConditionLeaf, value: Value, machine: inout Machine) {
        guard let level = levels.last, machine.callDepth == level.callDepth else { return }
        let depth = level.depth
        var text = "\(leaf.text) = \(formatter.format(value, as: leaf.type))"
        let observed = leaf.observables.compactMap { observable -> String? in
            let observedValue = evaluator.compile(observable.bound).code(&machine)
            let rendered = "\(observable.text) = \(formatter.format(observedValue, as: observable.type))"
            return observable.text == leaf.text ? nil : rendered
        }
        if !observed.isEmpty { text += "  (" + observed.joined(separator: ", ") + ")" }
        lines.append(.init(depth: baseDepth + depth, text: text))
        guard let call = leaf.call, depth < maximumDepth else { return }
        let arguments = call.arguments.map { evaluator.compile($0).code(&machine) }
        let definition = evaluator.program.functions[call.function]
        let bindings = zip(definition.parameterNames, zip(arguments, definition.parameterTypes))
            .map { "\($0.0) = \(formatter.format($0.1.0, as: $0.1.1))" }
        lines.append(.init(depth: baseDepth + depth + 1, text: "\(definition.name)(\(bindings.joined(separator: ", "))) because:"))
        levels.append((machine.callDepth + 1, depth + 2))
        _ = machine.invoke(call.function, arguments: arguments)
        levels.removeLast()
    }
}
