// The parser's expressions, by precedence climbing over `Precedence`, and string literals with interpolations.

/// How tightly an operator binds, loosest first: the one ordered list the parser climbs and the
/// formatter's printer parenthesises by. `if` and `some`/`all` are outside it: they reach as far
/// right as they can.
enum Precedence: Int, Comparable, CaseIterable {
    /// `a or b`
    case or
    /// `a and b`
    case and
    /// `not a`
    case not
    /// `== != < <= > >=`, `in`, `not in`, `is [not] empty|present|absent`; these do not chain.
    case comparison
    /// `+ - union except`
    case additive
    /// `* / intersect`
    case multiplicative
    /// `-a`
    case negation
    /// `a.b`, `a.*`, `a[k]`, calls, names and literals.
    case postfix

    static func < (lhs: Precedence, rhs: Precedence) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The next level, binding tighter.
    var tighter: Precedence { Precedence(rawValue: rawValue + 1) ?? .postfix }

    init(of op: BinaryOperator) {
        switch op {
        case .or: self = .or
        case .and: self = .and
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in, .notIn: self = .comparison
        case .plus, .minus, .union, .except: self = .additive
        case .times, .divide, .intersect: self = .multiplicative
        }
    }
}

extension Parser {
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
            let collection = try parseBinary(.comparison)
            _ = try expect(.colon, "after the collection of '\(kind.rawValue)'")
            let body = try parseExpression()
            return Expression(.quantifier(kind, variable, in: collection, satisfies: body), span: start.to(body.span))
        }
        return try parseBinary(.or)
    }

    /// The left-associative levels loop over their operators; the others read one operand.
    mutating func parseBinary(_ level: Precedence) throws -> Expression {
        switch level {
        case .or, .and, .additive, .multiplicative:
            var lhs = try parseBinary(level.tighter)
            while let op = binaryOperator(at: level) {
                let operatorToken = advance()
                if level <= .and, operandIsMissing() {
                    // Keep the left side, so the rest of the rule is still read.
                    bag.add(.missingOperand(after: op.rawValue, at: source.location(of: operatorToken.span)))
                    return lhs
                }
                let rhs = try parseOperand(level.tighter)
                lhs = Expression(.binary(op, lhs, rhs), span: lhs.span.to(rhs.span))
            }
            return lhs
        case .not:
            if isKeyword(.not) {
                let start = advance().span
                if operandIsMissing() {
                    bag.add(.missingOperand(after: "not", at: source.location(of: start)))
                    throw Failure()
                }
                let operand = try parseOperand(.not)
                return Expression(.unary(.not, operand), span: start.to(operand.span))
            }
            return try parseBinary(.comparison)
        case .comparison:
            return try parseComparison()
        case .negation:
            if isSymbol(.minus) {
                let start = advance().span
                let operand = try parseOperand(.negation)
                return Expression(.unary(.negate, operand), span: start.to(operand.span))
            }
            return try parsePostfix()
        case .postfix:
            return try parsePostfix()
        }
    }

    /// Right operands may themselves be quantifiers or conditionals (`a and some x in s: p`).
    mutating func parseOperand(_ level: Precedence) throws -> Expression {
        if isKeyword(.if) || isKeyword(.some) || isKeyword(.all) { return try parseExpression() }
        depth += 1
        defer { depth -= 1 }
        guard depth < Parser.maximumDepth else {
            report("expression nested too deeply (more than \(Parser.maximumDepth) levels)", current.span, id: "syntax.tooDeep")
            throw Failure()
        }
        return try parseBinary(level)
    }

    /// The current token as a binary operator of the given left-associative level, if it is one.
    func binaryOperator(at level: Precedence) -> BinaryOperator? {
        let op: BinaryOperator? = switch current.kind {
        case .keyword(.or): .or
        case .keyword(.and): .and
        case .keyword(.union): .union
        case .keyword(.except): .except
        case .keyword(.intersect): .intersect
        case .symbol(.plus): .plus
        case .symbol(.minus): .minus
        case .symbol(.star): .times
        case .symbol(.slash): .divide
        default: nil
        }
        guard let op, Precedence(of: op) == level else { return nil }
        return op
    }

    mutating func parseComparison() throws -> Expression {
        let lhs = try parseBinary(.additive)
        let comparisons: [Symbol: BinaryOperator] = [
            .equalEqual: .equal, .bangEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
            .greater: .greater, .greaterEqual: .greaterEqual,
        ]
        if case .symbol(let symbol) = current.kind, let op = comparisons[symbol] {
            advance()
            let rhs = try parseOperand(.additive)
            return Expression(.binary(op, lhs, rhs), span: lhs.span.to(rhs.span))
        }
        if isKeyword(.in) || (isKeyword(.not) && peek(1).kind == .keyword(.in)) {
            let negated = isKeyword(.not)
            advance()
            if negated { advance() }
            let rhs = try parseOperand(.additive)
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

    mutating func parsePostfix() throws -> Expression {
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

    mutating func parsePrimary() throws -> Expression {
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
        case .stringStart:
            let (parts, span) = try parseString()
            return Expression(.string(parts), span: span)
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

    mutating func parseCollection() throws -> Expression {
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

    /// A string literal from its opening quote: its text and interpolations, and its span.
    mutating func parseString() throws -> (parts: [StringPart], span: Span) {
        let open = advance().span
        var parts: [StringPart] = []
        while true {
            let token = current
            switch token.kind {
            case .stringText(let text):
                advance()
                parts.append(.text(text))
            case .interpolationStart:
                // Left open: the lexer has reported it.
                if interpolationIsUnclosed() { throw Failure() }
                advance()
                let expression = try parseExpression()
                guard current.kind == .interpolationEnd else {
                    throw fail("expected '}' to end the interpolation, found \(current.kind)")
                }
                advance()
                parts.append(.interpolation(expression))
            case .stringEnd:
                advance()
                return (parts, open.to(token.span))
            default:
                throw fail("expected the end of the string, found \(token.kind)")
            }
        }
    }

    /// Whether the interpolation starting at the current token was closed by the lexer at the
    /// end of the line rather than by a `}`.
    private func interpolationIsUnclosed() -> Bool {
        var nesting = 0
        for token in tokens[index...] {
            switch token.kind {
            case .interpolationStart: nesting += 1
            case .interpolationEnd:
                nesting -= 1
                if nesting == 0 { return token.isSynthetic }
            case .endOfFile: return true
            default: break
            }
        }
        return true
    }
}
