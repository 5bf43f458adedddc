import OcularCore
import OcularModels
import OcularStore
import Testing

@testable import OcularRunner

/// The streak of model failures that stops a run as failed.
struct FailureStreakTests {
  private func sample(_ status: SampleStatus, _ reason: String? = nil) -> SampleRecord {
    SampleRecord(
      runID: 1, key: SampleKey(suite: "s", sampleID: "1", repeatIndex: 0), status: status, score: 0, requestJSON: "{}",
      response: nil, errorReason: reason)
  }

  @Test func tripsAfterTheLimitOfOneKindInARow() {
    let streak = FailureStreak(limit: 3)
    #expect(streak.record(sample(.error, "HTTP request failed: connection refused (after 1 attempts)")) == nil)
    #expect(streak.record(sample(.error, "HTTP request failed: connection refused (after 6 attempts)")) == nil)
    let tripped = streak.record(sample(.error, "HTTP request failed: connection refused (after 12 attempts)"))
    #expect(tripped?.count == 3)
    #expect(tripped?.reason == "HTTP request failed: connection refused (after 12 attempts)")
  }

  @Test func anAnswerResetsTheStreakAndAnotherKindStartsANewOne() {
    let streak = FailureStreak(limit: 2)
    #expect(streak.record(sample(.error, "adapter exited (exited(1))")) == nil)
    #expect(streak.record(sample(.ok)) == nil)
    #expect(streak.record(sample(.error, "adapter exited (exited(1))")) == nil)
    #expect(streak.record(sample(.unparsed)) == nil)
    #expect(streak.record(sample(.error, "adapter exited (exited(1))")) == nil)
    #expect(streak.record(sample(.error, "HTTP 400: bad request")) == nil)
    #expect(streak.record(sample(.error, "HTTP 400: bad request"))?.count == 2)
  }

  @Test func missingReplayPredictionsAndALimitOfZeroNeverTrip() {
    let replay = FailureStreak(limit: 2)
    for _ in 0..<5 { #expect(replay.record(sample(.error, ModelError.noPrediction.description)) == nil) }
    let unlimited = FailureStreak(limit: 0)
    for _ in 0..<50 { #expect(unlimited.record(sample(.error, "adapter gave up after 3 restarts")) == nil) }
  }

  @Test func kindsIgnoreNumbersOnly() {
    #expect(FailureStreak.kind(of: "request 12 timed out after 600 s") == "request # timed out after # s")
    #expect(FailureStreak.kind(of: "HTTP 500") != FailureStreak.kind(of: "HTTP error"))
  }
}
