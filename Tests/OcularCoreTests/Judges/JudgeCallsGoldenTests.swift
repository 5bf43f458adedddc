// Every judge call of a sample (prompt, settings, order) and the verdict, against VLMEvalKit (PyPI
// `ms-vlmeval==0.0.20`, Apache-2.0).
//
// GOLDEN, produced by the reference with scripts/golden/judge_calls_driver.py (Golden/README.md, "judge calls"): the
// reference's real API wrapper (`OpenAIWrapper`, built by `build_judge` with each dataset's arguments and run.py's
// default judge_kwargs) sends its requests to a script that records each request body and answers the case's scripted
// replies in order (null: the call fails). Golden/judge_calls.cases.jsonl → judge_calls.golden.jsonl (18 cases):
// MathVerse's two stages (extract, then the 0/1 question) with their retry temperatures, MathVista/MathVision's
// retries after failed calls, MCQ's three calls, CharXiv's ten, EmbSpatial's `--retry` (6) calls.
//
// Here the judge is a ScriptedJudge that answers only the exact (prompt, settings) pairs the reference sent, in the
// reference's order: a prompt that differs by one byte, or other settings, gets no reply and fails the test.
// Documented difference, asserted: where the reference draws a random letter (MCQ) Ocular reports `unparsed`.
import Foundation
import Testing

@testable import OcularCore

/// The reference's calls and verdict for one scripted case.
struct JudgeCallsGolden: Decodable, Sendable, Identified {
  /// One judge call the reference made.
  struct Call: Decodable, Sendable {
    var prompt: String
    var settings: JudgeSettings
    var reply: String?
  }

  var id: String
  var bench: String
  var calls: [Call]
  var hit: JSONValue?
  var score: JSONValue?
  var grade: String?
  var extractAnswer: String?
  var randomFallback: Bool?

  private enum CodingKeys: String, CodingKey {
    case id, bench, calls, hit, score, grade
    case extractAnswer = "extract_answer"
    case randomFallback = "random_fallback"
  }

  /// The reference's verdict as 0/1 (or CharXiv's score).
  var value: Double? {
    switch hit ?? score {
    case .bool(let flag)?: return flag ? 1 : 0
    case .number(let value)?: return value
    default: return nil
    }
  }
}

/// A judge that answers only the exact prompts and settings it was scripted with, each pair's replies in order; any
/// other question is recorded as unexpected and fails.
final class ScriptedJudge: Judge, @unchecked Sendable {
  /// The error of a question the script does not hold.
  struct Unscripted: Error, CustomStringConvertible {
    var description: String
  }

  private let lock = NSLock()
  private var script: [JudgeCallsGolden.Call]
  private(set) var unexpected: [String] = []

  /// Creates a judge that answers the given calls.
  init(calls: [JudgeCallsGolden.Call]) {
    self.script = calls
  }

  func reply(to prompt: String, settings: JudgeSettings) async throws -> String {
    let call = lock.withLock { () -> JudgeCallsGolden.Call? in
      guard let index = script.firstIndex(where: { $0.prompt == prompt && $0.settings == settings }) else {
        unexpected.append("\(settings.label): \(prompt.suffix(80))")
        return nil
      }
      return script.remove(at: index)
    }
    guard let call else { throw Unscripted(description: "no scripted reply for this prompt and these settings") }
    guard let reply = call.reply else { throw Unscripted(description: "scripted failure") }
    return reply
  }
}

struct JudgeCallsPair: Sendable, CustomTestStringConvertible {
  var input: JudgePromptCase
  var golden: JudgeCallsGolden
  var testDescription: String { input.id }

  static func all() throws -> [JudgeCallsPair] {
    try pairedGolden(
      cases: "judge_calls.cases.jsonl", golden: "judge_calls.golden.jsonl", JudgePromptCase.self,
      JudgeCallsGolden.self
    ).map { JudgeCallsPair(input: $0.0, golden: $0.1) }
  }
}

@Suite("Judges: every call as the reference makes it (ms-vlmeval 0.0.20)")
struct JudgeCallsGoldenTests {
  @Test func goldenFilesPair() throws {
    let pairs = try JudgeCallsPair.all()
    #expect(pairs.count == 18)
    #expect(pairs.filter { $0.input.bench == "mathverse" }.count == 9)
  }

