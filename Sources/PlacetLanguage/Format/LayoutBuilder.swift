// From syntax to layout: decides, for each declaration, field and clause, what goes on which
// line. An expression that ends a line is broken when the line would pass the limit, or when a
// comment inside it would otherwise have to move:
//
//   a collection literal   one entry after another, filled to the limit, `]` on its own line
//   an `and` / `or` chain  before each operand, 4 spaces further in; a long parenthesised
//                          operand that is itself a chain breaks the same way, 4 further
//   an `if` ... `else`     before each `else` (and `then`, if `if c then a` is still too
//                          long), 4 spaces further in

struct LayoutBuilder {
    let lineLimit: Int
    let tokens: SourceTokens
    let comments: [SourceComment]

    func declaration(_ declaration: Declaration) -> LayoutItem {
        switch declaration {
        case .enumeration(let e): enumeration(e)
        case .record(let r): record(r)
        case .constant(let c): constant(c)
        case .function(let f): function(f)
        case .rule(let r): rule(r)
        }
    }

    // MARK: Declarations

    private func enumeration(_ e: EnumDeclaration) -> LayoutItem {
        var head = (e.ordered ? "ordered " : "") + "enum " + e.name.name
        if let includes = e.includes { head += " includes " + includes.name }
        let range = e.span.start..<e.span.end
        guard !e.cases.isEmpty || !e.removed.isEmpty else { return LayoutItem(range: range, header: head + " {}") }
        let open = tokens.first(atOrAfter: (e.includes ?? e.name).span.end)
        let flat = head + " { " + e.cases.map(\.name).joined(separator: ", ") + " }"
        if e.removed.isEmpty, flat.count <= lineLimit, !hasComment(in: open.span.end..<(e.span.end - 1)) {
            return LayoutItem(range: range, header: flat)
        }
        var item = LayoutItem(range: range, header: head + " {", headerEnd: open.span.end)
        item.children = e.cases.map { LayoutItem(range: $0.span.start..<$0.span.end, header: $0.name) }
        for removal in e.removed {
            let keyword = tokens.last(endingAtOrBefore: removal.name.span.start)
            let end = removal.replacements.last?.span.end ?? removal.name.span.end
            var header = "removed " + removal.name.name
            if let revision = removal.revision { header += " in revision \(revision)" }
            header += ": " + removal.replacements.map(\.name).joined(separator: ", ")
            var line = LayoutItem(range: keyword.span.start..<end, header: header)
            line.ownLine = true
            item.children.append(line)
        }
        item.childIndent = 2
        item.packed = true
        item.closing = "}"
        return item
    }

    private func record(_ r: RecordDeclaration) -> LayoutItem {
        let head = (r.isValue ? "value record " : "record ") + r.name.name
        let range = r.span.start..<r.span.end
        guard !r.fields.isEmpty else { return LayoutItem(range: range, header: head + " {}") }
        let open = tokens.first(atOrAfter: r.name.span.end)
        var item = LayoutItem(range: range, header: head + " {", headerEnd: open.span.end)
        item.children = r.fields.map(field)
        item.childIndent = 2
        item.closing = "}"
        return item
    }

    /// `name: type [= default] [required when condition]`; the last expression may break.
    private func field(_ field: FieldDeclaration) -> LayoutItem {
        var prefix = field.name.name + ": " + ExpressionPrinter.type(field.type)
        var tail: Expression?
        if let defaultValue = field.defaultValue {
            if field.requiredWhen == nil {
                prefix += " = "
                tail = defaultValue
            } else {
                prefix += " = " + ExpressionPrinter.print(defaultValue)
            }
        }
        if let condition = field.requiredWhen {
            prefix += " required when "
            tail = condition
        }
        let end = (field.requiredWhen ?? field.defaultValue)?.span.end ?? field.type.span.end
        return line(field.name.span.start..<end, prefix, tail, indent: 2)
    }

    private func constant(_ c: ConstantDeclaration) -> LayoutItem {
        let keyword = tokens.last(endingAtOrBefore: c.name.span.start)
        let prefix = "const " + c.name.name + ": " + ExpressionPrinter.type(c.type) + " = "
        return line(keyword.span.start..<c.value.span.end, prefix, c.value, indent: 0)
    }

