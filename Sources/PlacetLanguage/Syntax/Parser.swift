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
//   string      := stringStart (stringText | interpolationStart expr interpolationEnd)* stringEnd
//
// Declarations are read in ParserDeclarations.swift, types in ParserTypes.swift, rules in
// ParserRules.swift (clause words: RuleClause), expressions in ParserExpressions.swift
// (binding strength: Precedence).
//   type        := ("set" "of" type | "list" "of" type | "map" "of" type "to" type | Name) ["?"]

public struct Parser {
    let source: SourceFile
    let fileID: Int
    var tokens: [Token]
    var index = 0
    var depth = 0
    /// The lexer's diagnostics and then the parser's, bounded like the type checker's; what
    /// does not fit is counted and reported as `syntax.tooManyErrors`.
    var bag: DiagnosticBag
    public var diagnostics: [Diagnostic] {
        guard bag.dropped > 0 else { return bag.diagnostics }
        return bag.diagnostics + [.tooManySyntaxErrors(bag.dropped, in: source.path)]
    }
    /// The file's `#` comments in source order; the syntax tree does not hold them.
    public private(set) var comments: [SourceComment] = []
    /// Comments alone on their line, by line number: the source of documentation.
    var commentLines: [Int: String] = [:]

    /// Deeper nesting than this is refused, so hostile input cannot exhaust the stack.
    public static let maximumDepth = 64

    struct Failure: Error {}

    public init(source: SourceFile, fileID: Int) {
        self.source = source
        self.fileID = fileID
        var lexer = Lexer(source: source, fileID: fileID)
        self.tokens = lexer.tokenize()
        self.bag = lexer.bag
        self.comments = lexer.comments
        for comment in comments where !comment.isTrailing {
            commentLines[source.lineAndColumn(of: comment.offset).line] = comment.text
        }
    }

    /// The `#` lines directly above the token at `offset` (no blank line between), each without
    /// its `#` and one space, joined with spaces.
    func documentation(before offset: Int) -> String {
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

    /// Parses each file of a program, its index its file id.
    public static func parse(sources: [SourceFile]) -> (files: [PolicyFileSyntax], diagnostics: [Diagnostic]) {
        var files: [PolicyFileSyntax] = []
        var diagnostics: [Diagnostic] = []
        for (index, source) in sources.enumerated() {
            let (file, fileDiagnostics) = parse(source, fileID: index)
            files.append(file)
            diagnostics.append(contentsOf: fileDiagnostics)
        }
        return (files, diagnostics)
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
        return (file, parser.comments, parser.diagnostics)
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

    var current: Token { tokens[index] }
    var atEnd: Bool { current.kind == .endOfFile }

    func peek(_ ahead: Int) -> Token {
        tokens[min(index + ahead, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func isWord(_ word: String) -> Bool {
        if case .identifier(let name) = current.kind { return name == word }
        return false
    }

    func isSymbol(_ symbol: Symbol) -> Bool {
        current.kind == .symbol(symbol)
    }

    func isKeyword(_ keyword: Keyword) -> Bool {
        current.kind == .keyword(keyword)
    }

    mutating func report(_ message: String, _ span: Span, id: String = "syntax.unexpectedToken") {
        bag.add { Diagnostic(id: id, message: message, location: source.location(of: span)) }
    }

    mutating func fail(_ message: String) -> Failure {
        report(message, current.span)
        return Failure()
    }

    mutating func expect(_ symbol: Symbol, _ context: String) throws -> Token {
        guard isSymbol(symbol) else { throw fail("expected '\(symbol.rawValue)' \(context), found \(current.kind)") }
        return advance()
    }

    @discardableResult
    mutating func expectWord(_ word: String, _ context: String) throws -> Token {
        guard isWord(word) else { throw fail("expected '\(word)' \(context), found \(current.kind)") }
        return advance()
    }

    mutating func expectIdentifier(_ context: String) throws -> Identifier {
        guard case .identifier(let name) = current.kind else {
            throw fail("expected \(context), found \(current.kind)")
        }
        return Identifier(name, span: advance().span)
    }
}

extension TokenKind {
    var isDeclarationStart: Bool {
        if case .identifier(let word) = self { return Parser.declarationWords.contains(word) || word == "value" }
        return false
    }
}
