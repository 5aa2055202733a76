// Evaluating a rule's condition tree leaf by leaf, with the same short-circuiting as normal
// evaluation, so tools can see which leaves decided: `explain` prints them, coverage counts them.

import PlacetLanguage

protocol LeafVisitor {
    /// Called for each leaf evaluated, with its value; `depth` counts definition calls entered.
    mutating func visit(_ leaf: ConditionLeaf, value: Value, depth: Int, machine: inout Machine)
}

extension Machine {
    mutating func evaluate(_ tree: ConditionTree, depth: Int = 0, visitor: inout some LeafVisitor) -> Bool {
        switch tree {
        case .and(let lhs, let rhs):
            return evaluate(lhs, depth: depth, visitor: &visitor) && evaluate(rhs, depth: depth, visitor: &visitor)
        case .or(let lhs, let rhs):
            return evaluate(lhs, depth: depth, visitor: &visitor) || evaluate(rhs, depth: depth, visitor: &visitor)
        case .not(let inner):
            return !evaluate(inner, depth: depth, visitor: &visitor)
        case .leaf(let leaf):
            let value = evaluate(leaf.bound)
            visitor.visit(leaf, value: value, depth: depth, machine: &self)
            return value.boolValue
        }
    }

    /// Runs `body` inside a frame for `function` with these argument values, as a call would.
    mutating func withFrame<T>(function: Int, arguments: [Value], _ body: (inout Machine) -> T) -> T {
        let definition = evaluator.program.functions[function]
        let frame = stack.count
        stack.append(contentsOf: arguments)
        for _ in arguments.count..<max(arguments.count, definition.frameSize) { stack.append(.absent) }
        let savedBase = base
        base = frame
        let result = body(&self)
        base = savedBase
        stack.removeLast(stack.count - frame)
        return result
    }

    /// Prepares slot 0 (the placement) and the rule's frame.
    mutating func enterRule(_ rule: RuleDefinition, placement: Int) {
        stack.removeAll(keepingCapacity: true)
        base = 0
        stack.append(.record(placement))
        for _ in 1..<max(1, rule.frameSize) { stack.append(.absent) }
    }
}
