/// Everything a stored sample row holds about how a response was scored.
public struct ScoredOutcome: Sendable, Hashable {
  /// What the extraction found in the response.
  public var extraction: Extraction
  /// The score; its notes are the adapter's notes, then the scorer's and the judge's.
  public var score: SampleScore
  /// The adapter's notes on the response (kept apart so a rescore can put them back in front).
  public var responseNotes: [String]
  /// Every judge call made for the sample, in order.
  public var judgeExchanges: [JudgeExchange]
  /// The benchmark's measures with the training reward's beside them (never aggregated with them).
  public var measures: [String: Double]
}

/// The one scoring pipeline: extraction, the benchmark's rule score, the reference's judge calls where it makes
/// them, and the training reward. `ocular eval` and `ocular rescore` both score through it.
public struct ResponseScorer: Sendable {
  /// The benchmark whose rules score.
  public let benchmark: any Benchmark
  /// The scoring options.
  public let options: ScoringOptions
  private let extractor: AnswerExtractor

  /// Creates a scorer for a benchmark under some options.
  public init(benchmark: any Benchmark, options: ScoringOptions) {
    self.benchmark = benchmark
    self.options = options
    self.extractor = benchmark.extractor(options: options)
  }

  /// Scores one response to a sample.
  ///
  /// - Parameters:
  ///   - text: The response, verbatim.
  ///   - notes: The adapter's notes on it (repairs, reasoning put back).
  ///   - sample: The sample answered.
  ///   - judge: The LLM judge, when the run has one; the benchmark asks it as its reference does.
  public func score(
    response text: String, notes: [String], for sample: Sample, judge: (any Judge)?
  ) async -> ScoredOutcome {
    let extraction = extractor.extract(text)
    var score = benchmark.score(extraction, for: sample, options: options)
    var exchanges: [JudgeExchange] = []
    if let judge {
      let calls = JudgeCalls(judge: judge)
      if let judged = await benchmark.judgedScore(
        extraction, for: sample, ruleScore: score, options: options, judge: calls)
      {
        score = judged
      }
      exchanges = calls.exchanges
    }
    score.notes = notes + score.notes
    let reward = TrainingReward.measures(response: text, benchmark: benchmark, sample: sample)
    return ScoredOutcome(
      extraction: extraction, score: score, responseNotes: notes, judgeExchanges: exchanges,
      measures: score.measures.merging(reward) { own, _ in own })
  }
}
