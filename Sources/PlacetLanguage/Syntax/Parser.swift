// The parser: tokens to a syntax tree, by recursive descent. It recovers at the next
// declaration after an error, so one run reports every syntax error of a file.
//
//   file        := declaration*
//   declaration := enum | record | const | def | rule
//   enum        := ["ordered"] "enum" Name ["includes" Name] "{" case ("," case)* [","] removed* "}"
//   removed     := "removed" case ["in" "revision" integer] ":" case ("," case)*
//   record      := ["value"] "record" Name "{" (field)* "}"
//   field       := name ":" type ["=" expr] ["required" "when" expr]
//   const       := "const" NAME ":" type "=" expr
//   def         := "def" name "(" params ")" ":" type "=" expr
//   rule        := "rule" rule-id ("effect" ("block"|"warn") ["unwaivable"] | "cites" string, ...
//                  | "effective" date | "for" "each" x "in" expr | "when" expr
//                  | "subject" expr | "message" string)*
//   record-lit  := "{" [name ":" expr ("," name ":" expr)* [","]] "}"
//   type        := ("set" "of" type | "list" "of" type | "map" "of" type "to" type | Name) ["?"]

public struct Parser {
    private let source: SourceFile
    private let fileID: Int
    private var tokens: [Token]
    private var index = 0
    private var depth = 0
    public private(set) var diagnostics: [Diagnostic] = []
    /// The file's `#` comments in the order read (those inside interpolations last); the syntax
    /// tree does not hold them.
    public private(set) var comments: [SourceComment] = []
    /// Comments alone on their line, by line number: the source of documentation.
    private var commentLines: [Int: String] = [:]

    /// Deeper nesting than this is refused, so hostile input cannot exhaust the stack.
    public static let maximumDepth = 64

    struct Failure: Error {}

    public init(source: SourceFile, fileID: Int) {
        self.source = source
        self.fileID = fileID
        var lexer = Lexer(source: source, fileID: fileID)
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
        self.comments = lexer.comments
        for comment in comments where !comment.isTrailing {
            commentLines[source.lineAndColumn(of: comment.offset).line] = comment.text
        }
    }

    /// The `#` lines directly above the token at `offset` (no blank line between), each without
    /// its `#` and one space, joined with spaces.
    private func documentation(before offset: Int) -> String {
        var line = source.lineAndColumn(of: offset).line - 1
        var lines: [String] = []
        while let text = commentLines[line] {
            var body = Substring(text.dropFirst())
            if body.first == " " { body = body.dropFirst() }
            lines.append(String(body))
            line -= 1
        }
        var text = Substring(lines.reversed().joined(separator: " "))
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }

    private init(source: SourceFile, fileID: Int, range: Range<Int>, depth: Int) {
        self.source = source
        self.fileID = fileID
        var lexer = Lexer(source: source, fileID: fileID, range: range)
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
        self.comments = lexer.comments
        self.depth = depth
    }

    public static func parse(_ source: SourceFile, fileID: Int) -> (PolicyFileSyntax, [Diagnostic]) {
        var parser = Parser(source: source, fileID: fileID)
        let file = parser.parseFile()
        return (file, parser.diagnostics)
    }

    /// Parses a file and also returns its comments, for tools that print source back.
    public static func parseKeepingComments(_ source: SourceFile, fileID: Int)
        -> (file: PolicyFileSyntax, comments: [SourceComment], diagnostics: [Diagnostic]) {
        var parser = Parser(source: source, fileID: fileID)
        let file = parser.parseFile()
        // Comments inside `{interpolations}` are read while parsing, after the rest.
        return (file, parser.comments.sorted { $0.offset < $1.offset }, parser.diagnostics)
    }

    /// Parses a single expression (used by tests and tools).
    public static func parseExpression(_ source: SourceFile, fileID: Int) -> (Expression?, [Diagnostic]) {
        var parser = Parser(source: source, fileID: fileID)
        let expression = try? parser.parseExpression()
        if expression != nil, !parser.atEnd {
            parser.report("expected end of expression, found \(parser.current.kind)", parser.current.span)
        }
        return (expression, parser.diagnostics)
    }

    // MARK: Token access

    private var current: Token { tokens[index] }
    private var atEnd: Bool { current.kind == .endOfFile }

    private func peek(_ ahead: Int) -> Token {
        tokens[min(index + ahead, tokens.count - 1)]
    }

