import OcularCore

/// What a batch of newly stored answers adds to a run's progress.
public struct AnswerTally: Sendable, Hashable {
  /// Answers stored.
  public var count = 0
  /// The sum of their scores (errors count 0).
  public var scoreSum = 0.0
  /// Answers that could not be parsed.
  public var unparsedCount = 0
  /// Answers in error (no usable response).
  public var errorCount = 0

  /// Creates an empty tally.
  public init() {}

  /// Counts one answer.
  public mutating func add(status: SampleStatus, score: Double) {
    count += 1
    switch status {
    case .ok: scoreSum += score
    case .unparsed: unparsedCount += 1
    case .error: errorCount += 1
    }
  }

  /// Adds another tally.
  public mutating func add(_ other: AnswerTally) {
    count += other.count
    scoreSum += other.scoreSum
    unparsedCount += other.unparsedCount
    errorCount += other.errorCount
  }

  /// The mean score per answer (not a benchmark headline), or nil before the first answer.
  public var meanScore: Double? { count == 0 ? nil : scoreSum / Double(count) }
}

/// Receives progress of an evaluation, for a progress bar or log lines.
public protocol EvaluationObserver: Sendable {
  /// A suite is being checked before the run starts.
  func validating(suite: String)
  /// The run's answers are about to be asked for: `total` over every suite, `alreadyDone` stored by an earlier
  /// attempt, over `suiteCount` suites.
  func runStarted(total: Int, alreadyDone: Int, suiteCount: Int)
  /// A batch of answers of a suite is durable.
  func answered(suite: String, _ tally: AnswerTally)
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

  public func runStarted(total: Int, alreadyDone: Int, suiteCount: Int) {}

  public func answered(suite: String, _ tally: AnswerTally) {}
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
