// fuzz-policy: one policy file, as `placet check`, `lint` and `fmt` read it, added to the
// baseline's schema and reference definitions (so rules in it can name Dataset, Placement and
// the reference sets). Asserted:
//   - every diagnostic of the lexer, parser, type checker and linter lies inside the input;
//   - a file that parses is formatted (or refused only for a comment inside an interpolation),
//     never with "format.unsafe", its output parses without error, and formatting it again
//     changes nothing;
//   - a file that type-checks compiles, decides the example inventory, and its formatted text
//     decides it the same way.

import FuzzContracts
import PlacetEngine
import PlacetLanguage
import PlacetManifests

/// The baseline's schema and reference files: the context a policy file is checked in.
let context: [SourceFile] = FuzzFixtures.pack.sources.filter { !$0.path.dropFirst(FuzzFixtures.pack.displayPrefix.count).hasPrefix("rules/") }
let contextSyntax: (files: [PolicyFileSyntax], diagnostics: [Diagnostic]) = {
    FuzzContract.require(context.count >= 2 && context.count < FuzzFixtures.pack.sources.count,
                         "the context is not the baseline's schema and references: \(context.map(\.path))")
    return Parser.parse(sources: context)
}()
let path = "zz-fuzz.placet"

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_policy_main")
public func fuzzPolicySourceMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzPolicySource)
}

/// One input.
func fuzzPolicySource(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let source = SourceFile(path: path, text: String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    let (file, parseDiagnostics) = Parser.parse(source, fileID: context.count)
    FuzzContract.locationsInside(parseDiagnostics, path: path, bytes: source.bytes)

    let (checked, diagnostics) = TypeChecker.check(contextSyntax.files + [file], sources: context + [source],
                                                    parseDiagnostics: contextSyntax.diagnostics + parseDiagnostics)
    FuzzContract.locationsInside(diagnostics, path: path, bytes: source.bytes)
    let parses = !parseDiagnostics.contains(where: \.isError)
    let typeChecks = checked != nil && !diagnostics.contains(where: \.isError)
    if let checked, typeChecks {
        FuzzContract.locationsInside(Linter(program: checked, asOf: FuzzFixtures.asOf).run(), path: path, bytes: source.bytes)
    }

    let formatted = PolicyFormatter.format(source)
    FuzzContract.locationsInside(formatted.diagnostics, path: path, bytes: source.bytes)
    FuzzContract.require(!formatted.diagnostics.contains { $0.id == "format.unsafe" },
                         "the formatter could not keep the file's tree and comments (format.unsafe)")
    if parses, formatted.text == nil {
        FuzzContract.require(formatted.diagnostics.contains { $0.id == "format.commentInString" },
                             "a file that parses was not formatted: \(formatted.diagnostics.map(\.message))")
    }
    if let text = formatted.text {
        FuzzContract.require(parses, "a file with parse errors was formatted")
        let again = PolicyFormatter.format(SourceFile(path: path, text: text))
        FuzzContract.require(again.text == text, "formatting is not idempotent: \(again.diagnostics.map(\.message))")
        if typeChecks { decisionsAgree(source, formatted: text) }
    }
    return 0
}

/// The file and its formatted text, compiled with the context, decide the example inventory alike.
func decisionsAgree(_ source: SourceFile, formatted: String) {
    let original = CompiledPolicy.compile(sources: context + [source])
    guard let policy = original.0 else { FuzzContract.violated("type-checked but does not compile: \(original.1.map(\.message))") }
    let loaded = ManifestLoader(policy: policy).load(inputs: FuzzFixtures.acmeInputs)
    // The file may redefine what the examples need; then there is nothing to decide.
    guard !loaded.hasErrors else { return }
    let reformatted = CompiledPolicy.compile(sources: context + [SourceFile(path: path, text: formatted)])
    guard let formattedPolicy = reformatted.0 else {
        FuzzContract.violated("the formatted file does not compile: \(reformatted.1.filter(\.isError).map(\.message))")
    }
    let before = PlacementAssessor(policy: policy, asOf: FuzzFixtures.asOf).assess(loaded.inventory).decisions
    let after = PlacementAssessor(policy: formattedPolicy, asOf: FuzzFixtures.asOf).assess(loaded.inventory).decisions
    FuzzContract.require(before.map(\.outcome) == after.map(\.outcome)
                             && before.map { $0.findings.map(\.rule) } == after.map { $0.findings.map(\.rule) },
                         "formatting changed a decision")
}
