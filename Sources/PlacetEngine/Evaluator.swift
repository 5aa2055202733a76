// The evaluator: runs bound expressions. Locals live on one value stack with a base
// pointer per call, so a definition call allocates nothing; fields are read by slot.

import PlacetLanguage

/// A program ready to run on one evaluation date: constants are computed once here.
public struct Evaluator: Sendable {
    public let program: CheckedProgram
    public let today: CivilDate
    public let constants: [Value]

    public init(program: CheckedProgram, today: CivilDate) {
        self.program = program
        self.today = today
        var values = Array(repeating: Value.absent, count: program.constants.count)
        var bootstrap = Evaluator(program: program, today: today, constants: values)
        for index in program.constantOrder {
            var machine = Machine(evaluator: bootstrap, inventory: nil)
            values[index] = normalize(machine.evaluate(program.constants[index].value), as: program.constants[index].type)
            bootstrap = Evaluator(program: program, today: today, constants: values)
        }
        self.constants = values
    }

    private init(program: CheckedProgram, today: CivilDate, constants: [Value]) {
        self.program = program
        self.today = today
        self.constants = constants
    }

    func evaluateConstant(_ expression: BoundExpression, type: PlacetType) -> Value {
        var machine = Machine(evaluator: self, inventory: nil)
        return normalize(machine.evaluate(expression), as: type)
    }

    /// Evaluates a record-scoped condition (`required when`) with the record in slot 0.
    public func evaluate(_ expression: BoundExpression, record: Int, inventory: Inventory) -> Value {
        var machine = Machine(evaluator: self, inventory: inventory)
        machine.stack = [.record(record)]
        return machine.evaluate(expression)
    }
}

/// Sets built from lists or literals are made canonical once their type is known.
func normalize(_ value: Value, as type: PlacetType) -> Value {
    if case .set = type.unwrapped, case .collection(let items) = value { return Value.makeSet(items) }
    return value
}

/// One evaluation thread's state: the value stack and its frame base.
struct Machine {
    let evaluator: Evaluator
    let inventory: Inventory?
    private let tables: [RecordTable]
    private let functions: [FunctionDefinition]
    var stack: [Value] = []
    var base = 0
    /// Definitions are pure, so a call with the same single argument gives the same value
    /// (within one evaluation date). The last argument and result of each definition are
    /// kept: rules that all ask for `located(placement)` compute it once per placement.
    private var memoArgument: [Value]
    private var memoResult: [Value]
    /// Calls whose arguments are all manifests (one or two): their results hold for the whole
    /// run, keyed by function and rows, so `restrictedTransfer(d, t)` is computed once per
    /// dataset and target however many rules and placements ask.
    private var recordMemo: [Int: Value] = [:]
    /// Per function: whether its calls go in `recordMemo` (one or two manifest parameters, none
    /// a Placement: a run has as many placements as it likes, so those stay per placement).
    private let memoizedByRecord: [Bool]

    init(evaluator: Evaluator, inventory: Inventory?) {
        self.evaluator = evaluator
        self.inventory = inventory
        self.tables = inventory?.tables ?? []
        self.functions = evaluator.program.functions
        self.memoArgument = Array(repeating: .absent, count: evaluator.program.functions.count)
        self.memoResult = Array(repeating: .absent, count: evaluator.program.functions.count)
        let placement = evaluator.program.placementRecord
        self.memoizedByRecord = evaluator.program.functions.enumerated().map { index, function in
            index < 1 << 12 && (1...2).contains(function.parameterTypes.count) && function.parameterTypes.allSatisfy {
                if case .record(let kind) = $0 { kind != placement } else { false }
            }
        }
        stack.reserveCapacity(64)
    }

    /// The argument count (2 bits), the function (12 bits) and one or two record rows (24 bits
    /// each) packed in one integer; nil when a row does not fit.
    private static func recordKey(function: Int, arguments: ArraySlice<Value>) -> Int? {
        var key = arguments.count << 60 | function << 48
        var shift = 24
        for argument in arguments {
            guard case .record(let row) = argument, row < 1 << 24 else { return nil }
            key |= row << shift
            shift -= 24
        }
        return key
    }

