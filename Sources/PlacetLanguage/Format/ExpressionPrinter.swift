// Prints expressions, types and literals on one line, with the fewest parentheses the
// parser's precedence allows, so that parsing the text gives back the same tree.

enum ExpressionPrinter {
    /// Binding strength, the parser's `Precedence` as a number (`or` is 0, postfix and primary
    /// the highest). `if` and `some`/`all` are -1: they reach as far right as they can, so as an
    /// operand they are always parenthesised.
    static func precedence(of expression: Expression) -> Int {
        switch expression.kind {
        case .conditional, .quantifier: -1
        case .binary(let op, _, _): precedence(of: op)
        case .unary(.not, _): Precedence.not.rawValue
        case .unary(.negate, _): Precedence.negation.rawValue
        case .test: Precedence.comparison.rawValue
        default: Precedence.postfix.rawValue
        }
    }

    static func precedence(of op: BinaryOperator) -> Int {
        Precedence(of: op).rawValue
    }

    /// The expression in a place that takes any expression (a clause, an argument, a key).
    static func print(_ expression: Expression) -> String {
        switch expression.kind {
        case .name(let name):
            return name
        case .member(let base, let member):
            return operand(base, atLeast: Precedence.postfix.rawValue) + "." + member.name
        case .caseGroup(let base):
            return operand(base, atLeast: Precedence.postfix.rawValue) + ".*"
        case .call(let name, let arguments):
            return name.name + "(" + arguments.map(print).joined(separator: ", ") + ")"
        case .index(let base, let key):
            return operand(base, atLeast: Precedence.postfix.rawValue) + "[" + print(key) + "]"
        case .bool(let value):
            return value ? "true" : "false"
        case .number(let value):
            return number(value)
        case .date(let date):
            return date.description
        case .string(let parts):
            return string(parts)
        case .collection(let items):
            return "[" + items.map(print).joined(separator: ", ") + "]"
        case .mapLiteral(let pairs):
            return pairs.isEmpty ? "[:]" : "[" + pairs.map(entry).joined(separator: ", ") + "]"
        case .recordLiteral(let fields):
            return "{" + fields.map { $0.name.name + ": " + print($0.value) }.joined(separator: ", ") + "}"
        case .unary(.not, let operand):
            return "not " + self.operand(operand, atLeast: Precedence.not.rawValue)
        case .unary(.negate, let operand):
            let text = self.operand(operand, atLeast: Precedence.negation.rawValue)
            return text.hasPrefix("-") ? "- " + text : "-" + text
        case .binary(let op, let lhs, let rhs):
            return operand(lhs, of: op, isRight: false) + " " + op.rawValue + " " + operand(rhs, of: op, isRight: true)
        case .test(let operand, let test):
            return self.operand(operand, atLeast: Precedence.additive.rawValue) + " " + test.rawValue
        case .conditional(let condition, let thenBranch, let elseBranch):
            return "if " + branch(condition) + " then " + branch(thenBranch) + " else " + print(elseBranch)
        case .quantifier(let kind, let variable, let collection, let body):
            return kind.rawValue + " " + variable.name + " in " + operand(collection, atLeast: Precedence.comparison.rawValue) + ": " + print(body)
        }
    }

    /// The expression where the parser reads at the given precedence, parenthesised if it binds looser.
    static func operand(_ expression: Expression, atLeast level: Int) -> String {
        precedence(of: expression) < level ? "(" + print(expression) + ")" : print(expression)
    }

    static func operand(_ expression: Expression, of op: BinaryOperator, isRight: Bool) -> String {
        needsParentheses(expression, of: op, isRight: isRight) ? "(" + print(expression) + ")" : print(expression)
    }

    /// Comparisons do not chain, so both their sides bind tighter; the other operators associate
    /// to the left. One parenthesis more than precedence needs: an `and` inside an `or` keeps
    /// them (`a or (b and c)`), as compilers advise, because auditors read these rules.
    static func needsParentheses(_ expression: Expression, of op: BinaryOperator, isRight: Bool) -> Bool {
        let level = precedence(of: op)
        if op == .or, case .binary(.and, _, _) = expression.kind { return true }
        let required = level == Precedence.comparison.rawValue ? Precedence.additive.rawValue : (isRight ? level + 1 : level)
        return precedence(of: expression) < required
    }

    /// `key: value` in a map literal; a quantifier key is parenthesised because its own `:` would
    /// read like the pair's.
    static func entry(_ pair: (key: Expression, value: Expression)) -> String {
        operand(pair.key, atLeast: Precedence.or.rawValue) + ": " + print(pair.value)
    }

    /// A nested `if` in the condition or `then` branch of another parses without parentheses but
    /// reads badly; `else if` chains stay bare.
    static func branch(_ expression: Expression) -> String {
        if case .conditional = expression.kind { return "(" + print(expression) + ")" }
        return print(expression)
    }

    /// Whole numbers as integers, others in the shortest form that reads back as the same
    /// `Double` (`0.5`, `1e25`, `1.5e-7`).
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e16 { return String(Int64(value)) }
        let text = "\(value)"
        guard let e = text.firstIndex(of: "e") else { return text }
        var exponent = text[text.index(after: e)...]
        let negative = exponent.first == "-"
        exponent = exponent.drop { $0 == "+" || $0 == "-" }.drop { $0 == "0" }
        return text[..<e] + "e" + (negative ? "-" : "") + (exponent.isEmpty ? "0" : exponent)
    }

    /// A string literal with `\"`, `\\`, `\n`, `\t`, `\{` and `\}` escaped and interpolations printed.
    static func string(_ parts: [StringPart]) -> String {
        var out = "\""
        for part in parts {
            switch part {
            case .text(let text): out += escape(text)
            case .interpolation(let expression): out += "{" + print(expression) + "}"
            }
        }
        return out + "\""
    }

    static func quoted(_ text: String) -> String {
        "\"" + escape(text) + "\""
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "{": out += "\\{"
            case "}": out += "\\}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func type(_ type: TypeSyntax) -> String {
        switch type {
        case .named(let name): name.name
        case .set(let element, _): "set of " + self.type(element)
        case .list(let element, _): "list of " + self.type(element)
        case .map(let key, let value, _): "map of " + self.type(key) + " to " + self.type(value)
        case .optional(let wrapped, _): self.type(wrapped) + "?"
        }
    }
}
