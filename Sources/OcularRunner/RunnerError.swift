import OcularCore
import OcularModels
import OcularStore

/// An error of the evaluation runner.
public enum RunnerError: Error, CustomStringConvertible, Sendable {
  /// A suite's data changed since the run being resumed recorded it.
  case suiteChanged(suite: String, run: Int64)
  /// A suite the resumed run recorded is no longer available.
  case suiteMissing(suite: String, run: Int64)
  /// A run that is already complete.
  case nothingToResume(run: Int64)
  /// A setting out of range.
  case invalidSetting(String)
  /// The model failed this many requests in a row for one reason; the run was stopped and marked failed.
  case modelFailing(run: Int64, count: Int, reason: String)

  public var description: String {
    switch self {
    case .suiteChanged(let suite, let run):
      return "suite \(suite) changed since run \(run) recorded it (content hash differs); start a new run"
    case .suiteMissing(let suite, let run):
      return "suite \(suite) of run \(run) is not available any more"
    case .nothingToResume(let run):
      return "run \(run) is complete with no sample in error; nothing to resume"
    case .invalidSetting(let message):
      return message
    case .modelFailing(let run, let count, let reason):
      return
        "run \(run) stopped and marked failed: \(count) requests in a row failed with: \(reason)"
        + " (answered samples are stored; fix the model, then resume the run)"
    }
  }
}
