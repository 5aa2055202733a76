// `check --log` beside the streamed JSON report: the decision log written as the decisions are.

import PlacetEngine
import PlacetReports

/// The decision log of one `check --format json --log` run: locked when the first decisions are
/// ready (a run with an error leaves it untouched), their records written as each chunk of the
/// report is (`CheckWorkflow.writeJSON`'s `decided`), and the run committed or, when its report
/// could not be written, cut away.
public struct CheckLog {
    private let path: String
    private var append: DecisionLog.Append?
    /// The first failure; the records after it are not written and the run is cut away.
    private var failure: String?

    public init(path: String) {
        self.path = path
    }

    public mutating func add(_ decisions: ArraySlice<Decision>, of report: Report) {
        guard failure == nil else { return }
        do throws(DecisionLog.LogError) {
            if append == nil { append = try DecisionLog.Append(path: path) }
            try append!.add(decisions, asOf: report.asOf, policyDigest: report.policyDigest, inputs: report.inputs)
        } catch {
            failure = error.message
            append?.rollBack()
        }
    }

    /// Commits the run (`commit`) or cuts it away; the failure to report, if any.
    public mutating func end(commit: Bool) -> String? {
        guard failure == nil else { return failure }
        guard commit else {
            append?.rollBack()
            return nil
        }
        do throws(DecisionLog.LogError) {
            // A run that decided nothing still creates the log, as the other formats do.
            if append == nil { append = try DecisionLog.Append(path: path) }
            try append!.commit()
            return nil
        } catch {
            return error.message
        }
    }
}
