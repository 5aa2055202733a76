// The policy index: which declaration every name in the policy files refers to, for editors
// (hover, go to definition, references, rename, completion). It reads the parser's syntax
// tree, so it answers for files that do not type-check yet; the type checker stays the one
// judge of what is valid, and the index never reports a diagnostic.

/// What a name in a policy file refers to.
public enum PolicySymbol: Sendable, Hashable {
    /// A record, value record or enum (or a built-in type: bool, number, string, date).
    case type(String)
    case field(type: String, field: String)
    case enumCase(type: String, case: String)
    case constant(String)
    case function(String)
    /// A parameter, `for each` variable or quantifier variable, told apart by where it is declared.
    case local(name: String, declaration: Span)
    case rule(String)

    /// The name as written where the symbol is declared.
    public var name: String {
        switch self {
        case .type(let name), .constant(let name), .function(let name), .rule(let name): name
        case .field(_, let field): field
        case .enumCase(_, let name): name
        case .local(let name, _): name
        }
    }
}

/// One place a symbol is written.
public struct PolicyOccurrence: Sendable, Hashable {
    public let symbol: PolicySymbol
    public let span: Span
    /// Whether this is where the symbol is declared.
    public let isDeclaration: Bool
}

/// A type as the index knows it: from type syntax, before the checker resolves it.
public indirect enum IndexType: Sendable, Hashable, CustomStringConvertible {
    /// bool, number, string, date, or the name of a record, value record or enum.
    case named(String)
    case set(IndexType)
    case list(IndexType)
    case map(IndexType, IndexType)
    case optional(IndexType)

    public init(_ syntax: TypeSyntax) {
        switch syntax {
        case .named(let identifier): self = .named(identifier.name)
        case .set(let element, _): self = .set(IndexType(element))
        case .list(let element, _): self = .list(IndexType(element))
        case .map(let key, let value, _): self = .map(IndexType(key), IndexType(value))
        case .optional(let inner, _): self = .optional(IndexType(inner))
        }
    }

    public var unwrapped: IndexType {
        if case .optional(let inner) = self { return inner }
        return self
    }

    public var element: IndexType? {
        switch unwrapped {
        case .set(let element), .list(let element): element
        default: nil
        }
    }

    /// The named type under optionals, or nil for a collection.
    public var name: String? {
        if case .named(let name) = unwrapped { return name }
        return nil
    }

    /// As the checker's messages write types: `set of Country`, `Dataset?`.
    public var description: String {
        switch self {
        case .named(let name): name
        case .set(let element): "set of \(element)"
        case .list(let element): "list of \(element)"
        case .map(let key, let value): "map of \(key) to \(value)"
        case .optional(let inner): "\(inner)?"
        }
    }
}

/// A place where a name may be completed: the names in scope there and, when the context
/// expects one, the type (so an enum's cases can be offered).
public struct NameSite: Sendable {
    public let span: Span
    public let expected: IndexType?
    public let locals: [(name: String, type: IndexType?)]
}

/// A `base.member` read: the member's span and the base's type, for completing fields.
public struct MemberSite: Sendable {
    public let span: Span
    public let baseType: IndexType
}

/// Every name of a policy program, resolved: declarations, occurrences, and completion sites.
public struct PolicyIndex: Sendable {
    public let sources: [SourceFile]
    public let files: [PolicyFileSyntax]
    public let declarations: IndexDeclarations
    /// Every occurrence, declarations included, in file then offset order.
    public let occurrences: [PolicyOccurrence]
    /// The type of each local, by where it is declared.
    public let localTypes: [Span: IndexType]
    public let nameSites: [NameSite]
    public let memberSites: [MemberSite]

    /// Indexes parsed policy files; `files[i]` is the syntax of `sources[i]`.
    public init(files: [PolicyFileSyntax], sources: [SourceFile]) {
        self.sources = sources
        self.files = files
        let declarations = IndexDeclarations(files: files)
        var builder = IndexBuilder(declarations: declarations)
        for file in files { builder.index(file) }
        self.declarations = declarations
        self.occurrences = builder.occurrences.sorted {
            ($0.span.file, $0.span.start, $0.span.end) < ($1.span.file, $1.span.start, $1.span.end)
        }
        self.localTypes = builder.localTypes
        self.nameSites = builder.nameSites
        self.memberSites = builder.memberSites
    }

    /// The occurrence under a UTF-8 offset of a file (its end included, so a cursor just after
    /// a name finds it), the narrowest when several overlap.
    public func occurrence(file: Int, offset: Int) -> PolicyOccurrence? {
        occurrences.filter { $0.span.file == file && $0.span.start <= offset && offset <= $0.span.end }
            .min { ($0.span.end - $0.span.start) < ($1.span.end - $1.span.start) }
    }

    /// Every occurrence of a symbol, its declaration included.
    public func occurrences(of symbol: PolicySymbol) -> [PolicyOccurrence] {
        occurrences.filter { $0.symbol == symbol }
    }

    /// Where a symbol is declared, when a policy file declares it.
    public func declaration(of symbol: PolicySymbol) -> PolicyOccurrence? {
        occurrences.first { $0.symbol == symbol && $0.isDeclaration }
    }

    public func nameSite(file: Int, offset: Int) -> NameSite? {
        nameSites.last { $0.span.file == file && $0.span.start <= offset && offset <= $0.span.end }
    }

    public func memberSite(file: Int, offset: Int) -> MemberSite? {
        memberSites.last { $0.span.file == file && $0.span.start <= offset && offset <= $0.span.end }
    }

    /// The `#` comment lines directly above the line of `offset` (no blank line between),
    /// without their `#`, joined with spaces: how the parser reads documentation, for the
    /// declarations whose syntax does not keep it (enums, their cases).
    public func documentation(file: Int, above offset: Int) -> String {
        let source = sources[file]
        var line = source.lineAndColumn(of: offset).line - 1
        var lines: [String] = []
        while line >= 1 {
            let text = source.lineText(line).drop { $0 == " " || $0 == "\t" }
            guard text.first == "#" else { break }
            var body = text.dropFirst()
            if body.first == " " { body = body.dropFirst() }
            lines.append(String(body))
            line -= 1
        }
        return lines.reversed().joined(separator: " ").trimmingTrailingSpaces()
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
