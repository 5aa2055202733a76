// Whether a rule's condition can never hold, or always holds, for the elements its `for each`
// yields. The condition (with boolean definitions inlined) becomes a formula; it never holds
// when every conjunction of its disjunctive normal form is unsatisfiable, and always holds
// when that is so of its negation. Each verdict names the parts of the rule that conflict.

struct ConditionVerdict: Sendable {
    enum Kind { case neverHolds, alwaysHolds }

    var kind: Kind
    var reason: String
    var span: Span
}

struct ConditionAnalysis {
    let terms: Terms

    init(program: CheckedProgram) {
        terms = Terms(program: program)
    }

    func verdict(for rule: RuleDeclaration, _ definition: RuleDefinition) -> ConditionVerdict? {
        var builder = FormulaBuilder(terms: terms)
        var environment = Environment()
        environment.slots[0] = .variable("placement", .record(terms.program.placementRecord))
        var facts: [Literal] = []
        if let collection = definition.forEach, let syntax = rule.forEach {
            let span = syntax.variable.span.to(syntax.collection.span)
            var origin = builder.origin(span)
            origin.text = "for each " + origin.text
            origin.isForEach = true
            environment.slots[1] = .variable("each", definition.forEachType)
            facts = forEachFacts(collection, environment: &environment, builder: builder, origin: origin)
        }
        guard definition.condition != nil || !facts.isEmpty else { return nil }

        let whenSpan = rule.condition?.span ?? rule.forEach?.collection.span ?? rule.id.span
        do {
            var holds = facts.map(Formula.literal)
            if let condition = definition.condition, let syntax = rule.condition {
                holds.append(try builder.build(condition, syntax: syntax, environment: environment,
                                               origin: builder.origin(syntax.span), positive: true))
            }
            if let cores = unsatisfiableCores(.and(holds)) {
                return explain(.neverHolds, cores: cores, whenSpan: whenSpan)
            }
            guard let condition = definition.condition, let syntax = rule.condition else { return nil }
            // A fresh builder: each formula has the whole node budget.
            var negating = FormulaBuilder(terms: terms)
            let fails = facts.map(Formula.literal) + [
                try negating.build(condition, syntax: syntax, environment: environment,
                                  origin: negating.origin(syntax.span), positive: false),
            ]
            if let cores = unsatisfiableCores(.and(fails)) {
                return explain(.alwaysHolds, cores: cores, whenSpan: whenSpan)
            }
        } catch {
            // Too large to analyse: say nothing rather than guess.
        }
        return nil
    }

    /// What iterating tells about the collection: it is present (an optional) or not empty;
    /// an optional's element is the optional's value itself.
    private func forEachFacts(_ collection: BoundExpression, environment: inout Environment, builder: FormulaBuilder,
                              origin: Origin) -> [Literal] {
        if let value = terms.fold(collection, environment) {
            let elements = Value.makeSet(value.elements).elements
            if elements.isEmpty {
                return [Literal(term: "", domain: nil, relation: .truth(false), positive: true, totalOrder: false, origin: origin)]
            }
            let element = BoundExpression.local(1)
            return [Literal(term: terms.key(element, environment), domain: terms.domain(of: terms.type(element, environment)),
                            relation: .member(elements), positive: true, totalOrder: false, origin: origin)]
        }
        switch terms.type(collection, environment) {
        case .optional(let inner)? where inner.elementType == nil:
            environment.slots[1] = .alias(collection, environment)
            return [builder.atom(.isPresent(collection, negated: false), environment: environment, origin: origin, positive: true)]
        case .set?, .list?:
            return [builder.atom(.isEmpty(collection, negated: true), environment: environment, origin: origin, positive: true)]
        default:
            return []
        }
    }

    /// For an unsatisfiable formula, a smallest unsatisfiable core of each of its conjunctions;
    /// nil when some conjunction may be satisfiable (or the formula is too large to tell).
    private func unsatisfiableCores(_ formula: Formula) -> [[Literal]]? {
        // The literals of the top `and` chain first: they may contradict each other however
        // large the rest is.
        let chain = formula.conjuncts.compactMap { part -> Literal? in
            if case .literal(let literal) = part { return literal }
            return nil
        }
        if !ConstraintSolver.isSatisfiable(chain) { return [ConstraintSolver.unsatisfiableCore(chain)] }
        guard let conjunctions = formula.disjunctiveNormalForm() else { return nil }
        guard conjunctions.allSatisfy({ !ConstraintSolver.isSatisfiable($0) }) else { return nil }
        return conjunctions.map(ConstraintSolver.unsatisfiableCore)
    }

    private func explain(_ kind: ConditionVerdict.Kind, cores: [[Literal]], whenSpan: Span) -> ConditionVerdict {
        func origins(_ core: [Literal]) -> [Origin] {
            var seen: Set<Origin> = []
            return core.map(\.origin).filter { seen.insert($0).inserted }
                .sorted { ($0.span.file, $0.span.start, $0.span.end) < ($1.span.file, $1.span.start, $1.span.end) }
        }
        let all = cores.map(origins)
        // Different alternatives fail for different reasons: point at the whole condition.
        guard let first = all.first, all.allSatisfy({ $0 == first }) else {
            let reason = kind == .neverHolds ? "each of its alternatives is contradictory" : "it is true in every case"
            return ConditionVerdict(kind: kind, reason: reason, span: whenSpan)
        }
        let quoted = first.filter { !$0.isForEach }.map { "'\($0.text)'" }
        let given = first.filter(\.isForEach).map { "'\($0.text)'" }
        let span = (first.last { !$0.isForEach } ?? first.last)?.span ?? whenSpan
        switch kind {
        case .neverHolds:
            let parts = given + quoted
            let reason = switch parts.count {
            case 0: "it contradicts itself"
            case 1: "\(parts[0]) is never true"
            case 2: "\(parts[0]) contradicts \(parts[1])"
            default: "\(list(parts, "and")) cannot all be true"
            }
            return ConditionVerdict(kind: kind, reason: reason, span: span)
        case .alwaysHolds:
            var reason = switch quoted.count {
            case 0: "it is true in every case"
            case 1: "\(quoted[0]) is always true"
            case 2: "\(quoted[0]) or \(quoted[1]) is always true"
            default: "one of \(list(quoted, "and")) is always true"
            }
            if !given.isEmpty { reason += " given \(list(given, "and"))" }
            return ConditionVerdict(kind: kind, reason: reason, span: span)
        }
    }

    private func list(_ items: [String], _ conjunction: String) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " \(conjunction) " + (items.last ?? "")
    }
}
