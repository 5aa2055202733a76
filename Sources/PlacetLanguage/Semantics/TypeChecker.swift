// The type checker: resolves every name, gives every expression a type before anything
// runs, and binds the program to slots and indices. It keeps going after an error so one
// run reports everything wrong with the policies.

public struct TypeChecker {
    private let sources: [SourceFile]
    private var bag = DiagnosticBag(limit: 200)
    private var schema = Schema()

    private var constantDeclarations: [ConstantDeclaration] = []
    private var constantIndex: [String: Int] = [:]
    private var constantState: [ConstantState] = []
    private var constantOrder: [Int] = []
    private var checkedConstants: [ConstantDefinition?] = []
    /// Constants whose value depends on `today` (directly or through other constants), and how
    /// many times `today` has been bound so far: `required when` may use neither.
    private var todayConstants: Set<Int> = []
    private var todayUses = 0
    /// Definitions whose body uses `today` directly or through a constant, and the calls made
    /// from `required when` conditions, checked once every body is (`reportTodayInRequiredWhen`).
    private var todayFunctions: Set<Int> = []
    private var requiredWhenCalls: [(function: Int, name: String, span: Span)] = []

    private var functionDeclarations: [FunctionDeclaration] = []
    private var functionIndex: [String: Int] = [:]
    private var functions: [FunctionDefinition] = []
    private var callEdges: [Set<Int>] = []
    private var currentFunction: Int?
    private var checkingConstant = false

    /// Fields and cases that only a redeclared (and so ignored) record or enum declares: their
    /// uses are not reported again, the redeclaration already was.
    private var redeclaredFields: [String: Set<String>] = [:]
    private var redeclaredCases: [String: Set<String>] = [:]

    private var nextSlot = 0
    private var maxSlot = 0
    /// What each checked expression became, by span: the source of condition trees.
    private var boundBySpan: [Span: (BoundExpression, PlacetType)] = [:]

    private enum ConstantState { case unchecked, checking, done }

    private struct Local {
        let name: String
        let type: PlacetType
        let slot: Int
    }

    /// What names mean at one point of an expression.
    private struct Scope {
        var locals: [Local] = []
        /// Structural keys of optional expressions known to be present here.
        var present: Set<String> = []
        /// For `required when`: bare field names refer to the record in slot 0.
        var implicitRecord: Int?
        var inInterpolation = false

        func local(_ name: String) -> Local? { locals.last { $0.name == name } }
    }

    public init(sources: [SourceFile]) {
        self.sources = sources
    }

    /// Parses and checks a set of policy files as one program.
    public static func check(sources: [SourceFile]) -> (CheckedProgram?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var files: [PolicyFileSyntax] = []
        for (index, source) in sources.enumerated() {
            let (file, parseDiagnostics) = Parser.parse(source, fileID: index)
            files.append(file)
            diagnostics.append(contentsOf: parseDiagnostics)
        }
        var checker = TypeChecker(sources: sources)
        let program = checker.check(files)
        diagnostics.append(contentsOf: checker.bag.diagnostics)
        if checker.bag.dropped > 0 {
            diagnostics.append(Diagnostic(id: "type.tooManyErrors", message: "\(checker.bag.dropped) more errors not shown"))
        }
        if diagnostics.contains(where: \.isError) { return (nil, diagnostics) }
        return (program, diagnostics)
    }

    // MARK: Reporting

    private func location(_ span: Span) -> SourceLocation {
        sources[span.file].location(of: span)
    }

    private mutating func error(_ id: String, _ message: String, _ span: Span) {
        bag.add(Diagnostic(id: id, message: message, location: location(span)))
    }

    private func text(_ span: Span) -> String {
        sources[span.file].text(of: span)
    }

    private func describe(_ type: PlacetType) -> String { schema.describe(type) }

    // MARK: Program

    mutating func check(_ files: [PolicyFileSyntax]) -> CheckedProgram? {
        var enums: [EnumDeclaration] = []
        var records: [RecordDeclaration] = []
        var valueRecords: [RecordDeclaration] = []
        var rules: [RuleDeclaration] = []
        var typeNames: [String: Span] = [:]
        var valueNames: [String: Span] = [:]
        let builtinTypes: Set<String> = ["bool", "number", "string", "date"]

        func declareType(_ name: Identifier, into checker: inout TypeChecker) -> Bool {
            if builtinTypes.contains(name.name) {
                checker.error("type.duplicateDeclaration", "'\(name.name)' is a built-in type and cannot be redeclared", name.span)
                return false
            }
            if let first = typeNames[name.name] {
                let at = checker.location(first)
                checker.error("type.duplicateDeclaration", "type '\(name.name)' is already declared at \(at.file):\(at.line)", name.span)
                checker.bag.add(.firstDeclaration(name.name, at: at))
                return false
            }
            typeNames[name.name] = name.span
            return true
        }
        func declareValue(_ name: Identifier, into checker: inout TypeChecker) -> Bool {
            if ["today", "placement", "count"].contains(name.name) {
                checker.error("type.duplicateDeclaration", "'\(name.name)' is a built-in name and cannot be redeclared", name.span)
                return false
            }
            if let first = valueNames[name.name] {
                let at = checker.location(first)
                checker.error("type.duplicateDeclaration", "'\(name.name)' is already declared at \(at.file):\(at.line)", name.span)
                return false
            }
            valueNames[name.name] = name.span
            return true
        }

        for file in files {
            for declaration in file.declarations {
                switch declaration {
                case .enumeration(let e):
                    if declareType(e.name, into: &self) {
                        enums.append(e)
                    } else {
                        redeclaredCases[e.name.name, default: []].formUnion(e.cases.map(\.name))
                    }
                case .record(let r):
                    if declareType(r.name, into: &self) {
                        if r.isValue { valueRecords.append(r) } else { records.append(r) }
                    } else {
                        redeclaredFields[r.name.name, default: []].formUnion(r.fields.map(\.name.name))
                    }
                case .constant(let c):
                    if declareValue(c.name, into: &self) {
                        constantIndex[c.name.name] = constantDeclarations.count
                        constantDeclarations.append(c)
                    }
                case .function(let f):
                    if declareValue(f.name, into: &self) {
                        functionIndex[f.name.name] = functionDeclarations.count
                        functionDeclarations.append(f)
                    }
                case .rule(let r): rules.append(r)
                }
            }
        }

        declareEnumerations(enums)
        declareRecords(records, valueRecords: valueRecords)
        let (resolved, contractDiagnostics) = SchemaContract.resolve(schema)
        for diagnostic in contractDiagnostics { bag.add(diagnostic) }
        guard let contract = resolved else { return nil }
        let placementRecord = contract.placement.record
        // Constants are checked on first use, and field defaults and `required when` may use
        // them; `required when` may call definitions, whose signatures are declared first.
        constantState = Array(repeating: .unchecked, count: constantDeclarations.count)
        checkedConstants = Array(repeating: nil, count: constantDeclarations.count)
        declareFunctions()
        checkFieldDefaults(records, valueRecords: false)
        checkFieldDefaults(valueRecords, valueRecords: true)

        for index in constantDeclarations.indices { checkConstant(index) }

        for index in functionDeclarations.indices { checkFunctionBody(index) }
        reportRecursion()
        reportTodayInRequiredWhen()

        var checkedRules: [RuleDefinition] = []
        var ruleIDs: [String: Span] = [:]
        for rule in rules {
            if let first = ruleIDs[rule.id.name] {
                let at = location(first)
                error("type.duplicateRule", "duplicate rule id '\(rule.id.name)': already defined at \(at.file):\(at.line)", rule.id.span)
                continue
            }
            ruleIDs[rule.id.name] = rule.id.span
            if let checked = checkRule(rule, placementRecord: placementRecord) { checkedRules.append(checked) }
        }

        guard !bag.hasErrors else { return nil }
        return CheckedProgram(
            sources: sources, schema: schema, constants: checkedConstants.map { $0! }, constantOrder: constantOrder,
            functions: functions, rules: checkedRules, contract: contract)
    }

