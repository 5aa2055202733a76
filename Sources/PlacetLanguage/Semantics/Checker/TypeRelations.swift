// Type relations: assignability (widening and coercion), ordering, element types, and operator typing.

extension TypeChecker {
    func isOrdered(_ type: PlacetType) -> Bool {
        switch type {
        case .number, .date: true
        case .enumeration(let index): schema.enumerations[index].ordered
        default: false
        }
    }

    /// Whether a value of type `from` can be used where `to` is expected without conversion.
    func widens(_ from: PlacetType, to: PlacetType) -> Bool {
        if from == to || from == .error || to == .error { return true }
        switch (from, to) {
        case (.enumeration(let a), .enumeration(let b)): return schema.enumeration(a, widensTo: b)
        case (.set(let a), .set(let b)), (.list(let a), .list(let b)): return widens(a, to: b)
        case (.map(let k1, let v1), .map(let k2, let v2)): return widens(k1, to: k2) && widens(v1, to: v2)
        case (.optional(let a), .optional(let b)): return widens(a, to: b)
        case (_, .optional(let b)): return widens(from, to: b)
        default: return false
        }
    }

    /// Two types whose values can be compared for equality.
    func comparable(_ a: PlacetType, _ b: PlacetType) -> Bool {
        widens(a, to: b) || widens(b, to: a)
    }

    mutating func coerce(_ bound: BoundExpression, from type: PlacetType, to expected: PlacetType, expression: Expression) -> BoundExpression {
        if type == expected || type == .error || expected == .error { return bound }
        switch (type, expected) {
        case (.emptyCollection, .set), (.emptyCollection, .list):
            return .collection([], isSet: expected.elementType != nil && { if case .set = expected { true } else { false } }())
        case (.emptyCollection, .map):
            return .map([])
        case (.emptyCollection, .optional(let inner)):
            return coerce(bound, from: type, to: inner, expression: expression)
        case (.optional, let target) where !target.isOptional:
            reportOptional(expression, type: type)
            return bound
        case (.list(let element), .set(let target)) where widens(element, to: target):
            return .toSet(bound)
        default:
            if widens(type, to: expected) { return bound }
            error("type.mismatch", "type mismatch: expected \(describe(expected)), found \(describe(type)) in '\(text(expression.span))'", expression.span)
            return bound
        }
    }

    /// The element type a collection gives to what is looked for in it: `x` in `x in c`.
    func memberType(of collection: PlacetType) -> PlacetType? {
        switch collection {
        case .set(let element), .list(let element): element
        case .map(let key, _): key
        default: nil
        }
    }

    /// One function per kind of operator; each bound operator is named here, so no raw value is converted.
    mutating func inferBinary(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression, expression: Expression,
                              expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        switch op {
        case .and, .or: inferLogical(op, lhs, rhs, scope: scope)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: inferComparison(op, lhs, rhs, expression: expression, scope: scope)
        case .in, .notIn: inferMembership(op, lhs, rhs, expression: expression, scope: scope)
        case .plus: inferArithmetic(.plus, lhs, rhs, scope: scope)
        case .minus: inferArithmetic(.minus, lhs, rhs, scope: scope)
        case .times: inferArithmetic(.times, lhs, rhs, scope: scope)
        case .divide: inferArithmetic(.divide, lhs, rhs, scope: scope)
        case .union: inferSetOperation(op, .union, lhs, rhs, expression: expression, expected: expected, scope: scope)
        case .intersect: inferSetOperation(op, .intersect, lhs, rhs, expression: expression, expected: expected, scope: scope)
        case .except: inferSetOperation(op, .except, lhs, rhs, expression: expression, expected: expected, scope: scope)
        }
    }

    /// The ordering a comparison operator tests; nil for `==` and `!=`.
    func ordering(_ op: BinaryOperator) -> ComparisonOperator? {
        switch op {
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        default: nil
        }
    }

    /// `and`, `or`: the right side sees what the left proves.
    mutating func inferLogical(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression, scope: Scope) -> (BoundExpression, PlacetType) {
        let left = checkCondition(lhs, scope: scope, context: "the left side of '\(op.rawValue)'")
        var rightScope = scope
        rightScope.present.formUnion(facts(lhs, whenTrue: op == .and))
        let right = checkCondition(rhs, scope: rightScope, context: "the right side of '\(op.rawValue)'")
        return (op == .and ? .and(left, right) : .or(left, right), .bool)
    }

