import Foundation
import OcularCore
import OcularModels
import OcularStore

/// A suite checked before a run: its content hash and size.
public struct PreparedSuite: Sendable {
  /// The suite.
  public let suite: Suite
  /// The SHA-256 of its manifest, records and images.
  public let contentHash: String
  /// The number of samples.
  public let sampleCount: Int
  /// What the check pass found (line fingerprints, image sizes), so that the evaluation pass trusts it.
  public let ledger: SuiteLedger
  /// The ids of its samples, for matching a replay file's predictions before the run.
  public let sampleIDs: Set<String>

  /// Reads a whole suite once, validating every record and hashing every image.
  public init(_ suite: Suite) throws(CoreError) {
    var reader = SampleReader(suite: suite, isHashingImages: true)
    var ids: Set<String> = []
    while let sample = try reader.next() { ids.insert(sample.id) }
    self.suite = suite
    self.contentHash = reader.contentHash()
    self.sampleCount = ids.count
    self.ledger = reader.ledger
    self.sampleIDs = ids
  }
}

/// The outcome of an evaluation.
public struct EvaluationOutcome: Sendable {
  /// The run as stored at the end.
  public var run: RunRecord
  /// A Boolean value that indicates whether the run was stopped before the end.
  public var wasInterrupted: Bool
}

/// Runs suites through a model into the store: prompt, generate, extract, score, commit — sample by sample.
public struct Evaluator: Sendable {
  /// The store results go to.
  public let store: RunStore
  /// The model.
  public let adapter: any ModelAdapter
  /// Progress reports.
  public let observer: any EvaluationObserver
  /// The LLM judge that replaces the offline rules where a reference calls one, if any.
  public let judge: (any ModelAdapter)?

  /// Creates an evaluator.
  public init(
    store: RunStore, adapter: any ModelAdapter, observer: any EvaluationObserver = SilentObserver(),
    judge: (any ModelAdapter)? = nil
  ) {
    self.judge = judge
    self.store = store
    self.adapter = adapter
    self.observer = observer
  }

  /// The scoring profile id of a set of suites under some options.
  public static func scoringProfile(of suites: [Suite], options: ScoringOptions) -> String {
    let profiles = Set(suites.map { $0.benchmark.descriptor.family.rawValue }).sorted()
    let names = profiles.map { $0 == "vlmevalkit" ? "vlmevalkit-0.0.20" : $0 }
    return names.joined(separator: "+") + "; " + options.label
  }

  /// Checks every suite, then creates a run and evaluates it.
  public func start(
    suites: [Suite], modelSpec: String, settings: EvaluationSettings
  ) async throws -> EvaluationOutcome {
    let prepared = try Self.check(suites, observer: observer)
    try Self.checkCoverage(of: prepared, adapter: adapter, observer: observer)
    return try await start(prepared: prepared, modelSpec: modelSpec, settings: settings)
  }

  /// Reads and checks every record and image of some suites, before anything is stored.
  public static func check(
    _ suites: [Suite], observer: any EvaluationObserver = SilentObserver()
  ) throws(CoreError) -> [PreparedSuite] {
    var prepared: [PreparedSuite] = []
    for suite in suites {
      observer.validating(suite: suite.name)
      prepared.append(try PreparedSuite(suite))
    }
    return prepared
  }

  /// Creates a run of suites already checked (``check(_:observer:)``, and for the adapter
  /// ``checkCoverage(of:adapter:observer:)``) and evaluates it.
  public func start(
    prepared: [PreparedSuite], modelSpec: String, settings: EvaluationSettings
  ) async throws -> EvaluationOutcome {
    guard settings.repeats >= 1 else { throw RunnerError.invalidSetting("--repeats must be at least 1") }
    guard settings.concurrency >= 1 else { throw RunnerError.invalidSetting("--concurrency must be at least 1") }
    let suites = prepared.map(\.suite)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let run = try store.createRun(
      RunRecord(
        createdAt: ISO8601DateFormatter().string(from: Date()), modelSpec: modelSpec,
        modelName: adapter.description.model,
        adapterJSON: String(decoding: try encoder.encode(adapter.description), as: UTF8.self),
        parametersJSON: try Self.parametersJSON(settings),
        promptProfile: settings.promptProfile.rawValue,
        scoringProfile: Self.scoringProfile(of: suites, options: settings.scoringOptions),
        scoringOptionsJSON: String(decoding: try encoder.encode(settings.scoringOptions), as: UTF8.self),
        repeats: settings.repeats, harnessVersion: HarnessInfo.version, gitRevision: HarnessInfo.gitRevision,
        suiteNames: suites.map(\.name)))
    for (position, item) in prepared.enumerated() {
      var record = Self.suiteRecord(item, run: run.id, profile: settings.scoringOptions.profile)
      if let judge, record.judgeLabel != "none" { record.judgeLabel = "judge:\(judge.description.model)" }
      try store.addSuite(record, position: position)
    }
    return try await evaluate(run: run, prepared: prepared, settings: settings)
  }