    @discardableResult
    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func isWord(_ word: String) -> Bool {
        if case .identifier(let name) = current.kind { return name == word }
        return false
    }

    private func isSymbol(_ symbol: Symbol) -> Bool {
        current.kind == .symbol(symbol)
    }

    private func isKeyword(_ keyword: Keyword) -> Bool {
        current.kind == .keyword(keyword)
    }

    private mutating func report(_ message: String, _ span: Span, id: String = "syntax.unexpectedToken") {
        diagnostics.append(Diagnostic(id: id, message: message, location: source.location(of: span)))
    }

    private mutating func fail(_ message: String) -> Failure {
        report(message, current.span)
        return Failure()
    }

    private mutating func expect(_ symbol: Symbol, _ context: String) throws -> Token {
        guard isSymbol(symbol) else { throw fail("expected '\(symbol.rawValue)' \(context), found \(current.kind)") }
        return advance()
    }

    @discardableResult
    private mutating func expectWord(_ word: String, _ context: String) throws -> Token {
        guard isWord(word) else { throw fail("expected '\(word)' \(context), found \(current.kind)") }
        return advance()
    }

    private mutating func expectIdentifier(_ context: String) throws -> Identifier {
        guard case .identifier(let name) = current.kind else {
            throw fail("expected \(context), found \(current.kind)")
        }
        return Identifier(name, span: advance().span)
    }

    // MARK: Declarations

    static let declarationWords: Set<String> = ["enum", "ordered", "record", "const", "def", "rule"]
    static let clauseWords: Set<String> = ["effect", "cites", "effective", "for", "when", "subject", "message"]

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
    private mutating func synchronize(from start: Int) {
        if index == start { advance() }
        while !atEnd {
            if case .identifier(let word) = current.kind, Parser.declarationWords.contains(word) || word == "value",
               source.lineAndColumn(of: current.span.start).column == 1 {
                return
            }
            advance()
        }
    }

