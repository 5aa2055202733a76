// Records and value records: their fields, field defaults and `required when`, and record literals.

extension TypeChecker {
    mutating func declareRecords(_ declarations: [RecordDeclaration], valueRecords: [RecordDeclaration]) {
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

    func containsValueRecord(_ type: PlacetType) -> Bool {
        switch type {
        case .valueRecord: true
        case .set(let inner), .list(let inner), .optional(let inner): containsValueRecord(inner)
        case .map(let key, let value): containsValueRecord(key) || containsValueRecord(value)
        default: false
        }
    }

    mutating func declareFields(_ declaration: RecordDeclaration) -> ([Field], [String: Int]) {
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

    mutating func checkFieldDefaults(_ declarations: [RecordDeclaration], valueRecords: Bool) {
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

    func isConstantExpression(_ expression: Expression) -> Bool {
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

    /// `{from: 2000-07-26, decision: "..."}` against the value record the context expects.
    mutating func checkRecordLiteral(_ given: [(name: Identifier, value: Expression)], expression: Expression,
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
        let names = missing.map { "'\($0)'" }
        if let last = names.last {
            let list = names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
            error("type.missingLiteralField",
                  "\(record.name) literal is missing the required field\(names.count == 1 ? "" : "s") \(list)", expression.span)
        }
        return (.structure(bound), .valueRecord(recordIndex))
    }
}
