// The walk that fills the policy index: every declaration and every name in an expression,
// resolved the way the type checker resolves it (locals, then a case the context expects,
// then constants, `today`, types, definitions, and a case of the one enum that has it),
// carrying just enough of each expression's type to resolve members and cases.

struct IndexBuilder {
    let declarations: IndexDeclarations
    var occurrences: [PolicyOccurrence] = []
    var localTypes: [Span: IndexType] = [:]
    var nameSites: [NameSite] = []
    var memberSites: [MemberSite] = []

    struct Local {
        let name: String
        let type: IndexType?
        let declaration: Span
    }

    struct Scope {
        var locals: [Local] = []
        /// In `required when`, bare names are fields of this record.
        var implicitRecord: String?

        func local(_ name: String) -> Local? { locals.last { $0.name == name } }
    }

    init(declarations: IndexDeclarations) {
        self.declarations = declarations
    }

    mutating func add(_ symbol: PolicySymbol, _ span: Span, declaration: Bool = false) {
        occurrences.append(PolicyOccurrence(symbol: symbol, span: span, isDeclaration: declaration))
    }

    mutating func index(_ file: PolicyFileSyntax) {
        for declaration in file.declarations {
            switch declaration {
            case .enumeration(let enumeration):
                add(.type(enumeration.name.name), enumeration.name.span, declaration: true)
                if let included = enumeration.includes { add(.type(included.name), included.span) }
                for item in enumeration.cases { add(.enumCase(type: enumeration.name.name, case: item.name), item.span, declaration: true) }
            case .record(let record):
                add(.type(record.name.name), record.name.span, declaration: true)
                for field in record.fields {
                    add(.field(type: record.name.name, field: field.name.name), field.name.span, declaration: true)
                    let type = indexType(field.type)
                    if let value = field.defaultValue { _ = infer(value, expected: type, scope: Scope()) }
                    if let condition = field.requiredWhen {
                        _ = infer(condition, expected: .named("bool"), scope: Scope(implicitRecord: record.name.name))
                    }
                }
            case .constant(let constant):
                add(.constant(constant.name.name), constant.name.span, declaration: true)
                _ = infer(constant.value, expected: indexType(constant.type), scope: Scope())
            case .function(let function):
                add(.function(function.name.name), function.name.span, declaration: true)
                var scope = Scope()
                for parameter in function.parameters {
                    scope.locals.append(declareLocal(parameter.name, type: indexType(parameter.type)))
                }
                _ = infer(function.body, expected: indexType(function.returnType), scope: scope)
            case .rule(let rule):
                indexRule(rule)
            }
        }
    }

    mutating func indexRule(_ rule: RuleDeclaration) {
        add(.rule(rule.id.name), rule.id.span, declaration: true)
        var scope = Scope()
        let placement = Local(name: "placement", type: .named(SchemaContract.placement), declaration: rule.id.span)
        scope.locals.append(placement)
        localTypes[rule.id.span] = placement.type
        if let (variable, collection) = rule.forEach {
            let element = infer(collection, expected: nil, scope: scope)?.element
            scope.locals.append(declareLocal(variable, type: element))
        }
        if let condition = rule.condition { _ = infer(condition, expected: .named("bool"), scope: scope) }
        if let subject = rule.subject { _ = infer(subject, expected: nil, scope: scope) }
        _ = infer(rule.message, expected: .named("string"), scope: scope)
    }

    mutating func declareLocal(_ name: Identifier, type: IndexType?) -> Local {
        add(.local(name: name.name, declaration: name.span), name.span, declaration: true)
        if let type { localTypes[name.span] = type }
        return Local(name: name.name, type: type, declaration: name.span)
    }

    /// A written type, with an occurrence for each type name in it.
    mutating func indexType(_ syntax: TypeSyntax) -> IndexType {
        switch syntax {
        case .named(let identifier):
            if !IndexDeclarations.builtinTypes.contains(identifier.name) { add(.type(identifier.name), identifier.span) }
        case .set(let element, _), .list(let element, _), .optional(let element, _):
            _ = indexType(element)
        case .map(let key, let value, _):
            _ = indexType(key)
            _ = indexType(value)
        }
        return IndexType(syntax)
    }

    func isValueName(_ name: String, _ scope: Scope) -> Bool {
        scope.local(name) != nil || declarations.constants[name] != nil || name == "today"
            || (scope.implicitRecord.map { declarations.field(name, of: $0) != nil } ?? false)
    }

