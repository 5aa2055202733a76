// `placet rules`: the rules of the policies in use as a table (id, effect, what each checks,
// citations, effective date). The work is in PlacetReports' RuleTableRenderer.

import ArgumentParser
import Foundation
import PlacetReports

extension RuleTableRenderer.Format: ExpressibleByArgument {}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules of the policies in use: id, effect, what each checks, citations, effective date.",
        discussion: """
            Policies: --policies DIR; else ./policies when it exists; else the bundled baseline pack. \
            "What it checks" is the first sentence of the # comment directly above the rule. \
            Rules are listed in id order. Exit 2 on a policy error.
            """)

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("Output format.", valueName: "text|markdown|json"))
    var format: RuleTableRenderer.Format = .text

    func run() throws {
        let policy = try policyOptions.compile()
        try Terminal.write(Array(RuleTableRenderer(policy: policy).render(format).utf8), to: nil)
    }
}
