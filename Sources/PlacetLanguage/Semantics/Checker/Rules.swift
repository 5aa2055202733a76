// Rules: a rule's for each, when, subject and message, and the condition tree explanations read.

extension TypeChecker {
    mutating func checkRule(_ rule: RuleDeclaration, placementRecord: Int) -> RuleDefinition? {
        resetFrame(reserving: 1)
        var scope = Scope()
        scope.locals.append(Local(name: "placement", type: .record(placementRecord), slot: 0))
        var forEach: BoundExpression?
        var forEachType: PlacetType?
        if let (variable, collection) = rule.forEach {
            let (bound, type) = checkValue(collection, expected: nil, scope: scope, allowOptional: true)
            var elementType: PlacetType = .error
            switch type {
            case .set(let element), .list(let element): elementType = element
            case .optional(let inner): elementType = inner
            case .error: break
            default:
                error("type.notIterable", "'for each' needs a set, a list or an optional value; '\(text(collection.span))' is \(describe(type))", collection.span)
            }
            let slot = allocateSlot()
            scope.locals.append(Local(name: variable.name, type: elementType, slot: slot))
            forEach = bound
            forEachType = elementType
        }
        var condition: BoundExpression?
        var bodyScope = scope
        if let expression = rule.condition {
            condition = checkCondition(expression, scope: scope, context: "the 'when' clause")
            bodyScope.present.formUnion(facts(expression, whenTrue: true))
        }
        var subject: BoundExpression?
        var subjectType: PlacetType?
        if let expression = rule.subject {
            let (bound, type) = checkValue(expression, expected: nil, scope: bodyScope)
            subject = bound
            subjectType = type
        } else if let forEachType {
            subject = .local(1)
            subjectType = forEachType
        }
        let message = checkExpression(rule.message, expected: .string, scope: bodyScope)
        let tree = rule.condition.map { conditionTree($0) }
        var definition = RuleDefinition(
            id: rule.id.name, effect: rule.effect, unwaivable: rule.unwaivable, citations: rule.citations,
            effective: rule.effective, forEach: forEach, forEachType: forEachType, condition: condition,
            subject: subject, subjectType: subjectType, message: message, frameSize: maxSlot,
            location: location(rule.id.span), conditionTree: tree,
            forEachText: rule.forEach.map { "\($0.variable.name) in \(text($0.collection.span))" })
        definition.documentation = rule.documentation
        return definition
    }

    // MARK: Condition trees

    /// The and/or/not tree of a checked condition, its leaves annotated from `boundBySpan`.
    func conditionTree(_ expression: Expression) -> ConditionTree {
        var counter = 0
        return conditionTree(expression, counter: &counter)
    }

    func conditionTree(_ expression: Expression, counter: inout Int) -> ConditionTree {
        switch expression.kind {
        case .binary(.and, let lhs, let rhs):
            let left = conditionTree(lhs, counter: &counter)
            return .and(left, conditionTree(rhs, counter: &counter))
        case .binary(.or, let lhs, let rhs):
            let left = conditionTree(lhs, counter: &counter)
            return .or(left, conditionTree(rhs, counter: &counter))
        case .unary(.not, let operand):
            return .not(conditionTree(operand, counter: &counter))
        default:
            let (bound, type) = boundBySpan[expression.span] ?? (.literal(.absent), .error)
            var observables: [Observable] = []
            collectObservables(expression, into: &observables, top: true)
            var call: (Int, [BoundExpression])?
            if case .call(let function, let arguments) = bound { call = (function, arguments) }
            let leaf = ConditionLeaf(index: counter, text: text(expression.span), bound: bound, type: type,
                                     observables: observables, call: call)
            counter += 1
            return .leaf(leaf)
        }
    }

    /// The outermost field reads, lookups and calls in a leaf (not inside quantifiers, whose
    /// variables have no value outside them).
    func collectObservables(_ expression: Expression, into observables: inout [Observable], top: Bool) {
        func add(_ node: Expression) {
            guard let (bound, type) = boundBySpan[node.span] else { return }
            if case .literal = bound { return }
            observables.append(Observable(text: text(node.span), bound: bound, type: type))
        }
        switch expression.kind {
        case .member, .call:
            if !top { add(expression) }
        case .index(_, let key):
            if !top { add(expression) }
            collectObservables(key, into: &observables, top: false)
        case .binary(_, let lhs, let rhs):
            collectObservables(lhs, into: &observables, top: false)
            collectObservables(rhs, into: &observables, top: false)
        case .unary(_, let operand), .test(let operand, _), .caseGroup(let operand):
            collectObservables(operand, into: &observables, top: false)
        case .conditional(let c, let t, let e):
            for part in [c, t, e] { collectObservables(part, into: &observables, top: false) }
        case .collection(let items):
            for item in items { collectObservables(item, into: &observables, top: false) }
        case .quantifier(_, _, let collection, _):
            // The body's variable has no value outside it; what it ranges over does.
            if case .member = collection.kind { add(collection) } else { collectObservables(collection, into: &observables, top: false) }
        default:
            break
        }
    }
}
