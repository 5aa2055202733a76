// Conditions as formulas: and, or and literals, with negation pushed down to the literals.
// A literal constrains one term (`d.dpia == completed`, `m.useCase in prohibited.*`,
// `d.lawfulBasis is present`); anything the analysis does not understand is an opaque
// boolean term, which still contradicts its own negation.

/// Where a literal was written: the part of the rule's source it came from.
struct Origin: Sendable, Hashable {
    var span: Span
    /// How to quote it in a message; the source text by default.
    var text: String
    /// A fact from the rule's `for each` rather than from its condition.
    var isForEach = false
}

enum Relation: Sendable, Hashable {
    /// The literal is this constant.
    case truth(Bool)
    /// `term == value`.
    case equal(Value)
    /// `term in values`.
    case member([Value])
    /// `term op value`, as the evaluator compares.
    case ordered(ComparisonOperator, Value)
}

struct Literal: Sendable {
    var term: String
    /// Every value the term can have, when the analysis knows them.
    var domain: [Value]?
    var relation: Relation
    /// False for the negation of the relation.
    var positive: Bool
    /// Whether the negation of an ordered relation is the opposite ordering (no NaN, no absence).
    var totalOrder: Bool
    var origin: Origin

    var negated: Literal {
        var copy = self
        if case .truth(let value) = relation { copy.relation = .truth(!value) } else { copy.positive.toggle() }
        return copy
    }
}

indirect enum Formula: Sendable {
    case literal(Literal)
    case and([Formula])
    case or([Formula])

    /// The parts of a chain of `and`s, nested ones flattened.
    var conjuncts: [Formula] {
        if case .and(let parts) = self { return parts.flatMap(\.conjuncts) }
        return [self]
    }

    /// The formula as a disjunction of conjunctions of literals; nil when that would have more
    /// than `limit` conjunctions (the analysis then says nothing, rather than guess).
    func disjunctiveNormalForm(limit: Int = 256) -> [[Literal]]? {
        switch self {
        case .literal(let literal): return [[literal]]
        case .or(let parts):
            var result: [[Literal]] = []
            for part in parts {
                guard let conjunctions = part.disjunctiveNormalForm(limit: limit) else { return nil }
                result += conjunctions
                if result.count > limit { return nil }
            }
            return result
        case .and(let parts):
            var result: [[Literal]] = [[]]
            for part in parts {
                guard let conjunctions = part.disjunctiveNormalForm(limit: limit) else { return nil }
                guard result.count * conjunctions.count <= limit else { return nil }
                result = result.flatMap { prefix in conjunctions.map { prefix + $0 } }
            }
            return result
        }
    }
}

/// Builds the formula of a rule's condition from its bound expression, walking the syntax
/// alongside for the spans. Boolean definitions are inlined (their spans are the call's).
struct FormulaBuilder {
    let terms: Terms
    let sources: [SourceFile]
    /// Nodes built so far; past the budget the builder gives up on the rule.
    private var nodes = 0
    private static let nodeBudget = 4_096
    private static let inlineDepth = 16

    struct OverBudget: Error {}

    init(terms: Terms) {
        self.terms = terms
        self.sources = terms.program.sources
    }

