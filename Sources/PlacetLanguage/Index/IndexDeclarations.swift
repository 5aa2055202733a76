// The declarations of a policy program by name, read from syntax (the first of a redeclared
// name wins, as in the type checker).

public struct IndexDeclarations: Sendable {
    public private(set) var enumerations: [String: EnumDeclaration] = [:]
    /// Records and value records.
    public private(set) var records: [String: RecordDeclaration] = [:]
    public private(set) var constants: [String: ConstantDeclaration] = [:]
    public private(set) var functions: [String: FunctionDeclaration] = [:]
    public private(set) var rules: [String: RuleDeclaration] = [:]
    /// The enums that declare a case themselves (not through `includes`), by case name.
    public private(set) var caseOwners: [String: [String]] = [:]

    public static let builtinTypes: Set<String> = ["bool", "number", "string", "date"]

    init(files: [PolicyFileSyntax]) {
        for file in files {
            for declaration in file.declarations {
                switch declaration {
                case .enumeration(let enumeration):
                    guard enumerations[enumeration.name.name] == nil else { continue }
                    enumerations[enumeration.name.name] = enumeration
                    for item in enumeration.cases { caseOwners[item.name, default: []].append(enumeration.name.name) }
                case .record(let record):
                    if records[record.name.name] == nil { records[record.name.name] = record }
                case .constant(let constant):
                    if constants[constant.name.name] == nil { constants[constant.name.name] = constant }
                case .function(let function):
                    if functions[function.name.name] == nil { functions[function.name.name] = function }
                case .rule(let rule):
                    if rules[rule.id.name] == nil { rules[rule.id.name] = rule }
                }
            }
        }
    }

    /// The enum that declares `name` among the cases of `enumeration`: itself, or an enum it
    /// includes (transitively).
    public func owner(ofCase name: String, in enumeration: String) -> String? {
        var current: String? = enumeration
        var seen: Set<String> = []
        while let type = current, let declaration = enumerations[type], seen.insert(type).inserted {
            if declaration.cases.contains(where: { $0.name == name }) { return type }
            current = declaration.includes?.name
        }
        return nil
    }

    /// Every case of an enum, those of included enums first (as values of the enum have them).
    public func cases(of enumeration: String) -> [(owner: String, name: String)] {
        var chain: [String] = []
        var current: String? = enumeration
        while let type = current, let declaration = enumerations[type], !chain.contains(type) {
            chain.append(type)
            current = declaration.includes?.name
        }
        return chain.reversed().flatMap { type in
            (enumerations[type]?.cases ?? []).map { (owner: type, name: $0.name) }
        }
    }

    /// The enum of a case name written without context: the one enum that declares it, if one does.
    public func soleOwner(ofCase name: String) -> String? {
        guard let owners = caseOwners[name], owners.count == 1 else { return nil }
        return owners[0]
    }

    public func field(_ name: String, of record: String) -> FieldDeclaration? {
        records[record]?.fields.first { $0.name.name == name }
    }

    public func isEnumeration(_ type: IndexType?) -> String? {
        guard let name = type?.name, enumerations[name] != nil else { return nil }
        return name
    }

    /// Whether a name is a type: built in or declared.
    public func isType(_ name: String) -> Bool {
        IndexDeclarations.builtinTypes.contains(name) || enumerations[name] != nil || records[name] != nil
    }
}