  /// Continues a stored run: checks its suites are unchanged, then asks only for samples without an answer
  /// (samples stored as errors are asked again).
  public func resume(
    run: RunRecord, suites: [Suite], concurrency: Int = 16, maximumConsecutiveErrors: Int = 20
  ) async throws -> EvaluationOutcome {
    var recorded = try store.suites(run: run.id)
    // A run killed between its creation and its last suite record: record the missing suites now, in order.
    for (position, name) in run.suiteNames.enumerated() where !recorded.contains(where: { $0.suite == name }) {
      guard let suite = suites.first(where: { $0.name == name }) else {
        throw RunnerError.suiteMissing(suite: name, run: run.id)
      }
      let options = try JSONDecoder().decode(ScoringOptions.self, from: Data(run.scoringOptionsJSON.utf8))
      var record = Self.suiteRecord(try PreparedSuite(suite), run: run.id, profile: options.profile)
      if let judge, record.judgeLabel != "none" { record.judgeLabel = "judge:\(judge.description.model)" }
      try store.addSuite(record, position: position)
    }
    recorded = try store.suites(run: run.id)
    var prepared: [PreparedSuite] = []
    for record in recorded {
      guard let suite = suites.first(where: { $0.name == record.suite }) else {
        throw RunnerError.suiteMissing(suite: record.suite, run: run.id)
      }
      observer.validating(suite: suite.name)
      let item = try PreparedSuite(suite)
      guard item.contentHash == record.contentHash else {
        throw RunnerError.suiteChanged(suite: record.suite, run: run.id)
      }
      prepared.append(item)
    }
    try Self.checkCoverage(of: prepared, adapter: adapter, observer: observer)
    let decoder = JSONDecoder()
    let settings = EvaluationSettings(
      parameters: try decoder.decode(GenerationParameters.self, from: Data(run.parametersJSON.utf8)),
      promptProfile: PromptProfile(rawValue: run.promptProfile) ?? .paper,
      scoringOptions: try decoder.decode(ScoringOptions.self, from: Data(run.scoringOptionsJSON.utf8)),
      repeats: run.repeats, concurrency: concurrency, shard: run.lineage.shard,
      maximumConsecutiveErrors: maximumConsecutiveErrors)
    try store.setStatus(.running, run: run.id)
    return try await evaluate(run: run, prepared: prepared, settings: settings)
  }

  /// Lets the adapter check what it can answer (a replay file's predictions against the sample ids) before anything
  /// is stored, and passes its remarks to the observer.
  public static func checkCoverage(
    of prepared: [PreparedSuite], adapter: any ModelAdapter, observer: any EvaluationObserver
  ) throws {
    var sampleIDs: [String: Set<String>] = [:]
    for item in prepared { sampleIDs[item.suite.name] = item.sampleIDs }
    for note in try adapter.checkCoverage(of: sampleIDs) { observer.noted(note) }
  }

  static func suiteRecord(_ item: PreparedSuite, run: Int64, profile: ScoringProfile) -> RunSuiteRecord {
    let benchmark = item.suite.benchmark
    return RunSuiteRecord(
      runID: run, suite: item.suite.name, benchmark: benchmark.id,
      title: item.suite.manifest.title ?? benchmark.title, group: benchmark.group.rawValue,
      metric: benchmark.metric, headlineMetric: benchmark.headlineMetric, judgeLabel: benchmark.judgeLabel,
      reference: benchmark.reference, contentHash: item.contentHash, sampleCount: item.sampleCount,
      isFullData: item.suite.isFullData, folder: item.suite.displayFolder, scoringProfile: profile)
  }

