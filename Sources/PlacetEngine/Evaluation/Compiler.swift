// Compiling bound expressions into closures, once per evaluation date: no switch over the
// syntax tree while evaluating, constant sub-expressions (including `today`) folded, and
// membership in a constant set of enum cases tested on a bit mask. Operators mean what
// `Operators.swift` in PlacetLanguage says; this file only decides when to call them.

import PlacetLanguage

struct Compiler: Sendable {
    let program: CheckedProgram
    let today: CivilDate
    /// Nil while the constants themselves are being computed: code then reads them from the machine.
    let constants: [Value]?
    /// Whether condition leaves report to the machine's observer.
    let observed: Bool

    func compile(_ expression: BoundExpression) -> Code {
        if constants != nil, isConstant(expression) {
            var machine = Machine(functions: [], memoizedByRecord: [], program: program, inventory: nil)
            let value = compileNode(expression)(&machine)
            return { _ in value }
        }
        return compileNode(expression)
    }

    /// True when the expression reads no local, field or definition: its value is fixed for
    /// the evaluation date. Marked leaves stay unfolded so an observer sees them evaluated.
    private func isConstant(_ expression: BoundExpression) -> Bool {
        switch expression {
        case .literal, .constant, .today: true
        case .local, .field, .call, .quantifier, .traced: false
        case .observable(let inner, _): isConstant(inner)
        case .member(let operand, _, _), .not(let operand), .negate(let operand), .isEmpty(let operand, _),
             .isPresent(let operand, _), .toSet(let operand), .count(let operand):
            isConstant(operand)
        case .structure(let items), .collection(let items, _): items.allSatisfy(isConstant)
        case .map(let pairs): pairs.allSatisfy { isConstant($0.key) && isConstant($0.value) }
        case .lookup(let a, let b), .and(let a, let b), .or(let a, let b), .equal(let a, let b, _), .compare(_, let a, let b),
             .contains(let a, let b, _), .containsKey(let a, let b, _), .arithmetic(_, let a, let b), .setOperation(_, let a, let b):
            isConstant(a) && isConstant(b)
        case .conditional(let a, let b, let c): isConstant(a) && isConstant(b) && isConstant(c)
        case .interpolation(let parts):
            parts.allSatisfy { if case .value(let value, _) = $0 { isConstant(value) } else { true } }
        }
    }