  @Test(arguments: try JudgeCallsPair.all())
  func callsAndVerdictMatchTheReference(_ pair: JudgeCallsPair) async throws {
    let input = pair.input
    let golden = pair.golden
    let judge = ScriptedJudge(calls: golden.calls)
    let scorer = ResponseScorer(benchmark: input.benchmark, options: ScoringOptions())
    let outcome = await scorer.score(response: input.prediction, notes: [], for: input.sample, judge: judge)
    #expect(judge.unexpected.isEmpty, "questions the reference never asked: \(judge.unexpected)")
    // The same calls in the same order: prompt, settings, reply (a failed call has none).
    #expect(outcome.judgeExchanges.map(\.prompt) == golden.calls.map(\.prompt))
    #expect(outcome.judgeExchanges.map(\.settings) == golden.calls.map(\.settings))
    #expect(outcome.judgeExchanges.map(\.reply) == golden.calls.map(\.reply))
    let score = outcome.score
    if golden.randomFallback == true {
      #expect(score.value == 0 && score.status == .unparsed, "the reference guesses; Ocular does not")
    } else if input.bench == "charxiv", golden.extractAnswer == "Failed to parse response" {
      #expect(score.value == 0 && score.status == .unparsed)
    } else if input.bench == "embspatial", golden.grade == "C", golden.calls.count == JudgePolicy.embSpatial.callLimit {
      // No grade in any reply: the reference's fallback grade C after its last call.
      #expect(score.value == 0 && score.status == .unparsed)
    } else {
      #expect(score.value == golden.value, "\(score.notes)")
    }
  }

  @Test func aPromptThatDiffersByOneByteGetsNoReply() async throws {
    let pair = try #require(try JudgeCallsPair.all().first { $0.input.id == "mathverse-units" })
    var calls = pair.golden.calls
    calls[1].prompt += " "
    let judge = ScriptedJudge(calls: calls)
    let scorer = ResponseScorer(benchmark: pair.input.benchmark, options: ScoringOptions())
    let outcome = await scorer.score(response: pair.input.prediction, notes: [], for: pair.input.sample, judge: judge)
    #expect(judge.unexpected.count == 5, "the 0/1 question is asked 5 times, never answered")
    #expect(outcome.score.value == 0)
  }
}

@Suite("Judges: replaying stored calls")
struct ReplayingJudgeTests {
  @Test func replaysTheStoredCallsInOrderAndRefusesOthers() async throws {
    let settings = JudgeSettings(temperature: 0, maxTokens: 128)
    let judge = ReplayingJudge(exchanges: [
      JudgeExchange(prompt: "p", settings: settings, reply: "one"),
      JudgeExchange(prompt: "p", settings: settings, failure: "timed out"),
      JudgeExchange(prompt: "p", settings: settings, reply: "three"),
    ])
    #expect(try await judge.reply(to: "p", settings: settings) == "one")
    await #expect(throws: ReplayingJudge.StoredFailure.self) { try await judge.reply(to: "p", settings: settings) }
    #expect(try await judge.reply(to: "p", settings: settings) == "three")
    await #expect(throws: ReplayingJudge.NotStored.self) { try await judge.reply(to: "p", settings: settings) }
    let other = ReplayingJudge(exchanges: [JudgeExchange(prompt: "p", settings: settings, reply: "one")])
    await #expect(throws: ReplayingJudge.NotStored.self) {
      try await other.reply(to: "p", settings: JudgeSettings(temperature: 0.5, maxTokens: 128))
    }
  }

  @Test func aReplayWithoutTheQuestionScoresNothingAndSaysSo() async throws {
    let pair = try #require(try JudgeCallsPair.all().first { $0.input.id == "mathvista-retry-after-failure" })
    let scorer = ResponseScorer(benchmark: pair.input.benchmark, options: ScoringOptions())
    let outcome = await scorer.score(
      response: pair.input.prediction, notes: ["adapter note"], for: pair.input.sample,
      judge: ReplayingJudge(exchanges: []))
    #expect(outcome.judgeExchanges.isEmpty)
    #expect(outcome.score.value == 0 && outcome.score.status == .unparsed)
    #expect(outcome.score.notes.first == "adapter note")
    #expect(outcome.score.notes.contains { $0.contains("no stored judge reply") })
  }
}
