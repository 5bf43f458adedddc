import Foundation
import OcularCore
import OcularStore

/// Re-scores a run's stored responses with the current extraction and scorers into a new run, without calling
/// the model.
///
/// The new run copies the original's model, generation parameters, prompt profile, repeats and requests, records
/// `rescored_from` in its lineage, and gets a fresh scoring profile, harness version and summaries. Samples stored
/// as errors (no response) are copied as errors; a stored judge output is scored again with the current rules (the
/// judge is not asked again).
public struct Rescorer: Sendable {
  /// The store holding the original run, which also receives the new one.
  public let store: RunStore
  /// Progress reports.
  public let observer: any EvaluationObserver

  /// Creates a rescorer.
  public init(store: RunStore, observer: any EvaluationObserver = SilentObserver()) {
    self.store = store
    self.observer = observer
  }

  /// Re-scores run `id` into a new run and returns it.
  ///
  /// - Parameters:
  ///   - suites: The suites of the run, opened from their folders; each must have the content hash the run recorded.
  ///   - options: Scoring options to apply instead of the run's own (to score under another profile).
  public func rescore(run id: Int64, suites: [Suite], options: ScoringOptions? = nil) throws -> RunRecord {
    let original = try store.run(id: id)
    let recorded = try store.suites(run: id)
    let decoder = JSONDecoder()
    let scoringOptions =
      try options ?? decoder.decode(ScoringOptions.self, from: Data(original.scoringOptionsJSON.utf8))
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
      // The judge label says how the stored answers were judged (rule-only, or judge:MODEL); it carries over.
      if let judged = recorded.first(where: { $0.suite == record.suite }) { record.judgeLabel = judged.judgeLabel }
      try store.addSuite(record, position: position)
    }
    for item in prepared {
      try rescore(item, from: id, into: run.id, options: scoringOptions)
    }
    try store.setStatus(.completed, run: run.id)
    run = try store.run(id: run.id)
    return run
  }

  private func rescore(_ item: PreparedSuite, from original: Int64, into run: Int64, options: ScoringOptions) throws {
    let suite = item.suite
    let benchmark = suite.benchmark
    let start = ContinuousClock.now
    let total = try store.statusCounts(run: original, suite: suite.name).values.reduce(0, +)
    observer.suiteStarted(suite: suite.name, total: total, alreadyDone: 0)
    let extractor = benchmark.extractor(options: options)
    var reader = SampleReader(suite: suite, replaying: item.ledger)
    var done = 0
    var samples: [Sample] = []
    // The new run is summarized from its records as they are saved (sums are exact: the order does not matter).
    var aggregator = benchmark.makeAggregator()
    // Samples are looked up 256 at a time, one query each, and their new records saved in one transaction.
    func flush() throws {
      let stored = try store.samples(run: original, suite: suite.name, sampleIDs: samples.map(\.id))
      var batch: [SampleRecord] = []
      for sample in samples {
        for record in stored[sample.id] ?? [] {
          batch.append(
            Self.rescored(
              record, sample: sample, benchmark: benchmark, into: run, extractor: extractor, options: options))
        }
      }
      try store.save(batch)
      for record in batch { aggregator.add(Self.scoredSample(from: record)) }
      done += batch.count
      samples.removeAll(keepingCapacity: true)
      observer.progressed(suite: suite.name, done: done, total: total)
    }
    while let sample = try reader.next() {
      samples.append(sample)
      if samples.count >= 256 { try flush() }
    }
    try flush()
    let summary = aggregator.summary()
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    try store.saveSummary(summary, run: run, suite: suite.name, addingSeconds: seconds)
    observer.suiteFinished(suite: suite.name, summary: summary, seconds: seconds)
  }

  /// A stored record scored again under the current rules, as a record of the new run.
  private static func rescored(
    _ stored: SampleRecord, sample: Sample, benchmark: any Benchmark, into run: Int64, extractor: AnswerExtractor,
    options: ScoringOptions
  ) -> SampleRecord {
    var record = stored
    record.runID = run
    record.breakdownJSON = Evaluator.breakdownJSON(benchmark.breakdown(for: sample))
    guard let response = stored.response, stored.status != .error else { return record }
    let extraction = extractor.extract(response)
    // A stored judge verdict is scored again by the current rules; no judge is called.
    let score =
      stored.judgeOutput.map { benchmark.score(extraction, for: sample, judgeOutput: $0, options: options) }
      ?? benchmark.score(extraction, for: sample, options: options)
    record.status = score.status
    record.score = score.value
    let reward = TrainingReward.measures(response: response, benchmark: benchmark, sample: sample)
    record.measuresJSON = Evaluator.measuresJSON(score.measures.merging(reward) { own, _ in own })
    record.parsed = score.parsed
    record.notes = score.notes
    record.thinking = extraction.thinking
    record.extracted = extraction.answer
    record.hasAnswerTag = extraction.hasAnswerTag
    record.isAnswerInThink = extraction.isAnswerInThink
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
