// Terms: what the condition analysis knows about a bound expression without running it.
// A key is a canonical text of the expression: evaluation is pure and `today` is fixed for a
// run, so two expressions with the same key have the same value wherever a rule evaluates
// them. A constant expression folds to its value; a typed one may have a finite domain.

/// What a local slot means while a rule (or a definition inlined into it) is analysed.
indirect enum Binding: Sendable {
    /// A variable of the rule (the placement, a `for each` element) or of a quantifier.
    case variable(String, PlacetType?)
    /// A definition's parameter, or a `for each` over an optional value: it is exactly the
    /// value of this expression in that environment.
    case alias(BoundExpression, Environment)
}

struct Environment: Sendable {
    var slots: [Int: Binding] = [:]
}

struct Terms: Sendable {
    let program: CheckedProgram

    // MARK: Keys

    func key(_ expression: BoundExpression, _ environment: Environment, depth: Int = 0) -> String {
        func k(_ e: BoundExpression) -> String { key(e, environment, depth: depth) }
        switch expression {
        case .literal(let value): return "=" + Terms.key(value)
        case .local(let slot):
            switch environment.slots[slot] {
            case .variable(let name, _)?: return name
            case .alias(let aliased, let outer)?: return key(aliased, outer, depth: depth)
            case nil: return "$slot\(slot)"
            }
        case .constant(let index): return "const:" + program.constants[index].name
        case .today: return "today"
        case .field(let base, let record, let field):
            return "\(k(base)).\(program.schema.records[record].fields[field].name)"
        case .member(let base, let record, let field):
            return "\(k(base)).\(program.schema.valueRecords[record].fields[field].name)"
        case .structure(let fields):
            return "struct{" + fields.map(k).joined(separator: ",") + "}"
        case .call(let function, let arguments):
            return "\(program.functions[function].name)(\(arguments.map(k).joined(separator: ",")))"
        case .collection(let items, let isSet):
            return (isSet ? "{" : "[") + items.map(k).joined(separator: ",") + (isSet ? "}" : "]")
        case .map(let pairs): return "map[" + pairs.map { k($0.key) + ":" + k($0.value) }.joined(separator: ",") + "]"
        case .lookup(let map, let key): return "\(k(map))[\(k(key))]"
        case .not(let operand): return "!(\(k(operand)))"
        case .negate(let operand): return "-(\(k(operand)))"
        case .and(let lhs, let rhs): return "(\(k(lhs)) and \(k(rhs)))"
        case .or(let lhs, let rhs): return "(\(k(lhs)) or \(k(rhs)))"
        case .equal(let lhs, let rhs, let negated): return "(\(k(lhs)) \(negated ? "!=" : "==") \(k(rhs)))"
        case .compare(let op, let lhs, let rhs): return "(\(k(lhs)) \(op.rawValue) \(k(rhs)))"
        case .contains(let element, let collection, let negated): return "(\(k(element)) \(negated ? "not in" : "in") \(k(collection)))"
        case .containsKey(let key, let map, let negated): return "(\(k(key)) \(negated ? "not in keys" : "in keys") \(k(map)))"
        case .arithmetic(let op, let lhs, let rhs): return "(\(k(lhs)) \(op.rawValue) \(k(rhs)))"
        case .setOperation(let op, let lhs, let rhs): return "(\(k(lhs)) \(op.rawValue) \(k(rhs)))"
        case .isEmpty(let operand, let negated): return "(\(k(operand)) is \(negated ? "not " : "")empty)"
        case .isPresent(let operand, let negated): return "(\(k(operand)) is \(negated ? "absent" : "present"))"
        case .conditional(let condition, let thenBranch, let elseBranch):
            return "(if \(k(condition)) then \(k(thenBranch)) else \(k(elseBranch)))"
        case .quantifier(let all, let slot, let collection, let body):
            // Named by nesting depth, so `some a in S: p(a)` and `some b in S: p(b)` have one key.
            let name = "$q\(depth)"
            var inner = environment
            inner.slots[slot] = .variable(name, nil)
            return "(\(all ? "all" : "some") \(name) in \(k(collection)): \(key(body, inner, depth: depth + 1)))"
        case .interpolation(let parts):
            return "\"" + parts.map { part in
                switch part {
                case .text(let text): text
                case .value(let value, _): "{\(k(value))}"
                }
            }.joined() + "\""
        case .toSet(let operand): return "set(\(k(operand)))"
        case .traced(let inner, _): return k(inner)
        case .observable(let inner, _): return k(inner)
        case .count(let operand): return "count(\(k(operand)))"
        }
    }