    /// Whether an expression is a case name that takes its enum from the other operand.
    func needsContext(_ expression: Expression, _ scope: Scope) -> Bool {
        switch expression.kind {
        case .name(let name): !isValueName(name, scope) && declarations.functions[name] == nil && !declarations.isType(name)
        case .member: path(of: expression).map { !isValueName($0[0].name, scope) && !declarations.isType($0[0].name) } ?? false
        case .caseGroup: true
        case .collection(let items): items.contains { needsContext($0, scope) }
        default: false
        }
    }

    func path(of expression: Expression) -> [Identifier]? {
        switch expression.kind {
        case .name(let name): [Identifier(name, span: expression.span)]
        case .member(let base, let member): path(of: base).map { $0 + [member] }
        default: nil
        }
    }

    func locals(_ scope: Scope) -> [(name: String, type: IndexType?)] {
        var seen: Set<String> = []
        return scope.locals.reversed().filter { seen.insert($0.name).inserted }.map { ($0.name, $0.type) }
    }

    /// The case `name` of the expected enum (or an enum it includes), else of the one enum that declares it.
    func resolveCase(_ name: String, expected: IndexType?) -> String? {
        if let enumeration = declarations.isEnumeration(expected), let owner = declarations.owner(ofCase: name, in: enumeration) {
            return owner
        }
        return declarations.soleOwner(ofCase: name)
    }

    /// Indexes an expression and returns its type, when the index can tell.
    mutating func infer(_ expression: Expression, expected: IndexType?, scope: Scope) -> IndexType? {
        switch expression.kind {
        case .name(let name):
            return inferName(name, span: expression.span, expected: expected, scope: scope)
        case .member(let base, let member):
            return inferMember(base, member, expression: expression, expected: expected, scope: scope)
        case .caseGroup(let base):
            if let parts = path(of: base), declarations.enumerations[parts[0].name] != nil, !isValueName(parts[0].name, scope) {
                add(.type(parts[0].name), parts[0].span)
                return .set(.named(parts[0].name))
            }
            return expected
        case .call(let name, let arguments):
            if name.name == "count" {
                for argument in arguments { _ = infer(argument, expected: nil, scope: scope) }
                return .named("number")
            }
            let function = declarations.functions[name.name]
            if function != nil { add(.function(name.name), name.span) }
            for (position, argument) in arguments.enumerated() {
                let parameter = function.flatMap { position < $0.parameters.count ? IndexType($0.parameters[position].type) : nil }
                _ = infer(argument, expected: parameter, scope: scope)
            }
            return function.map { IndexType($0.returnType) }
        case .index(let base, let key):
            let baseType = infer(base, expected: nil, scope: scope)
            if case .map(let keyType, let valueType)? = baseType?.unwrapped {
                _ = infer(key, expected: keyType, scope: scope)
                return .optional(valueType)
            }
            _ = infer(key, expected: nil, scope: scope)
            return nil
        case .bool: return .named("bool")
        case .number: return .named("number")
        case .date: return .named("date")
        case .string(let parts):
            for case .interpolation(let inner) in parts { _ = infer(inner, expected: nil, scope: scope) }
            return .named("string")
        case .collection(let items):
            let element = expected?.element
            var found: IndexType?
            for item in items { found = infer(item, expected: element ?? found, scope: scope) ?? found }
            if case .list? = expected?.unwrapped { return (element ?? found).map(IndexType.list) }
            return (element ?? found).map(IndexType.set)
        case .mapLiteral(let pairs):
            var keyType: IndexType?, valueType: IndexType?
            if case .map(let key, let value)? = expected?.unwrapped { (keyType, valueType) = (key, value) }
            for pair in pairs {
                _ = infer(pair.key, expected: keyType, scope: scope)
                _ = infer(pair.value, expected: valueType, scope: scope)
            }
            return expected
        case .recordLiteral(let fields):
            let record = expected?.name
            for field in fields {
                var type: IndexType?
                if let record, let declaration = declarations.field(field.name.name, of: record) {
                    add(.field(type: record, field: field.name.name), field.name.span)
                    type = IndexType(declaration.type)
                }
                _ = infer(field.value, expected: type, scope: scope)
            }
            return expected
        case .unary(let op, let operand):
            return infer(operand, expected: op == .not ? .named("bool") : .named("number"), scope: scope)
        case .binary(let op, let lhs, let rhs):
            return inferBinary(op, lhs, rhs, expected: expected, scope: scope)
        case .test(let operand, _):
            _ = infer(operand, expected: nil, scope: scope)
            return .named("bool")
        case .conditional(let condition, let thenBranch, let elseBranch):
            _ = infer(condition, expected: .named("bool"), scope: scope)
            let type = infer(thenBranch, expected: expected, scope: scope)
            return infer(elseBranch, expected: expected ?? type, scope: scope) ?? type
        case .quantifier(_, let variable, let collection, let body):
            let element = infer(collection, expected: nil, scope: scope)?.element
            var inner = scope
            inner.locals.append(declareLocal(variable, type: element))
            _ = infer(body, expected: .named("bool"), scope: inner)
            return .named("bool")
        }
    }

