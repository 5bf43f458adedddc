/// A field a benchmark needs in every record, with the type it must have.
public struct FieldRequirement: Sendable, Hashable {
  /// The kinds of value a field may be required to hold.
  public enum Kind: Sendable, Hashable {
    /// A string or a number, read as text.
    case text
    /// A string.
    case string
    /// A single upper-case letter, A–Z.
    case letter
    /// A list of strings: a JSON array, a Python list-literal string, or one plain string.
    case answerList
  }

  /// The field's name.
  public var name: String
  /// The kind of value it must hold.
  public var kind: Kind
  /// A Boolean value that indicates whether the field may be absent.
  public var isOptional: Bool

  /// Creates a requirement.
  public init(_ name: String, _ kind: Kind, isOptional: Bool = false) {
    self.name = name
    self.kind = kind
    self.isOptional = isOptional
  }

  /// Checks a record; returns a message for the first problem found.
  public func problem(in record: [String: JSONValue]) -> String? {
    guard let value = record[name], !value.isMissing else {
      return isOptional ? nil : "missing field \"\(name)\""
    }
    switch kind {
    case .text:
      if value.cellText == nil { return "field \"\(name)\" must be a string or a number, not \(value.typeName)" }
    case .string:
      if value.stringValue == nil { return "field \"\(name)\" must be a string, not \(value.typeName)" }
    case .letter:
      guard let text = value.stringValue, text.count == 1, let scalar = text.unicodeScalars.first,
        ("A"..."Z").contains(scalar)
      else { return "field \"\(name)\" must be a single letter A–Z" }
    case .answerList:
      switch value {
      case .string: break
      case .array(let items) where items.allSatisfy({ $0.cellText != nil }): break
      default: return "field \"\(name)\" must be a string, a list literal or an array of strings"
      }
    }
    return nil
  }
}

/// How a benchmark's reference lays out its chat messages.
public enum PromptStyle: String, Sendable, Hashable {
  /// VLMEvalKit with the Qwen3-VL entry: a system prompt, then images and the dataset prompt.
  case vlmevalkit
  /// OneThinker's grounding script: one user turn, the image then the question template.
  case onethinker
}

/// The prompt profile of a run: the paper's think/answer prompt, or the dataset's own prompt alone.
public enum PromptProfile: String, Sendable, Hashable, Codable, CaseIterable {
  /// The prompts the paper ran (benchmarks.md §2.2).
  case paper
  /// The dataset's prompt alone, without the think/answer instruction.
  case dataset
}

/// Options that select among a reference's labelled variants.
public struct ScoringOptions: Sendable, Hashable, Codable {
  /// How `\boxed{…}` is handled by the VLMEvalKit extraction.
  public var boxed: BoxedHandling
  /// The model's declared box and point convention; nil keeps each reference's own reading (grounding reads
  /// 0–1000, RefSpatial guesses from magnitudes).
  public var boxFormat: BoxFormat?
  /// The model spec of the LLM judge, when one replaces the offline rules; nil means rule-only.
  public var judge: String?

  /// Creates options; the defaults are the paper's protocol.
  public init(boxed: BoxedHandling = .unwrap, boxFormat: BoxFormat? = nil, judge: String? = nil) {
    self.boxed = boxed
    self.boxFormat = boxFormat
    self.judge = judge
  }

  /// A compact label of the choices, for the run's profile id.
  public var label: String {
    "boxed=\(boxed.rawValue)" + (boxFormat.map { ", boxes=\($0.rawValue)" } ?? "")
      + (judge.map { ", judge=\($0)" } ?? "")
  }
}

