// Narrowing: presence tests, the facts a condition proves, and optional values used without a test.

extension TypeChecker {
    mutating func reportOptional(_ expression: Expression, type: PlacetType) {
        let source = text(expression.span)
        error("type.optionalWithoutPresenceTest",
              "'\(source)' is optional (\(describe(type))) and may be absent; test '\(source) is present' first",
              expression.span)
    }

    /// Optional expressions proved present by the truth (or falsity) of a condition.
    func facts(_ expression: Expression, whenTrue: Bool) -> Set<String> {
        switch expression.kind {
        case .test(let operand, .present): return whenTrue ? [operand.kind.structuralKey] : []
        case .test(let operand, .absent): return whenTrue ? [] : [operand.kind.structuralKey]
        case .unary(.not, let operand): return facts(operand, whenTrue: !whenTrue)
        case .binary(.and, let lhs, let rhs):
            return whenTrue ? facts(lhs, whenTrue: true).union(facts(rhs, whenTrue: true)) : []
        case .binary(.or, let lhs, let rhs):
            return whenTrue ? [] : facts(lhs, whenTrue: false).union(facts(rhs, whenTrue: false))
        default: return []
        }
    }

    /// Applies narrowing: an optional expression proved present has its inner type here.
    func narrowed(_ type: PlacetType, _ expression: Expression, _ scope: Scope) -> PlacetType {
        if case .optional(let inner) = type, scope.present.contains(expression.kind.structuralKey) { return inner }
        return type
    }

    /// `x is present`, `x is absent`, `c is empty`, `c is not empty`.
    mutating func inferTest(_ operand: Expression, _ test: TestKind, scope: Scope) -> (BoundExpression, PlacetType) {
        switch test {
        case .present, .absent:
            let (bound, type) = infer(operand, expected: nil, scope: scope)
            if !type.isOptional, type != .error {
                error("type.notOptional", "'\(text(operand.span))' is \(describe(type)), which is never absent; '\(test.rawValue)' needs an optional value", operand.span)
            }
            return (.isPresent(bound, negated: test == .absent), .bool)
        case .empty, .notEmpty:
            let (bound, type) = checkValue(operand, expected: nil, scope: scope)
            switch type {
            case .set, .list, .map, .emptyCollection, .error: break
            default:
                error("type.mismatch", "type mismatch: '\(test.rawValue)' needs a collection, but '\(text(operand.span))' is \(describe(type))", operand.span)
            }
            return (.isEmpty(bound, negated: test == .notEmpty), .bool)
        }
    }
}
