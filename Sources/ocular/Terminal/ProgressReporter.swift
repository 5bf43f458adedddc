import Foundation
import OcularCore
import OcularReports
import OcularRunner

/// Shows evaluation progress: a redrawn bar with rate and ETA on a terminal, plain lines otherwise.
final class ProgressReporter: EvaluationObserver, @unchecked Sendable {
  private let isTerminal: Bool
  private let lock = NSLock()
  private var started = ContinuousClock.now
  private var startDone = 0
  private var lastDraw = ContinuousClock.now

  init(isTerminal: Bool) {
    self.isTerminal = isTerminal
  }

  func validating(suite: String) {
    if isTerminal { draw("checking \(suite)…") }
  }

  func suiteStarted(suite: String, total: Int, alreadyDone: Int) {
    lock.withLock {
      started = .now
      startDone = alreadyDone
      lastDraw = .now
    }
    if isTerminal {
      draw(bar(suite: suite, done: alreadyDone, total: total))
    } else {
      let resumed = alreadyDone > 0 ? " (\(alreadyDone) already answered)" : ""
      Console.note("\(suite): \(total) samples\(resumed)")
    }
  }

  func progressed(suite: String, done: Int, total: Int) {
    if isTerminal {
      let shouldDraw = lock.withLock {
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(80) || done == total else { return false }
        lastDraw = now
        return true
      }
      if shouldDraw { draw(bar(suite: suite, done: done, total: total)) }
    } else {
      // Plain lines for logs: at most one every five seconds.
      let shouldPrint = lock.withLock {
        let now = ContinuousClock.now
        guard now - lastDraw >= .seconds(5), done < total else { return false }
        lastDraw = now
        return true
      }
      if shouldPrint { Console.note("\(suite): \(done)/\(total)") }
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

  private func bar(suite: String, done: Int, total: Int) -> String {
    let width = 28
    let fraction = total == 0 ? 1 : Double(done) / Double(total)
    let filled = Int(fraction * Double(width))
    let (elapsed, fresh) = lock.withLock { (ContinuousClock.now - started, done - startDone) }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = seconds > 0 ? Double(fresh) / seconds : 0
    let eta = rate > 0 ? Self.clock(Double(total - done) / rate) : "--:--"
    return "\(suite) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
      + "\(done)/\(total) \(String(format: "%.1f", rate))/s ETA \(eta)"
  }

  private func draw(_ text: String) {
    FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
  }

  private static func clock(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    return total >= 3600
      ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
      : String(format: "%d:%02d", total / 60, total % 60)
  }
}
