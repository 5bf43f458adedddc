import Foundation
import OcularCore
import OcularModels
import OcularStore
import Testing

@testable import OcularRunner

@Suite struct RescorerTests {
  /// A run whose stored scores are wrong (as from an older scorer) is re-scored from its responses.
  @Test func rescoresStoredResponsesIntoALinkedRun() async throws {
    let store = try RunStore()
    let suites = try openSuites(["mmstar", "docvqa", "refcoco"])
    let original = try await Evaluator(store: store, adapter: FlakyAdapter(failing: ["1"]))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings()).run
    // Spoil the stored scores of the answered samples, as a scorer with a bug would have.
    var spoiled: [SampleRecord] = []
    try store.forEachSample(run: original.id, suite: nil) { record in
      guard record.status == .ok else { return }
      var copy = record
      copy.score = 0
      spoiled.append(copy)
    }
    try store.save(spoiled)
    let rescored = try await Rescorer(store: store).rescore(run: original.id, suites: suites)
    #expect(rescored.id != original.id)
    #expect(rescored.lineage.rescoredFrom == original.id)
    #expect(rescored.status == .completed)
    #expect(rescored.modelSpec == original.modelSpec)
    #expect(rescored.generationParametersJSON == original.generationParametersJSON)
    for suite in try store.suites(run: rescored.id) {
      let before = try store.statusCounts(run: original.id, suite: suite.suite)
      #expect(try store.statusCounts(run: rescored.id, suite: suite.suite) == before, "\(suite.suite)")
      // Only sample "1" failed (an error is copied as it is); every other sample is right again.
      let errors = before[.error] ?? 0
      #expect(suite.errorCount == errors)
      if errors == 0 {
        #expect(suite.headline == 100, "\(suite.suite)")
      } else {
        #expect((suite.headline ?? 100) < 100)
      }
    }
    var responses: [String?] = []
    try store.forEachSample(run: rescored.id, suite: "docvqa") { responses.append($0.response) }
    var originals: [String?] = []
    try store.forEachSample(run: original.id, suite: "docvqa") { originals.append($0.response) }
    #expect(responses == originals)
  }

  @Test func otherOptionsChangeTheProfile() async throws {
    let store = try RunStore()
    let suites = try openSuites(["mmstar"])
    let original = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings()).run
    let rescored = try await Rescorer(store: store).rescore(
      run: original.id, suites: suites, options: ScoringOptions(boxed: .keep))
    #expect(original.scoringProfile.hasSuffix("boxed=unwrap"))
    #expect(rescored.scoringProfile.hasSuffix("boxed=keep"))
  }

  @Test func refusesChangedSuites() async throws {
    let folder = try TemporaryFolder()
    try FileManager.default.copyItem(atPath: bundledSuites + "/docvqa", toPath: folder.file("docvqa"))
    let store = try RunStore()
    let suites = try openSuites(["docvqa"], root: folder.path)
    let original = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings()).run
    let samples = folder.file("docvqa/samples.jsonl")
    var text = try String(contentsOfFile: samples, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"question\": \"", with: "\"question\": \"Now: ")
    try text.write(toFile: samples, atomically: false, encoding: .utf8)
    await #expect {
      try await Rescorer(store: store).rescore(run: original.id, suites: try openSuites(["docvqa"], root: folder.path))
    } throws: { error in
      if case RunnerError.suiteChanged(let suite, _)? = error as? RunnerError { return suite == "docvqa" }
      return false
    }
  }

  /// The same responses, adapter notes and judge replies give the same rows through `ocular eval` and `ocular rescore`
  /// (which replays the stored judge calls), with and without a judge.
  @Test(arguments: [false, true])
  func evalAndRescoreStoreIdenticalRows(isJudged: Bool) async throws {
    let store = try RunStore()
    let suites = try openSuites(["mmstar", "mathverse", "mathvista", "charxiv", "embspatial"])
    var settings = EvaluationSettings()
    settings.scoringOptions.judge = isJudged ? "test:temperature-judge" : nil
    let judge = TemperatureJudge()
    let original = try await Evaluator(
      store: store, adapter: NotedBaselineAdapter(), judge: isJudged ? judge : nil
    ).start(suites: suites, modelSpec: "test:noted-baseline", settings: settings).run
    let asked = judge.count
    let rescored = try await Rescorer(store: store).rescore(run: original.id, suites: suites)
    #expect(judge.count == asked, "a rescore replays the stored calls; it asks no judge")
    var exchanges = 0
    var retried = 0
    for suite in suites {
      var before: [SampleRecord] = []
      try store.forEachSample(run: original.id, suite: suite.name) { record in
        var copy = record
        copy.runID = rescored.id
        before.append(copy)
      }
      var after: [SampleRecord] = []
      try store.forEachSample(run: rescored.id, suite: suite.name) { after.append($0) }
      #expect(before.count == after.count)
      for (old, new) in zip(before, after) {
        #expect(old == new, "\(old.key)")
        #expect(new.notes.first == NotedBaselineAdapter.note, "the adapter's note survives the rescore")
        #expect(new.responseNotes == [NotedBaselineAdapter.note])
        exchanges += new.judgeExchanges.count
        if Set(new.judgeExchanges.compactMap(\.prompt)).count < new.judgeExchanges.count { retried += 1 }
      }
      #expect(
        try store.suites(run: rescored.id).first { $0.suite == suite.name }?.headline
          == store.suites(run: original.id).first { $0.suite == suite.name }?.headline)
    }
    #expect(isJudged ? exchanges > 0 && retried > 0 : exchanges == 0)
  }

  /// `ocular rescore RUN --judge SPEC` asks the new judge and records its calls.
  @Test func aNewJudgeIsAskedAndLabelled() async throws {
    let store = try RunStore()
    let suites = try openSuites(["mathverse"])
    let original = try await Evaluator(store: store, adapter: NotedBaselineAdapter())
      .start(suites: suites, modelSpec: "test:noted-baseline", settings: EvaluationSettings()).run
    let judge = TemperatureJudge()
    let rescored = try await Rescorer(store: store, judge: judge, judgeSpec: "test:temperature-judge").rescore(
      run: original.id, suites: suites)
    #expect(judge.count > 0)
    #expect(try store.suites(run: rescored.id).first?.judgeLabel == "judge:temperature-judge")
    #expect(rescored.scoringOptionsJSON.contains("test:temperature-judge"))
    var calls = 0
    try store.forEachSample(run: rescored.id, suite: "mathverse") { record in
      calls += record.judgeExchanges.count
      // MathVerse asks every item: the extraction question first, at temperature 0 and 128 tokens.
      #expect(record.judgeExchanges.first?.settings == JudgeSettings(temperature: 0, maxTokens: 128))
      #expect(record.judgeExchanges.first?.prompt?.hasSuffix("Extracted Answer: ") == true)
    }
    #expect(calls == judge.count)
  }
}

