// The parser's declarations: enums, records, constants and definitions; recovery at the next declaration.

extension Parser {

    static let declarationWords: Set<String> = ["enum", "ordered", "record", "const", "def", "rule"]

    mutating func parseFile() -> PolicyFileSyntax {
        var declarations: [Declaration] = []
        while !atEnd {
            let start = index
            do {
                declarations.append(try parseDeclaration())
            } catch {
                synchronize(from: start)
            }
        }
        return PolicyFileSyntax(fileID: fileID, declarations: declarations)
    }

    /// Skips to the next declaration that starts a line, past the one that failed at `start`.
    mutating func synchronize(from start: Int) {
        if index == start { advance() }
        while !atEnd {
            if case .identifier(let word) = current.kind, Parser.declarationWords.contains(word) || word == "value",
               source.lineAndColumn(of: current.span.start).column == 1 {
                return
            }
            advance()
        }
    }

    mutating func parseDeclaration() throws -> Declaration {
        let documentation = documentation(before: current.span.start)
        if isWord("value"), case .identifier("record") = peek(1).kind {
            let value = advance().span
            var record = try parseRecord()
            record.isValue = true
            record.span = value.to(record.span)
            return .record(record)
        }
        guard case .identifier(let word) = current.kind, Parser.declarationWords.contains(word) else {
            var suggestion: String?
            if case .identifier(let word) = current.kind { suggestion = Suggestion.closest(to: word, in: Parser.declarationWords.sorted()) }
            let location = source.location(of: current.span)
            let fixIts = suggestion.map { [Diagnostic.FixIt(replacing: location, range: current.span, with: $0)] } ?? []
            let message = "expected a declaration (enum, record, const, def or rule), found \(current.kind)\(Suggestion.hint(suggestion))"
            bag.add(Diagnostic(id: "syntax.unexpectedToken", message: message, location: location, fixIts: fixIts))
            throw Failure()
        }
        switch word {
        case "enum", "ordered": return .enumeration(try parseEnum())
        case "record": return .record(try parseRecord())
        case "const":
            var constant = try parseConstant()
            constant.documentation = documentation
            return .constant(constant)
        case "def":
            var function = try parseFunction()
            function.documentation = documentation
            return .function(function)
        default:
            var rule = try parseRule()
            rule.documentation = documentation
            return .rule(rule)
        }
    }

    mutating func parseEnum() throws -> EnumDeclaration {
        let start = current.span
        var ordered = false
        if isWord("ordered") {
            ordered = true
            advance()
        }
        try expectWord("enum", "after 'ordered'")
        let name = try expectIdentifier("an enum name")
        var includes: Identifier?
        if isWord("includes") {
            advance()
            includes = try expectIdentifier("the name of the enum to include")
        }
        _ = try expect(.leftBrace, "to open the enum's cases")
        var cases: [Identifier] = []
        while !isSymbol(.rightBrace), !atRemovedLine {
            cases.append(try parseDottedName("a case name"))
            if isSymbol(.comma) { advance() } else { break }
        }
        var removed: [RemovedCaseDeclaration] = []
        while atRemovedLine {
            advance()
            let old = try parseDottedName("the removed case's name")
            var revision: Int?
            if isKeyword(.in) {
                advance()
                try expectWord("revision", "after 'in' in a 'removed' line")
                guard case .number(let number) = current.kind, number >= 1, number == number.rounded(), number < 1e9 else {
                    throw fail("expected a revision number after 'revision', found \(current.kind)")
                }
                revision = Int(number)
                advance()
            }
            _ = try expect(.colon, "and the cases that replace '\(old.name)'")
            var replacements = [try parseDottedName("a case that replaces '\(old.name)'")]
            while isSymbol(.comma) {
                advance()
                if isSymbol(.rightBrace) || atRemovedLine { break }
                replacements.append(try parseDottedName("a case that replaces '\(old.name)'"))
            }
            removed.append(RemovedCaseDeclaration(name: old, revision: revision, replacements: replacements))
        }
        let close = try expect(.rightBrace, "to close the enum's cases")
        return EnumDeclaration(name: name, ordered: ordered, includes: includes, cases: cases, removed: removed,
                               span: start.to(close.span))
    }

    /// `removed` followed by a case name starts a removal line (a case may still be named `removed`).
    var atRemovedLine: Bool {
        guard isWord("removed"), case .identifier = peek(1).kind else { return false }
        return true
    }

    /// A name with dots, written without spaces: `annex3.employment`, `gdpr.lawful-basis`.
    mutating func parseDottedName(_ what: String, allowHyphens: Bool = false) throws -> Identifier {
        let first = try expectIdentifier(what)
        var name = first.name
        var span = first.span
        while (isSymbol(.dot) || (allowHyphens && isSymbol(.minus))), current.span.start == span.end {
            let separator = advance()
            guard current.span.start == separator.span.end else {
                throw fail("expected the rest of \(what) right after '\(name)\(source.text(of: separator.span))'")
            }
            switch current.kind {
            case .identifier(let part):
                name += source.text(of: separator.span) + part
            case .keyword(let keyword):
                name += source.text(of: separator.span) + keyword.rawValue
            default:
                throw fail("expected the rest of \(what) after '\(name)\(source.text(of: separator.span))'")
            }
            span = span.to(advance().span)
        }
        return Identifier(name, span: span)
    }

    mutating func parseRecord() throws -> RecordDeclaration {
        let start = advance().span
        let name = try expectIdentifier("a record name")
        _ = try expect(.leftBrace, "to open the record's fields")
        var fields: [FieldDeclaration] = []
        while !isSymbol(.rightBrace), !atEnd {
            let documentation = documentation(before: current.span.start)
            let fieldName = try expectIdentifier("a field name")
            _ = try expect(.colon, "after the field name '\(fieldName.name)'")
            let type = try parseType()
            var defaultValue: Expression?
            if isSymbol(.equal) {
                advance()
                defaultValue = try parseExpression()
            }
            var requiredWhen: Expression?
            if isWord("required") {
                advance()
                try expectWord("when", "after 'required'")
                requiredWhen = try parseExpression()
            }
            fields.append(FieldDeclaration(name: fieldName, type: type, defaultValue: defaultValue, requiredWhen: requiredWhen,
                                           documentation: documentation))
            if isSymbol(.comma) { advance() }
        }
        let close = try expect(.rightBrace, "to close the record")
        return RecordDeclaration(name: name, fields: fields, span: start.to(close.span))
    }

    mutating func parseConstant() throws -> ConstantDeclaration {
        advance()
        let name = try expectIdentifier("a constant name")
        _ = try expect(.colon, "and a type after the constant name")
        let type = try parseType()
        _ = try expect(.equal, "before the constant's value")
        let value = try parseExpression()
        return ConstantDeclaration(name: name, type: type, value: value)
    }

    mutating func parseFunction() throws -> FunctionDeclaration {
        advance()
        let name = try expectIdentifier("a definition name")
        _ = try expect(.leftParen, "to open the parameter list")
        var parameters: [Parameter] = []
        while !isSymbol(.rightParen) {
            let parameterName = try expectIdentifier("a parameter name")
            _ = try expect(.colon, "after the parameter name")
            parameters.append(Parameter(name: parameterName, type: try parseType()))
            if isSymbol(.comma) { advance() } else { break }
        }
        _ = try expect(.rightParen, "to close the parameter list")
        _ = try expect(.colon, "and a result type")
        let returnType = try parseType()
        _ = try expect(.equal, "before the definition's body")
        let body = try parseExpression()
        return FunctionDeclaration(name: name, parameters: parameters, returnType: returnType, body: body)
    }
}
