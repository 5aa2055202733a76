// Bound expressions: the type checker's output. Every name is resolved to a slot, a
// constant index, a definition index, a field offset or an enum case, so evaluation does
// no lookups by name.

public enum ComparisonOperator: String, Sendable {
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

extension ComparisonOperator {
    /// The comparison as the language defines it, shared by the evaluator and the linter:
    /// numbers, dates and enum cases (by declaration order); false for NaN and for values of
    /// different kinds.
    public func holds(_ lhs: Value, _ rhs: Value) -> Bool {
        let order: Int
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)):
            // NaN compares false every way, as in IEEE arithmetic.
            if a.isNaN || b.isNaN { return false }
            order = a < b ? -1 : (a > b ? 1 : 0)
        case (.date(let a), .date(let b)): order = a < b ? -1 : (a > b ? 1 : 0)
        case (.enumCase(let a), .enumCase(let b)): order = a < b ? -1 : (a > b ? 1 : 0)
        default: return false
        }
        switch self {
        case .less: return order < 0
        case .lessEqual: return order <= 0
        case .greater: return order > 0
        case .greaterEqual: return order >= 0
        }
    }
}

public enum ArithmeticOperator: String, Sendable {
    case plus = "+", minus = "-", times = "*", divide = "/"
}

public enum SetOperator: String, Sendable {
    case union, intersect, except
}

public indirect enum BoundExpression: Sendable {
    case literal(Value)
    case local(Int)
    case constant(Int)
    case today
    case field(BoundExpression, record: Int, field: Int)
    /// A field of a value record: `a.decision` where `a: Adequacy`.
    case member(BoundExpression, valueRecord: Int, field: Int)
    /// A record literal, every field given (defaults and absent optionals filled in).
    case structure([BoundExpression])
    case call(function: Int, arguments: [BoundExpression])
    case collection([BoundExpression], isSet: Bool)
    case map([(key: BoundExpression, value: BoundExpression)])
    case lookup(BoundExpression, key: BoundExpression)
    case not(BoundExpression)
    case negate(BoundExpression)
    case and(BoundExpression, BoundExpression)
    case or(BoundExpression, BoundExpression)
    case equal(BoundExpression, BoundExpression, negated: Bool)
    case compare(ComparisonOperator, BoundExpression, BoundExpression)
    case contains(element: BoundExpression, collection: BoundExpression, negated: Bool)
    case containsKey(key: BoundExpression, map: BoundExpression, negated: Bool)
    case arithmetic(ArithmeticOperator, BoundExpression, BoundExpression)
    case setOperation(SetOperator, BoundExpression, BoundExpression)
    case isEmpty(BoundExpression, negated: Bool)
    case isPresent(BoundExpression, negated: Bool)
    case conditional(BoundExpression, then: BoundExpression, else: BoundExpression)
    case quantifier(all: Bool, slot: Int, collection: BoundExpression, body: BoundExpression)
    case interpolation([BoundStringPart])
    case toSet(BoundExpression)
    case count(BoundExpression)
    /// A leaf of a condition's and/or/not structure: evaluates to the inner expression's value;
    /// an observed evaluation also reports it (explain, coverage).
    case traced(BoundExpression, ConditionLeaf)
    /// A field read, lookup or call as written in the source, with its text and type: what an
    /// explanation shows beside a leaf. Evaluates to the inner expression's value.
    case observable(BoundExpression, SourceNode)
}

/// How a sub-expression was written: its source text, its type, and whether it was an index
/// (`m[k]`, whose key an explanation also shows).
public struct SourceNode: Sendable {
    public let text: String
    public let type: PlacetType
    public let isIndex: Bool
}

public enum BoundStringPart: Sendable {
    case text(String)
    case value(BoundExpression, PlacetType)
}

public struct ConstantDefinition: Sendable {
    public let name: String
    public let type: PlacetType
    public let value: BoundExpression
    public let location: SourceLocation
    /// The `#` comment lines directly above the constant.
    public internal(set) var documentation: String = ""
}

public struct FunctionDefinition: Sendable {
    public let name: String
    public let parameterTypes: [PlacetType]
    public let parameterNames: [String]
    public let returnType: PlacetType
    public internal(set) var body: BoundExpression
    public internal(set) var frameSize: Int
    public let location: SourceLocation
    /// The `#` comment lines directly above the definition.
    public internal(set) var documentation: String = ""
}

public struct RuleDefinition: Sendable {
    public let id: String
    public let effect: Effect
    public let unwaivable: Bool
    public let citations: [String]
    public let effective: CivilDate?
    /// Slot 0 holds the placement; slot 1 the `for each` variable when there is one.
    public let forEach: BoundExpression?
    public let forEachType: PlacetType?
    public let condition: BoundExpression?
    /// What the finding is about; nil means the placement itself.
    public let subject: BoundExpression?
    public let subjectType: PlacetType?
    public let message: BoundExpression
    public let frameSize: Int
    public let location: SourceLocation
    /// The leaves of the `when` condition's and/or/not structure, for coverage.
    public var conditionLeaves: [ConditionLeaf] { condition?.leaves ?? [] }
    /// `d in located(placement)`, as written.
    public let forEachText: String?
    /// The `#` comment lines directly above the rule.
    public internal(set) var documentation: String = ""
    public var regime: String { RuleDefinition.regime(of: id) }

    /// The regime is the first component of a rule id: `gdpr`, `aiact`, `residency`, `platform`.
    /// Every report that groups or tags rules by regime asks here.
    public static func regime(of id: String) -> String {
        String(id.split(separator: ".").first ?? Substring(id))
    }
}

/// A type-checked policy program: schema, constants (with an evaluation order that respects
/// their dependencies), definitions and rules.
public struct CheckedProgram: Sendable {
    public let sources: [SourceFile]
    /// The parsed files the program was checked from, in `sources` order (the linter points into them).
    public let syntax: [PolicyFileSyntax]
    public let schema: Schema
    public let constants: [ConstantDefinition]
    public let constantOrder: [Int]
    public let functions: [FunctionDefinition]
    public let rules: [RuleDefinition]
    /// The names the engine relies on, resolved against `schema` once by the type checker.
    public let contract: ResolvedSchemaContract

    /// The record kind whose manifests are evaluated (`Placement`).
    public var placementRecord: Int { contract.placement.record }
    /// The record kind of waivers (`Waiver`), when the schema declares one.
    public var waiverRecord: Int? { contract.waiver?.record }
}
