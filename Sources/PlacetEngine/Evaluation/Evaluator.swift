// The evaluator: the one place bound expressions run. Each definition, constant and rule
// clause is compiled once per evaluation date into closures (`Compiler.swift`) that read
// locals by slot and fields by offset; `Machine` holds one thread's value stack and memos.
// Explain and coverage compile the same program with `observed: true`, which keeps the
// condition leaves' marks so an `EvaluationObserver` sees each leaf's value as it is computed.

import PlacetLanguage

/// Compiled code: reads and writes one machine's stack, returns the expression's value.
typealias Code = @Sendable (inout Machine) -> Value

/// A program ready to run on one evaluation date: constants are computed and definitions,
/// constants and rules compiled once here.
public struct Evaluator: Sendable {
    public let program: CheckedProgram
    public let today: CivilDate
    public let constants: [Value]
    /// Whether condition leaves report to the machine's observer (explain, coverage).
    public let observed: Bool
    let functions: [CompiledExpression]
    let rules: [CompiledRule]
    /// Per definition: whether its results are kept for the whole run, by record rows.
    let memoizedByRecord: [Bool]
    /// Per record kind and field: its `required when` condition, compiled.
    private let requiredWhenConditions: [[CompiledExpression?]]

    /// `rules: false` compiles the definitions and constants only, for conditions compiled
    /// later (`required when`, field defaults): loading does not pay for every rule.
    public init(program: CheckedProgram, today: CivilDate, observed: Bool = false, rules compilingRules: Bool = true) {
        self.program = program
        self.today = today
        self.observed = observed
        let placement = program.placementRecord
        memoizedByRecord = program.functions.map { function in
            // One or two manifest parameters, none a Placement: a run has as many placements as
            // it likes, so calls on those are remembered per placement only.
            (1...2).contains(function.parameterTypes.count) && function.parameterTypes.allSatisfy {
                if case .record(let kind) = $0 { kind != placement } else { false }
            }
        }
        // Constants first, in dependency order, by code that reads them from the machine; the
        // final code has their values built in.
        let bootstrap = Compiler(program: program, today: today, constants: nil, observed: false)
        let bootstrapFunctions = Self.compileFunctions(bootstrap)
        var values = Array(repeating: Value.absent, count: program.constants.count)
        // One machine for them all: in dependency order, whatever a definition reads of the
        // constants is final by the time it is called, so its memos stay true.
        var machine = Machine(functions: bootstrapFunctions, memoizedByRecord: memoizedByRecord, program: program, inventory: nil)
        for index in program.constantOrder {
            machine.constants = values
            values[index] = normalize(bootstrap.compile(program.constants[index].value)(&machine), as: program.constants[index].type)
        }
        constants = values
        let compiler = Compiler(program: program, today: today, constants: values, observed: observed)
        self.functions = Self.compileFunctions(compiler)
        rules = compilingRules ? program.rules.map { CompiledRule(rule: $0, compiler: compiler) } : []
        requiredWhenConditions = program.schema.records.map { record in
            record.fields.map { field in field.requiredWhen.map { CompiledExpression(code: compiler.compile($0)) } }
        }
    }

    /// The compiled `required when` condition of a record kind's field, if it has one.
    public func requiredWhen(kind: Int, field: Int) -> CompiledExpression? {
        requiredWhenConditions[kind][field]
    }

    private static func compileFunctions(_ compiler: Compiler) -> [CompiledExpression] {
        compiler.program.functions.map { CompiledExpression(code: compiler.compile($0.body)) }
    }

    /// Compiles an expression against this program and date, for evaluation on a machine.
    public func compile(_ expression: BoundExpression) -> CompiledExpression {
        CompiledExpression(code: Compiler(program: program, today: today, constants: constants, observed: observed).compile(expression))
    }

    func makeMachine(inventory: Inventory?) -> Machine {
        var machine = Machine(functions: functions, memoizedByRecord: memoizedByRecord, program: program, inventory: inventory, rules: rules)
        machine.constants = constants
        return machine
    }

    /// The value of a constant expression (a field default), as a set when its type is one.
    func evaluateConstant(_ expression: BoundExpression, type: PlacetType) -> Value {
        var machine = makeMachine(inventory: nil)
        return normalize(compile(expression).code(&machine), as: type)
    }

