// The parser's types: `set of T`, `list of T`, `map of K to V`, names, and `?` for optional.

extension Parser {
    mutating func parseType() throws -> TypeSyntax {
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
}
