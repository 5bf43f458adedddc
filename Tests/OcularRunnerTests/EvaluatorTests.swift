import Foundation
import OcularCore
import OcularModels
import OcularStore
import Testing

@testable import OcularRunner

/// The repository's `benchmarks/` folder.
let bundledSuites = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("benchmarks").path

func openSuites(_ names: [String], root: String = bundledSuites) throws -> [Suite] {
  try SuiteCatalog(root: root).open(selection: names)
}

/// An adapter that answers like the oracle but fails for chosen sample ids.
struct FlakyAdapter: ModelAdapter {
  let failing: Set<String>
  var description: AdapterDescription { AdapterDescription(model: "flaky", kind: "test", maxConcurrency: 4) }

  func generate(_ request: Request) async throws -> Response { throw ModelError.noPrediction }

  func generate(_ request: Request, for sample: Sample, of benchmark: any Benchmark) async throws -> Response {
    if failing.contains(request.sampleID) { throw ModelError.noPrediction }
    return Response(
      text: ReferencePolicy.oracle.response(to: sample, of: benchmark),
      usage: TokenUsage(promptTokens: 10, completionTokens: 3))
  }
}

/// An adapter that answers like the oracle with fixed token log-probabilities.
struct LogprobAdapter: ModelAdapter {
  var description: AdapterDescription { AdapterDescription(model: "logprobs", kind: "test", maxConcurrency: 2) }

  func generate(_ request: Request) async throws -> Response { throw ModelError.noPrediction }

  func generate(_ request: Request, for sample: Sample, of benchmark: any Benchmark) async throws -> Response {
    Response(text: ReferencePolicy.oracle.response(to: sample, of: benchmark), tokenLogprobs: [-0.1, -0.5, 0, -1.4])
  }
}

@Suite struct EvaluatorTests {
  @Test func tokenLogprobsAreStoredAsACountAndAMeanNegativeLogprob() async throws {
    let store = try RunStore()
    let outcome = try await Evaluator(store: store, adapter: LogprobAdapter())
      .start(suites: try openSuites(["docvqa"]), modelSpec: "logprobs", settings: EvaluationSettings())
    var seen = 0
    try store.forEachSample(run: outcome.run.id, suite: "docvqa") { record in
      seen += 1
      #expect(record.logprobCount == 4)
      #expect(abs((record.meanNegativeLogprob ?? 0) - 0.5) < 1e-12)
    }
    #expect(seen == 12)
    let plain = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .start(suites: try openSuites(["docvqa"]), modelSpec: "builtin:oracle", settings: EvaluationSettings())
    try store.forEachSample(run: plain.run.id, suite: "docvqa") { record in
      #expect(record.logprobCount == nil && record.meanNegativeLogprob == nil)
    }
  }

