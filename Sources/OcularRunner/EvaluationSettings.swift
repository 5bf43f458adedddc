import OcularCore
import OcularStore

/// How a run asks and scores: generation parameters, prompt profile, scoring options, repeats, concurrency.
public struct EvaluationSettings: Sendable, Hashable, Codable {
  /// Generation parameters sent with every request.
  public var parameters: GenerationParameters
  /// The prompt profile.
  public var promptProfile: PromptProfile
  /// The scoring options.
  public var scoringOptions: ScoringOptions
  /// Answers asked per sample.
  public var repeats: Int
  /// The most requests in flight at once (further capped by the adapter).
  public var concurrency: Int
  /// The shard of every suite to evaluate (recorded on the run); nil for all samples.
  public var shard: Shard?
  /// Consecutive model failures of one kind that stop the run as failed (0: never stop).
  public var maximumConsecutiveErrors: Int

  /// Creates settings; the defaults are the paper's protocol (benchmarks.md §2.1).
  public init(
    parameters: GenerationParameters = .paper, promptProfile: PromptProfile = .paper,
    scoringOptions: ScoringOptions = .init(), repeats: Int = 1, concurrency: Int = 16, shard: Shard? = nil,
    maximumConsecutiveErrors: Int = 20
  ) {
    self.parameters = parameters
    self.promptProfile = promptProfile
    self.scoringOptions = scoringOptions
    self.repeats = repeats
    self.concurrency = concurrency
    self.shard = shard
    self.maximumConsecutiveErrors = maximumConsecutiveErrors
  }
}

extension GenerationParameters {
  /// The paper's VLMEvalKit settings: temperature 0.1, top_p 0.001, 8192 new tokens, seed 0.
  public static let paper = GenerationParameters(temperature: 0.1, topP: 0.001, maxTokens: 8192, seed: 0)
}