    static func key(_ value: Value) -> String {
        switch value {
        case .absent: "absent"
        case .bool(let flag): String(flag)
        case .number(let number): "#\(number)"
        case .string(let text): "\"\(text)\""
        case .date(let date): date.description
        case .enumCase(let index): "case\(index)"
        case .record(let row): "row\(row)"
        case .collection(let items): "[" + items.map(key).joined(separator: ",") + "]"
        case .map(let entries): "map[" + entries.map { key($0.key) + ":" + key($0.value) }.sorted().joined(separator: ",") + "]"
        case .structure(let fields): "struct{" + fields.map(key).joined(separator: ",") + "}"
        }
    }

    // MARK: Types

    /// The static type of an expression, when the analysis can tell; nil when it cannot.
    func type(_ expression: BoundExpression, _ environment: Environment) -> PlacetType? {
        switch expression {
        case .literal(let value):
            switch value {
            case .bool: return .bool
            case .number: return .number
            case .string: return .string
            case .date: return .date
            default: return nil
            }
        case .local(let slot):
            switch environment.slots[slot] {
            case .variable(_, let type)?: return type
            case .alias(let aliased, let outer)?: return self.type(aliased, outer)
            case nil: return nil
            }
        case .constant(let index): return program.constants[index].type
        case .today: return .date
        case .field(_, let record, let field): return program.schema.records[record].fields[field].type
        case .member(_, let record, let field): return program.schema.valueRecords[record].fields[field].type
        case .structure: return nil
        case .call(let function, _): return program.functions[function].returnType
        case .negate, .arithmetic, .count: return .number
        case .not, .and, .or, .equal, .compare, .contains, .containsKey, .isEmpty, .isPresent, .quantifier: return .bool
        case .interpolation: return .string
        case .conditional(_, let thenBranch, let elseBranch):
            let thenType = type(thenBranch, environment)
            return thenType == type(elseBranch, environment) ? thenType : nil
        case .collection, .map, .lookup, .setOperation, .toSet: return nil
        case .traced(let inner, _), .observable(let inner, _): return type(inner, environment)
        }
    }

    /// Every value an expression of this type can have, when there are few: the cases of an
    /// enum, `false` and `true`. Optional types have none (they may be absent).
    func domain(of type: PlacetType?) -> [Value]? {
        switch type {
        case .bool?: return [.bool(false), .bool(true)]
        case .enumeration(let index)?: return program.schema.enumerations[index].cases.indices.map { .enumCase($0) }
        default: return nil
        }
    }

    /// Whether `not (x < c)` means `x >= c` for this term: true when its values are totally
    /// ordered. Numbers are, unless arithmetic can make a NaN, which compares false every way.
    func hasTotalOrder(_ expression: BoundExpression, _ environment: Environment) -> Bool {
        switch type(expression, environment) {
        case .date?, .enumeration?: return true
        case .number?: return isPath(expression, environment)
        default: return false
        }
    }

    /// A variable, a field read from one, or a count: numbers that come from manifests.
    private func isPath(_ expression: BoundExpression, _ environment: Environment) -> Bool {
        switch expression {
        case .local(let slot):
            if case .alias(let aliased, let outer)? = environment.slots[slot] { return isPath(aliased, outer) }
            return true
        case .field(let base, _, _): return isPath(base, environment)
        case .count: return true
        case .traced(let inner, _), .observable(let inner, _): return isPath(inner, environment)
        default: return false
        }
    }

