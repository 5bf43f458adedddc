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
  /// A Boolean value that indicates whether the field may hold NaN (`null`): a VLMEvalKit TSV cell pandas reads
  /// as NaN, which the reference loads and scores.
  public var isNaNAccepted: Bool

  /// Creates a requirement.
  public init(_ name: String, _ kind: Kind, isOptional: Bool = false, isNaNAccepted: Bool = false) {
    self.name = name
    self.kind = kind
    self.isOptional = isOptional
    self.isNaNAccepted = isNaNAccepted
  }

  /// Checks a record; returns a message for the first problem found.
  public func problem(in record: [String: JSONValue]) -> String? {
    if isNaNAccepted, record[name]?.isMissing == true { return nil }
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

/// The reference code family a benchmark follows: it lays out the chat messages and extracts the answer.
///
/// Suite manifests name it in their `scoring_profile` field (`vlmevalkit`, `onethinker`).
public enum ReferenceFamily: String, Sendable, Hashable, Codable {
  /// VLMEvalKit with the Qwen3-VL entry: a system prompt, then images and the dataset prompt; its answer extraction.
  case vlmevalkit
  /// OneThinker's grounding script: one user turn, the image then the question template; its answer extraction.
  case onethinker
}

/// How a benchmark's reference reaches a verdict when no LLM judge is given.
public enum JudgeMode: String, Sendable, Hashable, Codable {
  /// The reference needs no judge (ChartQA, documents, RoboSpatial, RefSpatial, grounding).
  case none
  /// VLMEvalKit's own no-judge multiple-choice mode (`exact_matching`).
  case exactMatching = "exact_matching"
  /// The reference calls a judge; without one, Ocular's offline stand-in decides, not comparable with the paper.
  case ruleOnly = "rule-only"

  /// The label runs and reports show (`none`, `exact_matching`, `rule-only`).
  public var label: String { rawValue }
}

/// What a benchmark is: its identity, metric, reference and judge mode, without any of its rules.
public struct BenchmarkDescriptor: Sendable, Hashable {
  /// The benchmark's id (`docvqa`), which suite manifests name.
  public var id: String
  /// The display name (`DocVQA`).
  public var title: String
  /// The group it belongs to.
  public var group: BenchmarkGroup
  /// The metric id manifests must name (`anls`).
  public var metric: String
  /// The name of the headline number (`accuracy`, `anls`, `acc@0.5`).
  public var headlineMetric: String
  /// The reference code family.
  public var family: ReferenceFamily
  /// How the reference decides without a judge.
  public var judgeMode: JudgeMode
  /// The reference code the scorer follows, with its version.
  public var reference: String

  /// Creates a descriptor.
  public init(
    id: String, title: String, group: BenchmarkGroup, metric: String, headlineMetric: String = "accuracy",
    family: ReferenceFamily, judgeMode: JudgeMode, reference: String
  ) {
    self.id = id
    self.title = title
    self.group = group
    self.metric = metric
    self.headlineMetric = headlineMetric
    self.family = family
    self.judgeMode = judgeMode
    self.reference = reference
  }
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
  /// The named scoring profile (`vlmevalkit`, `published`, `corrected`, `lmms-eval`).
  public var profile: ScoringProfile

  /// Creates options; the defaults are the paper's protocol under the default profile.
  public init(
    boxed: BoxedHandling = .unwrap, boxFormat: BoxFormat? = nil, judge: String? = nil,
    profile: ScoringProfile = .default
  ) {
    self.boxed = boxed
    self.boxFormat = boxFormat
    self.judge = judge
    self.profile = profile
  }

  private enum CodingKeys: String, CodingKey {
    case boxed, boxFormat, judge, profile
  }

  /// Decodes options; options stored before profiles existed read as the default profile.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    boxed = try container.decode(BoxedHandling.self, forKey: .boxed)
    boxFormat = try container.decodeIfPresent(BoxFormat.self, forKey: .boxFormat)
    judge = try container.decodeIfPresent(String.self, forKey: .judge)
    profile = try container.decodeIfPresent(ScoringProfile.self, forKey: .profile) ?? .default
  }

  /// A compact label of the choices, for the run's profile id; the default profile is left out.
  public var label: String {
    "boxed=\(boxed.rawValue)" + (boxFormat.map { ", boxes=\($0.rawValue)" } ?? "")
      + (judge.map { ", judge=\($0)" } ?? "") + (profile == .default ? "" : ", profile=\(profile.rawValue)")
  }
}

