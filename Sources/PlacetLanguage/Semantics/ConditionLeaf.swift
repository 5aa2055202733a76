// Condition leaves: the operands of the and/or/not structure of a rule's condition or a
// definition's body, each with its source text and the values worth showing beside it. The
// bound program marks each leaf in place (`BoundExpression.traced`); normal evaluation
// compiles the mark away, and an observed evaluation (`placet explain`, `placet test
// --coverage`) reports each leaf's value as the one evaluator computes it.

public struct ConditionLeaf: Sendable {
    /// Unique in the program, so an evaluator can keep per-leaf code in an array.
    public let id: Int
    /// Position among its condition's leaves, in source order.
    public let index: Int
    public let text: String
    public let type: PlacetType
    /// Sub-expressions whose values explain the leaf: field reads, lookups and calls.
    public let observables: [Observable]
    /// When the leaf is (or negates) a call of a definition, which one, to explain it in turn.
    public let call: (function: Int, arguments: [BoundExpression])?
}

public struct Observable: Sendable {
    public let text: String
    public let bound: BoundExpression
    public let type: PlacetType
}

extension BoundExpression {
    /// The leaves marked in this expression, in source order (not inside definitions it calls).
    public var leaves: [ConditionLeaf] {
        switch self {
        case .traced(_, let leaf): [leaf]
        case .and(let lhs, let rhs), .or(let lhs, let rhs): lhs.leaves + rhs.leaves
        case .not(let inner): inner.leaves
        default: []
        }
    }
}
