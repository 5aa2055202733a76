// What hover says about a policy symbol, in Markdown: its declaration as written, its type,
// and its documentation comment; a rule's effect, citations and effective date; a constant's value.

import PlacetLanguage

struct SymbolDescriptions {
    let analysis: PolicyAnalysis
    var index: PolicyIndex { analysis.index }
    var declarations: IndexDeclarations { index.declarations }

    /// Longer constant values are cut here in a hover.
    static let valueLineLimit = 24

    func block(_ code: String) -> String { "```placet\n\(code)\n```" }

    func joined(_ parts: [String]) -> String { parts.filter { !$0.isEmpty }.joined(separator: "\n\n") }

    func text(_ span: Span) -> String {
        guard analysis.sources.indices.contains(span.file) else { return "" }
        return analysis.sources[span.file].text(of: span)
    }

    func describe(_ symbol: PolicySymbol) -> String? {
        switch symbol {
        case .type(let name): return describeType(name)
        case .field(let type, let field):
            guard let declaration = declarations.field(field, of: type) else { return nil }
            var signature = "\(field): \(IndexType(declaration.type))"
            if let value = declaration.defaultValue { signature += " = \(text(value.span))" }
            if let condition = declaration.requiredWhen { signature += " required when \(text(condition.span))" }
            let kind = declarations.records[type]?.isValue == true ? "value record" : "record"
            return joined([block(signature), "Field of \(kind) `\(type)`.", declaration.documentation])
        case .enumCase(let type, let name):
            guard let enumeration = declarations.enumerations[type],
                  let item = enumeration.cases.first(where: { $0.name == name }) else { return nil }
            let about = enumerationDocumentation(enumeration)
            return joined([block("\(type).\(name)"), caseDocumentation(item, of: enumeration),
                           "Case of enum `\(type)`" + (about.isEmpty ? "." : ": \(about)")])
        case .constant(let name):
            guard let constant = declarations.constants[name] else { return nil }
            var value = text(constant.value.span).split(separator: "\n", omittingEmptySubsequences: false)
            let cut = value.count > SymbolDescriptions.valueLineLimit
            value = Array(value.prefix(SymbolDescriptions.valueLineLimit))
            let shown = value.joined(separator: "\n") + (cut ? "\n  …" : "")
            return joined([block("const \(name): \(IndexType(constant.type)) = \(shown)"), constant.documentation])
        case .function(let name):
            guard let function = declarations.functions[name] else { return nil }
            let parameters = function.parameters.map { "\($0.name.name): \(IndexType($0.type))" }.joined(separator: ", ")
            return joined([block("def \(name)(\(parameters)): \(IndexType(function.returnType))"), function.documentation])
        case .local(let name, let declaration):
            let type = index.localTypes[declaration].map { ": \($0)" } ?? ""
            return block("\(name)\(type)")
        case .rule(let id):
            guard let rule = declarations.rules[id] else { return nil }
            return describeRule(rule)
        }
    }

    func describeRule(_ rule: RuleDeclaration) -> String {
        var facts = ["**effect** \(rule.effect.rawValue)\(rule.unwaivable ? ", unwaivable" : "")"]
        facts.append("**cites** " + (rule.citations.isEmpty ? "nothing" : rule.citations.joined(separator: "; ")))
        facts.append("**effective** " + (rule.effective.map(\.description) ?? "always"))
        return joined([block("rule \(rule.id.name)"), facts.joined(separator: "  \n"), rule.documentation])
    }

    func describeType(_ name: String) -> String? {
        if IndexDeclarations.builtinTypes.contains(name) { return block(name) + "\n\nBuilt-in type." }
        if let enumeration = declarations.enumerations[name] {
            let cases = declarations.cases(of: name).map(\.name)
            let shown = cases.prefix(12).joined(separator: ", ") + (cases.count > 12 ? ", … (\(cases.count) cases)" : "")
            var header = "\(enumeration.ordered ? "ordered " : "")enum \(name)"
            if let included = enumeration.includes { header += " includes \(included.name)" }
            return joined([block(header + " { \(shown) }"), enumerationDocumentation(enumeration)])
        }
        if let record = declarations.records[name] {
            let fields = record.fields.map { "  \($0.name.name): \(IndexType($0.type))" }.joined(separator: "\n")
            let documentation = index.documentation(file: record.span.file, above: record.span.start)
            return joined([block("\(record.isValue ? "value record" : "record") \(name) {\n\(fields)\n}"), documentation])
        }
        return nil
    }

    func enumerationDocumentation(_ enumeration: EnumDeclaration) -> String {
        index.documentation(file: enumeration.span.file, above: enumeration.span.start)
    }

    /// The comment above a case's line, when the case starts a line of its own inside the enum.
    func caseDocumentation(_ item: Identifier, of enumeration: EnumDeclaration) -> String {
        let source = analysis.sources[item.span.file]
        let line = source.lineAndColumn(of: item.span.start).line
        guard line != source.lineAndColumn(of: enumeration.span.start).line else { return "" }
        let lineText = source.lineText(line).drop { $0 == " " || $0 == "\t" }
        guard lineText.hasPrefix(item.name) else { return "" }
        return index.documentation(file: item.span.file, above: item.span.start)
    }
}
