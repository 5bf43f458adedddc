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
    }
  }
}
