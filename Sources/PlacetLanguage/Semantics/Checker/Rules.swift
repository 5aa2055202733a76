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
            condition = traceLeaves(checkCondition(expression, scope: scope, context: "the 'when' clause"), expression)
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
        var definition = RuleDefinition(
            id: rule.id.name, effect: rule.effect, unwaivable: rule.unwaivable, citations: rule.citations,
            effective: rule.effective, forEach: forEach, forEachType: forEachType, condition: condition,
            subject: subject, subjectType: subjectType, message: message, frameSize: maxSlot,
            location: location(rule.id.span),
            forEachText: rule.forEach.map { "\($0.variable.name) in \(text($0.collection.span))" })
        definition.documentation = rule.documentation
        return definition
    }

    // MARK: Condition leaves

    /// Marks the leaves of a checked condition's and/or/not structure in the bound expression
    /// itself, walking the syntax beside it: the and/or/not nodes of both have the same shape.
    mutating func traceLeaves(_ bound: BoundExpression, _ expression: Expression) -> BoundExpression {
        var counter = 0
        return traceLeaves(bound, expression, counter: &counter)
    }

    private mutating func traceLeaves(_ bound: BoundExpression, _ expression: Expression, counter: inout Int) -> BoundExpression {
        switch (expression.kind, bound) {
        case (.binary(.and, let lhs, let rhs), .and(let left, let right)):
            let tracedLeft = traceLeaves(left, lhs, counter: &counter)
            return .and(tracedLeft, traceLeaves(right, rhs, counter: &counter))
        case (.binary(.or, let lhs, let rhs), .or(let left, let right)):
            let tracedLeft = traceLeaves(left, lhs, counter: &counter)
            return .or(tracedLeft, traceLeaves(right, rhs, counter: &counter))
        case (.unary(.not, let operand), .not(let inner)):
            return .not(traceLeaves(inner, operand, counter: &counter))
        default:
            var observables: [Observable] = []
            collectObservables(expression, into: &observables, top: true)
            var call: (Int, [BoundExpression])?
            if case .call(let function, let arguments) = bound { call = (function, arguments) }
            let type = boundBySpan[expression.span]?.1 ?? .error
            let leaf = ConditionLeaf(id: leafCount, index: counter, text: text(expression.span), type: type,
                                     observables: observables, call: call)
            leafCount += 1
            counter += 1
            return .traced(bound, leaf)
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
