import Foundation
import OcularCore
import OcularModels
import OcularStore

/// Re-scores a run's stored responses with the current extraction and scorers into a new run, without calling
/// the model.
///
/// The new run copies the original's model, generation parameters, prompt profile, repeats and requests, records
/// `rescored_from` in its lineage, and gets a fresh scoring profile, harness version and summaries. Samples stored
/// as errors (no response) are copied as errors. Responses are scored by the same ``ResponseScorer`` as `ocular
/// eval`: a run judged before is judged again from its stored exchanges (``ReplayingJudge``: the judge is not
/// asked), or by a new judge when one is given.
public struct Rescorer: Sendable {
  /// The store holding the original run, which also receives the new one.
  public let store: RunStore
  /// Progress reports.
  public let observer: any EvaluationObserver
  /// A new judge to ask instead of replaying the stored exchanges; nil replays them.
  public let judge: (any ModelAdapter)?
  /// The model spec of the new judge, recorded in the new run's scoring options.
  public let judgeSpec: String?

  /// Creates a rescorer; with a judge (and its spec), the judge is asked anew instead of the stored exchanges.
  public init(
    store: RunStore, observer: any EvaluationObserver = SilentObserver(), judge: (any ModelAdapter)? = nil,
    judgeSpec: String? = nil
  ) {
    self.store = store
    self.observer = observer
    self.judge = judge
    self.judgeSpec = judgeSpec
  }