  @Test func oracleScoresFullMarksEverywhere() async throws {
    let store = try RunStore()
    let suites = try openSuites(["all"])
    #expect(suites.map(\.name).starts(with: ["mmstar"]) || !suites.isEmpty)
    let outcome = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings())
    #expect(outcome.run.status == .completed)
    #expect(!outcome.wasInterrupted)
    for suite in try store.suites(run: outcome.run.id) {
      #expect(suite.headline == 100, "\(suite.suite)")
      #expect(suite.errorCount == 0)
      #expect(suite.unparsedCount == 0)
      #expect(try store.statusCounts(run: outcome.run.id, suite: suite.suite) == [.ok: suite.sampleCount])
    }
  }

  /// Expected values: benchmarks/EXPECTED_BASELINE.md, computed with refscore (ms-vlmeval 0.0.20) for MMStar and
  /// DocVQA and with OneThinker's IoU rule for RefCOCO.
  @Test func baselineScoresItsKnownValues() async throws {
    let store = try RunStore()
    let outcome = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .baseline))
      .start(
        suites: try openSuites(["mmstar", "docvqa", "refcoco"]), modelSpec: "builtin:baseline",
        settings: EvaluationSettings())
    let headlines = Dictionary(
      uniqueKeysWithValues: try store.suites(run: outcome.run.id).map { ($0.suite, $0.headline ?? -1) })
    #expect(abs(headlines["mmstar"]! - 25.00) < 1e-9)
    #expect(abs(headlines["docvqa"]! - 12.50) < 1e-9)
    #expect(abs(headlines["refcoco"]! - 46.666666666666664) < 1e-9)
    let metrics = try store.metrics(run: outcome.run.id, suite: "refcoco")
    let valAccuracy = try #require(
      metrics.first { $0.dimension == "split" && $0.key == "val" && $0.metric == "acc@0.5" })
    #expect(abs(valAccuracy.value - 40) < 1e-9)
    #expect(valAccuracy.count == 5)
  }

  @Test func failuresAreStoredAndResumeRetriesOnlyThem() async throws {
    let store = try RunStore()
    let suites = try openSuites(["docvqa"])
    let first = try await Evaluator(store: store, adapter: FlakyAdapter(failing: ["3", "7"]))
      .start(suites: suites, modelSpec: "flaky", settings: EvaluationSettings())
    let id = first.run.id
    #expect(try store.statusCounts(run: id, suite: "docvqa") == [.ok: 10, .error: 2])
    var reasons: [String: String] = [:]
    try store.forEachSample(run: id, suite: "docvqa") { record in
      if let reason = record.errorReason { reasons[record.key.sampleID] = reason }
    }
    #expect(reasons == ["3": "no prediction", "7": "no prediction"])
    let firstHeadline = try #require(try store.suites(run: id).first?.headline)
    #expect(abs(firstHeadline - 100 * 10 / 12) < 1e-9)

    let resumed = try await Evaluator(store: store, adapter: FlakyAdapter(failing: []))
      .resume(run: try store.run(id: id), suites: suites)
    #expect(resumed.run.status == .completed)
    #expect(try store.statusCounts(run: id, suite: "docvqa") == [.ok: 12])
    #expect(try store.suites(run: id).first?.headline == 100)
  }

  @Test func repeatsAreStoredSeparately() async throws {
    let store = try RunStore()
    let outcome = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .start(suites: try openSuites(["mmstar"]), modelSpec: "builtin:oracle", settings: EvaluationSettings(repeats: 3))
    var repeats: [Int: Int] = [:]
    try store.forEachSample(run: outcome.run.id, suite: "mmstar") { repeats[$0.key.repeatIndex, default: 0] += 1 }
    #expect(repeats == [0: 12, 1: 12, 2: 12])
  }

  @Test func cancellationStopsCleanlyAndResumeFinishes() async throws {
    let store = try RunStore()
    let suites = try openSuites(["mmstar", "docvqa"])
    let slow = PolicyAdapter(policy: .oracle, latency: .milliseconds(40))
    let task = Task {
      try await Evaluator(store: store, adapter: slow)
        .start(suites: suites, modelSpec: "builtin:oracle?latency_ms=40", settings: EvaluationSettings(concurrency: 2))
    }
    // Cancel once some samples are stored (checking the suites first may take a while on a loaded machine).
    for _ in 0..<200 {
      if let run = try store.runs().first, (try store.statusCounts(run: run.id, suite: "mmstar")[.ok] ?? 0) >= 2 {
        break
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    task.cancel()
    let outcome = try await task.value
    #expect(outcome.wasInterrupted)
    #expect(outcome.run.status == .interrupted)
    let stored = try store.statusCounts(run: outcome.run.id, suite: "mmstar")[.ok] ?? 0
    #expect(stored > 0 && stored < 12)
    // Requests cut short by the stop are dropped, not stored as errors.
    #expect(try store.statusCounts(run: outcome.run.id, suite: "mmstar")[.error] == nil)

    let resumed = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .resume(run: outcome.run, suites: suites)
    #expect(resumed.run.status == .completed)
    for suite in try store.suites(run: outcome.run.id) {
      #expect(suite.headline == 100)
      #expect(try store.statusCounts(run: outcome.run.id, suite: suite.suite) == [.ok: suite.sampleCount])
    }
  }

  /// A stop while the last requests are in flight (every request already sent) interrupts the run: the requests it
  /// cut short are neither stored as errors nor lost behind a `completed` status.
  @Test func aStopWhileTheLastRequestsAreInFlightInterruptsTheRun() async throws {
    let store = try RunStore()
    let suites = try openSuites(["mmstar"])
    let slow = PolicyAdapter(policy: .oracle, latency: .seconds(30))
    let task = Task {
      try await Evaluator(store: store, adapter: slow)
        .start(suites: suites, modelSpec: "builtin:oracle?latency_ms=30000", settings: EvaluationSettings())
    }
    while try store.runs().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
    task.cancel()
    let outcome = try await task.value
    #expect(outcome.wasInterrupted)
    #expect(outcome.run.status == .interrupted)
    let resumed = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .resume(run: outcome.run, suites: suites)
    #expect(resumed.run.status == .completed)
    #expect(try store.statusCounts(run: outcome.run.id, suite: "mmstar") == [.ok: 12])
  }

  /// A run killed after it was created but before all its suites were recorded resumes every suite it names.
  @Test func resumeRecordsSuitesAKillLeftUnrecorded() async throws {
    let store = try RunStore()
    let suites = try openSuites(["mmstar", "docvqa"])
    let complete = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings())
      .run
    var template = complete
    template.id = 0
    template.status = .running
    template.finishedAt = nil
    let killed = try store.createRun(template)
    var first = try #require(try store.suites(run: complete.id).first)
    first.runID = killed.id
    first.headline = nil
    try store.addSuite(first, position: 0)

    let resumed = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .resume(run: killed, suites: suites)
    #expect(resumed.run.status == .completed)
    #expect(try store.suites(run: killed.id).map(\.suite) == ["mmstar", "docvqa"])
    for suite in try store.suites(run: killed.id) {
      #expect(suite.headline == 100)
      #expect(try store.statusCounts(run: killed.id, suite: suite.suite) == [.ok: suite.sampleCount])
    }
  }

  @Test func resumeRefusesChangedSuites() async throws {
    let folder = NSTemporaryDirectory() + "ocular-runner-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: bundledSuites + "/docvqa", toPath: folder + "/docvqa")
    let store = try RunStore()
    let run = try await Evaluator(store: store, adapter: FlakyAdapter(failing: ["1"]))
      .start(suites: try openSuites(["docvqa"], root: folder), modelSpec: "flaky", settings: EvaluationSettings())
      .run
    let samples = folder + "/docvqa/samples.jsonl"
    var text = try String(contentsOfFile: samples, encoding: .utf8)
    text = text.replacingOccurrences(of: "ITC Limited", with: "ITC Ltd")
    try text.write(toFile: samples, atomically: false, encoding: .utf8)
    await #expect(throws: RunnerError.self) {
      try await Evaluator(store: store, adapter: FlakyAdapter(failing: []))
        .resume(run: run, suites: try openSuites(["docvqa"], root: folder))
    }
  }

  @Test func invalidSuiteStopsBeforeAnythingIsStored() async throws {
    let folder = NSTemporaryDirectory() + "ocular-runner-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: bundledSuites + "/docvqa", toPath: folder + "/docvqa")
    let samples = folder + "/docvqa/samples.jsonl"
    var lines = try String(contentsOfFile: samples, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[4] = "{\"index\": 99, \"question\": \"q\", \"image_path\": \"docvqa_1.png\"}"
    try (lines.joined(separator: "\n") + "\n").write(toFile: samples, atomically: false, encoding: .utf8)
    let store = try RunStore()
    await #expect(
      throws: CoreError.invalidInput(
        path: folder + "/docvqa/samples.jsonl", line: 5, message: "missing field \"answer\"")
    ) {
      try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
        .start(
          suites: try openSuites(["docvqa"], root: folder), modelSpec: "builtin:oracle", settings: EvaluationSettings())
    }
    #expect(try store.runs().isEmpty)
  }
}
