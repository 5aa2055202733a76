// The syntax tree: what the parser read, with spans, before any name is resolved.

public struct Identifier: Sendable, Hashable {
    public var name: String
    public var span: Span

    public init(_ name: String, span: Span) {
        self.name = name
        self.span = span
    }
}

public indirect enum TypeSyntax: Sendable, Hashable {
    case named(Identifier)
    case set(TypeSyntax, Span)
    case list(TypeSyntax, Span)
    case map(TypeSyntax, TypeSyntax, Span)
    case optional(TypeSyntax, Span)

    public var span: Span {
        switch self {
        case .named(let identifier): identifier.span
        case .set(_, let span), .list(_, let span), .map(_, _, let span), .optional(_, let span): span
        }
    }
}

public enum UnaryOperator: String, Sendable, Hashable {
    case not, negate = "-"
}

public enum BinaryOperator: String, Sendable, Hashable {
    case and, or
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in`, notIn = "not in"
    case plus = "+", minus = "-", times = "*", divide = "/"
    case union, intersect, except
}

public enum TestKind: String, Sendable, Hashable {
    case empty = "is empty", notEmpty = "is not empty", present = "is present", absent = "is absent"
}

public enum QuantifierKind: String, Sendable, Hashable {
    case some, all
}

public enum StringPart: Sendable, Hashable {
    case text(String)
    case interpolation(Expression)
}

public struct Expression: Sendable, Hashable {
    public var kind: Kind
    public var span: Span

    public init(_ kind: Kind, span: Span) {
        self.kind = kind
        self.span = span
    }

    public indirect enum Kind: Sendable, Hashable {
        case name(String)
        case member(Expression, Identifier)
        /// `prohibited.*`: every case of an enum whose name starts with the path.
        case caseGroup(Expression)
        case call(Identifier, [Expression])
        case index(Expression, Expression)
        case bool(Bool)
        case number(Double)
        case date(CivilDate)
        case string([StringPart])
        case collection([Expression])
        case mapLiteral([(key: Expression, value: Expression)])
        /// `{from: 2000-07-26, decision: "..."}`: a value record, its type from the context.
        case recordLiteral([(name: Identifier, value: Expression)])
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        case test(Expression, TestKind)
        case conditional(Expression, then: Expression, else: Expression)
        case quantifier(QuantifierKind, Identifier, in: Expression, satisfies: Expression)

        public static func == (lhs: Kind, rhs: Kind) -> Bool {
            lhs.structuralKey == rhs.structuralKey
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(structuralKey)
        }
    }
}

extension Expression.Kind {
    /// A printable form that ignores spans; two expressions with the same key mean the same thing.
    public var structuralKey: String {
        switch self {
        case .name(let name): return name
        case .member(let base, let member): return "\(base.kind.structuralKey).\(member.name)"
        case .caseGroup(let base): return "\(base.kind.structuralKey).*"
        case .call(let name, let args): return "\(name.name)(\(args.map(\.kind.structuralKey).joined(separator: ", ")))"
        case .index(let base, let key): return "\(base.kind.structuralKey)[\(key.kind.structuralKey)]"
        case .bool(let value): return String(value)
        case .number(let value): return "#\(value)"
        case .date(let date): return date.description
        case .string(let parts):
            return "\"" + parts.map { part in
                switch part {
                case .text(let text): text
                case .interpolation(let expression): "{\(expression.kind.structuralKey)}"
                }
            }.joined() + "\""
        case .collection(let items): return "[\(items.map(\.kind.structuralKey).joined(separator: ", "))]"
        case .mapLiteral(let pairs):
            return "[\(pairs.map { "\($0.key.kind.structuralKey): \($0.value.kind.structuralKey)" }.joined(separator: ", "))]"
        case .recordLiteral(let fields):
            return "{\(fields.map { "\($0.name.name): \($0.value.kind.structuralKey)" }.joined(separator: ", "))}"
        case .unary(let op, let operand): return "(\(op.rawValue) \(operand.kind.structuralKey))"
        case .binary(let op, let lhs, let rhs): return "(\(lhs.kind.structuralKey) \(op.rawValue) \(rhs.kind.structuralKey))"
        case .test(let operand, let test): return "(\(operand.kind.structuralKey) \(test.rawValue))"
        case .conditional(let c, let t, let e):
            return "(if \(c.kind.structuralKey) then \(t.kind.structuralKey) else \(e.kind.structuralKey))"
        case .quantifier(let kind, let variable, let collection, let body):
            return "(\(kind.rawValue) \(variable.name) in \(collection.kind.structuralKey): \(body.kind.structuralKey))"
        }
    }
}

public struct EnumDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var ordered: Bool
    public var includes: Identifier?
    public var cases: [Identifier]
    /// `removed old: new1, new2` lines, after the cases.
    public var removed: [RemovedCaseDeclaration] = []
    public var span: Span
}

/// `removed annex3.biometrics in revision 2: annex3.remoteBiometricId, annex3.emotionRecognition`.
public struct RemovedCaseDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var revision: Int?
    public var replacements: [Identifier]
}

public struct FieldDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var type: TypeSyntax
    public var defaultValue: Expression?
    public var requiredWhen: Expression?
    /// The `#` lines directly above the field.
    public var documentation: String = ""
}

public struct RecordDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var fields: [FieldDeclaration]
    public var span: Span
    /// `value record`: plain data for constants and definitions, not a manifest kind.
    public var isValue: Bool = false
}

public struct ConstantDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var type: TypeSyntax
    public var value: Expression
    public var documentation: String = ""
}

public struct Parameter: Sendable, Hashable {
    public var name: Identifier
    public var type: TypeSyntax
}

public struct FunctionDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var parameters: [Parameter]
    public var returnType: TypeSyntax
    public var body: Expression
    public var documentation: String = ""
}

public enum Effect: String, Sendable, Hashable, Comparable {
    case block, warn

    public static func < (lhs: Effect, rhs: Effect) -> Bool { lhs.rawValue < rhs.rawValue }
}

public struct RuleDeclaration: Sendable, Hashable {
    public var id: Identifier
    public var effect: Effect
    public var effectSpan: Span
    public var unwaivable: Bool
    public var citations: [String]
    public var effective: CivilDate?
    public var forEach: (variable: Identifier, collection: Expression)?
    public var condition: Expression?
    public var subject: Expression?
    public var message: Expression
    public var span: Span
    public var documentation: String = ""

    public static func == (lhs: RuleDeclaration, rhs: RuleDeclaration) -> Bool {
        lhs.id == rhs.id && lhs.effect == rhs.effect && lhs.unwaivable == rhs.unwaivable
            && lhs.citations == rhs.citations && lhs.effective == rhs.effective
            && lhs.forEach?.variable == rhs.forEach?.variable && lhs.forEach?.collection == rhs.forEach?.collection
            && lhs.condition == rhs.condition && lhs.subject == rhs.subject && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
    }
}

public enum Declaration: Sendable, Hashable {
    case enumeration(EnumDeclaration)
    case record(RecordDeclaration)
    case constant(ConstantDeclaration)
    case function(FunctionDeclaration)
    case rule(RuleDeclaration)
}

/// One parsed policy file.
public struct PolicyFileSyntax: Sendable {
    public var fileID: Int
    public var declarations: [Declaration]
}
