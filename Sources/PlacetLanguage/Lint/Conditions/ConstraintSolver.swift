// Satisfiability of a conjunction of literals, term by term. Sound, not complete: it answers
// "unsatisfiable" only when no values of the terms can make every literal true, and
// "satisfiable" whenever it cannot tell.

enum ConstraintSolver {
    static func isSatisfiable(_ literals: [Literal]) -> Bool {
        var byTerm: [String: [Literal]] = [:]
        for literal in literals {
            if case .truth(let value) = literal.relation {
                if !value { return false }
                continue
            }
            byTerm[literal.term, default: []].append(literal)
        }
        return byTerm.values.allSatisfy(isSatisfiable(term:))
    }

    /// A smallest set of the literals that is still unsatisfiable (none can be left out),
    /// in their original order. Call it on an unsatisfiable conjunction.
    static func unsatisfiableCore(_ literals: [Literal]) -> [Literal] {
        var core = literals
        var index = 0
        while index < core.count {
            var without = core
            without.remove(at: index)
            if !isSatisfiable(without) { core = without } else { index += 1 }
        }
        return core
    }

    /// The literals about one term.
    private static func isSatisfiable(term literals: [Literal]) -> Bool {
        // A literal and its own negation: whatever the term means.
        for (offset, literal) in literals.enumerated() {
            if literals[(offset + 1)...].contains(where: { $0.relation == literal.relation && $0.positive != literal.positive }) {
                return false
            }
        }
        // Every value the term can have, when its type says: try each.
        var domain: [Value]?
        for case let values? in literals.map(\.domain) {
            domain = domain.map { known in known.filter { values.contains($0) } } ?? values
        }
        if let domain { return domain.contains { value in literals.allSatisfy { holds($0, for: value) } } }
        // A term that must equal one value, or be one of a few: try those.
        for literal in literals where literal.positive {
            switch literal.relation {
            case .equal(let value): return literals.allSatisfy { holds($0, for: value) }
            case .member(let values): return values.contains { value in literals.allSatisfy { holds($0, for: value) } }
            default: continue
            }
        }
        return boundsAreSatisfiable(literals)
    }

    /// Whether `literal` is true when its term has this value (exactly as the evaluator computes).
    private static func holds(_ literal: Literal, for value: Value) -> Bool {
        let truth: Bool
        switch literal.relation {
        case .truth(let constant): return constant
        case .equal(let other): truth = value == other
        case .member(let values): truth = values.contains(value)
        case .ordered(let op, let bound): truth = op.holds(value, bound)
        }
        return truth == literal.positive
    }

    /// No value to try: only exclusions and orderings (`x != a`, `x < b`, `not (x >= c)`).
    /// Unsatisfiable when the lower and upper bounds leave no room.
    private static func boundsAreSatisfiable(_ literals: [Literal]) -> Bool {
        var bounds: [(op: ComparisonOperator, value: Value)] = []
        var excluded: [Value] = []
        for literal in literals {
            switch literal.relation {
            case .ordered(let op, let value):
                if literal.positive {
                    bounds.append((op, value))
                } else if literal.totalOrder, !value.isNaN {
                    bounds.append((op.complement, value))
                }
            case .equal(let value) where !literal.positive: excluded.append(value)
            case .member(let values) where !literal.positive: excluded += values
            default: break
            }
        }
        guard let first = bounds.first else { return true }
        // A comparison is false for values of different kinds, and for NaN.
        guard bounds.allSatisfy({ $0.value.isOrderable && $0.value.sameKind(as: first.value) }) else { return false }
        var lower: (value: Value, strict: Bool)?
        var upper: (value: Value, strict: Bool)?
        for bound in bounds {
            switch bound.op {
            case .greater, .greaterEqual:
                let strict = bound.op == .greater
                if let current = lower, !ComparisonOperator.greater.holds(bound.value, current.value),
                   !(bound.value == current.value && strict) { continue }
                lower = (bound.value, strict)
            case .less, .lessEqual:
                let strict = bound.op == .less
                if let current = upper, !ComparisonOperator.less.holds(bound.value, current.value),
                   !(bound.value == current.value && strict) { continue }
                upper = (bound.value, strict)
            }
        }
        guard let lower, let upper else { return true }
        if ComparisonOperator.greater.holds(lower.value, upper.value) { return false }
        if lower.value == upper.value {
            if lower.strict || upper.strict { return false }
            return !excluded.contains(lower.value)
        }
        return true
    }
}

extension ComparisonOperator {
    /// The operator that holds exactly when this one does not, for totally ordered values.
    var complement: ComparisonOperator {
        switch self {
        case .less: .greaterEqual
        case .lessEqual: .greater
        case .greater: .lessEqual
        case .greaterEqual: .less
        }
    }
}

extension Value {
    fileprivate var isNaN: Bool {
        if case .number(let number) = self { return number.isNaN }
        return false
    }

    /// A value `<` can order: a number (not NaN), a date or an enum case.
    fileprivate var isOrderable: Bool {
        switch self {
        case .number(let number): !number.isNaN
        case .date, .enumCase: true
        default: false
        }
    }

    fileprivate func sameKind(as other: Value) -> Bool {
        switch (self, other) {
        case (.number, .number), (.date, .date), (.enumCase, .enumCase): true
        default: false
        }
    }
}
