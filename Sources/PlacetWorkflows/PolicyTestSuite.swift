// Policy unit tests that auditors write without Swift (`*.test.yaml`): each test names its
// manifests (inline, from shared fixtures, or by file), an optional `asOf`, and the expected
// outcome per placement: the decision, and the exact findings as `rule [subjects]`.
//
//   fixtures:
//     eu-target:
//       - {apiVersion: placet/v1, kind: Target, id: t-1, provider: aws, country: DE}
//   tests:
//     - name: personal data without a lawful basis is blocked
//       asOf: 2028-01-01
//       use: [eu-target]
//       files: [../examples/acme/models.yaml]
//       manifests:
//         - {apiVersion: placet/v1, kind: Dataset, id: ds-1, personalData: true, dataSubjects: [EU]}
//         - {apiVersion: placet/v1, kind: Placement, id: pl-1, workload: storage, datasets: [ds-1], target: t-1, stage: production}
//       expect:
//         pl-1: {decision: block, findings: ["gdpr.lawful-basis [ds-1]"]}
//       notices: ["w-1: expired on 2027-06-30"]
//
// `rules: [gdpr.transfer, gdpr.transfer-assessment]`, on a test or at the top of the file
// (the default for every test there; a test's own `rules:` replaces it), says which rules a
// test is about: its expected findings are compared with those rules' findings only, and the
// expected decision is the one those rules alone give (block when any of their block findings
// is not waived), so adding a rule to the pack does not break unrelated tests. Coverage still
// records every rule; notices are compared whole. An unknown rule id is a `test.unknownRule`
// error.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests

public struct PolicyTest: Sendable {
    public struct Expectation: Sendable {
        public let placement: String
        public let decision: Outcome?
        public let findings: [String]?
        public let line: Int
    }

    public let file: String
    public let name: String
    public let line: Int
    public let asOf: CivilDate?
    let documents: [DocumentNode]
    /// The test file as read once, so inline manifests report errors against it.
    let source: ManifestFileContext
    let files: [String]
    public let expectations: [Expectation]
    public let notices: [String]?
    /// The rules the test is about, from its own `rules:` or the file's; nil means every rule.
    public let rules: Set<String>?
}

public struct PolicyTestResult: Sendable {
    public let test: PolicyTest
    /// Empty when the test passed.
    public let failures: [String]
    public var passed: Bool { failures.isEmpty }
}

public struct PolicyTestRun: Sendable {
    public let results: [PolicyTestResult]
    public let coverage: CoverageTracker
    public var passed: Int { results.filter(\.passed).count }
    public var failed: Int { results.count - passed }
}

public struct PolicyTestRunner: Sendable {
    public let policy: CompiledPolicy
    /// For tests that give no `asOf`.
    public let defaultAsOf: CivilDate

    /// Reads a test file, or a manifest file a test names, by path: the disk, or a pack held in memory.
    public let read: @Sendable (String) -> Result<[UInt8], RegularFile.ReadFailure>

    /// Test files larger than this are refused unread, as policy files are; the manifests a
    /// test names have the loader's limit, as under `check`.
    public static let maximumTestFileSize = PolicyPack.maximumFileSize

    public init(policy: CompiledPolicy, defaultAsOf: CivilDate,
                read: @escaping @Sendable (String) -> Result<[UInt8], RegularFile.ReadFailure> = PolicyTestRunner.readFromDisk) {
        self.policy = policy
        self.defaultAsOf = defaultAsOf
        self.read = read
    }

    /// A runner over the tests of a pack compiled into the binary: paths are the pack's display
    /// paths (`bundled:tests/x.test.yaml`), and `files:` entries resolve inside the pack.
    public init(policy: CompiledPolicy, defaultAsOf: CivilDate, pack: PolicyPack) {
        let prefix = pack.displayPrefix
        self.init(policy: policy, defaultAsOf: defaultAsOf) { path in
            guard path.hasPrefix(prefix), let bytes = pack.bundledFile(PolicyTestRunner.packPath(String(path.dropFirst(prefix.count)))) else {
                return .failure(.unreadable(reason: "no such file in the bundled pack"))
            }
            return .success(bytes)
        }
    }