    mutating func inferBinary(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression, expected: IndexType?, scope: Scope) -> IndexType? {
        switch op {
        case .and, .or:
            _ = infer(lhs, expected: .named("bool"), scope: scope)
            _ = infer(rhs, expected: .named("bool"), scope: scope)
            return .named("bool")
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            if needsContext(lhs, scope) {
                let right = infer(rhs, expected: nil, scope: scope)
                _ = infer(lhs, expected: right?.unwrapped, scope: scope)
            } else {
                let left = infer(lhs, expected: nil, scope: scope)
                _ = infer(rhs, expected: left?.unwrapped, scope: scope)
            }
            return .named("bool")
        case .in, .notIn:
            if needsContext(lhs, scope) {
                let collection = infer(rhs, expected: nil, scope: scope)
                let element: IndexType? = if case .map(let key, _)? = collection?.unwrapped { key } else { collection?.element }
                _ = infer(lhs, expected: element, scope: scope)
            } else {
                let element = infer(lhs, expected: nil, scope: scope)?.unwrapped
                _ = infer(rhs, expected: element.map(IndexType.set), scope: scope)
            }
            return .named("bool")
        case .plus, .minus, .times, .divide:
            _ = infer(lhs, expected: .named("number"), scope: scope)
            _ = infer(rhs, expected: .named("number"), scope: scope)
            return .named("number")
        case .union, .intersect, .except:
            let left = infer(lhs, expected: expected, scope: scope)
            let right = infer(rhs, expected: left ?? expected, scope: scope)
            return left ?? right
        }
    }

    mutating func inferName(_ name: String, span: Span, expected: IndexType?, scope: Scope) -> IndexType? {
        nameSites.append(NameSite(span: span, expected: expected, locals: locals(scope)))
        if let local = scope.local(name) {
            add(.local(name: name, declaration: local.declaration), span)
            return local.type
        }
        if let record = scope.implicitRecord, let field = declarations.field(name, of: record) {
            add(.field(type: record, field: name), span)
            return IndexType(field.type)
        }
        if let enumeration = declarations.isEnumeration(expected), let owner = declarations.owner(ofCase: name, in: enumeration) {
            add(.enumCase(type: owner, case: name), span)
            return .named(enumeration)
        }
        if let constant = declarations.constants[name] {
            add(.constant(name), span)
            return IndexType(constant.type)
        }
        if name == "today" { return .named("date") }
        if declarations.isType(name) {
            add(.type(name), span)
            return nil
        }
        if declarations.functions[name] != nil {
            add(.function(name), span)
            return nil
        }
        if let owner = resolveCase(name, expected: expected) {
            add(.enumCase(type: owner, case: name), span)
            return .named(owner)
        }
        return nil
    }

    mutating func inferMember(_ base: Expression, _ member: Identifier, expression: Expression, expected: IndexType?, scope: Scope) -> IndexType? {
        if let parts = path(of: expression), !isValueName(parts[0].name, scope) {
            if declarations.enumerations[parts[0].name] != nil {
                let caseName = parts.dropFirst().map(\.name).joined(separator: ".")
                add(.type(parts[0].name), parts[0].span)
                if let owner = declarations.owner(ofCase: caseName, in: parts[0].name) {
                    add(.enumCase(type: owner, case: caseName), parts[1].span.to(member.span))
                }
                nameSites.append(NameSite(span: parts[1].span.to(member.span), expected: .named(parts[0].name), locals: []))
                return .named(parts[0].name)
            }
            let caseName = parts.map(\.name).joined(separator: ".")
            if declarations.functions[parts[0].name] == nil, declarations.records[parts[0].name] == nil {
                nameSites.append(NameSite(span: expression.span, expected: expected, locals: locals(scope)))
                if let owner = resolveCase(caseName, expected: expected) {
                    add(.enumCase(type: owner, case: caseName), expression.span)
                    return .named(owner)
                }
            }
        }
        guard let baseType = infer(base, expected: nil, scope: scope)?.unwrapped else { return nil }
        memberSites.append(MemberSite(span: member.span, baseType: baseType))
        guard let record = baseType.name, let field = declarations.field(member.name, of: record) else { return nil }
        add(.field(type: record, field: member.name), member.span)
        return IndexType(field.type)
    }
}