    private func function(_ f: FunctionDeclaration) -> LayoutItem {
        let keyword = tokens.last(endingAtOrBefore: f.name.span.start)
        let parameters = f.parameters.map { $0.name.name + ": " + ExpressionPrinter.type($0.type) }
        let prefix = "def " + f.name.name + "(" + parameters.joined(separator: ", ") + "): "
            + ExpressionPrinter.type(f.returnType) + " = "
        return line(keyword.span.start..<f.body.span.end, prefix, f.body, indent: 0)
    }

    /// The header `rule id`, then one clause per line in the order effect, cites, effective,
    /// for each, when, subject, message, whatever the order written.
    private func rule(_ r: RuleDeclaration) -> LayoutItem {
        var item = LayoutItem(range: r.span.start..<r.span.end, header: "rule " + r.id.name, headerEnd: r.id.span.end)
        item.childIndent = 2
        let ruleRange = r.span.start..<r.span.end

        let effectWord = tokens.last(endingAtOrBefore: r.effectSpan.start)
        let effectEnd = r.unwaivable ? tokens.first(atOrAfter: r.effectSpan.end).span.end : r.effectSpan.end
        item.children.append(LayoutItem(
            range: effectWord.span.start..<effectEnd,
            header: RuleClause.effect.spelling + " " + r.effect.rawValue + (r.unwaivable ? " " + RuleClause.unwaivable.spelling : "")))

        if !r.citations.isEmpty {
            let range = tokens.citesClause(in: ruleRange) ?? r.id.span.end..<r.id.span.end
            item.children.append(LayoutItem(range: range, header: RuleClause.cites.spelling + " " + r.citations.map(ExpressionPrinter.quoted).joined(separator: ", ")))
        }
        if let effective = r.effective {
            let range = tokens.effectiveClause(in: ruleRange) ?? r.id.span.end..<r.id.span.end
            item.children.append(LayoutItem(range: range, header: RuleClause.effective.spelling + " " + effective.description))
        }
        if let forEach = r.forEach {
            let each = tokens.last(endingAtOrBefore: forEach.variable.span.start)
            let keyword = tokens.last(endingAtOrBefore: each.span.start)
            item.children.append(line(
                keyword.span.start..<forEach.collection.span.end, RuleClause.forEach.spelling + " " + forEach.variable.name + " in ",
                forEach.collection, indent: 2))
        }
        if let condition = r.condition {
            item.children.append(clause(RuleClause.when.spelling, condition))
        }
        if let subject = r.subject {
            item.children.append(clause(RuleClause.subject.spelling, subject))
        }
        item.children.append(clause(RuleClause.message.spelling, r.message))
        return item
    }

    private func clause(_ word: String, _ expression: Expression) -> LayoutItem {
        let keyword = tokens.last(endingAtOrBefore: expression.span.start)
        return line(keyword.span.start..<expression.span.end, word + " ", expression, indent: 2)
    }

    // MARK: Lines that end in an expression

    /// `prefix` followed by `tail`, on one line if it fits and holds no comment that needs a line
    /// break, else broken as the header comment describes.
    private func line(_ range: Range<Int>, _ prefix: String, _ tail: Expression?, indent: Int) -> LayoutItem {
        guard let tail else { return LayoutItem(range: range, header: prefix) }
        let flat = prefix + ExpressionPrinter.print(tail)
        let tooLong = indent + flat.count > lineLimit
        switch tail.kind {
        case .collection(let items) where !items.isEmpty:
            let entries = items.map { LayoutItem(range: $0.span.start..<$0.span.end, header: ExpressionPrinter.print($0)) }
            if let item = brokenCollection(range, prefix, tail, entries, force: tooLong) { return item }
        case .mapLiteral(let pairs) where !pairs.isEmpty:
            let entries = pairs.enumerated().map { offset, pair in
                let range = pair.key.span.start..<pair.value.span.end
                let text = ExpressionPrinter.entry(pair)
                if case .recordLiteral(let fields) = pair.value.kind, !fields.isEmpty,
                   indent + 2 + text.count + 1 > lineLimit || hasComment(in: pair.value.span.start..<pair.value.span.end) {
                    var item = brokenRecord(range, ExpressionPrinter.operand(pair.key, atLeast: 0) + ": ", pair.value, fields)
                    item.ownLine = true
                    if offset < pairs.count - 1 { item.suffix = "," }
                    return item
                }
                return LayoutItem(range: range, header: text)
            }
            if let item = brokenCollection(range, prefix, tail, entries, force: tooLong || entries.contains(where: \.ownLine)) {
                return item
            }
        case .recordLiteral(let fields) where !fields.isEmpty:
            if tooLong || hasComment(in: tail.span.start..<tail.span.end) { return brokenRecord(range, prefix, tail, fields) }
        case .binary(.and, _, _), .binary(.or, _, _):
            if tooLong || chainHoldsComments(tail) {
                return chain(range, prefix: prefix, suffix: "", tail, indent: indent)
            }
        case .conditional:
            let item = conditional(range, prefix, tail, indent: indent)
            if tooLong || conditionalHoldsComments(tail, headerEnd: item.headerEnd) { return item }
        default:
            break
        }
        return LayoutItem(range: range, header: flat)
    }

