// Condition trees: the and/or/not structure of a rule's condition or a definition's body,
// with each leaf's source text, bound expression, and the values worth showing beside it.
// Normal evaluation never uses them; `placet explain` prints why a rule fired or not, and
// `placet test --coverage` records which leaves were seen true and false.

public indirect enum ConditionTree: Sendable {
    case and(ConditionTree, ConditionTree)
    case or(ConditionTree, ConditionTree)
    case not(ConditionTree)
    case leaf(ConditionLeaf)

    /// Leaves in source order.
    public var leaves: [ConditionLeaf] {
        switch self {
        case .and(let lhs, let rhs), .or(let lhs, let rhs): lhs.leaves + rhs.leaves
        case .not(let inner): inner.leaves
        case .leaf(let leaf): [leaf]
        }
    }
}

public struct ConditionLeaf: Sendable {
    /// Position among the tree's leaves, in source order.
    public let index: Int
    public let text: String
    public let bound: BoundExpression
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
