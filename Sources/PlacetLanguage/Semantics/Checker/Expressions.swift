// Expressions: checking against an expected type, and one inference function per expression kind.

extension TypeChecker {
    // MARK: Expressions

    mutating func resetFrame(reserving slots: Int) {
        nextSlot = slots
        maxSlot = slots
    }

    mutating func allocateSlot() -> Int {
        let slot = nextSlot
        nextSlot += 1
        maxSlot = max(maxSlot, nextSlot)
        return slot
    }

    /// Checks an expression against an expected type and converts it where the language allows.
    mutating func checkExpression(_ expression: Expression, expected: PlacetType, scope: Scope) -> BoundExpression {
        let (bound, type) = infer(expression, expected: expected, scope: scope)
        return coerce(bound, from: type, to: expected, expression: expression)
    }

    /// Checks an expression whose value is used directly: optional values must be tested first.
    mutating func checkValue(_ expression: Expression, expected: PlacetType?, scope: Scope, allowOptional: Bool = false) -> (BoundExpression, PlacetType) {
        let (bound, type) = infer(expression, expected: expected, scope: scope)
        if type.isOptional, !allowOptional {
            reportOptional(expression, type: type)
            return (bound, type.unwrapped)
        }
        return (bound, type)
    }

    mutating func checkCondition(_ expression: Expression, scope: Scope, context: String) -> BoundExpression {
        let (bound, type) = checkValue(expression, expected: .bool, scope: scope)
        if type != .bool, type != .error {
            error("type.nonBooleanCondition", "\(context) must be a bool condition, but '\(text(expression.span))' is \(describe(type))", expression.span)
        }
        return bound
    }

    mutating func infer(_ expression: Expression, expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        let (bound, type) = inferUnrecorded(expression, expected: expected, scope: scope)
        switch expression.kind {
        case .member, .call, .index:
            // Marked with their source text for explanations; evaluation sees straight through.
            let isIndex: Bool = if case .index = expression.kind { true } else { false }
            return (.observable(bound, SourceNode(text: text(expression.span), type: type, isIndex: isIndex)), type)
        default:
            return (bound, type)
        }
    }

    /// One function per expression kind.
    mutating func inferUnrecorded(_ expression: Expression, expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        switch expression.kind {
        case .bool(let value): return (.literal(.bool(value)), .bool)
        case .number(let value): return (.literal(.number(value)), .number)
        case .date(let value): return (.literal(.date(value)), .date)
        case .string(let parts): return inferString(parts, scope: scope)
        case .name(let name): return inferName(name, expression: expression, expected: expected, scope: scope)
        case .member(let base, let member): return inferMember(base, member, expression: expression, expected: expected, scope: scope)
        case .caseGroup(let base): return inferCaseGroup(base, expression: expression, expected: expected, scope: scope)
        case .call(let name, let arguments): return inferCall(name, arguments, expression: expression, scope: scope)
        case .index(let base, let key): return inferIndex(base, key, expression: expression, scope: scope)
        case .collection(let items): return inferCollection(items, expected: expected, scope: scope)
        case .mapLiteral(let pairs): return inferMapLiteral(pairs, expression: expression, expected: expected, scope: scope)
        case .recordLiteral(let given): return checkRecordLiteral(given, expression: expression, expected: expected, scope: scope)
        case .unary(.not, let operand): return (.not(checkCondition(operand, scope: scope, context: "the operand of 'not'")), .bool)
        case .unary(.negate, let operand): return (.negate(checkExpression(operand, expected: .number, scope: scope)), .number)
        case .binary(let op, let lhs, let rhs): return inferBinary(op, lhs, rhs, expression: expression, expected: expected, scope: scope)
        case .test(let operand, let test): return inferTest(operand, test, scope: scope)
        case .conditional(let condition, let thenBranch, let elseBranch):
            return inferConditional(condition, thenBranch, elseBranch, expected: expected, scope: scope)
        case .quantifier(let kind, let variable, let collection, let body):
            return inferQuantifier(kind, variable, collection, body, scope: scope)
        }
    }

    /// Text with interpolations: a plain literal when nothing is interpolated.
    mutating func inferString(_ parts: [StringPart], scope: Scope) -> (BoundExpression, PlacetType) {
        var bound: [BoundStringPart] = []
        var inner = scope
        inner.inInterpolation = true
        for part in parts {
            switch part {
            case .text(let text): bound.append(.text(text))
            case .interpolation(let expression):
                let (value, type) = infer(expression, expected: nil, scope: inner)
                bound.append(.value(value, type))
            }
        }
        if bound.count == 1, case .text(let text) = bound[0] { return (.literal(.string(text)), .string) }
        if bound.isEmpty { return (.literal(.string("")), .string) }
        return (.interpolation(bound), .string)
    }