  /// Re-scores run `id` into a new run and returns it.
  ///
  /// - Parameters:
  ///   - suites: The suites of the run, opened from their folders; each must have the content hash the run recorded.
  ///   - options: Scoring options to apply instead of the run's own (to score under another profile).
  public func rescore(run id: Int64, suites: [Suite], options: ScoringOptions? = nil) async throws -> RunRecord {
    let original = try store.run(id: id)
    let recorded = try store.suites(run: id)
    let decoder = JSONDecoder()
    var scoringOptions =
      try options ?? decoder.decode(ScoringOptions.self, from: Data(original.scoringOptionsJSON.utf8))
    if let judge { scoringOptions.judge = judgeSpec ?? judge.description.model }
    var prepared: [PreparedSuite] = []
    for record in recorded {
      guard let suite = suites.first(where: { $0.name == record.suite }) else {
        throw RunnerError.suiteMissing(suite: record.suite, run: id)
      }
      observer.validating(suite: suite.name)
      let item = try PreparedSuite(suite)
      guard item.contentHash == record.contentHash else { throw RunnerError.suiteChanged(suite: record.suite, run: id) }
      prepared.append(item)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    var lineage = original.lineage
    lineage.rescoredFrom = id
    var run = try store.createRun(
      RunRecord(
        createdAt: ISO8601DateFormatter().string(from: Date()), modelSpec: original.modelSpec,
        modelName: original.modelName, adapterJSON: original.adapterJSON,
        parametersJSON: lineage.applied(to: original.parametersJSON), promptProfile: original.promptProfile,
        scoringProfile: Evaluator.scoringProfile(of: prepared.map(\.suite), options: scoringOptions),
        scoringOptionsJSON: String(decoding: try encoder.encode(scoringOptions), as: UTF8.self),
        repeats: original.repeats, harnessVersion: HarnessInfo.version, gitRevision: HarnessInfo.gitRevision,
        suiteNames: original.suiteNames))
    for (position, item) in prepared.enumerated() {
      var record = Evaluator.suiteRecord(item, run: run.id, profile: scoringOptions.profile)
      // The judge label says how the stored answers were judged (rule-only, or judge:MODEL); it carries over, unless
      // a new judge decides.
      if let judge, record.judgeLabel != "none" {
        record.judgeLabel = "judge:\(judge.description.model)"
      } else if let judged = recorded.first(where: { $0.suite == record.suite }) {
        record.judgeLabel = judged.judgeLabel
      }
      try store.addSuite(record, position: position)
    }
    for item in prepared {
      try await rescore(item, from: id, into: run.id, options: scoringOptions)
    }
    try store.setStatus(.completed, run: run.id)
    run = try store.run(id: run.id)
    return run
  }

  private func rescore(
    _ item: PreparedSuite, from original: Int64, into run: Int64, options: ScoringOptions
  ) async throws {
    let suite = item.suite
    let benchmark = suite.benchmark
    let start = ContinuousClock.now
    let total = try store.statusCounts(run: original, suite: suite.name).values.reduce(0, +)
    observer.suiteStarted(suite: suite.name, total: total, alreadyDone: 0)
    let scorer = ResponseScorer(benchmark: benchmark, options: options)
    let isJudged = options.judge != nil
    let concurrency = max(1, judge?.description.maxConcurrency ?? 16)
    var reader = SampleReader(suite: suite, replaying: item.ledger)
    var done = 0
    var samples: [Sample] = []
    // The new run is summarized from its records as they are saved (sums are exact: the order does not matter).
    var aggregator = benchmark.makeAggregator()
    // Samples are looked up 256 at a time, one query each, scored (a few at once when a judge is asked), and their
    // new records saved in one transaction.
    func flush() async throws {
      let stored = try store.samples(run: original, suite: suite.name, sampleIDs: samples.map(\.id))
      var work: [(Sample, SampleRecord)] = []
      for sample in samples {
        for record in stored[sample.id] ?? [] { work.append((sample, record)) }
      }
      var batch = [SampleRecord?](repeating: nil, count: work.count)
      try await withThrowingTaskGroup(of: (Int, SampleRecord).self) { group in
        var next = 0
        var inFlight = 0
        while next < work.count || inFlight > 0 {
          while next < work.count, inFlight < concurrency {
            let index = next
            let (sample, record) = work[index]
            group.addTask {
              (index, await self.rescored(record, sample: sample, into: run, scorer: scorer, isJudged: isJudged))
            }
            next += 1
            inFlight += 1
          }
          if case let (index, record)? = try await group.next() {
            batch[index] = record
            inFlight -= 1
          }
        }
      }
      let records = batch.compactMap { $0 }
      try store.save(records)
      for record in records { aggregator.add(Self.scoredSample(from: record)) }
      done += records.count
      samples.removeAll(keepingCapacity: true)
      observer.progressed(suite: suite.name, done: done, total: total)
    }
    while let sample = try reader.next() {
      samples.append(sample)
      if samples.count >= 256 { try await flush() }
    }
    try await flush()
    let summary = aggregator.summary()
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    try store.saveSummary(summary, run: run, suite: suite.name, addingSeconds: seconds)
    observer.suiteFinished(suite: suite.name, summary: summary, seconds: seconds)
  }

  /// A stored record scored again by the scoring pipeline, as a record of the new run.
  ///
  /// - Parameter isJudged: Whether the new run has a judge: the new one, or the stored exchanges replayed.
  private func rescored(
    _ stored: SampleRecord, sample: Sample, into run: Int64, scorer: ResponseScorer, isJudged: Bool
  ) async -> SampleRecord {
    var record = stored
    record.runID = run
    record.breakdownJSON = Evaluator.breakdownJSON(scorer.benchmark.breakdown(for: sample))
    guard let response = stored.response, stored.status != .error else { return record }
    let judge: (any Judge)? =
      if let adapter = self.judge {
        ModelJudge(adapter: adapter, key: stored.key)
      } else if isJudged {
        ReplayingJudge(exchanges: stored.judgeExchanges)
      } else {
        nil
      }
    record.record(await scorer.score(response: response, notes: stored.responseNotes, for: sample, judge: judge))
    return record
  }

  /// A suite's summary recomputed from its stored samples with the benchmark's aggregator.
  static func summarize(run: Int64, suite: String, benchmark: any Benchmark, store: RunStore) throws -> SuiteSummary {
    var aggregator = benchmark.makeAggregator()
    try store.forEachScoredSample(run: run, suite: suite) { record in
      aggregator.add(scoredSample(from: record))
    }
    return aggregator.summary()
  }

  /// What an aggregator reads of a sample record: the same whether the record was just saved or read back from the
  /// store, so that a summary made while saving equals one recomputed from the store.
  static func scoredSample(from record: SampleRecord) -> ScoredSample {
    ScoredSample(
      sampleID: record.key.sampleID,
      score: SampleScore(
        value: record.score, status: record.status, measures: record.benchmarkMeasures, parsed: record.parsed,
        notes: record.notes),
      breakdown: record.breakdown, repeatIndex: record.key.repeatIndex)
  }
}
