// `test`: which policies a test run uses and which test files it runs, then the run itself
// (`PolicyTestRunner`).

import Foundation
import PlacetEngine
import PlacetLanguage

public enum PolicyTestWorkflow {
    /// The policy folder for a test run: `--policies` when given, else the test folder when it
    /// holds policy files (a pack tested against itself), else nil (./policies, else bundled).
    public static func policies(option: String?, testDirectory: String?) -> String? {
        if option == nil, let testDirectory, PolicyPack.holdsPolicies(directory: testDirectory) { return testDirectory }
        return option
    }

    /// Runs the tests under `testDirectory`, else the pack's own tests (its folder's, or the
    /// bundled pack's). No test files is a `test.noTests` error and no run.
    public static func run(testDirectory: String?, pack: PolicyPack, policy: CompiledPolicy,
                           defaultAsOf: CivilDate) -> (PolicyTestRun?, [Diagnostic]) {
        let runner: PolicyTestRunner
        let files: [String]
        let place: String
        switch testDirectory ?? pack.folder {
        case let directory?:
            runner = PolicyTestRunner(policy: policy, defaultAsOf: defaultAsOf)
            let found = PolicyTestRunner.discover(directory: directory)
            guard found.notRegular.isEmpty else {
                return (nil, found.notRegular.map {
                    Diagnostic(id: "test.notRegularFile", message: "\($0): not a regular file (a FIFO, socket or device), so it is not read")
                })
            }
            files = found.files
            place = directory
        case nil:
            runner = PolicyTestRunner(policy: policy, defaultAsOf: defaultAsOf, pack: pack)
            files = pack.bundledTestFiles.map { pack.displayPrefix + $0.path }
            place = pack.name
        }
        guard !files.isEmpty else {
            return (nil, [Diagnostic(id: "test.noTests", message: "\(place): no test files (*.test.yaml)")])
        }
        let (run, diagnostics) = runner.run(files: files)
        return (run, diagnostics)
    }
}