    mutating func evaluate(_ expression: BoundExpression) -> Value {
        switch expression {
        case .literal(let value):
            return value
        case .local(let slot):
            return stack[base + slot]
        case .constant(let index):
            return evaluator.constants[index]
        case .today:
            return .date(evaluator.today)
        case .field(let record, let recordKind, let field):
            guard case .record(let row) = evaluate(record), recordKind < tables.count else { return .absent }
            return tables[recordKind].rows[row][field]
        case .member(let base, _, let field):
            guard case .structure(let fields) = evaluate(base), field < fields.count else { return .absent }
            return fields[field]
        case .structure(let fields):
            return .structure(fields.map { evaluate($0) })
        case .call(let function, let arguments):
            let frame = stack.count
            for argument in arguments { stack.append(evaluate(argument)) }
            let recordKey = memoizedByRecord[function] ? Self.recordKey(function: function, arguments: stack[frame...]) : nil
            if let recordKey, let known = recordMemo[recordKey] {
                stack.removeLast(stack.count - frame)
                return known
            }
            let memoizable = arguments.count == 1 && stack[frame] != .absent
            if memoizable, memoArgument[function] == stack[frame] {
                stack.removeLast()
                return memoResult[function]
            }
            let frameSize = functions[function].frameSize
            for _ in arguments.count..<max(arguments.count, frameSize) { stack.append(.absent) }
            let savedBase = base
            base = frame
            let result = evaluate(functions[function].body)
            base = savedBase
            if let recordKey {
                recordMemo[recordKey] = result
            } else if memoizable {
                memoArgument[function] = stack[frame]
                memoResult[function] = result
            }
            stack.removeLast(stack.count - frame)
            return result
        case .collection(let items, let isSet):
            let values = items.map { evaluate($0) }
            return isSet ? Value.makeSet(values) : .collection(values)
        case .map(let pairs):
            var map: [Value: Value] = [:]
            for pair in pairs { map[evaluate(pair.key)] = evaluate(pair.value) }
            return .map(map)
        case .lookup(let map, let key):
            guard case .map(let entries) = evaluate(map) else { return .absent }
            return entries[evaluate(key)] ?? .absent
        case .not(let operand):
            return .bool(!evaluate(operand).boolValue)
        case .negate(let operand):
            guard case .number(let value) = evaluate(operand) else { return .absent }
            return .number(-value)
        case .and(let lhs, let rhs):
            return .bool(evaluate(lhs).boolValue && evaluate(rhs).boolValue)
        case .or(let lhs, let rhs):
            return .bool(evaluate(lhs).boolValue || evaluate(rhs).boolValue)
        case .equal(let lhs, let rhs, let negated):
            return .bool((evaluate(lhs) == evaluate(rhs)) != negated)
        case .compare(let op, let lhs, let rhs):
            return .bool(op.holds(evaluate(lhs), evaluate(rhs)))
        case .contains(let element, let collection, let negated):
            let needle = evaluate(element)
            let found = evaluate(collection).elements.contains(needle)
            return .bool(found != negated)
        case .containsKey(let key, let map, let negated):
            guard case .map(let entries) = evaluate(map) else { return .bool(negated) }
            return .bool((entries[evaluate(key)] != nil) != negated)
        case .arithmetic(let op, let lhs, let rhs):
            guard case .number(let a) = evaluate(lhs), case .number(let b) = evaluate(rhs) else { return .absent }
            switch op {
            case .plus: return .number(a + b)
            case .minus: return .number(a - b)
            case .times: return .number(a * b)
            case .divide: return .number(b == 0 ? .nan : a / b)
            }
        case .setOperation(let op, let lhs, let rhs):
            let left = evaluate(lhs).elements
            let right = evaluate(rhs).elements
            switch op {
            case .union: return Value.makeSet(left + right)
            case .intersect: return Value.makeSet(left.filter { right.contains($0) })
            case .except: return Value.makeSet(left.filter { !right.contains($0) })
            }
        case .isEmpty(let operand, let negated):
            let value = evaluate(operand)
            let empty: Bool
            switch value {
            case .collection(let items): empty = items.isEmpty
            case .map(let entries): empty = entries.isEmpty
            default: empty = true
            }
            return .bool(empty != negated)
        case .isPresent(let operand, let negated):
            return .bool((evaluate(operand) != .absent) != negated)
        case .conditional(let condition, let thenBranch, let elseBranch):
            return evaluate(condition).boolValue ? evaluate(thenBranch) : evaluate(elseBranch)
        case .quantifier(let all, let slot, let collection, let body):
            for item in evaluate(collection).elements {
                stack[base + slot] = item
                if evaluate(body).boolValue != all { return .bool(!all) }
            }
            return .bool(all)
        case .interpolation(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let piece): text += piece
                case .value(let expression, let type):
                    text += ValueFormatter(schema: evaluator.program.schema, inventory: inventory).format(evaluate(expression), as: type)
                }
            }
            return .string(text)
        case .toSet(let operand):
            return Value.makeSet(evaluate(operand).elements)
        case .count(let operand):
            switch evaluate(operand) {
            case .collection(let items): return .number(Double(items.count))
            case .map(let entries): return .number(Double(entries.count))
            default: return .number(0)
            }
        }
    }
}

/// Formats values for messages and subjects: enum cases by name, records by id.
public struct ValueFormatter {
    let schema: Schema
    let inventory: Inventory?

    public init(schema: Schema, inventory: Inventory?) {
        self.schema = schema
        self.inventory = inventory
    }

    public func format(_ value: Value, as type: PlacetType) -> String {
        switch value {
        case .absent: return "none"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return ValueFormatter.format(number: number)
        case .string(let text): return text
        case .date(let date): return date.description
        case .enumCase(let index):
            if case .enumeration(let enumIndex) = type.unwrapped, index < schema.enumerations[enumIndex].cases.count {
                return schema.enumerations[enumIndex].cases[index]
            }
            return "#\(index)"
        case .record(let row):
            if case .record(let kind) = type.unwrapped, let inventory, row < inventory.tables[kind].ids.count {
                return inventory.tables[kind].ids[row]
            }
            return "#\(row)"
        case .collection(let items):
            let element = type.unwrapped.elementType ?? .error
            return "[" + items.map { format($0, as: element) }.joined(separator: ", ") + "]"
        case .map(let entries):
            guard case .map(let keyType, let valueType) = type.unwrapped else { return "[:]" }
            let rendered = entries.map { "\(format($0.key, as: keyType)): \(format($0.value, as: valueType))" }.sorted()
            return rendered.isEmpty ? "[:]" : "[" + rendered.joined(separator: ", ") + "]"
        case .structure(let values):
            guard case .valueRecord(let index) = type.unwrapped else { return "{}" }
            let fields = schema.valueRecords[index].fields
            let rendered = zip(fields, values).compactMap { field, value in
                value == .absent ? nil : "\(field.name): \(format(value, as: field.type))"
            }
            return "{" + rendered.joined(separator: ", ") + "}"
        }
    }

    /// Integers print without a fraction; other numbers in Swift's shortest round-trip form.
    public static func format(number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)".replacingOccurrences(of: "e+", with: "e")
    }
}
