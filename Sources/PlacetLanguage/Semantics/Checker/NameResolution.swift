// Name resolution: scopes, identifiers, member reads, enum cases in context, and did-you-mean.

extension TypeChecker {
    struct Local {
        let name: String
        let type: PlacetType
        let slot: Int
    }

    /// What names mean at one point of an expression.
    struct Scope {
        var locals: [Local] = []
        /// Structural keys of optional expressions known to be present here.
        var present: Set<String> = []
        /// For `required when`: bare field names refer to the record in slot 0.
        var implicitRecord: Int?
        var inInterpolation = false

        func local(_ name: String) -> Local? { locals.last { $0.name == name } }
    }

    func expectedEnumeration(_ expected: PlacetType?) -> Int? {
        guard let expected else { return nil }
        if case .enumeration(let index) = expected.unwrapped { return index }
        return nil
    }

    /// The dotted path of a name or member chain: `a.b.c`.
    func path(of expression: Expression) -> [Identifier]? {
        switch expression.kind {
        case .name(let name): return [Identifier(name, span: expression.span)]
        case .member(let base, let member): return path(of: base).map { $0 + [member] }
        default: return nil
        }
    }

    func isValueName(_ name: String, _ scope: Scope) -> Bool {
        scope.local(name) != nil || constantIndex[name] != nil || name == "today"
            || (scope.implicitRecord.map { schema.records[$0].fieldIndex[name] != nil } ?? false)
    }

    /// Whether an expression is a case name whose enum must come from its surroundings:
    /// `health`, `annex3.employment`, `prohibited.*`, `[health, biometric]`.
    func needsContext(_ expression: Expression, _ scope: Scope) -> Bool {
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

    /// A case name with no expected type: a case of the one enum that declares it (a case that
    /// came through `includes` belongs to the included enum), or an error naming the choices
    /// when several do. Nil when no enum has the case.
    mutating func caseWithoutContext(_ name: String, span: Span) -> (BoundExpression, PlacetType)? {
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
    mutating func reportUnknownCase(_ caseName: String, of enumIndex: Int, at span: Span) {
        let enumeration = schema.enumerations[enumIndex]
        if let guidance = enumeration.removalMessage(caseName) {
            error("type.removedCase", guidance, span)
            return
        }
        unknownName("type.unknownCase", "unknown case '\(caseName)' of \(enumeration.name)", word: caseName, in: enumeration.cases, span)
    }

    mutating func reportUnknownValueRecordField(_ member: Identifier, valueRecord index: Int) {
        let record = schema.valueRecords[index]
        if redeclaredFields[record.name]?.contains(member.name) == true { return }
        unknownName("type.unknownField", "unknown field '\(member.name)' on \(record.name)", word: member.name,
                    in: record.fields.map(\.name), member.span)
    }

    mutating func reportUnknownField(_ member: Identifier, record recordIndex: Int) {
        let record = schema.records[recordIndex]
        if redeclaredFields[record.name]?.contains(member.name) == true { return }
        unknownName("type.unknownField", "unknown field '\(member.name)' on \(record.name)", word: member.name,
                    in: record.fields.map(\.name), member.span)
    }

    /// A bare name: a local, a field in `required when`, a case the context expects, a constant, `today`,
    /// or a case of the one enum that has it.
    mutating func inferName(_ name: String, expression: Expression, expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        let span = expression.span
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
            unknownName("type.unknownInterpolation", "unknown name '\(name)' in interpolation", word: name, in: candidates, span)
        } else {
            unknownName("type.unknownIdentifier", "unknown identifier '\(name)'", word: name, in: candidates, span)
        }
        return (.literal(.absent), .error)
    }

    /// `a.b`: a qualified or contextual enum case, or a field of a record or value record.
    mutating func inferMember(_ base: Expression, _ member: Identifier, expression: Expression, expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        let span = expression.span
        // Qualified or contextual enum cases: `Location.EU`, `UseCase.annex3.employment`, `annex3.employment`.
        if let parts = path(of: expression), !isValueName(parts[0].name, scope) {
            if let enumIndex = schema.enumerationIndex[parts[0].name] {
                let caseName = parts.dropFirst().map(\.name).joined(separator: ".")
                let enumeration = schema.enumerations[enumIndex]
                if let caseIndex = enumeration.caseIndex[caseName] {
                    return (.literal(.enumCase(caseIndex)), .enumeration(enumIndex))
                }
                let caseSpan = parts[1].span.to(member.span)  // `member` is the path's last part
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
    }

    /// `prohibited.*`: the set of cases that start with a prefix.
    mutating func inferCaseGroup(_ base: Expression, expression: Expression, expected: PlacetType?, scope: Scope) -> (BoundExpression, PlacetType) {
        let span = expression.span
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
    }
}
