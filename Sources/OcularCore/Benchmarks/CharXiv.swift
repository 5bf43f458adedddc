/// CharXiv reasoning questions (benchmarks.md §3.9): `CharXiv_reasoning_val`, reported per `inst_category` and
/// `Overall` = Σ score / N.
///
/// The reference (VLMEvalKit 0.0.20 `vlmeval/dataset/charxiv.py`: `auxeval`, `CharXiv.get_scores`) has every item
/// graded by gpt-4o-mini through the record's `grading_query`. Offline, Ocular applies the documented `rule-only`
/// rule instead: both sides normalised, correct on string equality or on equal float values. Its numbers are
/// labelled `rule-only` and are not comparable with judged ones. The `grading_query` template stays in the record,
/// so a judge adapter can fill it with ``gradingPrompt(for:prediction:)``.
public struct CharXivReasoning: Benchmark {
  /// The reasoning categories by `inst_category` (`qid2category("reasoning")`).
  public static let categories: [Int: String] = [
    1: "Text-in-Chart", 2: "Text-in-General", 3: "Number-in-Chart", 4: "Number-in-General",
  ]

  /// The placeholder of `grading_query` that the prediction replaces.
  public static let predictionPlaceholder = "{PREDICTION}"

  public let descriptor = BenchmarkDescriptor(
    id: "charxiv", title: "CharXiv (RQ)", group: .charts, metric: "charxiv_accuracy", family: .vlmevalkit,
    judgeMode: .ruleOnly,
    reference: "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/charxiv.py: auxeval (gpt-4o-mini judge), qid2category, "
      + "CharXiv.get_scores; offline rule-only normalised match (benchmarks.md §3.9)")

  public func defines(_ profile: ScoringProfile) -> Bool { profile != .lmmsEval }
  public var defaultPromptTemplate: String { "{question}" }
  public var requiredFields: [FieldRequirement] {
    [
      FieldRequirement("question", .string), FieldRequirement("grading_query", .string),
      FieldRequirement("inst_category", .text), FieldRequirement("answer", .text, isOptional: true),
    ]
  }

  /// Creates the benchmark.
  public init() {}

  /// The category number 1–4 of a record, if valid.
  public static func categoryNumber(of sample: Sample) -> Int? {
    guard let text = sample.text("inst_category"), let number = PythonString.int(text),
      categories[number] != nil
    else { return nil }
    return number
  }

  /// The gold answer: the `answer` field, or else the text after the last `Ground Truth:` of `grading_query`
  /// up to the end of its line, stripped.
  public static func gold(of sample: Sample) -> String? {
    if let answer = sample.text("answer") { return answer }
    guard let query = sample.text("grading_query"),
      let marker = query.scalarRanges(of: "Ground Truth:").last
    else { return nil }
    let rest = query.unicodeScalars[marker.upperBound...]
    let line = rest.prefix { $0 != "\n" }
    let gold = PythonString.strip(String(String.UnicodeScalarView(line)))
    return gold.isEmpty ? nil : gold
  }

  /// The judge prompt of the reference: `grading_query` with every `{PREDICTION}` replaced by the prediction.
  public static func gradingPrompt(for sample: Sample, prediction: String) -> String? {
    guard let query = sample.text("grading_query") else { return nil }
    var result = ""
    var position = query.startIndex
    for range in query.scalarRanges(of: predictionPlaceholder) {
      result += query.scalarSlice(position..<range.lowerBound) + prediction
      position = range.upperBound
    }
    return result + query.scalarSlice(position..<query.endIndex)
  }

  /// The `rule-only` normalisation: strip, lower-case and collapse whitespace (Python `split`/`join`), remove one
  /// trailing `.`, then every `$` at either end, stripping again after each removal (`$12$.` → `12`).
  public static func normalize(_ text: String) -> String {
    var scalars = Substring(PythonString.split(PythonString.lower(text)).joined(separator: " ")).unicodeScalars
    if scalars.last == "." { scalars = Substring(PythonString.strip(String(scalars.dropLast()))).unicodeScalars }
    while scalars.first == "$" { scalars.removeFirst() }
    while scalars.last == "$" { scalars.removeLast() }
    return PythonString.strip(String(scalars))
  }