    /// A file from the disk: a test file (`*.test.yaml`) with the test files' limit, any other
    /// (a manifest a test names) with the manifest loader's.
    @Sendable public static func readFromDisk(_ path: String) -> Result<[UInt8], RegularFile.ReadFailure> {
        let isTestFile = path.hasSuffix(".test.yaml") || path.hasSuffix(".test.yml")
        return RegularFile.read(atPath: path, limit: isTestFile ? maximumTestFileSize : ManifestLoader.defaultMaximumFileSize)
    }

    /// `a/b/../c` as `a/c`, for relative paths inside a pack.
    static func packPath(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", !parts.isEmpty, parts.last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }

    /// Test files under a directory, recursively, in sorted order, and those found that are
    /// not regular files (a FIFO, which reading would wait on).
    public static func discover(directory: String) -> (files: [String], notRegular: [String]) {
        let listing = FolderFiles.listing(under: directory, where: { $0.hasSuffix(".test.yaml") || $0.hasSuffix(".test.yml") }) ?? FolderFiles.Listing()
        return (listing.files.map { FolderFiles.path($0, in: directory) }, listing.notRegular.map { FolderFiles.path($0, in: directory) })
    }

    /// Reads the tests of one file; malformed files give diagnostics instead.
    public func parse(file path: String) -> ([PolicyTest], [Diagnostic]) {
        let bytes: [UInt8]
        switch read(path) {
        case .success(let read): bytes = read
        case .failure(let failure):
            return ([], [failure.diagnostic(path: path, domain: "test")])
        }
        let data = Data(bytes)
        let context = ManifestFileContext(path: path, bytes: bytes, format: .yaml)
        func error(_ message: String, _ position: Position) -> Diagnostic {
            Diagnostic(id: "test.invalid", message: message, location: context.diagnosticLocation(position))
        }
        let documents: [DocumentNode]
        do {
            documents = try YAMLReader.read(String(decoding: data, as: UTF8.self))
        } catch {
            return ([], [Diagnostic(id: "test.malformedYAML", message: error.message, location: context.diagnosticLocation(error.position))])
        }
        guard case .mapping(let top, let topPosition)? = documents.first else {
            return ([], [error("a test file is a mapping with 'tests:' (and optional 'fixtures:')", Position(line: 1, column: 1))])
        }
        var diagnostics: [Diagnostic] = []
        var fixtures: [String: [DocumentNode]] = [:]
        var testNodes: [DocumentNode] = []
        var defaultRules: Set<String>?
        for entry in top {
            switch (entry.key, entry.value) {
            case ("fixtures", .mapping(let named, _)):
                for fixture in named {
                    if case .sequence(let items, _) = fixture.value { fixtures[fixture.key] = items } else {
                        diagnostics.append(error("fixture '\(fixture.key)' must be a list of manifests", fixture.value.position))
                    }
                }
            case ("tests", .sequence(let items, _)): testNodes = items
            case ("rules", let value):
                let (rules, problems) = ruleList(value, source: context, error: error)
                defaultRules = rules
                diagnostics.append(contentsOf: problems)
            default:
                diagnostics.append(error("unknown key '\(entry.key)' in a test file\(Suggestion.didYouMean(entry.key, in: ["fixtures", "rules", "tests"])); expected 'fixtures' (a mapping), 'rules' (a list of rule ids) or 'tests' (a list)", entry.keyPosition))
            }
        }
        if testNodes.isEmpty, diagnostics.isEmpty { diagnostics.append(error("the file has no tests", topPosition)) }
        var tests: [PolicyTest] = []
        for node in testNodes {
            switch parseTest(node, file: path, source: context, fixtures: fixtures, defaultRules: defaultRules, error: error) {
            case .success(let test): tests.append(test)
            case .failure(let failure): diagnostics.append(contentsOf: failure.diagnostics)
            }
        }
        return (tests, diagnostics)
    }

    private struct ParseFailure: Error {
        let diagnostics: [Diagnostic]
    }

    /// A `rules:` value: one rule id or a list of them, each a rule of the policy.
    private func ruleList(_ value: DocumentNode, source: ManifestFileContext,
                          error: (String, Position) -> Diagnostic) -> (Set<String>?, [Diagnostic]) {
        let items: [DocumentNode]
        switch value {
        case .scalar: items = [value]
        case .sequence(let list, _): items = list
        case .mapping: return (nil, [error("'rules' is a list of rule ids", value.position)])
        }
        guard !items.isEmpty else { return (nil, [error("'rules' names no rule; leave it out to compare every rule's findings", value.position)]) }
        var rules: Set<String> = []
        var problems: [Diagnostic] = []
        for item in items {
            guard case .scalar(let id, _, let position) = item else {
                problems.append(error("'rules' is a list of rule ids", item.position))
                continue
            }
            if policy.ruleIndex[id] != nil { rules.insert(id) } else {
                problems.append(Diagnostic(id: "test.unknownRule",
                                           message: "unknown rule '\(id)' in 'rules'\(Suggestion.didYouMean(id, in: policy.rules.map(\.id)))",
                                           location: source.diagnosticLocation(position, length: id.count)))
            }
        }
        return (rules, problems)
    }

    private func parseTest(_ node: DocumentNode, file: String, source: ManifestFileContext, fixtures: [String: [DocumentNode]],
                           defaultRules: Set<String>?, error: (String, Position) -> Diagnostic) -> Result<PolicyTest, ParseFailure> {
        guard case .mapping(let entries, let position) = node else {
            return .failure(ParseFailure(diagnostics: [error("a test is a mapping with name, manifests and expect", node.position)]))
        }
        var problems: [Diagnostic] = []
        var name: String?
        var asOf: CivilDate?
        var documents: [DocumentNode] = []
        var files: [String] = []
        var expectations: [PolicyTest.Expectation] = []
        var notices: [String]?
        var rules = defaultRules
        func strings(_ value: DocumentNode) -> [String]? {
            switch value {
            case .scalar(let text, _, _): return [text]
            case .sequence(let items, _):
                let texts = items.compactMap { if case .scalar(let text, _, _) = $0 { text } else { nil } }
                return texts.count == items.count ? texts : nil
            default: return nil
            }
        }
        let keys = ["name", "asOf", "use", "files", "manifests", "expect", "notices", "rules"]
        for entry in entries {
            switch entry.key {
            case "name":
                if case .scalar(let text, _, _) = entry.value { name = text }
            case "asOf":
                if case .scalar(let text, _, _) = entry.value, let date = CivilDate(iso: text) { asOf = date } else {
                    problems.append(error("asOf must be a date (YYYY-MM-DD)", entry.value.position))
                }
            case "use":
                for fixture in strings(entry.value) ?? [] {
                    if let manifests = fixtures[fixture] { documents.append(contentsOf: manifests) } else {
                        problems.append(error("unknown fixture '\(fixture)'\(Suggestion.didYouMean(fixture, in: fixtures.keys))", entry.value.position))
                    }
                }
            case "files":
                let directory = (file as NSString).deletingLastPathComponent
                files = (strings(entry.value) ?? []).map { ($0 as NSString).isAbsolutePath ? $0 : (directory as NSString).appendingPathComponent($0) }
            case "manifests":
                if case .sequence(let items, _) = entry.value { documents.append(contentsOf: items) } else {
                    problems.append(error("'manifests' must be a list of manifests", entry.value.position))
                }
            case "expect":
                guard case .mapping(let placements, _) = entry.value else {
                    problems.append(error("'expect' maps placement ids to {decision, findings}", entry.value.position))
                    continue
                }
                for placement in placements {
                    guard case .mapping(let fields, _) = placement.value else {
                        problems.append(error("expected {decision: ..., findings: [...]} for '\(placement.key)'", placement.value.position))
                        continue
                    }
                    var decision: Outcome?
                    var findings: [String]?
                    for field in fields {
                        switch field.key {
                        case "decision":
                            if case .scalar(let text, _, _) = field.value, let outcome = Outcome(rawValue: text) { decision = outcome } else {
                                problems.append(error("decision must be approve or block", field.value.position))
                            }
                        case "findings":
                            if case .sequence(let items, _) = field.value, items.isEmpty { findings = [] } else if let list = strings(field.value) {
                                findings = list.map(PolicyTestRunner.normalize)
                            } else {
                                problems.append(error("findings is a list of \"rule [subjects]\" strings", field.value.position))
                            }
                        default:
                            problems.append(error("unknown key '\(field.key)'; expected decision or findings", field.keyPosition))
                        }
                    }
                    expectations.append(.init(placement: placement.key, decision: decision, findings: findings, line: placement.keyPosition.line))
                }
            case "rules":
                let (list, ruleProblems) = ruleList(entry.value, source: source, error: error)
                rules = list
                problems.append(contentsOf: ruleProblems)
            case "notices":
                notices = strings(entry.value)
                if notices == nil { problems.append(error("notices is a list of \"waiver: message\" strings", entry.value.position)) }
            default:
                problems.append(error("unknown key '\(entry.key)' in a test\(Suggestion.didYouMean(entry.key, in: keys))", entry.keyPosition))
            }
        }
        guard let name else {
            return .failure(ParseFailure(diagnostics: problems + [error("a test needs a name", position)]))
        }
        if expectations.isEmpty, notices == nil { problems.append(error("test '\(name)' expects nothing; add 'expect:'", position)) }
        guard problems.isEmpty else { return .failure(ParseFailure(diagnostics: problems)) }
        return .success(PolicyTest(file: file, name: name, line: position.line, asOf: asOf, documents: documents, source: source, files: files,
                                   expectations: expectations, notices: notices, rules: rules))
    }

    /// `rule [a, b] waived` and `rule [a,b]  waived` mean the same.
    static func normalize(_ finding: String) -> String {
        finding.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .replacingOccurrences(of: ", ", with: ",").replacingOccurrences(of: "[ ", with: "[").replacingOccurrences(of: " ]", with: "]")
    }

    static func describe(_ finding: Finding) -> String {
        "\(finding.rule) [\(finding.subjects.joined(separator: ","))]" + (finding.waived ? " waived" : "")
    }

    /// Runs every test of every file, recording coverage.
    public func run(files: [String]) -> (PolicyTestRun, [Diagnostic]) {
        var results: [PolicyTestResult] = []
        var diagnostics: [Diagnostic] = []
        var coverage = CoverageTracker(policy: policy)
        for file in files {
            let (tests, problems) = parse(file: file)
            diagnostics.append(contentsOf: problems)
            for test in tests { results.append(run(test, coverage: &coverage)) }
        }
        return (PolicyTestRun(results: results, coverage: coverage), diagnostics)
    }

    func run(_ test: PolicyTest, coverage: inout CoverageTracker) -> PolicyTestResult {
        var builder = InventoryBuilder(policy: policy, errorLimit: 50)
        for path in test.files {
            switch read(path) {
            case .success(let bytes): builder.read(ManifestInput(path: path, bytes: bytes))
            case .failure(let failure): return PolicyTestResult(test: test, failures: ["\(path): \(failure)"])
            }
        }
        for document in test.documents { builder.add(document: document, from: test.source) }
        let loaded = builder.finish()
        if loaded.hasErrors {
            let renderer = DiagnosticRenderer()
            return PolicyTestResult(test: test, failures: loaded.diagnostics.filter(\.isError).map { "manifest error: " + renderer.render($0) })
        }
        let asOf = test.asOf ?? defaultAsOf
        let assessment = PlacementAssessor(policy: policy, asOf: asOf).assess(loaded.inventory)
        coverage.observe(inventory: loaded.inventory, asOf: asOf, assessment: assessment)
        var failures: [String] = []
        for expectation in test.expectations {
            guard let decision = assessment.decisions.first(where: { $0.placement == expectation.placement }) else {
                failures.append("\(expectation.placement): no such placement in the test's manifests")
                continue
            }
            // A test about some rules sees only their findings, and the decision they alone give.
            let findings = test.rules.map { rules in decision.findings.filter { rules.contains($0.rule) } } ?? decision.findings
            let outcome: Outcome = test.rules == nil ? decision.outcome
                : findings.contains { $0.effect == .block && !$0.waived } ? .block : .approve
            if let expected = expectation.decision, expected != outcome {
                failures.append("\(expectation.placement): expected decision \(expected.rawValue), got \(outcome.rawValue)")
            }
            if let expected = expectation.findings {
                let actual = findings.map(PolicyTestRunner.describe).sorted()
                if expected.sorted() != actual {
                    failures.append("\(expectation.placement): expected findings [\(expected.sorted().joined(separator: "; "))], got [\(actual.joined(separator: "; "))]")
                }
            }
        }
        if let expected = test.notices {
            let actual = assessment.notices.map { "\($0.waiver): \($0.message)" }
            if expected != actual {
                failures.append("expected notices [\(expected.joined(separator: "; "))], got [\(actual.joined(separator: "; "))]")
            }
        }
        return PolicyTestResult(test: test, failures: failures)
    }
}
