import OcularCore

/// Receives progress of an evaluation, for a progress bar or log lines.
public protocol EvaluationObserver: Sendable {
  /// A suite is being checked before the run starts.
  func validating(suite: String)
  /// A suite starts; `alreadyDone` samples were answered by an earlier attempt.
  func suiteStarted(suite: String, total: Int, alreadyDone: Int)
  /// More samples of the suite are durable; `done` counts them all.
  func progressed(suite: String, done: Int, total: Int)
  /// A suite is scored.
  func suiteFinished(suite: String, summary: SuiteSummary, seconds: Double)
  /// A remark about the run worth showing (a replay file's predictions that match no sample).
  func noted(_ message: String)
}

extension EvaluationObserver {
  public func noted(_ message: String) {}
}

/// An observer that ignores everything.
public struct SilentObserver: EvaluationObserver {
  /// Creates the observer.
  public init() {}
  public func validating(suite: String) {}
  public func suiteStarted(suite: String, total: Int, alreadyDone: Int) {}
  public func progressed(suite: String, done: Int, total: Int) {}
  public func suiteFinished(suite: String, summary: SuiteSummary, seconds: Double) {}
}
