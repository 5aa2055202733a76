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
    /// itself, walking the syntax beside it (for each leaf's source text): the and/or/not nodes
    /// of both have the same shape. `type` is the whole condition's (a definition's body may
    /// be one leaf of any type).
    mutating func traceLeaves(_ bound: BoundExpression, _ expression: Expression, type: PlacetType = .bool) -> BoundExpression {
        var counter = 0
        return traceLeaves(bound, expression, type: type, counter: &counter)
    }

    private mutating func traceLeaves(_ bound: BoundExpression, _ expression: Expression, type: PlacetType, counter: inout Int) -> BoundExpression {
        switch (expression.kind, bound) {
        case (.binary(.and, let lhs, let rhs), .and(let left, let right)):
            let tracedLeft = traceLeaves(left, lhs, type: .bool, counter: &counter)
            return .and(tracedLeft, traceLeaves(right, rhs, type: .bool, counter: &counter))
        case (.binary(.or, let lhs, let rhs), .or(let left, let right)):
            let tracedLeft = traceLeaves(left, lhs, type: .bool, counter: &counter)
            return .or(tracedLeft, traceLeaves(right, rhs, type: .bool, counter: &counter))
        case (.unary(.not, let operand), .not(let inner)):
            return .not(traceLeaves(inner, operand, type: .bool, counter: &counter))
        default:
            var observables: [Observable] = []
            Self.collectObservables(bound, into: &observables, top: true)
            var call: (Int, [BoundExpression])?
            if case .call(let function, let arguments) = bound.unmarked { call = (function, arguments) }
            let leaf = ConditionLeaf(id: leafCount, index: counter, text: text(expression.span), type: type,
                                     observables: observables, call: call)
            leafCount += 1
            counter += 1
            return .traced(bound, leaf)
        }
    }

    /// The outermost field reads, lookups and calls in a leaf, as written, and the keys of its
    /// lookups; not inside quantifier bodies, whose variables have no value outside them, nor
    /// inside literals of maps, records and strings.
    static func collectObservables(_ bound: BoundExpression, into observables: inout [Observable], top: Bool) {
        func collect(_ parts: BoundExpression...) {
            for part in parts { collectObservables(part, into: &observables, top: false) }
        }
        switch bound {
        case .observable(let inner, let node):
            if !top, !inner.unmarked.isLiteral {
                observables.append(Observable(text: node.text, bound: inner, type: node.type))
            }
            if node.isIndex, case .lookup(_, let key) = inner.unmarked { collect(key) }
        case .traced(let inner, _), .not(let inner), .negate(let inner), .isEmpty(let inner, _), .isPresent(let inner, _),
             .toSet(let inner), .count(let inner):
            collect(inner)
        case .and(let a, let b), .or(let a, let b), .equal(let a, let b, _), .compare(_, let a, let b), .contains(let a, let b, _),
             .containsKey(let a, let b, _), .arithmetic(_, let a, let b), .setOperation(_, let a, let b):
            collect(a, b)
        case .conditional(let a, let b, let c):
            collect(a, b, c)
        case .collection(let items, _):
            for item in items { collect(item) }
        case .quantifier(_, _, let collection, _):
            collect(collection)
        case .literal, .local, .constant, .today, .field, .member, .structure, .call, .map, .lookup, .interpolation:
            break
        }
    }
}

extension BoundExpression {
    /// The expression without its source marks.
    public var unmarked: BoundExpression {
        switch self {
        case .traced(let inner, _), .observable(let inner, _): inner.unmarked
        default: self
        }
    }

    var isLiteral: Bool {
        if case .literal = self { true } else { false }
    }
}