    private mutating func parseDeclaration() throws -> Declaration {
        let documentation = documentation(before: current.span.start)
        if isWord("value"), case .identifier("record") = peek(1).kind {
            let value = advance().span
            var record = try parseRecord()
            record.isValue = true
            record.span = value.to(record.span)
            return .record(record)
        }
        guard case .identifier(let word) = current.kind, Parser.declarationWords.contains(word) else {
            var hint = ""
            if case .identifier(let word) = current.kind { hint = Suggestion.didYouMean(word, in: Parser.declarationWords.sorted()) }
            throw fail("expected a declaration (enum, record, const, def or rule), found \(current.kind)\(hint)")
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

    private mutating func parseEnum() throws -> EnumDeclaration {
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
    private var atRemovedLine: Bool {
        guard isWord("removed"), case .identifier = peek(1).kind else { return false }
        return true
    }

    /// A name with dots, written without spaces: `annex3.employment`, `gdpr.lawful-basis`.
    private mutating func parseDottedName(_ what: String, allowHyphens: Bool = false) throws -> Identifier {
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

    private mutating func parseRecord() throws -> RecordDeclaration {
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

    private mutating func parseType() throws -> TypeSyntax {
        depth += 1
        defer { depth -= 1 }
        guard depth < Parser.maximumDepth else { throw fail("type nested too deeply") }
        let start = current.span
        var type: TypeSyntax
        if (isWord("set") || isWord("list")), case .identifier("of") = peek(1).kind {
            let isSet = isWord("set")
            advance()
            advance()
            let element = try parseType()
            type = isSet ? .set(element, start.to(element.span)) : .list(element, start.to(element.span))
        } else if isWord("map"), case .identifier("of") = peek(1).kind {
            advance()
            advance()
            let key = try parseType()
            try expectWord("to", "between a map's key and value types")
            let value = try parseType()
            type = .map(key, value, start.to(value.span))
        } else {
            type = .named(try expectIdentifier("a type"))
        }
        if isSymbol(.question) {
            let mark = advance()
            type = .optional(type, start.to(mark.span))
        }
        return type
    }

    private mutating func parseConstant() throws -> ConstantDeclaration {
        advance()
        let name = try expectIdentifier("a constant name")
        _ = try expect(.colon, "and a type after the constant name")
        let type = try parseType()
        _ = try expect(.equal, "before the constant's value")
        let value = try parseExpression()
        return ConstantDeclaration(name: name, type: type, value: value)
    }

    private mutating func parseFunction() throws -> FunctionDeclaration {
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

    private mutating func parseRule() throws -> RuleDeclaration {
        let start = advance().span
        let id = try parseDottedName("a rule id", allowHyphens: true)
        var effect: (Effect, Span)?
        var unwaivable = false
        var citations: [String] = []
        var effective: CivilDate?
        var forEach: (Identifier, Expression)?
        var condition: Expression?
        var subject: Expression?
        var message: Expression?
        var seen: Set<String> = []
        var end = id.span
        var skippedClause = false
        var previousClause: String?
        clauses: while case .identifier(let word) = current.kind {
            let clauseSpan = current.span
            switch word {
            case _ where Parser.clauseWords.contains(word):
                if seen.contains(word) {
                    report("rule '\(id.name)' has more than one '\(word)' clause", clauseSpan, id: "syntax.duplicateClause")
                }
                seen.insert(word)
            case _ where Parser.declarationWords.contains(word) || source.lineAndColumn(of: clauseSpan.start).column == 1:
                // The next declaration, or a misspelt one: not this rule's business.
                break clauses
            default:
                // A misspelt clause: say so where it is, skip to the next clause and keep reading the rule.
                var valid = Parser.clauseWords.subtracting(seen)
                if previousClause == "effect", !unwaivable { valid.insert("unwaivable") }
                diagnostics.append(.unknownClause(word, suggestion: Suggestion.closest(to: word, in: valid.sorted()),
                                                  at: source.location(of: clauseSpan)))
                skippedClause = true
                previousClause = nil
                skipToNextClause()
                continue clauses
            }
            previousClause = word
            advance()
            switch word {
            case "effect":
                let effectName = try expectIdentifier("'block' or 'warn'")
                guard let value = Effect(rawValue: effectName.name) else {
                    report("unknown effect '\(effectName.name)'; expected 'block' or 'warn'", effectName.span, id: "syntax.unknownEffect")
                    throw Failure()
                }
                effect = (value, effectName.span)
                end = effectName.span
                if isWord("unwaivable") {
                    unwaivable = true
                    end = advance().span
                }
            case "cites":
                repeat {
                    if isSymbol(.comma) { advance() }
                    guard current.kind == .string else { throw fail("expected a citation string, found \(current.kind)") }
                    let token = advance()
                    citations.append(try plainString(token))
                    end = token.span
                } while isSymbol(.comma)
            case "effective":
                guard case .date(let date) = current.kind else { throw fail("expected a date (YYYY-MM-DD) after 'effective'") }
                effective = date
                end = advance().span
            case "for":
                try expectWord("each", "after 'for'")
                let variable = try expectIdentifier("a variable name after 'for each'")
                guard isKeyword(.in) else { throw fail("expected 'in' after 'for each \(variable.name)'") }
                advance()
                let collection = try parseExpression()
                forEach = (variable, collection)
                end = collection.span
            case "when":
                let expression = try parseExpression()
                condition = expression
                end = expression.span
            case "subject":
                let expression = try parseExpression()
                subject = expression
                end = expression.span
            default:
                guard current.kind == .string else { throw fail("expected a message string, found \(current.kind)") }
                let expression = try parsePrimary()
                message = expression
                end = expression.span
            }
        }
        // The misspelt clause was reported; a missing clause now would be the same mistake again.
        if skippedClause, effect == nil || message == nil { throw Failure() }
        guard let effect else {
            report("rule '\(id.name)' has no 'effect' clause (block or warn)", id.span, id: "syntax.missingClause")
            throw Failure()
        }
        guard let message else {
            report("rule '\(id.name)' has no 'message' clause", id.span, id: "syntax.missingClause")
            throw Failure()
        }
        // A word at the start of a line is the next declaration, perhaps misspelt: the file reports it.
        let startsDeclaration: Bool = {
            if case .identifier = current.kind { return source.lineAndColumn(of: current.span.start).column == 1 }
            return false
        }()
        if !atEnd, !startsDeclaration, !(current.kind.isDeclarationStart) {
            throw fail("expected a rule clause (effect, cites, effective, for each, when, subject, message) or a new declaration, found \(current.kind)")
        }
        // A rule read without one of its clauses would be checked as something it does not say.
        if skippedClause { throw Failure() }
        return RuleDeclaration(
            id: id, effect: effect.0, effectSpan: effect.1, unwaivable: unwaivable, citations: citations,
            effective: effective, forEach: forEach, condition: condition, subject: subject, message: message,
            span: start.to(end))
    }

    /// Skips a misspelt clause's words up to the next clause or declaration word (not one after a
    /// dot, which is a field name).
    private mutating func skipToNextClause() {
        advance()
        while !atEnd {
            if case .identifier(let word) = current.kind,
               Parser.clauseWords.contains(word) || Parser.declarationWords.contains(word),
               tokens[index - 1].kind != .symbol(.dot) {
                return
            }
            advance()
        }
    }

    /// After `and`, `or` or `not`: true when nothing follows, either the input ends or the next
    /// words are a rule clause or a declaration (`message "..."`, `effect block`, `rule x`),
    /// which no expression can be.
    private func operandIsMissing() -> Bool {
        switch current.kind {
        case .endOfFile:
            return true
        case .identifier(let word):
            guard Parser.clauseWords.contains(word) || Parser.declarationWords.contains(word) else { return false }
            switch peek(1).kind {
            case .identifier, .string, .number, .date, .endOfFile: return true
            case .keyword(let keyword): return [.true, .false, .some, .all, .if].contains(keyword)
            default: return false
            }
        default:
            return false
        }
    }

    private mutating func plainString(_ token: Token) throws -> String {
        let parts = try stringParts(token)
        var text = ""
        for part in parts {
            guard case .text(let piece) = part else {
                report("a citation cannot interpolate values", token.span)
                throw Failure()
            }
            text += piece
        }
        return text
    }

    // MARK: Expressions

    public mutating func parseExpression() throws -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth < Parser.maximumDepth else {
            report("expression nested too deeply (more than \(Parser.maximumDepth) levels)", current.span, id: "syntax.tooDeep")
            throw Failure()
        }
        if isKeyword(.if) {
            let start = advance().span
            let condition = try parseExpression()
            guard isKeyword(.then) else { throw fail("expected 'then' after the condition of 'if'") }
            advance()
            let thenBranch = try parseExpression()
            guard isKeyword(.else) else { throw fail("expected 'else' after the 'then' branch") }
            advance()
            let elseBranch = try parseExpression()
            return Expression(.conditional(condition, then: thenBranch, else: elseBranch), span: start.to(elseBranch.span))
        }
        if isKeyword(.some) || isKeyword(.all) {
            let kind: QuantifierKind = isKeyword(.some) ? .some : .all
            let start = advance().span
            let variable = try expectIdentifier("a variable name after '\(kind.rawValue)'")
            guard isKeyword(.in) else { throw fail("expected 'in' after '\(kind.rawValue) \(variable.name)'") }
            advance()
            let collection = try parseBinary(precedence: 3)
            _ = try expect(.colon, "after the collection of '\(kind.rawValue)'")
            let body = try parseExpression()
            return Expression(.quantifier(kind, variable, in: collection, satisfies: body), span: start.to(body.span))
        }
        return try parseBinary(precedence: 0)
    }

    // Precedence: 0 or, 1 and, 2 not, 3 comparison / in / is, 4 + - union except, 5 * / intersect, 6 unary.
    private mutating func parseBinary(precedence: Int) throws -> Expression {
        switch precedence {
        case 0, 1:
            var lhs = try parseBinary(precedence: precedence + 1)
            let keyword: Keyword = precedence == 0 ? .or : .and
            while isKeyword(keyword) {
                let operatorToken = advance()
                if operandIsMissing() {
                    // Keep the left side, so the rest of the rule is still read.
                    diagnostics.append(.missingOperand(after: keyword.rawValue, at: source.location(of: operatorToken.span)))
                    return lhs
                }
                let rhs = try parseOperand(precedence: precedence + 1)
                lhs = Expression(.binary(keyword == .or ? .or : .and, lhs, rhs), span: lhs.span.to(rhs.span))
            }
            return lhs
        case 2:
            if isKeyword(.not) {
                let start = advance().span
                if operandIsMissing() {
                    diagnostics.append(.missingOperand(after: "not", at: source.location(of: start)))
                    throw Failure()
                }
                let operand = try parseOperand(precedence: 2)
                return Expression(.unary(.not, operand), span: start.to(operand.span))
            }
            return try parseBinary(precedence: 3)
        case 3:
            return try parseComparison()
        case 4, 5:
            var lhs = try parseBinary(precedence: precedence + 1)
            while let op = additiveOperator(precedence: precedence) {
                advance()
                let rhs = try parseOperand(precedence: precedence + 1)
                lhs = Expression(.binary(op, lhs, rhs), span: lhs.span.to(rhs.span))
            }
            return lhs
        default:
            if isSymbol(.minus) {
                let start = advance().span
                let operand = try parseOperand(precedence: 6)
                return Expression(.unary(.negate, operand), span: start.to(operand.span))
            }
            return try parsePostfix()
        }
    }

    /// Right operands may themselves be quantifiers or conditionals (`a and some x in s: p`).
    private mutating func parseOperand(precedence: Int) throws -> Expression {
        if isKeyword(.if) || isKeyword(.some) || isKeyword(.all) { return try parseExpression() }
        depth += 1
        defer { depth -= 1 }
        guard depth < Parser.maximumDepth else {
            report("expression nested too deeply (more than \(Parser.maximumDepth) levels)", current.span, id: "syntax.tooDeep")
            throw Failure()
        }
        return try parseBinary(precedence: precedence)
    }

    private func additiveOperator(precedence: Int) -> BinaryOperator? {
        if precedence == 4 {
            if isSymbol(.plus) { return .plus }
            if isSymbol(.minus) { return .minus }
            if isKeyword(.union) { return .union }
            if isKeyword(.except) { return .except }
        } else {
            if isSymbol(.star) { return .times }
            if isSymbol(.slash) { return .divide }
            if isKeyword(.intersect) { return .intersect }
        }
        return nil
    }

    private mutating func parseComparison() throws -> Expression {
        let lhs = try parseBinary(precedence: 4)
        let comparisons: [Symbol: BinaryOperator] = [
            .equalEqual: .equal, .bangEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
            .greater: .greater, .greaterEqual: .greaterEqual,
        ]
        if case .symbol(let symbol) = current.kind, let op = comparisons[symbol] {
            advance()
            let rhs = try parseOperand(precedence: 4)
            return Expression(.binary(op, lhs, rhs), span: lhs.span.to(rhs.span))
        }
        if isKeyword(.in) || (isKeyword(.not) && peek(1).kind == .keyword(.in)) {
            let negated = isKeyword(.not)
            advance()
            if negated { advance() }
            let rhs = try parseOperand(precedence: 4)
            return Expression(.binary(negated ? .notIn : .in, lhs, rhs), span: lhs.span.to(rhs.span))
        }
        if isKeyword(.is) {
            advance()
            var negated = false
            if isKeyword(.not) {
                negated = true
                advance()
            }
            guard case .identifier(let word) = current.kind, ["empty", "present", "absent"].contains(word) else {
                throw fail("expected 'empty', 'present' or 'absent' after 'is'")
            }
            let end = advance().span
            let test: TestKind
            switch (word, negated) {
            case ("empty", false): test = .empty
            case ("empty", true): test = .notEmpty
            case ("present", false), ("absent", true): test = .present
            default: test = .absent
            }
            return Expression(.test(lhs, test), span: lhs.span.to(end))
        }
        return lhs
    }

    private mutating func parsePostfix() throws -> Expression {
        var expression = try parsePrimary()
        while true {
            if isSymbol(.dot) {
                advance()
                if isSymbol(.star) {
                    let star = advance()
                    expression = Expression(.caseGroup(expression), span: expression.span.to(star.span))
                    continue
                }
                let member = try expectIdentifier("a field name after '.'")
                expression = Expression(.member(expression, member), span: expression.span.to(member.span))
            } else if isSymbol(.leftBracket), current.span.start == expression.span.end {
                advance()
                let key = try parseExpression()
                let close = try expect(.rightBracket, "to close the lookup")
                expression = Expression(.index(expression, key), span: expression.span.to(close.span))
            } else {
                return expression
            }
        }
    }

    private mutating func parsePrimary() throws -> Expression {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return Expression(.number(value), span: token.span)
        case .date(let date):
            advance()
            return Expression(.date(date), span: token.span)
        case .keyword(.true), .keyword(.false):
            advance()
            return Expression(.bool(token.kind == .keyword(.true)), span: token.span)
        case .string:
            advance()
            return Expression(.string(try stringParts(token)), span: token.span)
        case .identifier(let name):
            advance()
            if isSymbol(.leftParen), current.span.start == token.span.end {
                advance()
                var arguments: [Expression] = []
                while !isSymbol(.rightParen) {
                    arguments.append(try parseExpression())
                    if isSymbol(.comma) { advance() } else { break }
                }
                let close = try expect(.rightParen, "to close the argument list of '\(name)'")
                return Expression(.call(Identifier(name, span: token.span), arguments), span: token.span.to(close.span))
            }
            return Expression(.name(name), span: token.span)
        case .symbol(.leftParen):
            advance()
            let inner = try parseExpression()
            let close = try expect(.rightParen, "to close the parenthesis")
            return Expression(inner.kind, span: token.span.to(close.span))
        case .symbol(.leftBracket):
            return try parseCollection()
        case .symbol(.leftBrace):
            let open = advance().span
            var fields: [(name: Identifier, value: Expression)] = []
            while !isSymbol(.rightBrace) {
                let name = try expectIdentifier("a field name in the record literal")
                _ = try expect(.colon, "after the field name '\(name.name)'")
                fields.append((name, try parseExpression()))
                if isSymbol(.comma) { advance() } else { break }
            }
            let close = try expect(.rightBrace, "to close the record literal")
            return Expression(.recordLiteral(fields), span: open.to(close.span))
        default:
            throw fail("expected an expression, found \(token.kind)")
        }
    }

    private mutating func parseCollection() throws -> Expression {
        let open = advance().span
        var items: [Expression] = []
        var pairs: [(key: Expression, value: Expression)] = []
        if isSymbol(.colon), peek(1).kind == .symbol(.rightBracket) {
            advance()
            let close = advance()
            return Expression(.mapLiteral([]), span: open.to(close.span))
        }
        while !isSymbol(.rightBracket) {
            let item = try parseExpression()
            if isSymbol(.colon) {
                guard items.isEmpty else { throw fail("a collection cannot mix plain items and 'key: value' pairs") }
                advance()
                pairs.append((item, try parseExpression()))
            } else {
                guard pairs.isEmpty else { throw fail("expected ':' and a value in this map literal") }
                items.append(item)
            }
            if isSymbol(.comma) { advance() } else { break }
        }
        let close = try expect(.rightBracket, "to close the collection")
        let span = open.to(close.span)
        return pairs.isEmpty ? Expression(.collection(items), span: span) : Expression(.mapLiteral(pairs), span: span)
    }

    /// Splits a string token's body into text and `{expression}` parts.
    private mutating func stringParts(_ token: Token) throws -> [StringPart] {
        let bytes = source.bytes
        var position = token.span.start + 1
        let end = max(position, token.span.end - 1)
        var parts: [StringPart] = []
        var text: [UInt8] = []
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\\"), position + 1 < end {
                let escaped = bytes[position + 1]
                switch escaped {
                case UInt8(ascii: "n"): text.append(10)
                case UInt8(ascii: "t"): text.append(9)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"): text.append(escaped)
                default:
                    report("unknown escape '\\\(String(UnicodeScalar(escaped)))' in string",
                           Span(file: fileID, start: position, end: position + 2), id: "syntax.badEscape")
                }
                position += 2
            } else if byte == UInt8(ascii: "{") {
                guard let close = bytes[(position + 1)..<end].firstIndex(of: UInt8(ascii: "}")) else {
                    report("unclosed '{' in string interpolation", Span(file: fileID, start: position, end: position + 1))
                    throw Failure()
                }
                if !text.isEmpty {
                    parts.append(.text(String(decoding: text, as: UTF8.self)))
                    text = []
                }
                var inner = Parser(source: source, fileID: fileID, range: (position + 1)..<close, depth: depth)
                let expression = try? inner.parseExpression()
                if expression != nil, !inner.atEnd {
                    inner.report("expected '}' to end the interpolation, found \(inner.current.kind)", inner.current.span)
                }
                diagnostics.append(contentsOf: inner.diagnostics)
                comments.append(contentsOf: inner.comments)
                guard let expression, inner.atEnd else { throw Failure() }
                parts.append(.interpolation(expression))
                position = close + 1
            } else {
                text.append(byte)
                position += 1
            }
        }
        if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
        return parts
    }
}

extension TokenKind {
    var isDeclarationStart: Bool {
        if case .identifier(let word) = self { return Parser.declarationWords.contains(word) || word == "value" }
        return false
    }
}
