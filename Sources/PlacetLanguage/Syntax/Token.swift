// Tokens of the policy language. Most words are plain identifiers that the parser reads in
// context (`effect`, `cites`, `message`), so auditors can still name fields with them;
// only the words that can appear inside expressions are reserved.

public enum Keyword: String, Sendable, CaseIterable {
    case and, or, not, `in`, `is`, `if`, then, `else`, `true`, `false`, some, all
    case union, intersect, except
}

public enum TokenKind: Sendable, Equatable, CustomStringConvertible {
    case identifier(String)
    case keyword(Keyword)
    case number(Double)
    case date(CivilDate)
    /// A string literal is read as `stringStart`, then text segments and interpolations, then
    /// `stringEnd`; an interpolation is `interpolationStart`, the tokens of its expression (which
    /// may hold strings of their own), then `interpolationEnd`. When a string or interpolation is
    /// left open, the lexer reports it and closes it with zero-width end tokens.
    case stringStart
    /// Text between the quotes, with escapes already read (`\n` is a line break).
    case stringText(String)
    case interpolationStart
    case interpolationEnd
    case stringEnd
    case symbol(Symbol)
    case endOfFile

    public var description: String {
        switch self {
        case .identifier(let name): "identifier '\(name)'"
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .number: "number"
        case .date: "date"
        case .stringStart: "string"
        case .stringText: "string text"
        case .interpolationStart: "'{'"
        case .interpolationEnd: "'}'"
        case .stringEnd: "end of string"
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .endOfFile: "end of file"
        }
    }
}

public enum Symbol: String, Sendable, CaseIterable {
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}", comma = ",", colon = ":", dot = ".", question = "?"
    case equalEqual = "==", bangEqual = "!=", lessEqual = "<=", greaterEqual = ">="
    case less = "<", greater = ">", equal = "="
    case plus = "+", minus = "-", star = "*", slash = "/"
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var span: Span

    public init(kind: TokenKind, span: Span) {
        self.kind = kind
        self.span = span
    }

    /// An end token the lexer added to close a string or interpolation left open (already reported).
    public var isSynthetic: Bool { span.start == span.end && kind != .endOfFile }
}