    private func brokenCollection(_ range: Range<Int>, _ prefix: String, _ collection: Expression,
                                  _ entries: [LayoutItem], force: Bool) -> LayoutItem? {
        let open = tokens.first(atOrAfter: collection.span.start, kind: .symbol(.leftBracket))
        let close = tokens.last(endingAtOrBefore: collection.span.end, kind: .symbol(.rightBracket))
        guard force || hasComment(in: open.span.end..<close.span.start) else { return nil }
        var item = LayoutItem(range: range, header: prefix + "[", headerEnd: open.span.end)
        item.children = entries
        item.childIndent = 2
        item.packed = true
        item.closing = "]"
        return item
    }

    /// `{a: 1, b: 2}` as `{`, one field per line, `}`.
    private func brokenRecord(_ range: Range<Int>, _ prefix: String, _ literal: Expression,
                              _ fields: [(name: Identifier, value: Expression)]) -> LayoutItem {
        let open = tokens.first(atOrAfter: literal.span.start, kind: .symbol(.leftBrace))
        var item = LayoutItem(range: range, header: prefix + "{", headerEnd: open.span.end)
        item.children = fields.enumerated().map { offset, field in
            LayoutItem(range: field.name.span.start..<field.value.span.end,
                       header: field.name.name + ": " + ExpressionPrinter.print(field.value) + (offset < fields.count - 1 ? "," : ""))
        }
        item.childIndent = 2
        item.closing = "}"
        return item
    }

    /// `a and b and c` as `a` on the first line and `and b`, `and c` below.
    private func chain(_ range: Range<Int>, prefix: String, suffix: String, _ expression: Expression, indent: Int) -> LayoutItem {
        guard case .binary(let op, _, _) = expression.kind else { return LayoutItem(range: range, header: prefix + ExpressionPrinter.print(expression) + suffix) }
        let operands = Self.operands(of: expression, op)
        var item = LayoutItem(
            range: range, header: prefix + ExpressionPrinter.operand(operands[0], of: op, isRight: false),
            headerEnd: operands[0].span.end)
        item.suffix = suffix
        item.childIndent = 4
        for operand in operands.dropFirst() {
            let opToken = tokens.last(endingAtOrBefore: operand.span.start)
            let childRange = opToken.span.start..<operand.span.end
            let text = op.rawValue + " " + ExpressionPrinter.operand(operand, of: op, isRight: true)
            if case .binary(let inner, _, _) = operand.kind, inner == .and || inner == .or,
               indent + 4 + text.count > lineLimit || chainHoldsComments(operand) {
                let parenthesised = ExpressionPrinter.needsParentheses(operand, of: op, isRight: true)
                item.children.append(chain(
                    childRange, prefix: op.rawValue + " " + (parenthesised ? "(" : ""), suffix: parenthesised ? ")" : "",
                    operand, indent: indent + 4))
            } else {
                item.children.append(LayoutItem(range: childRange, header: text))
            }
        }
        return item
    }

