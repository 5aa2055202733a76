// PlacetWorkflows: the workflows every front end calls (the CLI today; a server or an editor
// integration tomorrow). Each is a function from inputs to a result value: `CheckWorkflow`
// (check, and each side of diff), `TargetSearch` (where), `PolicyTestRunner` and
// `PolicyTestWorkflow` (test), `ExplainWorkflow` (explain), `DiffWorkflow` (diff). None of
// them prints or exits; front ends render the result and choose the exit status.

import Foundation
import PlacetLanguage

/// The engine version stamped on every report and shown by `placet --version`.
public enum PlacetVersion {
    public static let current = "0.1.0"
}

extension CivilDate {
    /// Today in UTC.
    public static func today() -> CivilDate {
        CivilDate(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
