// What the engine learns from a rule's bound clauses before compiling them: which conjuncts of
// `when` read only the `for each` item, and through what a message reads the placement.

import PlacetLanguage

extension CompiledRule {
    /// `a and b and c` as [a, b, c], looking through the marks explain and coverage use.
    static func conjuncts(of expression: BoundExpression) -> [BoundExpression] {
        switch expression {
        case .and(let lhs, let rhs): conjuncts(of: lhs) + conjuncts(of: rhs)
        case .observable(let inner, _): conjuncts(of: inner)
        default: [expression]
        }
    }

    /// The conjunction of `parts`, nil when there are none.
    static func conjunction(_ parts: [BoundExpression]) -> BoundExpression? {
        guard var result = parts.first else { return nil }
        for part in parts.dropFirst() { result = .and(result, part) }
        return result
    }

    /// The sub-expressions through which `expression` reads the placement (slot 0): reads of
    /// its fields, and calls given the placement itself. Nil when it reads the placement in any
    /// other way (a message that prints the placement's own value).
    static func placementParts(of expression: BoundExpression) -> [BoundExpression]? {
        var parts: [BoundExpression] = []
        func isPlacement(_ expression: BoundExpression) -> Bool {
            switch expression {
            case .local(0): true
            case .observable(let inner, _), .traced(let inner, _): isPlacement(inner)
            default: false
            }
        }
        func visit(_ expression: BoundExpression) -> Bool {
            guard reads(slot: 0, expression) else { return true }
            switch expression {
            case .field(let base, _, _) where isPlacement(base):
                parts.append(expression)
                return true
            case .call(_, let arguments) where arguments.contains(where: isPlacement):
                parts.append(expression)
                return true
            case .local:
                return false
            default:
                return expression.children.allSatisfy(visit)
            }
        }
        return visit(expression) ? parts : nil
    }

    /// Whether an expression in a rule's frame reads local `slot`; definitions see only their
    /// arguments, so reading through a call means reading in an argument.
    static func reads(slot: Int, _ expression: BoundExpression) -> Bool {
        func r(_ e: BoundExpression) -> Bool { reads(slot: slot, e) }
        switch expression {
        case .literal, .constant, .today: return false
        case .local(let index): return index == slot
        case .field(let operand, _, _), .member(let operand, _, _), .not(let operand), .negate(let operand), .isEmpty(let operand, _),
             .isPresent(let operand, _), .toSet(let operand), .count(let operand), .traced(let operand, _),
             .observable(let operand, _):
            return r(operand)
        case .call(_, let items), .structure(let items), .collection(let items, _): return items.contains(where: r)
        case .map(let pairs): return pairs.contains { r($0.key) || r($0.value) }
        case .lookup(let a, let b), .and(let a, let b), .or(let a, let b), .equal(let a, let b, _), .compare(_, let a, let b),
             .contains(let a, let b, _), .containsKey(let a, let b, _), .arithmetic(_, let a, let b), .setOperation(_, let a, let b):
            return r(a) || r(b)
        case .quantifier(_, let index, let collection, let body): return r(collection) || (index != slot && r(body))
        case .conditional(let a, let b, let c): return r(a) || r(b) || r(c)
        case .interpolation(let parts): return parts.contains { if case .value(let value, _) = $0 { r(value) } else { false } }
        }
    }
}


extension BoundExpression {
    /// The expressions this one is made of, in the order written.
    var children: [BoundExpression] {
        switch self {
        case .literal, .local, .constant, .today: []
        case .field(let operand, _, _), .member(let operand, _, _), .not(let operand), .negate(let operand),
             .isEmpty(let operand, _), .isPresent(let operand, _), .toSet(let operand), .count(let operand),
             .traced(let operand, _), .observable(let operand, _):
            [operand]
        case .call(_, let items), .structure(let items), .collection(let items, _): items
        case .map(let pairs): pairs.flatMap { [$0.key, $0.value] }
        case .lookup(let a, let b), .and(let a, let b), .or(let a, let b), .equal(let a, let b, _), .compare(_, let a, let b),
             .contains(let a, let b, _), .containsKey(let a, let b, _), .arithmetic(_, let a, let b), .setOperation(_, let a, let b):
            [a, b]
        case .quantifier(_, _, let collection, let body): [collection, body]
        case .conditional(let a, let b, let c): [a, b, c]
        case .interpolation(let parts): parts.compactMap { if case .value(let value, _) = $0 { value } else { nil } }
        }
    }
}