    func origin(_ span: Span) -> Origin {
        let text = sources.indices.contains(span.file) ? sources[span.file].text(of: span) : ""
        return Origin(span: span, text: text.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }

    /// The formula of `expression` (or of its negation when `positive` is false).
    mutating func build(_ expression: BoundExpression, syntax: Expression?, environment: Environment,
                        origin: Origin, positive: Bool, inlined: Int = 0) throws -> Formula {
        nodes += 1
        guard nodes <= FormulaBuilder.nodeBudget else { throw OverBudget() }
        let here = syntax.map { self.origin($0.span) } ?? origin

        func child(_ bound: BoundExpression, _ syntax: Expression?, positive: Bool) throws -> Formula {
            try build(bound, syntax: syntax, environment: environment, origin: here, positive: positive, inlined: inlined)
        }

        switch expression {
        case .traced(let inner, _), .observable(let inner, _):
            nodes -= 1
            return try build(inner, syntax: syntax, environment: environment, origin: origin, positive: positive, inlined: inlined)

        case .and(let lhs, let rhs), .or(let lhs, let rhs):
            let isAnd: Bool = if case .and = expression { true } else { false }
            var sides: (Expression?, Expression?) = (nil, nil)
            if case .binary(let op, let l, let r)? = syntax?.kind, op == (isAnd ? .and : .or) { sides = (l, r) }
            let parts = [try child(lhs, sides.0, positive: positive), try child(rhs, sides.1, positive: positive)]
            // De Morgan: the negation of `a and b` is `not a or not b`.
            return isAnd == positive ? .and(parts) : .or(parts)

        case .not(let operand):
            var inner: Expression?
            if case .unary(.not, let operandSyntax)? = syntax?.kind { inner = operandSyntax }
            let formula = try child(operand, inner, positive: !positive)
            // A negated literal is quoted with its `not`: "'x' contradicts 'not x'".
            if case .literal(var literal) = formula, inner != nil {
                literal.origin = here
                return .literal(literal)
            }
            return formula

        case .conditional(let condition, let thenBranch, let elseBranch):
            var parts: (Expression?, Expression?, Expression?) = (nil, nil, nil)
            if case .conditional(let c, let t, let e)? = syntax?.kind { parts = (c, t, e) }
            // `if c then a else b` is `(c and a) or (not c and b)`, and its negation
            // `(c and not a) or (not c and not b)`.
            return .or([
                .and([try child(condition, parts.0, positive: true), try child(thenBranch, parts.1, positive: positive)]),
                .and([try child(condition, parts.0, positive: false), try child(elseBranch, parts.2, positive: positive)]),
            ])

        case .call(let function, let arguments) where inlined < FormulaBuilder.inlineDepth:
            let definition = terms.program.functions[function]
            var inner = Environment()
            for (slot, argument) in arguments.enumerated() { inner.slots[slot] = .alias(argument, environment) }
            return try build(definition.body, syntax: nil, environment: inner, origin: here, positive: positive, inlined: inlined + 1)

        case .local(let slot):
            if case .alias(let aliased, let outer)? = environment.slots[slot] {
                return try build(aliased, syntax: nil, environment: outer, origin: here, positive: positive, inlined: inlined)
            }
            return .literal(atom(expression, environment: environment, origin: here, positive: positive))

        default:
            return .literal(atom(expression, environment: environment, origin: here, positive: positive))
        }
    }

    /// One literal for an expression that is not and, or, not or if.
    func atom(_ expression: BoundExpression, environment: Environment, origin: Origin, positive: Bool) -> Literal {
        var literal = relation(expression, environment: environment, origin: origin)
        if !positive { literal = literal.negated }
        return literal
    }

    private func relation(_ expression: BoundExpression, environment: Environment, origin: Origin) -> Literal {
        func literal(_ term: BoundExpression, _ relation: Relation, positive: Bool) -> Literal {
            Literal(term: terms.key(term, environment), domain: terms.domain(of: terms.type(term, environment)),
                    relation: relation, positive: positive, totalOrder: terms.hasTotalOrder(term, environment), origin: origin)
        }
        if let value = terms.fold(expression, environment) {
            return Literal(term: "", domain: nil, relation: .truth(value.boolValue), positive: true, totalOrder: false, origin: origin)
        }
        switch expression {
        case .equal(let lhs, let rhs, let negated):
            if let value = terms.fold(rhs, environment) { return literal(lhs, .equal(value), positive: !negated) }
            if let value = terms.fold(lhs, environment) { return literal(rhs, .equal(value), positive: !negated) }
            // Equality is symmetric: order the two sides so `a == b` and `b == a` are one term.
            let sides = [terms.key(lhs, environment), terms.key(rhs, environment)].sorted()
            return opaque("(\(sides[0]) == \(sides[1]))", positive: !negated, origin: origin)
        case .compare(let op, let lhs, let rhs):
            if let value = terms.fold(rhs, environment) { return literal(lhs, .ordered(op, value), positive: true) }
            if let value = terms.fold(lhs, environment) { return literal(rhs, .ordered(op.mirrored, value), positive: true) }
            // `a > b` is `b < a`, so both spellings are one term.
            switch op {
            case .less, .lessEqual:
                return opaque("(\(terms.key(lhs, environment)) \(op.rawValue) \(terms.key(rhs, environment)))", positive: true, origin: origin)
            case .greater, .greaterEqual:
                return opaque("(\(terms.key(rhs, environment)) \(op.mirrored.rawValue) \(terms.key(lhs, environment)))", positive: true, origin: origin)
            }
        case .contains(let element, let collection, let negated):
            if let values = terms.fold(collection, environment) {
                return literal(element, .member(Value.makeSet(values.elements).elements), positive: !negated)
            }
        case .containsKey(let key, let map, let negated):
            if case .map(let entries)? = terms.fold(map, environment) {
                return literal(key, .member(Value.makeSet(Array(entries.keys)).elements), positive: !negated)
            }
        case .isPresent(let operand, let negated):
            return opaque("(\(terms.key(operand, environment)) is present)", positive: !negated, origin: origin)
        case .isEmpty(let operand, let negated):
            return opaque("(\(terms.key(operand, environment)) is empty)", positive: !negated, origin: origin)
        default:
            break
        }
        // A boolean term: true exactly when its value is `true`.
        return literal(expression, .equal(.bool(true)), positive: true)
    }

    /// A yes-or-no term the analysis does not look into.
    private func opaque(_ key: String, positive: Bool, origin: Origin) -> Literal {
        Literal(term: key, domain: [.bool(false), .bool(true)], relation: .equal(.bool(true)), positive: positive,
                totalOrder: false, origin: origin)
    }
}

extension ComparisonOperator {
    /// The operator with its operands swapped: `a < b` is `b > a`.
    var mirrored: ComparisonOperator {
        switch self {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        }
    }
}