    private mutating func declareEnumerations(_ declarations: [EnumDeclaration]) {
        var byName: [String: EnumDeclaration] = [:]
        for declaration in declarations { byName[declaration.name.name] = declaration }
        var visiting: Set<String> = []

        func declare(_ declaration: EnumDeclaration, checker: inout TypeChecker) {
            let name = declaration.name.name
            if checker.schema.enumerationIndex[name] != nil { return }
            guard !visiting.contains(name) else {
                checker.error("type.cyclicInclude", "enum '\(name)' includes itself", declaration.name.span)
                return
            }
            visiting.insert(name)
            defer { visiting.remove(name) }
            var cases: [String] = []
            var includes: Int?
            if let base = declaration.includes {
                if let baseDeclaration = byName[base.name] {
                    declare(baseDeclaration, checker: &checker)
                }
                if let baseIndex = checker.schema.enumerationIndex[base.name] {
                    includes = baseIndex
                    cases = checker.schema.enumerations[baseIndex].cases
                } else if byName[base.name] == nil {
                    checker.error("type.unknownType", "unknown enum '\(base.name)'\(Suggestion.didYouMean(base.name, in: byName.keys))", base.span)
                }
            }
            var index: [String: Int] = [:]
            for (offset, name) in cases.enumerated() { index[name] = offset }
            for item in declaration.cases {
                if index[item.name] != nil {
                    checker.error("type.duplicateCase", "enum '\(name)' already has a case '\(item.name)'", item.span)
                    continue
                }
                index[item.name] = cases.count
                cases.append(item.name)
            }
            var removed = includes.map { checker.schema.enumerations[$0].removed } ?? [:]
            for removal in declaration.removed {
                if index[removal.name.name] != nil {
                    checker.error("type.duplicateCase", "enum '\(name)' cannot both have and remove the case '\(removal.name.name)'", removal.name.span)
                    continue
                }
                if removed[removal.name.name] != nil {
                    checker.error("type.duplicateCase", "enum '\(name)' already removes the case '\(removal.name.name)'", removal.name.span)
                    continue
                }
                for replacement in removal.replacements where index[replacement.name] == nil {
                    checker.error("type.unknownCase",
                                  "unknown case '\(replacement.name)' of \(name) as the replacement of '\(removal.name.name)'\(Suggestion.didYouMean(replacement.name, in: cases))",
                                  replacement.span)
                }
                removed[removal.name.name] = RemovedCase(revision: removal.revision, replacements: removal.replacements.map(\.name))
            }
            if cases.isEmpty {
                checker.error("type.emptyEnum", "enum '\(name)' has no cases", declaration.name.span)
            }
            checker.schema.enumerationIndex[name] = checker.schema.enumerations.count
            var enumeration = EnumerationType(name: name, ordered: declaration.ordered, cases: cases, caseIndex: index, includes: includes)
            enumeration.removed = removed
            checker.schema.enumerations.append(enumeration)
        }
        for declaration in declarations { declare(declaration, checker: &self) }
    }

    private mutating func declareRecords(_ declarations: [RecordDeclaration], valueRecords: [RecordDeclaration]) {
        // Names first, so fields may refer to any record.
        for (offset, declaration) in declarations.enumerated() {
            schema.recordIndex[declaration.name.name] = offset
        }
        for (offset, declaration) in valueRecords.enumerated() {
            schema.valueRecordIndex[declaration.name.name] = offset
        }
        for declaration in valueRecords {
            let (fields, index) = declareFields(declaration)
            schema.valueRecords.append(RecordType(name: declaration.name.name, fields: fields, fieldIndex: index, location: location(declaration.name.span)))
        }
        for declaration in declarations {
            let (fields, index) = declareFields(declaration)
            for (field, syntax) in zip(fields, declaration.fields) where containsValueRecord(field.type) {
                error("type.valueRecordField",
                      "a manifest kind's field cannot be a value record; '\(describe(field.type))' has no manifest form", syntax.type.span)
            }
            if let id = index[SchemaContract.id] {
                if fields[id].type != .string {
                    error("type.badIdField", "the 'id' field of record '\(declaration.name.name)' must be of type string", declaration.fields[id].type.span)
                }
            } else {
                error("type.missingIdField", "record '\(declaration.name.name)' needs an 'id: string' field", declaration.name.span)
            }
            schema.records.append(RecordType(name: declaration.name.name, fields: fields, fieldIndex: index, location: location(declaration.name.span)))
        }
    }

    private func containsValueRecord(_ type: PlacetType) -> Bool {
        switch type {
        case .valueRecord: true
        case .set(let inner), .list(let inner), .optional(let inner): containsValueRecord(inner)
        case .map(let key, let value): containsValueRecord(key) || containsValueRecord(value)
        default: false
        }
    }

    private mutating func declareFields(_ declaration: RecordDeclaration) -> ([Field], [String: Int]) {
        var fields: [Field] = []
        var index: [String: Int] = [:]
        for field in declaration.fields {
            if index[field.name.name] != nil {
                error("type.duplicateField", "record '\(declaration.name.name)' already has a field '\(field.name.name)'", field.name.span)
                continue
            }
            let type = resolveType(field.type)
            if case .optional(let inner) = type, inner.elementType != nil || inner == .emptyCollection {
                error("type.optionalCollection", "a collection field cannot be optional; give it a default of [] instead", field.type.span)
            }
            index[field.name.name] = fields.count
            var checked = Field(name: field.name.name, type: type, defaultValue: nil, requiredWhen: nil, location: location(field.name.span))
            checked.documentation = field.documentation
            fields.append(checked)
        }
        return (fields, index)
    }

    private mutating func checkFieldDefaults(_ declarations: [RecordDeclaration], valueRecords: Bool) {
        for (recordIndex, declaration) in declarations.enumerated() {
            for field in declaration.fields {
                let record = valueRecords ? schema.valueRecords[recordIndex] : schema.records[recordIndex]
                guard let fieldIndex = record.fieldIndex[field.name.name] else { continue }
                let type = record.fields[fieldIndex].type
                if let value = field.defaultValue {
                    resetFrame(reserving: 0)
                    let bound = checkExpression(value, expected: type, scope: Scope())
                    if valueRecords {
                        schema.valueRecords[recordIndex].fields[fieldIndex].defaultValue = bound
                    } else {
                        schema.records[recordIndex].fields[fieldIndex].defaultValue = bound
                    }
                    if !isConstantExpression(value) {
                        error("type.nonConstantDefault", "a field default must be a constant value", value.span)
                    }
                }
                if let condition = field.requiredWhen, valueRecords {
                    error("type.requiredWhenInValueRecord", "'required when' applies to manifest fields; a value record's field is required or has a default",
                          condition.span)
                } else if let condition = field.requiredWhen {
                    resetFrame(reserving: 1)
                    var scope = Scope()
                    scope.implicitRecord = recordIndex
                    let bound = checkCondition(condition, scope: scope, context: "'required when'")
                    schema.records[recordIndex].fields[fieldIndex].requiredWhen = bound
                    schema.records[recordIndex].fields[fieldIndex].requiredWhenText = text(condition.span)
                }
            }
        }
    }