    /// `count(c)` or a call of a definition.
    mutating func inferCall(_ name: Identifier, _ arguments: [Expression], expression: Expression, scope: Scope) -> (BoundExpression, PlacetType) {
        let span = expression.span
        if name.name == "count" {
            guard arguments.count == 1 else {
                error("type.argumentCount", "wrong number of arguments: 'count' takes 1 argument, got \(arguments.count)", span)
                return (.literal(.absent), .error)
            }
            let (bound, type) = checkValue(arguments[0], expected: nil, scope: scope)
            switch type {
            case .set, .list, .map, .error, .emptyCollection: break
            default: error("type.mismatch", "type mismatch: 'count' needs a collection, found \(describe(type))", arguments[0].span)
            }
            return (.count(bound), .number)
        }
        guard let index = functionIndex[name.name] else {
            unknownName("type.unknownFunction", "unknown definition '\(name.name)'", word: name.name,
                        in: Array(functionIndex.keys) + ["count"], name.span)
            return (.literal(.absent), .error)
        }
        let function = functions[index]
        if checkingConstant {
            error("type.nonConstant", "a constant cannot call a definition; make it a definition instead", name.span)
        }
        if let caller = currentFunction { callEdges[caller].insert(index) }
        if scope.implicitRecord != nil { requiredWhenCalls.append((index, name.name, name.span)) }
        guard arguments.count == function.parameterTypes.count else {
            let noun = function.parameterTypes.count == 1 ? "argument" : "arguments"
            error("type.argumentCount", "wrong number of arguments: '\(name.name)' takes \(function.parameterTypes.count) \(noun), got \(arguments.count)", span)
            return (.literal(.absent), function.returnType)
        }
        var bound: [BoundExpression] = []
        for (argument, type) in zip(arguments, function.parameterTypes) {
            bound.append(checkExpression(argument, expected: type, scope: scope))
        }
        return (.call(function: index, arguments: bound), function.returnType)
    }

    /// `m[k]`: a map lookup, optional unless narrowed.
    mutating func inferIndex(_ base: Expression, _ key: Expression, expression: Expression, scope: Scope) -> (BoundExpression, PlacetType) {
        let (boundBase, baseType) = checkValue(base, expected: nil, scope: scope)
        guard case .map(let keyType, let valueType) = baseType else {
            if baseType != .error {
                error("type.notAMap", "'\(text(base.span))' is \(describe(baseType)); only a map can be looked up with [...]", base.span)
            }
            return (.literal(.absent), .error)
        }
        let boundKey = checkExpression(key, expected: keyType, scope: scope)
        return (.lookup(boundBase, key: boundKey), narrowed(.optional(valueType), expression, scope))
    }

    /// `[a, b]`: a set, or a list when a list is expected; its element type from the context or the first item.
    mutating func inferCollection(_ items: [Expression], expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        var elementType: PlacetType?
        var isSet = true
        switch expected?.unwrapped {
        case .set(let element)?: elementType = element
        case .list(let element)?:
            elementType = element
            isSet = false
        default: break
        }
        if items.isEmpty {
            let type: PlacetType = if let target = expected?.unwrapped, target.elementType != nil { target } else { .emptyCollection }
            return (.collection([], isSet: isSet), type)
        }
        var bound: [BoundExpression] = []
        for item in items {
            if let elementType {
                bound.append(checkExpression(item, expected: elementType, scope: scope))
            } else {
                let (value, type) = checkValue(item, expected: nil, scope: scope)
                elementType = type
                bound.append(value)
            }
        }
        let element = elementType ?? .error
        return (.collection(bound, isSet: isSet), isSet ? .set(element) : .list(element))
    }

    /// `[k: v, ...]`: a map literal, whose type only the context can give.
    mutating func inferMapLiteral(_ pairs: [(key: Expression, value: Expression)], expression: Expression, expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        let span = expression.span
        guard case .map(let keyType, let valueType)? = expected?.unwrapped else {
            error("type.untypedMap", "a map literal needs a declared type, as in 'const NAME: map of Country to date = [...]'", span)
            return (.literal(.absent), .error)
        }
        var bound: [(key: BoundExpression, value: BoundExpression)] = []
        for pair in pairs {
            bound.append((checkExpression(pair.key, expected: keyType, scope: scope),
                          checkExpression(pair.value, expected: valueType, scope: scope)))
        }
        return (.map(bound), .map(keyType, valueType))
    }

    /// `if c then a else b`: each branch sees what the condition proves.
    mutating func inferConditional(_ condition: Expression, _ thenBranch: Expression, _ elseBranch: Expression, expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        let boundCondition = checkCondition(condition, scope: scope, context: "the condition of 'if'")
        var thenScope = scope
        thenScope.present.formUnion(facts(condition, whenTrue: true))
        var elseScope = scope
        elseScope.present.formUnion(facts(condition, whenTrue: false))
        if let expected {
            return (.conditional(boundCondition,
                                 then: checkExpression(thenBranch, expected: expected, scope: thenScope),
                                 else: checkExpression(elseBranch, expected: expected, scope: elseScope)), expected)
        }
        let (boundThen, thenType) = infer(thenBranch, expected: nil, scope: thenScope)
        let boundElse = checkExpression(elseBranch, expected: thenType, scope: elseScope)
        return (.conditional(boundCondition, then: boundThen, else: boundElse), thenType)
    }

    /// `some x in c satisfies b` and `all ...`: the variable gets a slot for the body.
    mutating func inferQuantifier(_ kind: QuantifierKind, _ variable: Identifier, _ collection: Expression, _ body: Expression, scope: Scope) -> (BoundExpression, PlacetType) {
        let (boundCollection, collectionType) = checkValue(collection, expected: nil, scope: scope)
        var elementType: PlacetType = .error
        switch collectionType {
        case .set(let element), .list(let element): elementType = element
        case .error, .emptyCollection: break
        default:
            error("type.notIterable", "'\(kind.rawValue)' needs a set or a list; '\(text(collection.span))' is \(describe(collectionType))", collection.span)
        }
        if isValueName(variable.name, scope) {
            error("type.shadowing", "'\(variable.name)' is already defined here; choose another name", variable.span)
        }
        let saved = nextSlot
        let slot = allocateSlot()
        var inner = scope
        inner.locals.append(Local(name: variable.name, type: elementType, slot: slot))
        let boundBody = checkCondition(body, scope: inner, context: "the body of '\(kind.rawValue)'")
        nextSlot = saved
        return (.quantifier(all: kind == .all, slot: slot, collection: boundCollection, body: boundBody), .bool)
    }
}