  /// How the `rule-only` rule decided an item.
  public enum RuleMatch: String, Sendable, Hashable {
    /// The normalised texts are equal (code point by code point).
    case text
    /// Both normalised texts parse as Python floats with equal values.
    case numeric
    /// Neither.
    case none
  }

  /// The `rule-only` comparison of a prediction with the gold.
  public static func ruleMatch(prediction: String, gold: String) -> RuleMatch {
    let predicted = normalize(prediction)
    let expected = normalize(gold)
    if predicted.unicodeScalars.elementsEqual(expected.unicodeScalars) { return .text }
    if let a = PythonString.float(predicted), let b = PythonString.float(expected), a == b { return .numeric }
    return .none
  }

  public func problem(in sample: Sample) -> String? {
    guard Self.categoryNumber(of: sample) != nil else {
      return "field \"inst_category\" must be 1, 2, 3 or 4, not \"\(sample.text("inst_category") ?? "")\""
    }
    guard sample.text("grading_query")?.containsScalars(Self.predictionPlaceholder) == true else {
      return "field \"grading_query\" must contain the placeholder \(Self.predictionPlaceholder)"
    }
    guard Self.gold(of: sample) != nil else {
      return "no gold answer: give an \"answer\" field or a \"Ground Truth:\" line in \"grading_query\""
    }
    return nil
  }

  public func userContent(for sample: Sample, prompt: String) -> [ContentPart] {
    sample.images.prefix(1).map { ContentPart.image(path: $0.absolutePath) } + [.text(prompt)]
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    guard let number = Self.categoryNumber(of: sample), let name = Self.categories[number] else { return [] }
    return [BreakdownKey("category", name)]
  }

  public func oracleResponse(for sample: Sample) -> String {
    thinkAnswer(Self.gold(of: sample) ?? "", thinking: "The oracle reads the ground truth.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    "<answer>unknown</answer>"
  }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    guard let gold = Self.gold(of: sample) else { return .unparsed(notes: ["gold answer unreadable"]) }
    let predicted = Self.normalize(extraction.answer)
    guard !predicted.isEmpty else { return .unparsed(notes: ["rule-only: empty answer"]) }
    switch Self.ruleMatch(prediction: extraction.answer, gold: gold) {
    case .text: return SampleScore(value: 1, parsed: predicted, notes: ["rule-only: normalised text equal"])
    case .numeric: return SampleScore(value: 1, parsed: predicted, notes: ["rule-only: equal as floats"])
    case .none: return SampleScore(value: 0, parsed: predicted, notes: ["rule-only: no match"])
    }
  }

  public func makeAggregator() -> any ScoreAggregator {
    FractionAggregator(base: ScoreAccumulator(metric: headlineMetric))
  }
}

/// An aggregator that stores, beside each percentage of the primary metric, the raw fraction the reference reports
/// (metric `<name> (fraction)`), as CharXiv's `get_scores` gives its scores.
public struct FractionAggregator: ScoreAggregator {
  /// The per-sample sums.
  public private(set) var base: ScoreAccumulator

  /// Creates an aggregator over a standard accumulator.
  public init(base: ScoreAccumulator) {
    self.base = base
  }

  /// The plain mean over every sample and repeat.
  public var headlineRule: HeadlineRule { .mean }

  public mutating func add(_ sample: ScoredSample) {
    base.add(sample)
  }

  public func summary() -> SuiteSummary {
    var summary = base.summary()
    var values: [MetricValue] = []
    for value in summary.values {
      values.append(value)
      guard value.metric == base.metric else { continue }
      let tally = value.dimension == "overall" ? base.overall : base.breakdown[value.dimension]?[value.key]
      if let tally {
        var fraction = value
        fraction.metric = "\(base.metric) (fraction)"
        fraction.value = tally.mean
        values.append(fraction)
      }
    }
    summary.values = values
    return summary
  }
}

extension BenchmarkRegistry {
  /// CharXiv (RQ) (Charts): `CharXiv_reasoning_val`, offline `rule-only` match (benchmarks.md §3.9).
  static let charxiv = CharXivReasoning()
}