    private func isConstantExpression(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .name(let name): return name != "today"
        case .bool, .number, .date, .member: return true
        case .string(let parts): return parts.allSatisfy { if case .text = $0 { true } else { false } }
        case .collection(let items): return items.allSatisfy(isConstantExpression)
        case .recordLiteral(let fields): return fields.allSatisfy { isConstantExpression($0.value) }
        case .unary(.negate, let operand): return isConstantExpression(operand)
        default: return false
        }
    }

    private mutating func checkConstant(_ index: Int) {
        switch constantState[index] {
        case .done: return
        case .checking:
            let declaration = constantDeclarations[index]
            error("type.cyclicConstant", "constant '\(declaration.name.name)' depends on itself", declaration.name.span)
            return
        case .unchecked: break
        }
        constantState[index] = .checking
        let declaration = constantDeclarations[index]
        let type = resolveType(declaration.type)
        let savedSlots = (nextSlot, maxSlot)
        let savedFlag = checkingConstant
        checkingConstant = true
        resetFrame(reserving: 0)
        let usesBefore = todayUses
        let bound = checkExpression(declaration.value, expected: type, scope: Scope())
        if todayUses > usesBefore { todayConstants.insert(index) }
        checkingConstant = savedFlag
        if maxSlot > 0 {
            error("type.nonConstant", "a constant cannot use 'some' or 'all'; write a definition instead", declaration.value.span)
        }
        (nextSlot, maxSlot) = savedSlots
        checkedConstants[index] = ConstantDefinition(name: declaration.name.name, type: type, value: bound,
                                                     location: location(declaration.name.span), documentation: declaration.documentation)
        constantState[index] = .done
        constantOrder.append(index)
    }

    private mutating func declareFunctions() {
        for declaration in functionDeclarations {
            var names: Set<String> = []
            for parameter in declaration.parameters where !names.insert(parameter.name.name).inserted {
                error("type.duplicateParameter", "parameter '\(parameter.name.name)' appears twice", parameter.name.span)
            }
            functions.append(FunctionDefinition(
                name: declaration.name.name,
                parameterTypes: declaration.parameters.map { resolveType($0.type) },
                parameterNames: declaration.parameters.map(\.name.name),
                returnType: resolveType(declaration.returnType),
                body: .literal(.absent), frameSize: declaration.parameters.count,
                location: location(declaration.name.span), bodyTree: nil, documentation: declaration.documentation))
        }
        callEdges = Array(repeating: [], count: functionDeclarations.count)
    }

    private mutating func noteTodayUse() {
        todayUses += 1
        if let function = currentFunction { todayFunctions.insert(function) }
    }

    /// A definition called from `required when` that uses `today`, itself or through the
    /// definitions it calls.
    private mutating func reportTodayInRequiredWhen() {
        var usesToday: [Int: Bool] = [:]
        func uses(_ index: Int) -> Bool {
            if let known = usesToday[index] { return known }
            usesToday[index] = todayFunctions.contains(index)  // also ends cycles, reported as recursion
            let result = todayFunctions.contains(index) || callEdges[index].contains(where: uses)
            usesToday[index] = result
            return result
        }
        for call in requiredWhenCalls where uses(call.function) {
            bag.add(.todayInRequiredWhen(through: "the definition '\(call.name)'", at: location(call.span)))
        }
    }

    private mutating func checkFunctionBody(_ index: Int) {
        let declaration = functionDeclarations[index]
        let definition = functions[index]
        resetFrame(reserving: declaration.parameters.count)
        var scope = Scope()
        for (slot, parameter) in declaration.parameters.enumerated() {
            scope.locals.append(Local(name: parameter.name.name, type: definition.parameterTypes[slot], slot: slot))
        }
        currentFunction = index
        let body = checkExpression(declaration.body, expected: definition.returnType, scope: scope)
        currentFunction = nil
        functions[index].body = body
        functions[index].frameSize = maxSlot
        functions[index].bodyTree = conditionTree(declaration.body)
    }

    private mutating func reportRecursion() {
        var state = Array(repeating: 0, count: functions.count)  // 0 new, 1 on stack, 2 done
        func visit(_ index: Int, checker: inout TypeChecker) {
            state[index] = 1
            for callee in checker.callEdges[index].sorted() {
                if state[callee] == 1 {
                    let declaration = checker.functionDeclarations[callee]
                    checker.error("type.recursion",
                                  "definition '\(declaration.name.name)' calls itself (directly or through others); recursion is not allowed so every evaluation ends",
                                  declaration.name.span)
                } else if state[callee] == 0 {
                    visit(callee, checker: &checker)
                }
            }
            state[index] = 2
        }
        for index in functions.indices where state[index] == 0 { visit(index, checker: &self) }
    }

    private mutating func checkRule(_ rule: RuleDeclaration, placementRecord: Int) -> RuleDefinition? {
        resetFrame(reserving: 1)
        var scope = Scope()
        scope.locals.append(Local(name: "placement", type: .record(placementRecord), slot: 0))
        var forEach: BoundExpression?
        var forEachType: PlacetType?
        if let (variable, collection) = rule.forEach {
            let (bound, type) = checkValue(collection, expected: nil, scope: scope, allowOptional: true)
            var elementType: PlacetType = .error
            switch type {
            case .set(let element), .list(let element): elementType = element
            case .optional(let inner): elementType = inner
            case .error: break
            default:
                error("type.notIterable", "'for each' needs a set, a list or an optional value; '\(text(collection.span))' is \(describe(type))", collection.span)
            }
            let slot = allocateSlot()
            scope.locals.append(Local(name: variable.name, type: elementType, slot: slot))
            forEach = bound
            forEachType = elementType
        }
        var condition: BoundExpression?
        var bodyScope = scope
        if let expression = rule.condition {
            condition = checkCondition(expression, scope: scope, context: "the 'when' clause")
            bodyScope.present.formUnion(facts(expression, whenTrue: true))
        }
        var subject: BoundExpression?
        var subjectType: PlacetType?
        if let expression = rule.subject {
            let (bound, type) = checkValue(expression, expected: nil, scope: bodyScope)
            subject = bound
            subjectType = type
        } else if let forEachType {
            subject = .local(1)
            subjectType = forEachType
        }
        let message = checkExpression(rule.message, expected: .string, scope: bodyScope)
        let tree = rule.condition.map { conditionTree($0) }
        var definition = RuleDefinition(
            id: rule.id.name, effect: rule.effect, unwaivable: rule.unwaivable, citations: rule.citations,
            effective: rule.effective, forEach: forEach, forEachType: forEachType, condition: condition,
            subject: subject, subjectType: subjectType, message: message, frameSize: maxSlot,
            location: location(rule.id.span), conditionTree: tree,
            forEachText: rule.forEach.map { "\($0.variable.name) in \(text($0.collection.span))" })
        definition.documentation = rule.documentation
        return definition
    }

    // MARK: Condition trees

    /// The and/or/not tree of a checked condition, its leaves annotated from `boundBySpan`.
    private func conditionTree(_ expression: Expression) -> ConditionTree {
        var counter = 0
        return conditionTree(expression, counter: &counter)
    }

    private func conditionTree(_ expression: Expression, counter: inout Int) -> ConditionTree {
        switch expression.kind {
        case .binary(.and, let lhs, let rhs):
            let left = conditionTree(lhs, counter: &counter)
            return .and(left, conditionTree(rhs, counter: &counter))
        case .binary(.or, let lhs, let rhs):
            let left = conditionTree(lhs, counter: &counter)
            return .or(left, conditionTree(rhs, counter: &counter))
        case .unary(.not, let operand):
            return .not(conditionTree(operand, counter: &counter))
        default:
            let (bound, type) = boundBySpan[expression.span] ?? (.literal(.absent), .error)
            var observables: [Observable] = []
            collectObservables(expression, into: &observables, top: true)
            var call: (Int, [BoundExpression])?
            if case .call(let function, let arguments) = bound { call = (function, arguments) }
            let leaf = ConditionLeaf(index: counter, text: text(expression.span), bound: bound, type: type,
                                     observables: observables, call: call)
            counter += 1
            return .leaf(leaf)
        }
    }

    /// The outermost field reads, lookups and calls in a leaf (not inside quantifiers, whose
    /// variables have no value outside them).
    private func collectObservables(_ expression: Expression, into observables: inout [Observable], top: Bool) {
        func add(_ node: Expression) {
            guard let (bound, type) = boundBySpan[node.span] else { return }
            if case .literal = bound { return }
            observables.append(Observable(text: text(node.span), bound: bound, type: type))
        }
        switch expression.kind {
        case .member, .call:
            if !top { add(expression) }
        case .index(_, let key):
            if !top { add(expression) }
            collectObservables(key, into: &observables, top: false)
        case .binary(_, let lhs, let rhs):
            collectObservables(lhs, into: &observables, top: false)
            collectObservables(rhs, into: &observables, top: false)
        case .unary(_, let operand), .test(let operand, _), .caseGroup(let operand):
            collectObservables(operand, into: &observables, top: false)
        case .conditional(let c, let t, let e):
            for part in [c, t, e] { collectObservables(part, into: &observables, top: false) }
        case .collection(let items):
            for item in items { collectObservables(item, into: &observables, top: false) }
        case .quantifier(_, _, let collection, _):
            // The body's variable has no value outside it; what it ranges over does.
            if case .member = collection.kind { add(collection) } else { collectObservables(collection, into: &observables, top: false) }
        default:
            break
        }
    }

    // MARK: Types

    private mutating func resolveType(_ syntax: TypeSyntax) -> PlacetType {
        switch syntax {
        case .named(let name):
            switch name.name {
            case "bool": return .bool
            case "number": return .number
            case "string": return .string
            case "date": return .date
            default:
                if let index = schema.enumerationIndex[name.name] { return .enumeration(index) }
                if let index = schema.recordIndex[name.name] { return .record(index) }
                if let index = schema.valueRecordIndex[name.name] { return .valueRecord(index) }
                let candidates = ["bool", "number", "string", "date"] + schema.enumerationIndex.keys + schema.recordIndex.keys
                    + schema.valueRecordIndex.keys
                error("type.unknownType", "unknown type '\(name.name)'\(Suggestion.didYouMean(name.name, in: candidates))", name.span)
                return .error
            }
        case .set(let element, _): return .set(resolveType(element))
        case .list(let element, _): return .list(resolveType(element))
        case .map(let key, let value, _): return .map(resolveType(key), resolveType(value))
        case .optional(let inner, let span):
            let type = resolveType(inner)
            if type.isOptional { error("type.doubleOptional", "a type cannot be optional twice", span) }
            return .optional(type)
        }
    }

    private func isOrdered(_ type: PlacetType) -> Bool {
        switch type {
        case .number, .date: true
        case .enumeration(let index): schema.enumerations[index].ordered
        default: false
        }
    }

    /// Whether a value of type `from` can be used where `to` is expected without conversion.
    private func widens(_ from: PlacetType, to: PlacetType) -> Bool {
        if from == to || from == .error || to == .error { return true }
        switch (from, to) {
        case (.enumeration(let a), .enumeration(let b)): return schema.enumeration(a, widensTo: b)
        case (.set(let a), .set(let b)), (.list(let a), .list(let b)): return widens(a, to: b)
        case (.map(let k1, let v1), .map(let k2, let v2)): return widens(k1, to: k2) && widens(v1, to: v2)
        case (.optional(let a), .optional(let b)): return widens(a, to: b)
        case (_, .optional(let b)): return widens(from, to: b)
        default: return false
        }
    }

    /// Two types whose values can be compared for equality.
    private func comparable(_ a: PlacetType, _ b: PlacetType) -> Bool {
        widens(a, to: b) || widens(b, to: a)
    }

    // MARK: Expressions

    private mutating func resetFrame(reserving slots: Int) {
        nextSlot = slots
        maxSlot = slots
    }

    private mutating func allocateSlot() -> Int {
        let slot = nextSlot
        nextSlot += 1
        maxSlot = max(maxSlot, nextSlot)
        return slot
    }

    /// Checks an expression against an expected type and converts it where the language allows.
    private mutating func checkExpression(_ expression: Expression, expected: PlacetType, scope: Scope) -> BoundExpression {
        let (bound, type) = infer(expression, expected: expected, scope: scope)
        return coerce(bound, from: type, to: expected, expression: expression)
    }

    private mutating func coerce(_ bound: BoundExpression, from type: PlacetType, to expected: PlacetType, expression: Expression) -> BoundExpression {
        if type == expected || type == .error || expected == .error { return bound }
        switch (type, expected) {
        case (.emptyCollection, .set), (.emptyCollection, .list):
            return .collection([], isSet: expected.elementType != nil && { if case .set = expected { true } else { false } }())
        case (.emptyCollection, .map):
            return .map([])
        case (.emptyCollection, .optional(let inner)):
            return coerce(bound, from: type, to: inner, expression: expression)
        case (.optional, let target) where !target.isOptional:
            reportOptional(expression, type: type)
            return bound
        case (.list(let element), .set(let target)) where widens(element, to: target):
            return .toSet(bound)
        default:
            if widens(type, to: expected) { return bound }
            error("type.mismatch", "type mismatch: expected \(describe(expected)), found \(describe(type)) in '\(text(expression.span))'", expression.span)
            return bound
        }
    }

    private mutating func reportOptional(_ expression: Expression, type: PlacetType) {
        let source = text(expression.span)
        error("type.optionalWithoutPresenceTest",
              "'\(source)' is optional (\(describe(type))) and may be absent; test '\(source) is present' first",
              expression.span)
    }

    /// Checks an expression whose value is used directly: optional values must be tested first.
    private mutating func checkValue(_ expression: Expression, expected: PlacetType?, scope: Scope, allowOptional: Bool = false) -> (BoundExpression, PlacetType) {
        let (bound, type) = infer(expression, expected: expected, scope: scope)
        if type.isOptional, !allowOptional {
            reportOptional(expression, type: type)
            return (bound, type.unwrapped)
        }
        return (bound, type)
    }

    private mutating func checkCondition(_ expression: Expression, scope: Scope, context: String) -> BoundExpression {
        let (bound, type) = checkValue(expression, expected: .bool, scope: scope)
        if type != .bool, type != .error {
            error("type.nonBooleanCondition", "\(context) must be a bool condition, but '\(text(expression.span))' is \(describe(type))", expression.span)
        }
        return bound
    }

    /// Optional expressions proved present by the truth (or falsity) of a condition.
    private func facts(_ expression: Expression, whenTrue: Bool) -> Set<String> {
        switch expression.kind {
        case .test(let operand, .present): return whenTrue ? [operand.kind.structuralKey] : []
        case .test(let operand, .absent): return whenTrue ? [] : [operand.kind.structuralKey]
        case .unary(.not, let operand): return facts(operand, whenTrue: !whenTrue)
        case .binary(.and, let lhs, let rhs):
            return whenTrue ? facts(lhs, whenTrue: true).union(facts(rhs, whenTrue: true)) : []
        case .binary(.or, let lhs, let rhs):
            return whenTrue ? [] : facts(lhs, whenTrue: false).union(facts(rhs, whenTrue: false))
        default: return []
        }
    }

    /// Applies narrowing: an optional expression proved present has its inner type here.
    private func narrowed(_ type: PlacetType, _ expression: Expression, _ scope: Scope) -> PlacetType {
        if case .optional(let inner) = type, scope.present.contains(expression.kind.structuralKey) { return inner }
        return type
    }

    private func expectedEnumeration(_ expected: PlacetType?) -> Int? {
        guard let expected else { return nil }
        if case .enumeration(let index) = expected.unwrapped { return index }
        return nil
    }

    /// The dotted path of a name or member chain: `a.b.c`.
    private func path(of expression: Expression) -> [Identifier]? {
        switch expression.kind {
        case .name(let name): return [Identifier(name, span: expression.span)]
        case .member(let base, let member): return path(of: base).map { $0 + [member] }
        default: return nil
        }
    }

    private func isValueName(_ name: String, _ scope: Scope) -> Bool {
        scope.local(name) != nil || constantIndex[name] != nil || name == "today"
            || (scope.implicitRecord.map { schema.records[$0].fieldIndex[name] != nil } ?? false)
    }

    /// Whether an expression is a case name whose enum must come from its surroundings:
    /// `health`, `annex3.employment`, `prohibited.*`, `[health, biometric]`.
    private func needsContext(_ expression: Expression, _ scope: Scope) -> Bool {
        switch expression.kind {
        case .name(let name):
            return !isValueName(name, scope) && functionIndex[name] == nil
        case .member:
            guard let parts = path(of: expression) else { return false }
            return !isValueName(parts[0].name, scope) && schema.enumerationIndex[parts[0].name] == nil
                && schema.recordIndex[parts[0].name] == nil
        case .caseGroup:
            return true
        case .collection(let items):
            return items.contains { needsContext($0, scope) }
        default:
            return false
        }
    }

    /// The element type a collection gives to what is looked for in it: `x` in `x in c`.
    private func memberType(of collection: PlacetType) -> PlacetType? {
        switch collection {
        case .set(let element), .list(let element): element
        case .map(let key, _): key
        default: nil
        }
    }

    /// A case name with no expected type: a case of the one enum that declares it (a case that
    /// came through `includes` belongs to the included enum), or an error naming the choices
    /// when several do. Nil when no enum has the case.
    private mutating func caseWithoutContext(_ name: String, span: Span) -> (BoundExpression, PlacetType)? {
        var owners: [(enumIndex: Int, caseIndex: Int)] = []
        for (enumIndex, enumeration) in schema.enumerations.enumerated() {
            guard let caseIndex = enumeration.caseIndex[name] else { continue }
            if let base = enumeration.includes, schema.enumerations[base].caseIndex[name] != nil { continue }
            owners.append((enumIndex, caseIndex))
        }
        guard let first = owners.first else { return nil }
        guard owners.count == 1 else {
            bag.add(.ambiguousCase(name, enumerations: owners.map { schema.enumerations[$0.enumIndex].name }, at: location(span)))
            return (.literal(.absent), .error)
        }
        return (.literal(.enumCase(first.caseIndex)), .enumeration(first.enumIndex))
    }

    /// An unknown case of a known enum; a removed one says what replaces it.
    private mutating func reportUnknownCase(_ caseName: String, of enumIndex: Int, at span: Span) {
        let enumeration = schema.enumerations[enumIndex]
        if let guidance = enumeration.removalMessage(caseName) {
            error("type.removedCase", guidance, span)
            return
        }
        error("type.unknownCase", "unknown case '\(caseName)' of \(enumeration.name)\(Suggestion.didYouMean(caseName, in: enumeration.cases))", span)
    }

    private mutating func reportUnknownValueRecordField(_ member: Identifier, valueRecord index: Int) {
        let record = schema.valueRecords[index]
        if redeclaredFields[record.name]?.contains(member.name) == true { return }
        error("type.unknownField", "unknown field '\(member.name)' on \(record.name)\(Suggestion.didYouMean(member.name, in: record.fields.map(\.name)))", member.span)
    }

    private mutating func reportUnknownField(_ member: Identifier, record recordIndex: Int) {
        let record = schema.records[recordIndex]
        if redeclaredFields[record.name]?.contains(member.name) == true { return }
        error("type.unknownField", "unknown field '\(member.name)' on \(record.name)\(Suggestion.didYouMean(member.name, in: record.fields.map(\.name)))", member.span)
    }

    private mutating func infer(_ expression: Expression, expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        let result = inferUnrecorded(expression, expected: expected, scope: scope)
        boundBySpan[expression.span] = result
        return result
    }

    private mutating func inferUnrecorded(_ expression: Expression, expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        let span = expression.span
        switch expression.kind {
        case .bool(let value): return (.literal(.bool(value)), .bool)
        case .number(let value): return (.literal(.number(value)), .number)
        case .date(let value): return (.literal(.date(value)), .date)

        case .string(let parts):
            var bound: [BoundStringPart] = []
            var inner = scope
            inner.inInterpolation = true
            for part in parts {
                switch part {
                case .text(let text): bound.append(.text(text))
                case .interpolation(let expression):
                    let (value, type) = infer(expression, expected: nil, scope: inner)
                    bound.append(.value(value, type))
                }
            }
            if bound.count == 1, case .text(let text) = bound[0] { return (.literal(.string(text)), .string) }
            if bound.isEmpty { return (.literal(.string("")), .string) }
            return (.interpolation(bound), .string)

        case .name(let name):
            if let local = scope.local(name) {
                return (.local(local.slot), narrowed(local.type, expression, scope))
            }
            if let record = scope.implicitRecord, let field = schema.records[record].fieldIndex[name] {
                return (.field(.local(0), record: record, field: field), narrowed(schema.records[record].fields[field].type, expression, scope))
            }
            if let enumIndex = expectedEnumeration(expected), let caseIndex = schema.enumerations[enumIndex].caseIndex[name] {
                return (.literal(.enumCase(caseIndex)), .enumeration(enumIndex))
            }
            if let index = constantIndex[name] {
                checkConstant(index)
                if todayConstants.contains(index) {
                    if scope.implicitRecord != nil {
                        bag.add(.todayInRequiredWhen(through: "the constant '\(name)'", at: location(span)))
                        return (.literal(.absent), .error)
                    }
                    noteTodayUse()
                }
                let type = checkedConstants[index]?.type ?? .error
                return (.constant(index), narrowed(type, expression, scope))
            }
            if name == "today" {
                // Manifests are read without an evaluation date: `today` would be no date at all.
                if scope.implicitRecord != nil {
                    bag.add(.todayInRequiredWhen(at: location(span)))
                    return (.literal(.absent), .error)
                }
                noteTodayUse()
                return (.today, .date)
            }
            if schema.enumerationIndex[name] != nil || schema.recordIndex[name] != nil {
                error("type.typeAsValue", "'\(name)' is a type, not a value", span)
                return (.literal(.absent), .error)
            }
            if functionIndex[name] != nil {
                error("type.functionAsValue", "'\(name)' is a definition; call it with arguments: \(name)(...)", span)
                return (.literal(.absent), .error)
            }
            if let enumIndex = expectedEnumeration(expected) {
                let enumeration = schema.enumerations[enumIndex]
                if redeclaredCases[enumeration.name]?.contains(name) == true { return (.literal(.absent), .error) }
                reportUnknownCase(name, of: enumIndex, at: span)
                return (.literal(.absent), .error)
            }
            if let resolved = caseWithoutContext(name, span: span) { return resolved }
            if let owner = schema.enumerations.firstIndex(where: { $0.removed[name] != nil }) {
                reportUnknownCase(name, of: owner, at: span)
                return (.literal(.absent), .error)
            }
            if redeclaredCases.values.contains(where: { $0.contains(name) }) { return (.literal(.absent), .error) }
            var candidates = scope.locals.map(\.name) + Array(constantIndex.keys) + ["today"]
            if let record = scope.implicitRecord { candidates += schema.records[record].fields.map(\.name) }
            if scope.inInterpolation {
                error("type.unknownInterpolation", "unknown name '\(name)' in interpolation\(Suggestion.didYouMean(name, in: candidates))", span)
            } else {
                error("type.unknownIdentifier", "unknown identifier '\(name)'\(Suggestion.didYouMean(name, in: candidates))", span)
            }
            return (.literal(.absent), .error)

        case .member(let base, let member):
            // Qualified or contextual enum cases: `Location.EU`, `UseCase.annex3.employment`, `annex3.employment`.
            if let parts = path(of: expression), !isValueName(parts[0].name, scope) {
                if let enumIndex = schema.enumerationIndex[parts[0].name] {
                    let caseName = parts.dropFirst().map(\.name).joined(separator: ".")
                    let enumeration = schema.enumerations[enumIndex]
                    if let caseIndex = enumeration.caseIndex[caseName] {
                        return (.literal(.enumCase(caseIndex)), .enumeration(enumIndex))
                    }
                    let caseSpan = parts[1].span.to(parts.last!.span)
                    if redeclaredCases[enumeration.name]?.contains(caseName) == true { return (.literal(.absent), .error) }
                    reportUnknownCase(caseName, of: enumIndex, at: caseSpan)
                    return (.literal(.absent), .error)
                }
                if let enumIndex = expectedEnumeration(expected) {
                    let caseName = parts.map(\.name).joined(separator: ".")
                    let enumeration = schema.enumerations[enumIndex]
                    if let caseIndex = enumeration.caseIndex[caseName] {
                        return (.literal(.enumCase(caseIndex)), .enumeration(enumIndex))
                    }
                    if functionIndex[parts[0].name] == nil, schema.recordIndex[parts[0].name] == nil {
                        if redeclaredCases[enumeration.name]?.contains(caseName) == true { return (.literal(.absent), .error) }
                        reportUnknownCase(caseName, of: enumIndex, at: span)
                        return (.literal(.absent), .error)
                    }
                } else if functionIndex[parts[0].name] == nil, schema.recordIndex[parts[0].name] == nil {
                    let caseName = parts.map(\.name).joined(separator: ".")
                    if let resolved = caseWithoutContext(caseName, span: span) { return resolved }
                    if let owner = schema.enumerations.firstIndex(where: { $0.removed[caseName] != nil }) {
                        reportUnknownCase(caseName, of: owner, at: span)
                        return (.literal(.absent), .error)
                    }
                }
            }
            let (boundBase, baseType) = infer(base, expected: nil, scope: scope)
            if baseType == .error { return (.literal(.absent), .error) }
            if baseType.isOptional {
                // A misspelt field is the first thing to fix; the presence test comes after.
                if case .record(let recordIndex) = baseType.unwrapped, schema.records[recordIndex].fieldIndex[member.name] == nil {
                    reportUnknownField(member, record: recordIndex)
                } else if case .valueRecord(let index) = baseType.unwrapped, schema.valueRecords[index].fieldIndex[member.name] == nil {
                    reportUnknownValueRecordField(member, valueRecord: index)
                } else {
                    reportOptional(base, type: baseType)
                }
                return (.literal(.absent), .error)
            }
            if case .valueRecord(let index) = baseType {
                guard let fieldIndex = schema.valueRecords[index].fieldIndex[member.name] else {
                    reportUnknownValueRecordField(member, valueRecord: index)
                    return (.literal(.absent), .error)
                }
                let type = narrowed(schema.valueRecords[index].fields[fieldIndex].type, expression, scope)
                return (.member(boundBase, valueRecord: index, field: fieldIndex), type)
            }
            guard case .record(let recordIndex) = baseType else {
                error("type.notARecord", "'\(text(base.span))' is \(describe(baseType)), which has no fields; cannot read '.\(member.name)'", member.span)
                return (.literal(.absent), .error)
            }
            let record = schema.records[recordIndex]
            guard let fieldIndex = record.fieldIndex[member.name] else {
                reportUnknownField(member, record: recordIndex)
                return (.literal(.absent), .error)
            }
            let type = narrowed(record.fields[fieldIndex].type, expression, scope)
            return (.field(boundBase, record: recordIndex, field: fieldIndex), type)

        case .caseGroup(let base):
            var enumIndex: Int?
            var prefix: [Identifier] = path(of: base) ?? []
            if prefix.isEmpty {
                error("type.badCaseGroup", "'.*' follows a case name prefix, like 'prohibited.*'", span)
                return (.literal(.absent), .error)
            }
            if let qualified = schema.enumerationIndex[prefix[0].name], !isValueName(prefix[0].name, scope) {
                enumIndex = qualified
                prefix.removeFirst()
            } else if let expected, case .set(let element) = expected, case .enumeration(let index) = element {
                enumIndex = index
            } else if let index = expectedEnumeration(expected) {
                enumIndex = index
            }
            guard let enumIndex else {
                error("type.badCaseGroup", "cannot tell which enum '\(text(span))' belongs to; write it after 'in', or qualify it: 'UseCase.\(text(base.span)).*'", span)
                return (.literal(.absent), .error)
            }
            let enumeration = schema.enumerations[enumIndex]
            let start = prefix.map(\.name).joined(separator: ".") + "."
            let members = enumeration.cases.indices.filter { enumeration.cases[$0].hasPrefix(start) }
            if members.isEmpty {
                let groups = Set(enumeration.cases.compactMap { $0.split(separator: ".").first.map(String.init) })
                error("type.unknownCase", "no case of \(enumeration.name) starts with '\(start)'\(Suggestion.didYouMean(String(start.dropLast()), in: groups))", span)
                return (.literal(.absent), .error)
            }
            return (.literal(.collection(members.map { .enumCase($0) })), .set(.enumeration(enumIndex)))

        case .call(let name, let arguments):
            if name.name == "count" {
                guard arguments.count == 1 else {
                    error("type.argumentCount", "wrong number of arguments: 'count' takes 1 argument, got \(arguments.count)", span)
                    return (.literal(.absent), .error)
                }
                let (bound, type) = checkValue(arguments[0], expected: nil, scope: scope)
                switch type {
                case .set, .list, .map, .error, .emptyCollection: break
                default: error("type.mismatch", "type mismatch: 'count' needs a collection, found \(describe(type))", arguments[0].span)
                }
                return (.count(bound), .number)
            }
            guard let index = functionIndex[name.name] else {
                error("type.unknownFunction", "unknown definition '\(name.name)'\(Suggestion.didYouMean(name.name, in: Array(functionIndex.keys) + ["count"]))", name.span)
                return (.literal(.absent), .error)
            }
            let function = functions[index]
            if checkingConstant {
                error("type.nonConstant", "a constant cannot call a definition; make it a definition instead", name.span)
            }
            if let caller = currentFunction { callEdges[caller].insert(index) }
            if scope.implicitRecord != nil { requiredWhenCalls.append((index, name.name, name.span)) }
            guard arguments.count == function.parameterTypes.count else {
                let noun = function.parameterTypes.count == 1 ? "argument" : "arguments"
                error("type.argumentCount", "wrong number of arguments: '\(name.name)' takes \(function.parameterTypes.count) \(noun), got \(arguments.count)", span)
                return (.literal(.absent), function.returnType)
            }
            var bound: [BoundExpression] = []
            for (argument, type) in zip(arguments, function.parameterTypes) {
                bound.append(checkExpression(argument, expected: type, scope: scope))
            }
            return (.call(function: index, arguments: bound), function.returnType)

        case .index(let base, let key):
            let (boundBase, baseType) = checkValue(base, expected: nil, scope: scope)
            guard case .map(let keyType, let valueType) = baseType else {
                if baseType != .error {
                    error("type.notAMap", "'\(text(base.span))' is \(describe(baseType)); only a map can be looked up with [...]", base.span)
                }
                return (.literal(.absent), .error)
            }
            let boundKey = checkExpression(key, expected: keyType, scope: scope)
            return (.lookup(boundBase, key: boundKey), narrowed(.optional(valueType), expression, scope))

        case .collection(let items):
            var elementType: PlacetType?
            var isSet = true
            switch expected?.unwrapped {
            case .set(let element)?: elementType = element
            case .list(let element)?:
                elementType = element
                isSet = false
            default: break
            }
            if items.isEmpty { return (.collection([], isSet: isSet), expected?.unwrapped.elementType != nil ? expected!.unwrapped : .emptyCollection) }
            var bound: [BoundExpression] = []
            for item in items {
                if let elementType {
                    bound.append(checkExpression(item, expected: elementType, scope: scope))
                } else {
                    let (value, type) = checkValue(item, expected: nil, scope: scope)
                    elementType = type
                    bound.append(value)
                }
            }
            let element = elementType ?? .error
            return (.collection(bound, isSet: isSet), isSet ? .set(element) : .list(element))

        case .mapLiteral(let pairs):
            guard case .map(let keyType, let valueType)? = expected?.unwrapped else {
                error("type.untypedMap", "a map literal needs a declared type, as in 'const NAME: map of Country to date = [...]'", span)
                return (.literal(.absent), .error)
            }
            var bound: [(key: BoundExpression, value: BoundExpression)] = []
            for pair in pairs {
                bound.append((checkExpression(pair.key, expected: keyType, scope: scope),
                              checkExpression(pair.value, expected: valueType, scope: scope)))
            }
            return (.map(bound), .map(keyType, valueType))

        case .recordLiteral(let given):
            return checkRecordLiteral(given, expression: expression, expected: expected, scope: scope)

        case .unary(.not, let operand):
            return (.not(checkCondition(operand, scope: scope, context: "the operand of 'not'")), .bool)

        case .unary(.negate, let operand):
            return (.negate(checkExpression(operand, expected: .number, scope: scope)), .number)

        case .binary(let op, let lhs, let rhs):
            return inferBinary(op, lhs, rhs, expression: expression, expected: expected, scope: scope)

        case .test(let operand, let test):
            switch test {
            case .present, .absent:
                let (bound, type) = infer(operand, expected: nil, scope: scope)
                if !type.isOptional, type != .error {
                    error("type.notOptional", "'\(text(operand.span))' is \(describe(type)), which is never absent; '\(test.rawValue)' needs an optional value", operand.span)
                }
                return (.isPresent(bound, negated: test == .absent), .bool)
            case .empty, .notEmpty:
                let (bound, type) = checkValue(operand, expected: nil, scope: scope)
                switch type {
                case .set, .list, .map, .emptyCollection, .error: break
                default:
                    error("type.mismatch", "type mismatch: '\(test.rawValue)' needs a collection, but '\(text(operand.span))' is \(describe(type))", operand.span)
                }
                return (.isEmpty(bound, negated: test == .notEmpty), .bool)
            }

        case .conditional(let condition, let thenBranch, let elseBranch):
            let boundCondition = checkCondition(condition, scope: scope, context: "the condition of 'if'")
            var thenScope = scope
            thenScope.present.formUnion(facts(condition, whenTrue: true))
            var elseScope = scope
            elseScope.present.formUnion(facts(condition, whenTrue: false))
            if let expected {
                return (.conditional(boundCondition,
                                     then: checkExpression(thenBranch, expected: expected, scope: thenScope),
                                     else: checkExpression(elseBranch, expected: expected, scope: elseScope)), expected)
            }
            let (boundThen, thenType) = infer(thenBranch, expected: nil, scope: thenScope)
            let boundElse = checkExpression(elseBranch, expected: thenType, scope: elseScope)
            return (.conditional(boundCondition, then: boundThen, else: boundElse), thenType)

        case .quantifier(let kind, let variable, let collection, let body):
            let (boundCollection, collectionType) = checkValue(collection, expected: nil, scope: scope)
            var elementType: PlacetType = .error
            switch collectionType {
            case .set(let element), .list(let element): elementType = element
            case .error, .emptyCollection: break
            default:
                error("type.notIterable", "'\(kind.rawValue)' needs a set or a list; '\(text(collection.span))' is \(describe(collectionType))", collection.span)
            }
            if isValueName(variable.name, scope) {
                error("type.shadowing", "'\(variable.name)' is already defined here; choose another name", variable.span)
            }
            let saved = nextSlot
            let slot = allocateSlot()
            var inner = scope
            inner.locals.append(Local(name: variable.name, type: elementType, slot: slot))
            let boundBody = checkCondition(body, scope: inner, context: "the body of '\(kind.rawValue)'")
            nextSlot = saved
            return (.quantifier(all: kind == .all, slot: slot, collection: boundCollection, body: boundBody), .bool)
        }
    }

    /// `{from: 2000-07-26, decision: "..."}` against the value record the context expects.
    private mutating func checkRecordLiteral(_ given: [(name: Identifier, value: Expression)], expression: Expression,
                                             expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        guard case .valueRecord(let recordIndex)? = expected?.unwrapped else {
            if let expected, expected != .error {
                error("type.unexpectedRecordLiteral",
                      "a record literal needs a value record type here, but \(describe(expected)) is expected", expression.span)
            } else if expected == nil {
                error("type.unexpectedRecordLiteral",
                      "a record literal needs a value record type from its context, as in 'const NAME: Adequacy = {...}'", expression.span)
            }
            return (.literal(.absent), .error)
        }
        let record = schema.valueRecords[recordIndex]
        var values: [BoundExpression?] = Array(repeating: nil, count: record.fields.count)
        var seen: [String: Span] = [:]
        for (name, value) in given {
            if let first = seen[name.name] {
                let at = location(first)
                error("type.duplicateLiteralField",
                      "field '\(name.name)' is given twice in this \(record.name) literal (first at \(at.line):\(at.column))", name.span)
                _ = infer(value, expected: nil, scope: scope)
                continue
            }
            seen[name.name] = name.span
            guard let fieldIndex = record.fieldIndex[name.name] else {
                reportUnknownValueRecordField(name, valueRecord: recordIndex)
                continue
            }
            values[fieldIndex] = checkExpression(value, expected: record.fields[fieldIndex].type, scope: scope)
        }
        var missing: [String] = []
        var bound: [BoundExpression] = []
        for (offset, field) in record.fields.enumerated() {
            if let value = values[offset] {
                bound.append(value)
            } else if let defaultValue = field.defaultValue {
                bound.append(defaultValue)
            } else {
                if !field.type.isOptional { missing.append(field.name) }
                bound.append(.literal(.absent))
            }
        }
        if !missing.isEmpty {
            let names = missing.map { "'\($0)'" }
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
            error("type.missingLiteralField",
                  "\(record.name) literal is missing the required field\(names.count == 1 ? "" : "s") \(list)", expression.span)
        }
        return (.structure(bound), .valueRecord(recordIndex))
    }

    private mutating func inferBinary(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression, expression: Expression,
                                      expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        switch op {
        case .and, .or:
            let left = checkCondition(lhs, scope: scope, context: "the left side of '\(op.rawValue)'")
            var rightScope = scope
            rightScope.present.formUnion(facts(lhs, whenTrue: op == .and))
            let right = checkCondition(rhs, scope: rightScope, context: "the right side of '\(op.rawValue)'")
            return (op == .and ? .and(left, right) : .or(left, right), .bool)

        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            // A bare enum case on the left (`high == m.riskTier`) takes its type from the right.
            let leftFirst = !needsContext(lhs, scope) || needsContext(rhs, scope)
            let first = leftFirst ? lhs : rhs
            let second = leftFirst ? rhs : lhs
            let (boundFirst, firstType) = checkValue(first, expected: nil, scope: scope)
            let (boundSecond, secondType) = checkValue(second, expected: firstType, scope: scope)
            let (left, leftType, right, rightType) = leftFirst
                ? (boundFirst, firstType, boundSecond, secondType) : (boundSecond, secondType, boundFirst, firstType)
            if leftType == .error || rightType == .error { return (.literal(.bool(false)), .bool) }
            guard comparable(leftType, rightType) else {
                error("type.mismatch", "type mismatch: cannot compare \(describe(leftType)) with \(describe(rightType))", expression.span)
                return (.literal(.bool(false)), .bool)
            }
            if op == .equal || op == .notEqual {
                return (.equal(left, right, negated: op == .notEqual), .bool)
            }
            guard isOrdered(leftType), isOrdered(rightType) else {
                let culprit = isOrdered(leftType) ? rightType : leftType
                error("type.unorderedComparison",
                      "'\(op.rawValue)' needs numbers, dates or an ordered enum, but \(describe(culprit)) is not ordered",
                      expression.span)
                return (.literal(.bool(false)), .bool)
            }
            let comparison = ComparisonOperator(rawValue: op.rawValue)!
            return (.compare(comparison, left, right), .bool)

        case .in, .notIn:
            let element: BoundExpression, elementType: PlacetType, collection: BoundExpression, collectionType: PlacetType
            if needsContext(lhs, scope), !needsContext(rhs, scope) {
                // `health in d.specialCategories`: the collection says which enum `health` is a case of.
                (collection, collectionType) = checkValue(rhs, expected: nil, scope: scope)
                if collectionType == .error { return (.literal(.bool(false)), .bool) }
                (element, elementType) = checkValue(lhs, expected: memberType(of: collectionType), scope: scope)
            } else {
                (element, elementType) = checkValue(lhs, expected: nil, scope: scope)
                (collection, collectionType) = checkValue(rhs, expected: elementType == .error ? nil : .set(elementType), scope: scope)
            }
            if elementType == .error || collectionType == .error { return (.literal(.bool(false)), .bool) }
            switch collectionType {
            case .set(let member), .list(let member):
                if !comparable(elementType, member) {
                    error("type.mismatch", "type mismatch: cannot look for \(describe(elementType)) in \(describe(collectionType))", expression.span)
                }
                return (.contains(element: element, collection: collection, negated: op == .notIn), .bool)
            case .map(let key, _):
                if !comparable(elementType, key) {
                    error("type.mismatch", "type mismatch: cannot look for \(describe(elementType)) among the keys of \(describe(collectionType))", expression.span)
                }
                return (.containsKey(key: element, map: collection, negated: op == .notIn), .bool)
            case .emptyCollection:
                return (.literal(.bool(op == .notIn)), .bool)
            default:
                error("type.mismatch", "type mismatch: 'in' needs a set, list or map on its right, but '\(text(rhs.span))' is \(describe(collectionType))", rhs.span)
                return (.literal(.bool(false)), .bool)
            }

        case .plus, .minus, .times, .divide:
            let left = checkExpression(lhs, expected: .number, scope: scope)
            let right = checkExpression(rhs, expected: .number, scope: scope)
            return (.arithmetic(ArithmeticOperator(rawValue: op.rawValue)!, left, right), .number)

        case .union, .intersect, .except:
            let left: BoundExpression, leftType: PlacetType, right: BoundExpression, rightType: PlacetType
            if needsContext(lhs, scope), !needsContext(rhs, scope) {
                // `[health, genetic] intersect d.specialCategories`: the right side types the left.
                (right, rightType) = checkValue(rhs, expected: expected, scope: scope)
                (left, leftType) = checkValue(lhs, expected: rightType == .emptyCollection ? expected : rightType, scope: scope)
            } else {
                (left, leftType) = checkValue(lhs, expected: expected, scope: scope)
                (right, rightType) = checkValue(rhs, expected: leftType == .emptyCollection ? expected : leftType, scope: scope)
            }
            let leftElement = leftType.elementType
            let rightElement = rightType.elementType
            var result: PlacetType = .error
            switch (leftElement, rightElement) {
            case (let a?, let b?):
                if widens(a, to: b) { result = .set(b) } else if widens(b, to: a) { result = .set(a) } else {
                    error("type.mismatch", "type mismatch: cannot combine \(describe(leftType)) with \(describe(rightType)) by '\(op.rawValue)'", expression.span)
                }
            case (let a?, nil) where rightType == .emptyCollection: result = .set(a)
            case (nil, let b?) where leftType == .emptyCollection: result = .set(b)
            default:
                if leftType != .error, rightType != .error {
                    let culprit = leftElement == nil ? lhs : rhs
                    let culpritType = leftElement == nil ? leftType : rightType
                    error("type.mismatch", "type mismatch: '\(op.rawValue)' needs sets or lists, but '\(text(culprit.span))' is \(describe(culpritType))", culprit.span)
                }
            }
            return (.setOperation(SetOperator(rawValue: op.rawValue)!, left, right), result)
        }
    }
}