    private func compileNode(_ expression: BoundExpression) -> Code {
        switch expression {
        case .literal(let value):
            return { _ in value }
        case .local(let slot):
            return { m in m.stack[m.base + slot] }
        case .constant(let index):
            if let constants {
                let value = constants[index]
                return { _ in value }
            }
            return { m in m.constants[index] }
        case .today:
            let today = Value.date(today)
            return { _ in today }
        case .field(.local(let slot), let kind, let field):
            return { m in
                guard case .record(let row) = m.stack[m.base + slot], kind < m.rows.count else { return .absent }
                return m.rows[kind][row][field]
            }
        case .field(let record, let kind, let field):
            let record = compile(record)
            return { m in
                guard case .record(let row) = record(&m), kind < m.rows.count else { return .absent }
                return m.rows[kind][row][field]
            }
        case .member(let base, _, let field):
            let base = compile(base)
            return { m in Value.member(base(&m), field: field) }
        case .structure(let fields):
            let fields = fields.map(compileStored)
            return { m in .structure(fields.map { $0.code(&m) }) }
        case .call(let function, let arguments):
            // One and two arguments (nearly every call) are compiled one by one, not taken out
            // of an array: see `CompiledExpression`.
            switch arguments.count {
            case 1:
                let argument = compile(arguments[0])
                return { m in
                    let value = argument(&m)
                    return m.call(function, value)
                }
            case 2:
                let first = compile(arguments[0]), second = compile(arguments[1])
                return { m in
                    let a = first(&m)
                    let b = second(&m)
                    return m.call(function, a, b)
                }
            default:
                let arguments = arguments.map(compileStored)
                return { m in m.call(function, arguments: arguments) }
            }
        case .collection(let items, let isSet):
            let items = items.map(compileStored)
            if isSet { return { m in Value.makeSet(items.map { $0.code(&m) }) } }
            return { m in .collection(items.map { $0.code(&m) }) }
        case .map(let pairs):
            let pairs = pairs.map { (key: compileStored($0.key), value: compileStored($0.value)) }
            return { m in
                var map: [Value: Value] = [:]
                for pair in pairs { map[pair.key.code(&m)] = pair.value.code(&m) }
                return .map(map)
            }
        case .lookup(let map, let key):
            let map = compile(map), key = compile(key)
            return { m in Value.lookup(map(&m), key: key(&m)) }
        case .not(let operand):
            let operand = compile(operand)
            return { m in .bool(!operand(&m).boolValue) }
        case .negate(let operand):
            let operand = compile(operand)
            return { m in Value.negate(operand(&m)) }
        case .and(let lhs, let rhs):
            let lhs = compile(lhs), rhs = compile(rhs)
            return { m in .bool(lhs(&m).boolValue && rhs(&m).boolValue) }
        case .or(let lhs, let rhs):
            let lhs = compile(lhs), rhs = compile(rhs)
            return { m in .bool(lhs(&m).boolValue || rhs(&m).boolValue) }
        case .equal(let lhs, let rhs, let negated):
            let lhs = compile(lhs), rhs = compile(rhs)
            return { m in .bool((lhs(&m) == rhs(&m)) != negated) }
        case .compare(let op, let lhs, let rhs):
            let lhs = compile(lhs), rhs = compile(rhs)
            return { m in .bool(op.holds(lhs(&m), rhs(&m))) }
        case .contains(let element, let collection, let negated):
            return compileContains(element, collection, negated: negated)
        case .containsKey(let key, let map, let negated):
            let key = compile(key), map = compile(map)
            return { m in .bool(Value.isKey(key(&m), of: map(&m)) != negated) }
        case .arithmetic(let op, let lhs, let rhs):
            let lhs = compile(lhs), rhs = compile(rhs)
            return { m in Value.arithmetic(op, lhs(&m), rhs(&m)) }
        case .setOperation(let op, let lhs, let rhs):
            let lhs = compile(lhs), rhs = compile(rhs)
            return { m in Value.setOperation(op, lhs(&m), rhs(&m)) }
        case .isEmpty(let operand, let negated):
            let operand = compile(operand)
            return { m in .bool(operand(&m).isEmptyCollection != negated) }
        case .isPresent(let operand, let negated):
            let operand = compile(operand)
            return { m in .bool((operand(&m) != .absent) != negated) }
        case .conditional(let condition, let thenBranch, let elseBranch):
            let condition = compile(condition), thenBranch = compile(thenBranch), elseBranch = compile(elseBranch)
            return { m in condition(&m).boolValue ? thenBranch(&m) : elseBranch(&m) }
        case .quantifier(let all, let slot, let collection, let body):
            let collection = compile(collection), body = compile(body)
            return { m in
                let finished = collection(&m).allElements { item in
                    m.stack[m.base + slot] = item
                    return body(&m).boolValue == all
                }
                return .bool(finished == all)
            }
        case .interpolation(let parts):
            let parts: [InterpolatedPart] = parts.map { part in
                switch part {
                case .text(let text): InterpolatedPart(text: text, value: nil, type: .error)
                case .value(let value, let type): InterpolatedPart(text: "", value: compile(value), type: type)
                }
            }
            // Room for the fixed text and a short id per value: one allocation, not one per append.
            let capacity = parts.reduce(0) { $0 + ($1.value == nil ? $1.text.utf8.count : 16) }
            return { m in
                var text = ""
                text.reserveCapacity(capacity)
                for part in parts {
                    if let value = part.value {
                        text += m.formatter.format(value(&m), as: part.type)
                    } else {
                        text += part.text
                    }
                }
                return .string(text)
            }
        case .toSet(let operand):
            let operand = compile(operand)
            return { m in operand(&m).asSet }
        case .count(let operand):
            let operand = compile(operand)
            return { m in operand(&m).count }
        case .observable(let inner, _):
            return compile(inner)
        case .traced(let inner, let leaf):
            let inner = compile(inner)
            guard observed else { return inner }
            return { m in
                let value = inner(&m)
                m.observer?.observe(leaf, value: value, machine: &m)
                return value
            }
        }
    }

    /// Code to be kept in an array (see `CompiledExpression`).
    private func compileStored(_ expression: BoundExpression) -> CompiledExpression {
        CompiledExpression(code: compile(expression))
    }

    /// `x in C`: when `C` is a constant set of enum cases, a bit test; when it is another
    /// constant, a hash lookup; otherwise the operator itself.
    private func compileContains(_ element: BoundExpression, _ collection: BoundExpression, negated: Bool) -> Code {
        let needle = compile(element)
        if constants != nil, isConstant(collection) {
            var machine = Machine(functions: [], memoizedByRecord: [], program: program, inventory: nil)
            let members = compileNode(collection)(&machine).elements
            var mask: UInt64 = 0
            let cases = members.compactMap { member -> Int? in
                if case .enumCase(let index) = member, index < 64 { index } else { nil }
            }
            if cases.count == members.count {
                for index in cases { mask |= 1 << UInt64(index) }
                let bits = mask
                return { m in
                    guard case .enumCase(let index) = needle(&m), index < 64 else { return .bool(negated) }
                    return .bool((bits >> UInt64(index) & 1 == 1) != negated)
                }
            }
            let set = Set(members)
            return { m in .bool(set.contains(needle(&m)) != negated) }
        }
        let haystack = compile(collection)
        return { m in .bool(Value.isElement(needle(&m), of: haystack(&m)) != negated) }
    }
}

/// A piece of an interpolated string, compiled: fixed text, or a value and its type. A struct,
/// so an array of them holds `value` as it is (see `CompiledExpression`).
private struct InterpolatedPart: Sendable {
    let text: String
    let value: Code?
    let type: PlacetType
}
