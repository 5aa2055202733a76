// Messages of the parser and type checker that have their own catalogue entry, with their
// stable ids, so each can be found, tested and documented in one place.

extension Diagnostic {
    /// A word where a rule clause should be: `efect block`, `wen ...`, `mesage "x"`.
    /// With a suggestion, a fix-it puts it in place of the word (`range`, at `location`).
    static func unknownClause(_ word: String, suggestion: String?, at location: SourceLocation, range: Span) -> Diagnostic {
        let hint = suggestion.map { "; did you mean '\($0)'?" }
            ?? "; expected \(RuleClause.alternatives)"
        let fixIts = suggestion.map { [FixIt(replacing: location, range: range, with: $0)] } ?? []
        return Diagnostic(id: "syntax.unknownClause", message: "unknown rule clause '\(word)'\(hint)", location: location, fixIts: fixIts)
    }

    /// `a and` with nothing after it.
    static func missingOperand(after keyword: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(id: "syntax.missingOperand", message: "expected an expression after '\(keyword)'", location: location)
    }

    /// A bare case name found in several enums, with no expected type to choose between them.
    static func ambiguousCase(_ name: String, enumerations: [String], at location: SourceLocation?) -> Diagnostic {
        var qualified = enumerations.sorted().map { "\($0).\(name)" }
        let last = qualified.popLast() ?? name
        let choices = qualified.isEmpty ? last : qualified.joined(separator: ", ") + " or " + last
        return Diagnostic(id: "type.ambiguousCase", message: "'\(name)' is ambiguous; write \(choices)", location: location)
    }

    /// A file with more syntax errors than the parser's bag holds: how many are not shown.
    static func tooManySyntaxErrors(_ dropped: Int, in file: String) -> Diagnostic {
        Diagnostic(id: "syntax.tooManyErrors", message: "\(dropped) more syntax errors in \(file) not shown")
    }

}

extension Diagnostic.Note {
    /// Points at the first declaration of a name declared again.
    static func firstDeclaration(_ name: String, at location: SourceLocation?) -> Diagnostic.Note {
        Diagnostic.Note(message: "'\(name)' is first declared here", location: location)
    }
}

extension Diagnostic {

    /// A name the engine relies on (`SchemaContract`) that the pack's schema does not declare,
    /// or declares with another type.
    static func contractMissing(record: String, field: String? = nil, type: String? = nil, purpose: String,
                                at location: SourceLocation?) -> Diagnostic {
        let what = field.map { name in "record '\(record)' with field '\(name)'" + (type.map { " (\($0))" } ?? "") }
            ?? "record '\(record)'"
        return Diagnostic(id: "type.contractMissing",
                          message: "the policies declare no \(what), which the engine needs \(purpose); add it to the schema",
                          location: location)
    }

    /// `today` in a `required when` condition, directly or through a constant or definition
    /// (`through`: "the constant 'now'"): manifests are read without an evaluation date.
    static func todayInRequiredWhen(through: String? = nil, at location: SourceLocation?) -> Diagnostic {
        let use = through.map { "'today' (through \($0))" } ?? "'today'"
        return Diagnostic(id: "type.todayInRequiredWhen",
                          message: "'required when' cannot use \(use): whether a field is required cannot depend on the evaluation date",
                          location: location)
    }
}
