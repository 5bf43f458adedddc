import Foundation

/// The progress of a whole run, for a progress bar or log lines: answers collected of the total, the suite being
/// evaluated, throughput and ETA from the answers of this attempt, their mean score and their errors.
public struct RunProgress: Sendable {
  /// Answers the run asks for, over every suite.
  public private(set) var total = 0
  /// Answers stored, including those of earlier attempts.
  public private(set) var done = 0
  /// Suites in the run.
  public private(set) var suiteCount = 0
  /// Suites started so far (the current one included).
  public private(set) var suitesStarted = 0
  /// The suite being evaluated.
  public private(set) var currentSuite = ""
  /// The answers stored by this attempt.
  public private(set) var fresh = AnswerTally()
  /// When this attempt started asking.
  public private(set) var started: ContinuousClock.Instant

  /// Creates the progress of a run starting at `started`.
  public init(total: Int, alreadyDone: Int, suiteCount: Int, started: ContinuousClock.Instant = .now) {
    self.total = total
    self.done = alreadyDone
    self.suiteCount = suiteCount
    self.started = started
  }

  /// Records that a suite started.
  public mutating func startSuite(_ name: String) {
    currentSuite = name
    suitesStarted += 1
  }

  /// Records a batch of stored answers.
  public mutating func add(_ tally: AnswerTally) {
    done += tally.count
    fresh.add(tally)
  }

  /// Answers per second of this attempt at `now`.
  public func rate(at now: ContinuousClock.Instant) -> Double {
    let elapsed = now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return seconds > 0 ? Double(fresh.count) / seconds : 0
  }

  /// The one-line summary at `now`: `[####....] 120/480 (25%) · suite 2/18 docvqa · 40.0/s · ETA 0:09 · mean
  /// score 0.625 · 3 errors`; without the bar for log lines.
  public func line(at now: ContinuousClock.Instant, withBar: Bool) -> String {
    let rate = rate(at: now)
    let eta = rate > 0 ? Self.clock(Double(max(total - done, 0)) / rate) : "--:--"
    let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
    var text = ""
    if withBar {
      let width = 24
      let filled = Int(fraction * Double(width))
      text += "[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
    }
    text += "\(done)/\(total) (\(Int(fraction * 100))%) · suite \(suitesStarted)/\(suiteCount) \(currentSuite) · "
    text += String(format: "%.1f/s · ETA ", rate) + eta
    if let mean = fresh.meanScore { text += String(format: " · mean score %.3f", mean) }
    text += " · \(fresh.errorCount) error\(fresh.errorCount == 1 ? "" : "s")"
    return text
  }

  /// A duration as `m:ss`, or `h:mm:ss` from an hour up.
  static func clock(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    return total >= 3600
      ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
      : String(format: "%d:%02d", total / 60, total % 60)
  }
}
