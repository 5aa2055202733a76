// Which constants and definitions the program uses: every reference in a rule, a definition
// body, a constant's value, a field default or a `required when`, other than from itself.

struct References {
    private(set) var constants: Set<Int> = []
    private(set) var functions: Set<Int> = []

    init(program: CheckedProgram) {
        for rule in program.rules {
            for expression in [rule.forEach, rule.condition, rule.subject, rule.message] {
                if let expression { visit(expression) }
            }
        }
        for (index, function) in program.functions.enumerated() {
            var inner = References()
            inner.visit(function.body)
            inner.functions.remove(index)
            formUnion(inner)
        }
        for (index, constant) in program.constants.enumerated() {
            var inner = References()
            inner.visit(constant.value)
            inner.constants.remove(index)
            formUnion(inner)
        }
        for record in program.schema.records + program.schema.valueRecords {
            for field in record.fields {
                if let value = field.defaultValue { visit(value) }
                if let condition = field.requiredWhen { visit(condition) }
            }
        }
    }

    private init() {}

    private mutating func formUnion(_ other: References) {
        constants.formUnion(other.constants)
        functions.formUnion(other.functions)
    }

    private mutating func visit(_ expression: BoundExpression) {
        switch expression {
        case .literal, .local, .today: break
        case .constant(let index): constants.insert(index)
        case .call(let function, let arguments):
            functions.insert(function)
            arguments.forEach { visit($0) }
        case .field(let operand, _, _), .member(let operand, _, _), .not(let operand), .negate(let operand), .isEmpty(let operand, _),
             .isPresent(let operand, _), .toSet(let operand), .count(let operand), .traced(let operand, _),
             .observable(let operand, _):
            visit(operand)
        case .collection(let items, _), .structure(let items): items.forEach { visit($0) }
        case .map(let pairs):
            for pair in pairs {
                visit(pair.key)
                visit(pair.value)
            }
        case .lookup(let a, let b), .and(let a, let b), .or(let a, let b), .equal(let a, let b, _), .compare(_, let a, let b),
             .contains(let a, let b, _), .containsKey(let a, let b, _), .arithmetic(_, let a, let b), .setOperation(_, let a, let b),
             .quantifier(_, _, let a, let b):
            visit(a)
            visit(b)
        case .conditional(let condition, let thenBranch, let elseBranch):
            visit(condition)
            visit(thenBranch)
            visit(elseBranch)
        case .interpolation(let parts):
            for case .value(let value, _) in parts { visit(value) }
        }
    }
}