    /// `==`, `!=`, `<`, `<=`, `>`, `>=`: comparable types, and ordered ones for the ordering operators.
    mutating func inferComparison(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression, expression: Expression, scope: Scope) -> (BoundExpression, PlacetType) {
        // A bare enum case on the left (`high == m.riskTier`) takes its type from the right.
        let leftFirst = !needsContext(lhs, scope) || needsContext(rhs, scope)
        let first = leftFirst ? lhs : rhs
        let second = leftFirst ? rhs : lhs
        let (boundFirst, firstType) = checkValue(first, expected: nil, scope: scope)
        let (boundSecond, secondType) = checkValue(second, expected: firstType, scope: scope)
        let (left, leftType, right, rightType) = leftFirst
            ? (boundFirst, firstType, boundSecond, secondType) : (boundSecond, secondType, boundFirst, firstType)
        if leftType == .error || rightType == .error { return (.literal(.bool(false)), .bool) }
        guard comparable(leftType, rightType) else {
            error("type.mismatch", "type mismatch: cannot compare \(describe(leftType)) with \(describe(rightType))", expression.span)
            return (.literal(.bool(false)), .bool)
        }
        guard let comparison = ordering(op) else {
            return (.equal(left, right, negated: op == .notEqual), .bool)
        }
        guard isOrdered(leftType), isOrdered(rightType) else {
            let culprit = isOrdered(leftType) ? rightType : leftType
            error("type.unorderedComparison",
                  "'\(op.rawValue)' needs numbers, dates or an ordered enum, but \(describe(culprit)) is not ordered",
                  expression.span)
            return (.literal(.bool(false)), .bool)
        }
        return (.compare(comparison, left, right), .bool)
    }

    /// `in`, `not in`: an element of a set or list, or a key of a map.
    mutating func inferMembership(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression, expression: Expression, scope: Scope) -> (BoundExpression, PlacetType) {
        let element: BoundExpression, elementType: PlacetType, collection: BoundExpression, collectionType: PlacetType
        if needsContext(lhs, scope), !needsContext(rhs, scope) {
            // `health in d.specialCategories`: the collection says which enum `health` is a case of.
            (collection, collectionType) = checkValue(rhs, expected: nil, scope: scope)
            if collectionType == .error { return (.literal(.bool(false)), .bool) }
            (element, elementType) = checkValue(lhs, expected: memberType(of: collectionType), scope: scope)
        } else {
            (element, elementType) = checkValue(lhs, expected: nil, scope: scope)
            (collection, collectionType) = checkValue(rhs, expected: elementType == .error ? nil : .set(elementType), scope: scope)
        }
        if elementType == .error || collectionType == .error { return (.literal(.bool(false)), .bool) }
        switch collectionType {
        case .set(let member), .list(let member):
            if !comparable(elementType, member) {
                error("type.mismatch", "type mismatch: cannot look for \(describe(elementType)) in \(describe(collectionType))", expression.span)
            }
            return (.contains(element: element, collection: collection, negated: op == .notIn), .bool)
        case .map(let key, _):
            if !comparable(elementType, key) {
                error("type.mismatch", "type mismatch: cannot look for \(describe(elementType)) among the keys of \(describe(collectionType))", expression.span)
            }
            return (.containsKey(key: element, map: collection, negated: op == .notIn), .bool)
        case .emptyCollection:
            return (.literal(.bool(op == .notIn)), .bool)
        default:
            error("type.mismatch", "type mismatch: 'in' needs a set, list or map on its right, but '\(text(rhs.span))' is \(describe(collectionType))", rhs.span)
            return (.literal(.bool(false)), .bool)
        }
    }

    /// `+`, `-`, `*`, `/`: numbers.
    mutating func inferArithmetic(_ op: ArithmeticOperator, _ lhs: Expression, _ rhs: Expression, scope: Scope) -> (BoundExpression, PlacetType) {
        let left = checkExpression(lhs, expected: .number, scope: scope)
        let right = checkExpression(rhs, expected: .number, scope: scope)
        return (.arithmetic(op, left, right), .number)
    }

    /// `union`, `intersect`, `except`: sets or lists of elements one of which widens to the other.
    mutating func inferSetOperation(_ op: BinaryOperator, _ setOperator: SetOperator, _ lhs: Expression, _ rhs: Expression, expression: Expression,
                           expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        let left: BoundExpression, leftType: PlacetType, right: BoundExpression, rightType: PlacetType
        if needsContext(lhs, scope), !needsContext(rhs, scope) {
            // `[health, genetic] intersect d.specialCategories`: the right side types the left.
            (right, rightType) = checkValue(rhs, expected: expected, scope: scope)
            (left, leftType) = checkValue(lhs, expected: rightType == .emptyCollection ? expected : rightType, scope: scope)
        } else {
            (left, leftType) = checkValue(lhs, expected: expected, scope: scope)
            (right, rightType) = checkValue(rhs, expected: leftType == .emptyCollection ? expected : leftType, scope: scope)
        }
        let leftElement = leftType.elementType
        let rightElement = rightType.elementType
        var result: PlacetType = .error
        switch (leftElement, rightElement) {
        case (let a?, let b?):
            if widens(a, to: b) { result = .set(b) } else if widens(b, to: a) { result = .set(a) } else {
                error("type.mismatch", "type mismatch: cannot combine \(describe(leftType)) with \(describe(rightType)) by '\(op.rawValue)'", expression.span)
            }
        case (let a?, nil) where rightType == .emptyCollection: result = .set(a)
        case (nil, let b?) where leftType == .emptyCollection: result = .set(b)
        default:
            if leftType != .error, rightType != .error {
                let culprit = leftElement == nil ? lhs : rhs
                let culpritType = leftElement == nil ? leftType : rightType
                error("type.mismatch", "type mismatch: '\(op.rawValue)' needs sets or lists, but '\(text(culprit.span))' is \(describe(culpritType))", culprit.span)
            }
        }
        return (.setOperation(setOperator, left, right), result)
    }
}