  private func evaluate(
    run: RunRecord, prepared: [PreparedSuite], settings: EvaluationSettings
  ) async throws -> EvaluationOutcome {
    var wasInterrupted = false
    let streak = FailureStreak(limit: settings.maximumConsecutiveErrors)
    var total = 0
    var alreadyDone = 0
    for item in prepared {
      total += try Self.answerCount(item, settings: settings)
      // Counted, not listed: each suite lists its answered keys when it starts.
      alreadyDone += try store.statusCounts(run: run.id, suite: item.suite.name).filter { $0.key != .error }.values
        .reduce(0, +)
    }
    observer.runStarted(total: total, alreadyDone: alreadyDone, suiteCount: prepared.count)
    do {
      for item in prepared {
        try await evaluate(item, run: run.id, settings: settings, streak: streak)
      }
    } catch is CancellationError {
      wasInterrupted = true
    } catch let error as RunnerError {
      if case .modelFailing = error { try store.setStatus(.failed, run: run.id) }
      throw error
    }
    try store.setStatus(wasInterrupted ? .interrupted : .completed, run: run.id)
    return EvaluationOutcome(run: try store.run(id: run.id), wasInterrupted: wasInterrupted)
  }

  private func evaluate(
    _ item: PreparedSuite, run: Int64, settings: EvaluationSettings, streak: FailureStreak
  ) async throws {
    let suite = item.suite
    let start = ContinuousClock.now
    let total = try Self.answerCount(item, settings: settings)
    let answered = try store.answeredKeys(run: run, suite: suite.name)
    // A suite with nothing stored yet is summarized from the records as they are saved; otherwise (a resume) from
    // the store at the end. Sums are exact, so both give the same numbers whatever order samples complete in.
    let isFresh = try store.statusCounts(run: run, suite: suite.name).isEmpty
    observer.suiteStarted(suite: suite.name, total: total, alreadyDone: answered.count)
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: settings.promptProfile)
    let concurrency = max(1, min(settings.concurrency, adapter.description.maxConcurrency))
    let queue = WriteQueue()
    let store = self.store
    let observer = self.observer
    let name = suite.name
    // SQLite work runs on its own thread: blocking a thread of the cooperative pool (two on a two-core machine)
    // would leave reading, prompting and scoring one thread between them.
    let saving = DispatchQueue(label: "ocular.evaluator.save")
    let benchmark = suite.benchmark
    let scorer = ResponseScorer(benchmark: benchmark, options: settings.scoringOptions)
    let writer = Task { () throws -> (any ScoreAggregator)? in
      var done = answered.count
      var aggregator = isFresh ? benchmark.makeAggregator() : nil
      while let batch = await queue.take() {
        do {
          try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            saving.async { continuation.resume(with: Result { try store.save(batch) }) }
          }
        } catch {
          await queue.fail(error)
          throw error
        }
        if aggregator != nil {
          for record in batch { aggregator!.add(Rescorer.scoredSample(from: record)) }
        }
        var tally = AnswerTally()
        for record in batch { tally.add(status: record.status, score: record.score) }
        done += batch.count
        observer.answered(suite: name, tally)
        observer.progressed(suite: name, done: done, total: total)
        // A small batch means scoring is fast but not yet queued up: let a few milliseconds of results gather, so
        // that a fast model commits hundreds of samples per transaction instead of rewriting the same pages for
        // each handful. A kill loses at most these few milliseconds of answers.
        if batch.count < 256 { try? await Task.sleep(for: .milliseconds(5)) }
      }
      return aggregator
    }
    var cancellation: (any Error)?
    do {
      try await withThrowingTaskGroup(of: Void.self) { group in
        var inFlight = 0
        var reader = SampleReader(suite: suite, replaying: item.ledger)
        // The stored form of the requests' parameters, made once per distinct set (one per repeat: seeds differ).
        var parametersJSONs: [GenerationParameters: String] = [:]
        while let sample = try reader.next() {
          if let shard = settings.shard, !shard.contains(suite: suite.name, sampleID: sample.id) { continue }
          for repeatIndex in 0..<settings.repeats {
            let key = SampleKey(suite: suite.name, sampleID: sample.id, repeatIndex: repeatIndex)
            if answered.contains(key) { continue }
            try Task.checkCancellation()
            if inFlight >= concurrency {
              try await group.next()
              inFlight -= 1
            }
            let request = builder.request(
              for: sample, suite: suite.name, repeatIndex: repeatIndex, parameters: settings.parameters)
            let parametersJSON =
              parametersJSONs[request.parameters]
              ?? {
                let json = Self.parametersJSON(request.parameters)
                parametersJSONs[request.parameters] = json
                return json
              }()
            group.addTask {
              let record = await self.answer(
                request, sample: sample, run: run, suite: suite, scorer: scorer, parametersJSON: parametersJSON)
              // A request cut short by a graceful stop is dropped, not stored as an error; a resume asks it again.
              if record.status == .error, Task.isCancelled { return }
              try await queue.push(record)
              if let tripped = streak.record(record) {
                throw RunnerError.modelFailing(run: run, count: tripped.count, reason: tripped.reason)
              }
            }
            inFlight += 1
          }
        }
        try await group.waitForAll()
        // A stop that came while the last requests were in flight: they were dropped, so the suite is not done.
        try Task.checkCancellation()
      }
    } catch is CancellationError {
      cancellation = CancellationError()
    } catch {
      await queue.close()
      _ = try? await writer.value
      throw error
    }
    await queue.close()
    let aggregator = try await writer.value
    if let cancellation { throw cancellation }
    let summary = try aggregator?.summary() ?? summarize(run: run, suite: suite)
    let seconds = Self.milliseconds(ContinuousClock.now - start) / 1000
    try store.saveSummary(summary, run: run, suite: suite.name, addingSeconds: seconds)
    observer.suiteFinished(suite: suite.name, summary: summary, seconds: seconds)
  }

  /// Recomputes a suite's summary from its stored samples.
  public func summarize(run: Int64, suite: Suite) throws -> SuiteSummary {
    try Rescorer.summarize(run: run, suite: suite.name, benchmark: suite.benchmark, store: store)
  }

  private func answer(
    _ request: Request, sample: Sample, run: Int64, suite: Suite, scorer: ResponseScorer, parametersJSON: String
  ) async -> SampleRecord {
    let benchmark = suite.benchmark
    let key = SampleKey(suite: suite.name, sampleID: sample.id, repeatIndex: request.repeatIndex)
    let breakdown = Self.breakdownJSON(benchmark.breakdown(for: sample))
    let requestJSON = Self.requestJSON(request, parametersJSON: parametersJSON)
    let clock = ContinuousClock()
    let started = clock.now
    let response: Response
    do {
      response = try await adapter.generate(request, for: sample, of: benchmark)
    } catch {
      return SampleRecord(
        runID: run, key: key, status: .error, score: 0, breakdownJSON: breakdown, requestJSON: requestJSON,
        response: nil, errorReason: Self.reason(error), latencyMilliseconds: Self.milliseconds(clock.now - started))
    }
    let latency = Self.milliseconds(clock.now - started)
    let judge = self.judge.map { ModelJudge(adapter: $0, key: key) }
    let outcome = await scorer.score(response: response.text, notes: response.notes, for: sample, judge: judge)
    var record = SampleRecord(
      runID: run, key: key, status: .ok, score: 0, breakdownJSON: breakdown, requestJSON: requestJSON,
      response: response.text, latencyMilliseconds: latency, promptTokens: response.usage?.promptTokens,
      completionTokens: response.usage?.completionTokens, logprobCount: response.tokenLogprobs?.count,
      meanNegativeLogprob: response.meanNegativeLogprob)
    record.record(outcome)
    return record
  }

  /// The stored form of breakdown keys: `[["dimension", "key"], …]`.
  static func breakdownJSON(_ keys: [BreakdownKey]) -> String {
    // Written directly (what `JSONValue.jsonText()` gives): this runs once per sample.
    var writer = JSONTextWriter(capacity: 64)
    writer.raw("[")
    for (index, key) in keys.enumerated() {
      writer.raw(index == 0 ? "[" : ",[")
      writer.writeString(key.dimension)
      writer.raw(",")
      writer.writeString(key.key)
      writer.raw("]")
    }
    writer.raw("]")
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  /// The stored form of measures: a JSON object with sorted keys.
  static func measuresJSON(_ measures: [String: Double]) -> String {
    // Written directly, keys in `JSONValue.jsonText()`'s order: this runs once per sample.
    var writer = JSONTextWriter(capacity: 160)
    writer.raw("{")
    for (index, (key, value)) in measures.sorted(by: { $0.key < $1.key }).enumerated() {
      if index > 0 { writer.raw(",") }
      writer.writeString(key)
      writer.raw(":")
      writer.writeNumber(value)
    }
    writer.raw("}")
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  /// The stored form of a request: `{"messages": […], "params": {…}}`.
  static func requestJSON(_ request: Request) -> String {
    requestJSON(request, parametersJSON: parametersJSON(request.parameters))
  }

  /// The stored form of a request whose parameters' stored form is known (it is the same for every request of a
  /// run).
  static func requestJSON(_ request: Request, parametersJSON: String) -> String {
    // Written directly, keys in sorted order (what `JSONValue.jsonText()` gives): this runs once per sample. The
    // buffer is sized from the texts, so that it is allocated once and not much larger than needed.
    var capacity = 160
    for message in request.messages {
      capacity += 48
      for part in message.content {
        switch part {
        case .text(let text): capacity += text.utf8.count + text.utf8.count / 8 + 32
        case .image(let path): capacity += path.utf8.count + 32
        }
      }
    }
    var writer = JSONTextWriter(capacity: capacity)
    writer.raw("{\"messages\":[")
    for (index, message) in request.messages.enumerated() {
      writer.raw(index == 0 ? "{\"content\":[" : ",{\"content\":[")
      for (partIndex, part) in message.content.enumerated() {
        if partIndex > 0 { writer.raw(",") }
        switch part {
        case .text(let text):
          writer.raw("{\"text\":")
          writer.writeString(text)
          writer.raw(",\"type\":\"text\"}")
        case .image(let path):
          writer.raw("{\"path\":")
          writer.writeString(path)
          writer.raw(",\"type\":\"image\"}")
        }
      }
      writer.raw("],\"role\":")
      writer.writeString(message.role.rawValue)
      writer.raw("}")
    }
    writer.raw("],\"params\":")
    writer.raw(parametersJSON)
    writer.raw("}")
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  /// The stored form of generation parameters: `{"max_tokens":…,…}`, keys sorted.
  static func parametersJSON(_ parameters: GenerationParameters) -> String {
    var writer = JSONTextWriter(capacity: 96)
    writer.raw("{")
    let fields: [(String, Double?)] = [
      ("max_tokens", parameters.maxTokens.map(Double.init)), ("min_pixels", parameters.minPixels.map(Double.init)),
      ("seed", parameters.seed.map(Double.init)), ("temperature", parameters.temperature), ("top_p", parameters.topP),
    ]
    var isFirst = true
    if let value = parameters.isAskingForLogprobs {
      writer.raw(value ? "\"logprobs\":true" : "\"logprobs\":false")
      isFirst = false
    }
    for (key, value) in fields {
      guard let value else { continue }
      writer.raw(isFirst ? "\"\(key)\":" : ",\"\(key)\":")
      writer.writeNumber(value)
      isFirst = false
    }
    writer.raw("}")
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  private static func reason(_ error: any Error) -> String {
    String(describing: error)
  }

  private static func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
  }
}

/// Consecutive model failures in completion order: a run stops when `limit` requests in a row fail for one reason.
final class FailureStreak: @unchecked Sendable {
  /// The failures in a row that stop a run; 0 never stops it.
  let limit: Int
  private let lock = NSLock()
  private var kind = ""
  private var reason = ""
  private var count = 0

  /// Creates a streak that trips after `limit` failures of one kind in a row.
  init(limit: Int) {
    self.limit = limit
  }

  /// Counts a stored sample; returns the streak's length and latest reason when it reaches the limit.
  ///
  /// A sample the model answered resets the streak. A replay without a prediction is not a model failure and
  /// leaves it as it is, as do failures of another kind than the streak's, which start a new streak.
  func record(_ sample: SampleRecord) -> (count: Int, reason: String)? {
    guard limit > 0 else { return nil }
    return lock.withLock {
      guard sample.status == .error else {
        count = 0
        return nil
      }
      let reason = sample.errorReason ?? "unknown error"
      guard reason != ModelError.noPrediction.description else { return nil }
      let kind = Self.kind(of: reason)
      if kind == self.kind {
        count += 1
      } else {
        self.kind = kind
        count = 1
      }
      self.reason = reason
      return count >= limit ? (count, reason) : nil
    }
  }

  /// A failure's kind: its reason with every run of digits replaced, so attempt counts and ids do not split it.
  static func kind(of reason: String) -> String {
    var kind = ""
    var isInDigits = false
    for character in reason {
      if character.isASCII, character.isNumber {
        if !isInDigits { kind.append("#") }
        isInDigits = true
      } else {
        kind.append(character)
        isInDigits = false
      }
    }
    return kind
  }
}