/// An adapter that answers like the built-in baseline and notes every response.
struct NotedBaselineAdapter: ModelAdapter {
  static let note = "adapter: reasoning put back as <think>…</think>"
  var description: AdapterDescription { AdapterDescription(model: "noted", kind: "test", maxConcurrency: 4) }

  func generate(_ request: Request) async throws -> Response { throw ModelError.noPrediction }

  func generate(_ request: Request, for sample: Sample, of benchmark: any Benchmark) async throws -> Response {
    Response(text: ReferencePolicy.baseline.response(to: sample, of: benchmark), notes: [Self.note])
  }
}

/// A judge model whose replies depend on the request's temperature only: unreadable at temperature 0 (so references
/// that raise it ask again), `1` above it; it counts the requests it gets.
final class TemperatureJudge: ModelAdapter, @unchecked Sendable {
  private let lock = NSLock()
  private var requests = 0
  var description: AdapterDescription {
    AdapterDescription(model: "temperature-judge", kind: "test", maxConcurrency: 4)
  }

  /// The requests answered so far.
  var count: Int { lock.withLock { requests } }

  func generate(_ request: Request) async throws -> Response {
    lock.withLock { requests += 1 }
    return Response(text: (request.parameters.temperature ?? 0) > 0 ? "1" : "I cannot tell")
  }
}