/// One benchmark of the evaluation: how its records are checked, prompted and scored.
///
/// Each benchmark is one small file conforming to this protocol and listed in ``BenchmarkRegistry``.
public protocol Benchmark: Sendable {
  /// The benchmark's id (`docvqa`), which suite manifests name.
  var id: String { get }
  /// The display name (`DocVQA`).
  var title: String { get }
  /// The group it belongs to.
  var group: BenchmarkGroup { get }
  /// The metric id manifests must name (`anls`).
  var metric: String { get }
  /// The name of the headline number (`accuracy`, `anls`, `acc@0.5`).
  var headlineMetric: String { get }
  /// The scoring profile (`vlmevalkit`, `onethinker`).
  var scoringProfile: String { get }
  /// The reference code the scorer follows, with its version.
  var reference: String { get }
  /// The judge label of its numbers (`none`, `exact_matching`, `rule-only`).
  var judgeLabel: String { get }
  /// The message layout of its reference.
  var promptStyle: PromptStyle { get }
  /// The reference dataset prompt, used when the manifest gives none.
  var defaultPromptTemplate: String { get }
  /// The fields every record must have.
  var requiredFields: [FieldRequirement] { get }
  /// Secondary per-sample measures the scorer reports (`iou`).
  var measureNames: [String] { get }
  /// The fewest pixels images are resized to under the reference's settings, when it differs from the default.
  var minimumPixels: Int? { get }
  /// Record fields naming extra files the scorer reads (RefSpatial's `mask_path`); the loader checks them like
  /// image paths and fills ``Sample/auxiliaryFiles``.
  var auxiliaryFileFields: [String] { get }

  /// Checks what the field requirements cannot express; returns a message for the first problem.
  func problem(in sample: Sample) -> String?
  /// Values for template placeholders that are not plain record fields (`options`, `hint`).
  func promptVariables(for sample: Sample) -> [String: String]
  /// The user turn's content: by default every image, then the dataset prompt (MMMU interleaves them instead).
  func userContent(for sample: Sample, prompt: String) -> [ContentPart]
  /// The breakdown cells of a sample (`split`, `category`, …).
  func breakdown(for sample: Sample) -> [BreakdownKey]
  /// A response that scores full marks.
  func oracleResponse(for sample: Sample) -> String
  /// The built-in baseline's deterministic chance-level response.
  func baselineResponse(for sample: Sample) -> String
  /// The extraction rule.
  func extractor(options: ScoringOptions) -> AnswerExtractor
  /// Scores one extracted answer by the reference's rule path (and, where it needs a judge, the offline rule).
  func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore
  /// The prompt the reference sends its LLM judge for this answer, or nil when the rule path decided (or the
  /// reference has no judge).
  func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String?
  /// Scores an answer from the judge's raw output, as the reference does after its judge call.
  func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore
  /// How the reference asks its judge about this sample: settings per call, call limit, replies asked again.
  func judgePolicy(for sample: Sample) -> JudgePolicy
  /// Scores an answer with the judge, calling it as the reference does (settings, retries, stages); nil when the
  /// reference asks the judge nothing about this answer.
  func judgedScore(
    _ extraction: Extraction, for sample: Sample, ruleScore: SampleScore, options: ScoringOptions, judge: JudgeCalls
  ) async -> SampleScore?
  /// A new aggregator for the suite's scored samples.
  func makeAggregator() -> any ScoreAggregator
}

extension Benchmark {
  public var measureNames: [String] { [] }
  public var auxiliaryFileFields: [String] { [] }
  public var minimumPixels: Int? { nil }
  public var headlineMetric: String { "accuracy" }

  public func problem(in sample: Sample) -> String? { nil }

  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? { nil }

  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    score(extraction, for: sample, options: options)
  }

  public func promptVariables(for sample: Sample) -> [String: String] { [:] }

  public func userContent(for sample: Sample, prompt: String) -> [ContentPart] {
    sample.images.map { ContentPart.image(path: $0.absolutePath) } + [.text(prompt)]
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    sample.split.map { [BreakdownKey("split", $0)] } ?? []
  }

  public func extractor(options: ScoringOptions) -> AnswerExtractor {
    switch promptStyle {
    case .vlmevalkit: return .vlmevalkit(boxed: options.boxed)
    case .onethinker: return .onethinker
    }
  }

  public func makeAggregator() -> any ScoreAggregator {
    ScoreAccumulator(metric: headlineMetric, measureNames: measureNames)
  }

  /// Checks a whole sample: the field requirements, then the benchmark's own rule.
  public func validate(_ sample: Sample) -> String? {
    for requirement in requiredFields {
      if let problem = requirement.problem(in: sample.record) { return problem }
    }
    return problem(in: sample)
  }

  /// Wraps an answer the way the paper's prompt asks for it.
  public func thinkAnswer(_ answer: String, thinking: String) -> String {
    "<think>\n\(thinking)\n</think>\n\n<answer>\n\(answer)\n</answer>"
  }
}
