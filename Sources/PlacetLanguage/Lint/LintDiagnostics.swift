// Every message the linter writes, in one place, with its stable id and severity.

extension Diagnostic {
    public static func missingCitation(rule: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(id: "lint.missingCitation", severity: .warning,
                   message: "rule '\(rule)' cites no legal source; add a 'cites' clause naming the article it encodes",
                   location: location)
    }

    /// `reason` says which parts of the condition contradict each other.
    public static func neverHolds(rule: String, reason: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(id: "lint.neverHolds", severity: .warning,
                   message: "the condition of rule '\(rule)' can never hold: \(reason)", location: location)
    }

    public static func alwaysHolds(rule: String, reason: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(id: "lint.alwaysHolds", severity: .warning,
                   message: "the condition of rule '\(rule)' always holds: \(reason)", location: location)
    }

    public static func unusedConstant(name: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(id: "lint.unusedConstant", severity: .warning,
                   message: "constant '\(name)' is never used", location: location)
    }

    public static func unusedDefinition(name: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(id: "lint.unusedDefinition", severity: .warning,
                   message: "definition '\(name)' is never used", location: location)
    }

    public static func futureEffectiveDate(rule: String, effective: CivilDate, asOf: CivilDate, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(id: "lint.futureEffectiveDate", severity: .note,
                   message: "rule '\(rule)' takes effect on \(effective), after \(asOf): it is silent until then",
                   location: location)
    }

    public static func duplicateRule(rule: String, original: String, originalLocation: SourceLocation?, at location: SourceLocation?) -> Diagnostic {
        let place = originalLocation.map { " (\($0.file):\($0.line))" } ?? ""
        return Diagnostic(id: "lint.duplicateRule", severity: .warning,
                          message: "rule '\(rule)' has the same condition and effect as rule '\(original)'\(place)",
                          location: location)
    }
}
