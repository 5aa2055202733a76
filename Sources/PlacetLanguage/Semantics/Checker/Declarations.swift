// Declarations and recursion: enums, constants, definitions, type names, uses of today, and cycles.

extension TypeChecker {
    mutating func declareEnumerations(_ declarations: [EnumDeclaration]) {
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
                    checker.unknownName("type.unknownType", "unknown enum '\(base.name)'", word: base.name, in: byName.keys, base.span)
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

    mutating func checkConstant(_ index: Int) {
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

    mutating func declareFunctions() {
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
                location: location(declaration.name.span), documentation: declaration.documentation))
        }
        callEdges = Array(repeating: [], count: functionDeclarations.count)
    }

    mutating func noteTodayUse() {
        todayUses += 1
        if let function = currentFunction { todayFunctions.insert(function) }
    }

    /// A definition called from `required when` that uses `today`, itself or through the
    /// definitions it calls.
    mutating func reportTodayInRequiredWhen() {
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

    mutating func checkFunctionBody(_ index: Int) {
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
        functions[index].body = traceLeaves(body, declaration.body, type: definition.returnType)
        functions[index].frameSize = maxSlot
    }

    mutating func reportRecursion() {
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

    // MARK: Types

    mutating func resolveType(_ syntax: TypeSyntax) -> PlacetType {
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
                unknownName("type.unknownType", "unknown type '\(name.name)'", word: name.name, in: candidates, name.span)
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
}
