// The parser's rules: `rule id` and its clauses, with did-you-mean for a misspelt clause.

/// A rule's clause words, in the order `placet fmt` prints them: the one list the parser, its
/// did-you-mean for a misspelt clause and the formatter read. `unwaivable` follows `effect`
/// rather than starting a clause of its own.
enum RuleClause: String, CaseIterable {
    case effect, unwaivable, cites, effective, forEach = "for", when, subject, message

    /// As written in a rule: `for each` is two words.
    var spelling: String { self == .forEach ? "for each" : rawValue }

    /// The clauses that start with their own word (all but `unwaivable`).
    static let clauses = allCases.filter { $0 != .unwaivable }

    /// The first words of the clauses.
    static let words = Set(clauses.map(\.rawValue))

    /// "effect, cites, effective, for each, when, subject, message", for messages.
    static let listing = clauses.map(\.spelling).joined(separator: ", ")

    /// "effect, cites, effective, for each, when, subject or message", for messages.
    static let alternatives = clauses.dropLast().map(\.spelling).joined(separator: ", ") + " or " + (clauses.last?.spelling ?? "")
}

extension Parser {
    mutating func parseRule() throws -> RuleDeclaration {
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
            case _ where RuleClause.words.contains(word):
                if seen.contains(word) {
                    report("rule '\(id.name)' has more than one '\(word)' clause", clauseSpan, id: "syntax.duplicateClause")
                }
                seen.insert(word)
            case _ where Parser.declarationWords.contains(word) || source.lineAndColumn(of: clauseSpan.start).column == 1:
                // The next declaration, or a misspelt one: not this rule's business.
                break clauses
            default:
                // A misspelt clause: say so where it is, skip to the next clause and keep reading the rule.
                var valid = RuleClause.words.subtracting(seen)
                if previousClause == RuleClause.effect.rawValue, !unwaivable { valid.insert(RuleClause.unwaivable.rawValue) }
                bag.add(.unknownClause(word, suggestion: Suggestion.closest(to: word, in: valid.sorted()),
                                       at: source.location(of: clauseSpan), range: clauseSpan))
                skippedClause = true
                previousClause = nil
                skipToNextClause()
                continue clauses
            }
            previousClause = word
            advance()
            switch RuleClause(rawValue: word) {
            case .effect?:
                let effectName = try expectIdentifier("'block' or 'warn'")
                guard let value = Effect(rawValue: effectName.name) else {
                    report("unknown effect '\(effectName.name)'; expected 'block' or 'warn'", effectName.span, id: "syntax.unknownEffect")
                    throw Failure()
                }
                effect = (value, effectName.span)
                end = effectName.span
                if isWord(RuleClause.unwaivable.rawValue) {
                    unwaivable = true
                    end = advance().span
                }
            case .cites?:
                repeat {
                    if isSymbol(.comma) { advance() }
                    guard current.kind == .stringStart else { throw fail("expected a citation string, found \(current.kind)") }
                    let (parts, span) = try parseString()
                    citations.append(try plainText(parts, span))
                    end = span
                } while isSymbol(.comma)
            case .effective?:
                guard case .date(let date) = current.kind else { throw fail("expected a date (YYYY-MM-DD) after 'effective'") }
                effective = date
                end = advance().span
            case .forEach?:
                try expectWord("each", "after 'for'")
                let variable = try expectIdentifier("a variable name after 'for each'")
                guard isKeyword(.in) else { throw fail("expected 'in' after 'for each \(variable.name)'") }
                advance()
                let collection = try parseExpression()
                forEach = (variable, collection)
                end = collection.span
            case .when?:
                let expression = try parseExpression()
                condition = expression
                end = expression.span
            case .subject?:
                let expression = try parseExpression()
                subject = expression
                end = expression.span
            default:
                guard current.kind == .stringStart else { throw fail("expected a message string, found \(current.kind)") }
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
            throw fail("expected a rule clause (\(RuleClause.listing)) or a new declaration, found \(current.kind)")
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
    mutating func skipToNextClause() {
        advance()
        while !atEnd {
            if case .identifier(let word) = current.kind,
               RuleClause.words.contains(word) || Parser.declarationWords.contains(word),
               tokens[index - 1].kind != .symbol(.dot) {
                return
            }
            advance()
        }
    }

    /// After `and`, `or` or `not`: true when nothing follows, either the input ends or the next
    /// words are a rule clause or a declaration (`message "..."`, `effect block`, `rule x`),
    /// which no expression can be.
    func operandIsMissing() -> Bool {
        switch current.kind {
        case .endOfFile:
            return true
        case .identifier(let word):
            guard RuleClause.words.contains(word) || Parser.declarationWords.contains(word) else { return false }
            switch peek(1).kind {
            case .identifier, .stringStart, .number, .date, .endOfFile: return true
            case .keyword(let keyword): return [.true, .false, .some, .all, .if].contains(keyword)
            default: return false
            }
        default:
            return false
        }
    }

    mutating func plainText(_ parts: [StringPart], _ span: Span) throws -> String {
        var text = ""
        for part in parts {
            guard case .text(let piece) = part else {
                report("a citation cannot interpolate values", span)
                throw Failure()
            }
            text += piece
        }
        return text
    }
}
