// `placet schema --xsd`: print the XSD for XML manifests, generated from the policy schema.

import ArgumentParser
import PlacetManifests

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the XSD for XML manifests (urn:placet:manifest:v1), generated from the policies' schema.")

    @OptionGroup var policyOptions: PolicyOptions

    @Flag(name: .long, help: "Print the XML Schema (the only form for now).")
    var xsd = false

    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let policy = try policyOptions.compile()
        try Terminal.write(Array(XSDGenerator.xsd(for: policy.schema).utf8), to: output)
    }
}