/// The records a benchmark accepts: the fields they must hold, the files they name, and its own checks.
public protocol BenchmarkSchema: Sendable {
  /// The fields every record must have.
  var requiredFields: [FieldRequirement] { get }
  /// Record fields naming extra files the scorer reads (RefSpatial's `mask_path`); the loader checks them like
  /// image paths and fills ``Sample/auxiliaryFiles``.
  var auxiliaryFileFields: [String] { get }
  /// Checks what the field requirements cannot express; returns a message for the first problem.
  func problem(in sample: Sample) -> String?
  /// The breakdown cells of a sample (`split`, `category`, …).
  func breakdown(for sample: Sample) -> [BreakdownKey]
}

/// How a benchmark's reference prompts a model for a sample.
public protocol BenchmarkPrompt: Sendable {
  /// The reference dataset prompt, used when the manifest gives none.
  var defaultPromptTemplate: String { get }
  /// The fewest pixels images are resized to under the reference's settings, when it differs from the default.
  var minimumPixels: Int? { get }
  /// Values for template placeholders that are not plain record fields (`options`, `hint`).
  func promptVariables(for sample: Sample) -> [String: String]
  /// The user turn's content: by default every image, then the dataset prompt (MMMU interleaves them instead).
  func userContent(for sample: Sample, prompt: String) -> [ContentPart]
}

/// How a benchmark's reference scores one answer: extraction, the rule path, and its LLM judge's prompt and reading.
public protocol BenchmarkScorer: Sendable {
  /// Secondary per-sample measures the scorer reports (`iou`).
  var measureNames: [String] { get }
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
  /// A response that scores full marks.
  func oracleResponse(for sample: Sample) -> String
  /// The built-in baseline's deterministic chance-level response.
  func baselineResponse(for sample: Sample) -> String
}

/// One benchmark of the evaluation: what it is (its descriptor) and its schema, prompt, scorer and aggregator parts.
///
/// Each benchmark is one small file conforming to this protocol and listed in ``BenchmarkRegistry``.
public protocol Benchmark: BenchmarkSchema, BenchmarkPrompt, BenchmarkScorer {
  /// What the benchmark is: id, title, group, metric, reference family and judge mode.
  var descriptor: BenchmarkDescriptor { get }
  /// A new aggregator for the suite's scored samples; it owns the headline rule.
  func makeAggregator() -> any ScoreAggregator
  /// Whether the benchmark has a rule of its own under a scoring profile; one that does not keeps the default rule.
  func defines(_ profile: ScoringProfile) -> Bool
}

extension Benchmark {
  /// The benchmark's id (`docvqa`), which suite manifests name.
  public var id: String { descriptor.id }
  /// The display name (`DocVQA`).
  public var title: String { descriptor.title }
  /// The group it belongs to.
  public var group: BenchmarkGroup { descriptor.group }
  /// The metric id manifests must name (`anls`).
  public var metric: String { descriptor.metric }
  /// The name of the headline number (`accuracy`, `anls`, `acc@0.5`).
  public var headlineMetric: String { descriptor.headlineMetric }
  /// The reference code the scorer follows, with its version.
  public var reference: String { descriptor.reference }
  /// The judge label of its numbers (`none`, `exact_matching`, `rule-only`).
  public var judgeLabel: String { descriptor.judgeMode.label }

  /// By default a benchmark defines the default profile and, for VLMEvalKit benchmarks, `published` (their
  /// dataset-level `evaluate()` scores each row as the per-item path does; refscore's crosscheck.py checks it).
  public func defines(_ profile: ScoringProfile) -> Bool {
    switch profile {
    case .vlmevalkit: return true
    case .published: return descriptor.family == .vlmevalkit
    case .corrected, .lmmsEval: return false
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
}

extension BenchmarkSchema {
  public var auxiliaryFileFields: [String] { [] }

  public func problem(in sample: Sample) -> String? { nil }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    sample.split.map { [BreakdownKey("split", $0)] } ?? []
  }
}

extension BenchmarkPrompt {
  public var minimumPixels: Int? { nil }

  public func promptVariables(for sample: Sample) -> [String: String] { [:] }

  public func userContent(for sample: Sample, prompt: String) -> [ContentPart] {
    sample.images.map { ContentPart.image(path: $0.absolutePath) } + [.text(prompt)]
  }
}

extension BenchmarkScorer {
  public var measureNames: [String] { [] }

  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? { nil }

  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    score(extraction, for: sample, options: options)
  }

  /// Wraps an answer the way the paper's prompt asks for it.
  public func thinkAnswer(_ answer: String, thinking: String) -> String {
    "<think>\n\(thinking)\n</think>\n\n<answer>\n\(answer)\n</answer>"
  }
}

extension Benchmark {
  public func extractor(options: ScoringOptions) -> AnswerExtractor {
    switch descriptor.family {
    case .vlmevalkit: return .vlmevalkit(boxed: options.boxed)
    case .onethinker: return .onethinker
    }
  }
}
