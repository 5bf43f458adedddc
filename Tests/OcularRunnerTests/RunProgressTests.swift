import Foundation
import OcularCore
import OcularModels
import OcularStore
import Testing

@testable import OcularRunner

@Suite struct RunProgressTests {
  @Test func theLineCoversTheWholeRun() {
    let start = ContinuousClock.now
    var progress = RunProgress(total: 480, alreadyDone: 20, suiteCount: 18, started: start)
    progress.startSuite("mmmu")
    progress.startSuite("docvqa")
    var tally = AnswerTally()
    for index in 0..<100 { tally.add(status: index < 3 ? .error : .ok, score: index.isMultiple(of: 2) ? 1 : 0) }
    progress.add(tally)
    // 100 fresh answers in 10 s: 10/s, 360 left → 36 s.
    let line = progress.line(at: start + .seconds(10), withBar: false)
    #expect(line == "120/480 (25%) · suite 2/18 docvqa · 10.0/s · ETA 0:36 · mean score 0.480 · 3 errors")
    let bar = progress.line(at: start + .seconds(10), withBar: true)
    #expect(bar.hasPrefix("[######..................] 120/480"))
  }

  @Test func beforeAnyAnswerThereIsNoRateOrScore() {
    let start = ContinuousClock.now
    let progress = RunProgress(total: 0, alreadyDone: 0, suiteCount: 1, started: start)
    #expect(progress.line(at: start, withBar: false) == "0/0 (100%) · suite 0/1  · 0.0/s · ETA --:-- · 0 errors")
  }

  @Test func longRunsShowHours() {
    #expect(RunProgress.clock(3725) == "1:02:05")
    #expect(RunProgress.clock(59.6) == "1:00")
  }

  @Test func anEvaluationReportsEveryAnswerOnce() async throws {
    let recorder = RecordingObserver()
    let store = try RunStore()
    _ = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .baseline), observer: recorder)
      .start(
        suites: try openSuites(["docvqa", "mmstar"]), modelSpec: "builtin:baseline",
        settings: EvaluationSettings(repeats: 2))
    let (runs, answered) = recorder.snapshot()
    #expect(runs.count == 1)
    #expect(runs.first?.suiteCount == 2)
    #expect(answered.count == runs.first?.total)
    #expect(answered.count > 0)
  }
}

/// An observer that keeps what it is told about the run.
final class RecordingObserver: EvaluationObserver, @unchecked Sendable {
  private let lock = NSLock()
  private var runs: [(total: Int, alreadyDone: Int, suiteCount: Int)] = []
  private var tally = AnswerTally()

  func validating(suite: String) {}
  func suiteStarted(suite: String, total: Int, alreadyDone: Int) {}
  func progressed(suite: String, done: Int, total: Int) {}
  func suiteFinished(suite: String, summary: SuiteSummary, seconds: Double) {}

  func runStarted(total: Int, alreadyDone: Int, suiteCount: Int) {
    lock.withLock { runs.append((total, alreadyDone, suiteCount)) }
  }

  func answered(suite: String, _ tally: AnswerTally) {
    lock.withLock { self.tally.add(tally) }
  }

  /// The runs started and the answers counted so far.
  func snapshot() -> (runs: [(total: Int, alreadyDone: Int, suiteCount: Int)], answered: AnswerTally) {
    lock.withLock { (runs, tally) }
  }
}
