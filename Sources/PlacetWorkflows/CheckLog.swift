// `check --log` beside the streamed JSON report: the decision log written as the decisions are.

import PlacetEngine
import PlacetReports

/// The decision log of one `check --format json --log` run: locked when the first decisions are
/// ready (a run with an error leaves it untouched), their records written as each chunk of the
/// report is (`CheckWorkflow.writeJSON`'s `logged`), and the run committed or, when its report
/// could not be written, cut away.
public struct CheckLog {
    private let path: String
    private var append: DecisionLog.Append?
    /// The first failure; the records after it are not written and the run is cut away.
    private var failure: String?

    public init(path: String) {
        self.path = path
    }

    /// Records for a chunk of the report's decisions, their bodies written where they were decided.
    public mutating func add(_ bodies: DecisionLog.RecordBodies, of report: Report) {
        guard failure == nil else { return }
        do throws(DecisionLog.LogError) {
            try opened().add(bodies, asOf: report.asOf, policyDigest: report.policyDigest, inputs: report.inputs)
        } catch {
            failure = error.message
            append?.rollBack()
        }
    }

    /// The append, begun (the log locked) on first use.
    private mutating func opened() throws(DecisionLog.LogError) -> DecisionLog.Append {
        if let append { return append }
        let begun = try DecisionLog.Append(path: path)
        append = begun
        return begun
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
            try opened().commit()
            return nil
        } catch {
            return error.message
        }
    }
}