    /// `if c1 then a1 else if c2 then a2 else b` as `if c1 then a1`, then `else if c2 then a2`
    /// and `else b` below; an `if c then a` that is still too long also breaks before `then`.
    private func conditional(_ range: Range<Int>, _ prefix: String, _ expression: Expression, indent: Int) -> LayoutItem {
        guard case .conditional(let condition, let thenBranch, var rest) = expression.kind else {
            return LayoutItem(range: range, header: prefix + ExpressionPrinter.print(expression))
        }
        let continuation = indent + 4
        let first = prefix + "if " + ExpressionPrinter.branch(condition)
        let then = " then " + ExpressionPrinter.branch(thenBranch)
        var item: LayoutItem
        if indent + first.count + then.count <= lineLimit {
            item = LayoutItem(range: range, header: first + then, headerEnd: thenBranch.span.end)
        } else {
            item = LayoutItem(range: range, header: first, headerEnd: condition.span.end)
            item.children.append(thenLine(thenBranch))
        }
        item.childIndent = 4
        while true {
            let elseToken = tokens.last(endingAtOrBefore: rest.span.start)
            guard case .conditional(let nextCondition, let nextThen, let nextRest) = rest.kind else {
                item.children.append(LayoutItem(range: elseToken.span.start..<rest.span.end, header: "else " + ExpressionPrinter.print(rest)))
                return item
            }
            let elseIf = "else if " + ExpressionPrinter.branch(nextCondition)
            let nextThenText = " then " + ExpressionPrinter.branch(nextThen)
            if continuation + elseIf.count + nextThenText.count <= lineLimit {
                item.children.append(LayoutItem(range: elseToken.span.start..<nextThen.span.end, header: elseIf + nextThenText))
            } else {
                item.children.append(LayoutItem(range: elseToken.span.start..<nextCondition.span.end, header: elseIf))
                item.children.append(thenLine(nextThen))
            }
            rest = nextRest
        }
    }

    private func thenLine(_ branch: Expression) -> LayoutItem {
        let keyword = tokens.last(endingAtOrBefore: branch.span.start)
        return LayoutItem(range: keyword.span.start..<branch.span.end, header: "then " + ExpressionPrinter.branch(branch))
    }

    /// The operands of a left-associated run of one operator: `(a and b) and c` gives a, b, c.
    static func operands(of expression: Expression, _ op: BinaryOperator) -> [Expression] {
        guard case .binary(op, let lhs, let rhs) = expression.kind else { return [expression] }
        return operands(of: lhs, op) + [rhs]
    }

    // MARK: Comments that force a break

    private func hasComment(in range: Range<Int>) -> Bool {
        comments(in: range).isEmpty == false
    }

    /// The comments inside `range`; `comments` is in source order.
    private func comments(in range: Range<Int>) -> ArraySlice<SourceComment> {
        var low = 0, high = comments.count
        while low < high {
            let mid = (low + high) / 2
            if comments[mid].offset < range.lowerBound { low = mid + 1 } else { high = mid }
        }
        var end = low
        while end < comments.count, comments[end].offset < range.upperBound { end += 1 }
        return comments[low..<end]
    }

    // A comment after the first line's text and before the last part needs the expression broken
    // to stay where it is. One before (inside the first line's text) goes above or after the
    // first line, one trailing the last part ends the last line: neither needs a break, and
    // breaking for them would not survive a second pass.

    private func chainHoldsComments(_ expression: Expression) -> Bool {
        guard case .binary(let op, _, _) = expression.kind else { return false }
        let operands = Self.operands(of: expression, op)
        let lastStart = tokens.last(endingAtOrBefore: operands[operands.count - 1].span.start).span.start
        return holdsComments(operands[0].span.end..<operands[operands.count - 1].span.end, lastPartStart: lastStart)
    }

    private func conditionalHoldsComments(_ expression: Expression, headerEnd: Int) -> Bool {
        var last = expression
        while case .conditional(_, _, let rest) = last.kind { last = rest }
        let elseStart = tokens.last(endingAtOrBefore: last.span.start).span.start
        return holdsComments(headerEnd..<expression.span.end, lastPartStart: elseStart)
    }

    private func holdsComments(_ range: Range<Int>, lastPartStart: Int) -> Bool {
        comments(in: range).contains { comment in !(comment.isTrailing && comment.offset > lastPartStart) }
    }
}
