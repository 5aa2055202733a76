// A span-free description of a parsed file: two files with the same outline mean the same
// program. The formatter compares outlines before and after, and refuses a layout that would
// change one.

enum SyntaxOutline {
    static func describe(_ file: PolicyFileSyntax) -> [String] {
        file.declarations.map(describe)
    }

    static func describe(_ declaration: Declaration) -> String {
        switch declaration {
        case .enumeration(let e):
            return "\(e.ordered ? "ordered " : "")enum \(e.name.name) includes \(e.includes?.name ?? "-") "
                + "{\(e.cases.map(\.name).joined(separator: ", "))}"
        case .record(let r):
            let fields = r.fields.map { field in
                "\(field.name.name): \(describe(field.type)) = \(describe(field.defaultValue)) required when \(describe(field.requiredWhen))"
            }
            return "record \(r.name.name) {\(fields.joined(separator: "; "))}"
        case .constant(let c):
            return "const \(c.name.name): \(describe(c.type)) = \(describe(c.value))"
        case .function(let f):
            let parameters = f.parameters.map { "\($0.name.name): \(describe($0.type))" }.joined(separator: ", ")
            return "def \(f.name.name)(\(parameters)): \(describe(f.returnType)) = \(describe(f.body))"
        case .rule(let r):
            return [
                "rule \(r.id.name)", "effect \(r.effect.rawValue) unwaivable \(r.unwaivable)",
                "cites \(r.citations.map { "<\($0)>" }.joined(separator: ", "))",
                "effective \(r.effective?.description ?? "-")",
                "for each \(r.forEach.map { "\($0.variable.name) in \(describe($0.collection))" } ?? "-")",
                "when \(describe(r.condition))", "subject \(describe(r.subject))", "message \(describe(r.message))",
            ].joined(separator: " | ")
        }
    }

    static func describe(_ type: TypeSyntax) -> String {
        switch type {
        case .named(let name): name.name
        case .set(let element, _): "set(\(describe(element)))"
        case .list(let element, _): "list(\(describe(element)))"
        case .map(let key, let value, _): "map(\(describe(key)), \(describe(value)))"
        case .optional(let wrapped, _): "optional(\(describe(wrapped)))"
        }
    }

    static func describe(_ expression: Expression?) -> String {
        expression.map { $0.kind.structuralKey } ?? "-"
    }
}