    /// The rows for which a record-scoped condition (`required when`, the record in slot 0) holds.
    public func rows(where condition: CompiledExpression, among rows: some Sequence<Int>, inventory: Inventory) -> [Int] {
        var machine = makeMachine(inventory: inventory)
        return rows.filter { row in
            machine.stack = [.record(row)]
            machine.base = 0
            return condition.code(&machine).boolValue
        }
    }
}

/// An expression compiled by an `Evaluator`, for `Evaluator.evaluate(_:record:inventory:)`.
/// Also how compiled code is kept in arrays: an array holds a bare closure at the most general
/// calling convention, so each call through it would pass two reabstraction thunks; a struct
/// holds it as it is.
public struct CompiledExpression: Sendable {
    let code: Code
}

/// A rule's clauses, compiled. A class: a rule is read once per placement, and one reference
/// costs less to hold than its closures one by one.
final class CompiledRule: Sendable {
    let forEach: Code?
    /// The `when` condition; when `itemTest` is set, only the conjuncts it does not hold.
    let condition: Code?
    /// The conjuncts of `when` that read nothing of the placement, only the `for each` item,
    /// a manifest of kind `kind`: their value is a property of the item's row for the whole
    /// run, kept per row by the machine (`Machine.itemHolds`), and tested first. Never set
    /// when observed: explain and coverage see every leaf evaluated, in the order written.
    let itemTest: (code: Code, kind: Int)?
    /// When `for each` reads one field of the placement (`for each m in placement.model`) and
    /// `itemTest` is set: that field, so a placement whose item is known to fail the test (or
    /// is absent) skips the rule before its frame is made (`Machine.itemKnownToFail`).
    let itemField: (kind: Int, field: Int)?
    let subject: Code?
    let message: Code
    /// What the message depends on besides the `for each` item, constants and `today`: the
    /// values through which it reads the placement (`placement.target`, `via(d, placement)`),
    /// so equal keys give equal messages and a machine builds each once (`PlacementAssessor`).
    /// Nil when it reads the placement some other way. Empty when it does not read it.
    let messageKey: [CompiledExpression]?
    let frameSize: Int

    /// An expression without the marks that only observers read (compiled to nothing unobserved).
    private static func unwrapped(_ expression: BoundExpression) -> BoundExpression {
        switch expression {
        case .observable(let inner, _), .traced(let inner, _): unwrapped(inner)
        default: expression
        }
    }

    init(rule: RuleDefinition, compiler: Compiler) {
        forEach = rule.forEach.map { compiler.compile($0) }
        var test: (code: Code, kind: Int)?
        var condition = rule.condition
        if !compiler.observed, rule.forEach != nil, let whole = rule.condition,
           case .record(let kind) = rule.forEachType?.unwrapped, kind != compiler.program.placementRecord {
            // `and` is pure and total here, so its conjuncts may be taken in any order.
            let conjuncts = Self.conjuncts(of: whole)
            if let itemOnly = Self.conjunction(conjuncts.filter { !Self.reads(slot: 0, $0) }) {
                test = (compiler.compile(itemOnly), kind)
                condition = Self.conjunction(conjuncts.filter { Self.reads(slot: 0, $0) })
            }
        }
        itemTest = test
        if test != nil, let forEach = rule.forEach, case .field(let record, let kind, let field) = Self.unwrapped(forEach),
           case .local(0) = Self.unwrapped(record), kind == compiler.program.placementRecord {
            itemField = (kind, field)
        } else {
            itemField = nil
        }
        self.condition = condition.map { compiler.compile($0) }
        subject = rule.subject.map { compiler.compile($0) }
        message = compiler.compile(rule.message)
        messageKey = Self.placementParts(of: rule.message)?.map { CompiledExpression(code: compiler.compile($0)) }
        frameSize = rule.frameSize
    }
}

/// Sets built from lists or literals are made canonical once their type is known.
func normalize(_ value: Value, as type: PlacetType) -> Value {
    if case .set = type.unwrapped, case .collection(let items) = value { return Value.makeSet(items) }
    return value
}

/// Sees the value of each condition leaf as an observed evaluation computes it.
protocol EvaluationObserver: AnyObject {
    /// `machine.callDepth` tells how many definition calls deep the leaf was evaluated.
    func observe(_ leaf: ConditionLeaf, value: Value, machine: inout Machine)
}
