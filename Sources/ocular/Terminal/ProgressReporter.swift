import Foundation
import OcularCore
import OcularReports
import OcularRunner

/// Shows evaluation progress over the whole run: one redrawn bar with throughput, ETA, running mean score and error
/// count on a terminal; a plain line at most every five seconds otherwise (logs, CI).
final class ProgressReporter: EvaluationObserver, @unchecked Sendable {
  private let isTerminal: Bool
  private let lock = NSLock()
  private var progress = RunProgress(total: 0, alreadyDone: 0, suiteCount: 0)
  private var lastDraw = ContinuousClock.now

  init(isTerminal: Bool) {
    self.isTerminal = isTerminal
  }

  func validating(suite: String) {
    if isTerminal { draw("checking \(suite)…") }
  }

  func runStarted(total: Int, alreadyDone: Int, suiteCount: Int) {
    lock.withLock {
      progress = RunProgress(total: total, alreadyDone: alreadyDone, suiteCount: suiteCount)
      lastDraw = .now
    }
    if !isTerminal {
      let resumed = alreadyDone > 0 ? " (\(alreadyDone) already answered)" : ""
      Console.note("run: \(total) answers over \(suiteCount) suite\(suiteCount == 1 ? "" : "s")\(resumed)")
    }
  }

  func suiteStarted(suite: String, total: Int, alreadyDone: Int) {
    let line = lock.withLock {
      progress.startSuite(suite)
      return progress.line(at: .now, withBar: true)
    }
    if isTerminal {
      draw(line)
    } else {
      let resumed = alreadyDone > 0 ? " (\(alreadyDone) already answered)" : ""
      Console.note("\(suite): \(total) answers\(resumed)")
    }
  }

  func answered(suite: String, _ tally: AnswerTally) {
    lock.withLock { progress.add(tally) }
  }

  func progressed(suite: String, done: Int, total: Int) {
    let interval: Duration = isTerminal ? .milliseconds(80) : .seconds(5)
    let line: String? = lock.withLock {
      let now = ContinuousClock.now
      guard now - lastDraw >= interval || (isTerminal && done == total) else { return nil }
      lastDraw = now
      return progress.line(at: now, withBar: isTerminal)
    }
    guard let line else { return }
    if isTerminal {
      draw(line)
    } else {
      Console.note("progress: " + line)
    }
  }

  func noted(_ message: String) {
    if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    Console.note("ocular: note: \(message)")
  }

  func suiteFinished(suite: String, summary: SuiteSummary, seconds: Double) {
    let line =
      "\(suite): \(formatScore(summary.headline)) \(summary.headlineMetric) on \(summary.count) samples "
      + "(\(summary.unparsedCount) unparsed, \(summary.errorCount) errors) in \(formatSeconds(seconds)) s"
    if isTerminal {
      FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line + "\n").utf8))
    } else {
      Console.note(line)
    }
  }

  /// Clears the bar line.
  func finish() {
    if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
  }

  private func draw(_ text: String) {
    FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
  }
}