    // MARK: Constant folding

    /// The value of an expression that needs no manifest, no definition and no date.
    func fold(_ expression: BoundExpression, _ environment: Environment) -> Value? {
        func f(_ e: BoundExpression) -> Value? { fold(e, environment) }
        switch expression {
        case .literal(let value): return value
        case .local(let slot):
            if case .alias(let aliased, let outer)? = environment.slots[slot] { return fold(aliased, outer) }
            return nil
        case .constant(let index):
            let constant = program.constants[index]
            guard let value = fold(constant.value, Environment()) else { return nil }
            if case .set = constant.type.unwrapped, case .collection(let items) = value { return Value.makeSet(items) }
            return value
        case .collection(let items, let isSet):
            var values: [Value] = []
            for item in items {
                guard let value = f(item) else { return nil }
                values.append(value)
            }
            return isSet ? Value.makeSet(values) : .collection(values)
        case .map(let pairs):
            var entries: [Value: Value] = [:]
            for pair in pairs {
                guard let key = f(pair.key), let value = f(pair.value) else { return nil }
                entries[key] = value
            }
            return .map(entries)
        case .lookup(let map, let key):
            guard let map = f(map), let key = f(key) else { return nil }
            return Value.lookup(map, key: key)
        case .not(let operand):
            return f(operand).map { .bool(!$0.boolValue) }
        case .negate(let operand):
            return f(operand).map(Value.negate)
        case .and(let lhs, let rhs):
            guard let a = f(lhs), let b = f(rhs) else { return nil }
            return .bool(a.boolValue && b.boolValue)
        case .or(let lhs, let rhs):
            guard let a = f(lhs), let b = f(rhs) else { return nil }
            return .bool(a.boolValue || b.boolValue)
        case .equal(let lhs, let rhs, let negated):
            guard let a = f(lhs), let b = f(rhs) else { return nil }
            return .bool((a == b) != negated)
        case .compare(let op, let lhs, let rhs):
            guard let a = f(lhs), let b = f(rhs) else { return nil }
            return .bool(op.holds(a, b))
        case .contains(let element, let collection, let negated):
            guard let needle = f(element), let haystack = f(collection) else { return nil }
            return .bool(Value.isElement(needle, of: haystack) != negated)
        case .containsKey(let key, let map, let negated):
            guard let key = f(key), let map = f(map) else { return nil }
            return .bool(Value.isKey(key, of: map) != negated)
        case .arithmetic(let op, let lhs, let rhs):
            guard let a = f(lhs), let b = f(rhs) else { return nil }
            return Value.arithmetic(op, a, b)
        case .setOperation(let op, let lhs, let rhs):
            guard let a = f(lhs), let b = f(rhs) else { return nil }
            return Value.setOperation(op, a, b)
        case .isEmpty(let operand, let negated):
            return f(operand).map { .bool($0.isEmptyCollection != negated) }
        case .isPresent(let operand, let negated):
            return f(operand).map { .bool(($0 != .absent) != negated) }
        case .conditional(let condition, let thenBranch, let elseBranch):
            guard let test = f(condition) else { return nil }
            return test.boolValue ? f(thenBranch) : f(elseBranch)
        case .toSet(let operand):
            return f(operand).map(\.asSet)
        case .count(let operand):
            return f(operand).map(\.count)
        case .member(let base, _, let field):
            return f(base).map { Value.member($0, field: field) }
        case .structure(let items):
            var values: [Value] = []
            for item in items {
                guard let value = f(item) else { return nil }
                values.append(value)
            }
            return .structure(values)
        case .traced(let inner, _), .observable(let inner, _):
            return f(inner)
        case .today, .field, .call, .quantifier, .interpolation:
            return nil
        }
    }
}
