/// OCRBench (v1) scored by VLMEvalKit's `OCRBench.evaluate` (ms-vlmeval 0.0.20; benchmarks.md §3.14): an item hits
/// when any gold is a substring of the prediction, compared case-insensitively, or for handwritten mathematical
/// expressions case-sensitively with spaces removed.
///
/// The reference reports hit counts: `Final Score` out of 1000, and the primary `Final Score Norm` = Final/10,
/// which Ocular reports as 100 · hits / N (the same number on the 1000-item set).
public struct OCRBench: Benchmark {
  /// The category whose items use the case-sensitive, space-free rule.
  public static let hmerCategory = "Handwritten Mathematical Expression Recognition"

  /// The ten categories, in the reference's order.
  public static let categories = [
    "Regular Text Recognition", "Irregular Text Recognition", "Artistic Text Recognition",
    "Handwriting Recognition", "Digit String Recognition", "Non-Semantic Text Recognition",
    "Scene Text-centric VQA", "Doc-oriented VQA", "Key Information Extraction", hmerCategory,
  ]

  /// The reported group of each category: the six recognition categories sum to `Text Recognition`.
  public static func reportedGroup(of category: String) -> String {
    categories.prefix(6).contains(category) ? "Text Recognition" : category
  }

  public let descriptor = BenchmarkDescriptor(
    id: "ocrbench", title: "OCRBench", group: .documents, metric: "ocrbench_score", headlineMetric: "final_score_norm",
    family: .vlmevalkit, judgeMode: .none,
    reference: "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/image_vqa.py: OCRBench.evaluate")
  /// VLMEvalKit's Qwen3-VL entry runs OCRBench with `min_pixels` 102,400 (benchmarks.md §2.1).
  public var minimumPixels: Int? { 102_400 }
  public var defaultPromptTemplate: String { "{question}" }
  public var requiredFields: [FieldRequirement] {
    [
      FieldRequirement("question", .string), FieldRequirement("answer", .answerList),
      FieldRequirement("category", .string),
    ]
  }

  /// Creates the benchmark.
  public init() {}

  /// The golds as the reference's `eval(line['answer'])` gives them, or nil where the reference crashes.
  ///
  /// A JSON array or a list/tuple literal must hold strings only (`.lower()` on an int raises). A cell that is a
  /// quoted string literal evaluates to a string, which the reference iterates character by character: each code
  /// point becomes a gold, as there. Any other cell (`hello`) raises in `eval` and is rejected.
  public static func golds(of sample: Sample) -> [String]? {
    let items: [JSONValue]
    switch sample.record["answer"] {
    case .array(let values)?:
      items = values
    case .string(let cell)?:
      switch PythonLiteral.parse(cell) {
      case .array(let values)?: items = values
      case .string(let text)?: return text.unicodeScalars.map { String($0) }
      default: return nil
      }
    default:
      return nil
    }
    let strings = items.compactMap(\.stringValue)
    return strings.count == items.count ? strings : nil
  }

  /// The reference's match of one item: any gold, transformed, is a code-point substring of the prediction,
  /// transformed the same way.
  ///
  /// HMER: `strip()`, `\n` → space, then every space (U+0020 only) removed; case-sensitive. Others: `lower()`,
  /// `strip()`, `\n` → space. An empty transformed gold always hits.
  public static func isHit(prediction: String, golds: [String], category: String) -> Bool {
    asciiIsHit(prediction: prediction, golds: golds, category: category)
      ?? generalIsHit(prediction: prediction, golds: golds, category: category)
  }

  /// The match on any text, scalar by scalar.
  static func generalIsHit(prediction: String, golds: [String], category: String) -> Bool {
    let transform: (String) -> String =
      category == hmerCategory
      ? { removingScalars(PythonString.strip($0), where: { $0 == "\n" || $0 == " " }) }
      : { replacingNewlines(PythonString.strip(PythonString.lower($0))) }
    let predicted = transform(prediction)
    return golds.contains { predicted.containsScalars(transform($0)) }
  }

  /// The match on plain ASCII text, byte by byte; nil when any text is not plain ASCII.
  static func asciiIsHit(prediction: String, golds: [String], category: String) -> Bool? {
    let isHMER = category == hmerCategory
    return ASCIIBytes.withASCII(prediction) { raw -> Bool? in
      withTransformed(raw, isHMER: isHMER) { predicted -> Bool? in
        for gold in golds {
          let hit = ASCIIBytes.withASCII(gold) { goldBytes -> Bool? in
            withTransformed(goldBytes, isHMER: isHMER) { ASCIIBytes.contains(predicted, $0) }
          }
          guard let hit else { return nil }
          if hit { return true }
        }
        return false
      }
    }
  }

  /// Calls `body` with the reference's transform of ASCII bytes: HMER strips, then drops every space and newline;
  /// the others lower-case, strip and turn newlines into spaces.
  private static func withTransformed<Result>(
    _ text: UnsafeBufferPointer<UInt8>, isHMER: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Result
  ) -> Result {
    let range = ASCIIBytes.stripped(text)
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, range.count)) { buffer in
      var count = 0
      if isHMER {
        for index in range where text[index] != UInt8(ascii: " ") && text[index] != UInt8(ascii: "\n") {
          buffer[count] = text[index]
          count += 1
        }
      } else {
        for index in range {
          let byte = text[index]
          buffer[count] = byte == UInt8(ascii: "\n") ? UInt8(ascii: " ") : ASCIIBytes.lowered(byte)
          count += 1
        }
      }
      return body(UnsafeBufferPointer(rebasing: buffer[..<count]))
    }
  }

  private static func removingScalars(_ text: String, where shouldRemove: (Unicode.Scalar) -> Bool) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { !shouldRemove($0) }))
  }

  private static func replacingNewlines(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\n" ? " " : $0 }))
  }

  public func problem(in sample: Sample) -> String? {
    guard let category = sample.text("category"), Self.categories.contains(category) else {
      return "field \"category\" must be one of the ten OCRBench categories, not \"\(sample.text("category") ?? "")\""
    }
    guard Self.golds(of: sample) != nil else {
      return "field \"answer\" must be a list of strings (a JSON array or a Python list literal)"
    }
    return nil
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    guard let category = sample.text("category") else { return [] }
    return [BreakdownKey("category", category), BreakdownKey("group", Self.reportedGroup(of: category))]
  }

  public func oracleResponse(for sample: Sample) -> String {
    thinkAnswer(Self.golds(of: sample)?.first ?? "", thinking: "The oracle reads the gold text.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    "<answer>unknown</answer>"
  }

  public func defines(_ profile: ScoringProfile) -> Bool { profile != .corrected }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    if options.profile == .lmmsEval { return lmmsEvalScore(extraction, for: sample) }
    guard let golds = Self.golds(of: sample), let category = sample.text("category") else {
      return .unparsed(notes: ["gold answers unreadable"])
    }
    let hit = Self.isHit(prediction: extraction.answer, golds: golds, category: category)
    var notes: [String] = []
    if category == Self.hmerCategory { notes.append("HMER rule: case-sensitive, spaces removed") }
    if hit, golds.contains(where: { PythonString.strip($0).isEmpty }) {
      notes.append("an empty gold always hits (reference quirk)")
    }
    if case .string(let cell)? = sample.record["answer"], case .string? = PythonLiteral.parse(cell) {
      notes.append("answer cell is a string literal: its characters are the golds (reference quirk)")
    }
    return SampleScore(value: hit ? 1 : 0, parsed: extraction.answer, notes: notes)
  }

  /// lmms-eval's `ocrbench_process_results`: the stripped, reasoning-free response; the HME rule (keyed on the
  /// HME100k source, which is every HMER item) as VLMEvalKit's; otherwise full-width ASCII and U+3000 folded on both
  /// sides before the lower-cased substring test. A string-literal cell is one gold, not its characters.
  func lmmsEvalScore(_ extraction: Extraction, for sample: Sample) -> SampleScore {
    let golds: [String]
    if case .string(let cell)? = sample.record["answer"], case .string(let text)? = PythonLiteral.parse(cell) {
      golds = [text]
    } else if let read = Self.golds(of: sample) {
      golds = read
    } else {
      return .unparsed(notes: ["gold answers unreadable"])
    }
    let category = sample.text("category") ?? ""
    let prediction = LMMSEvalPrediction.prediction(from: extraction.raw)
    let hit =
      category == Self.hmerCategory
      ? Self.generalIsHit(prediction: prediction, golds: golds, category: category)
      : Self.generalIsHit(
        prediction: Self.foldingFullWidth(prediction), golds: golds.map(Self.foldingFullWidth), category: category)
    return SampleScore(
      value: hit ? 1 : 0, parsed: prediction,
      notes: ["lmms-eval: substring test on the response without reasoning blocks, full-width folded"])
  }

  /// lmms-eval's `_fold_fullwidth_ascii`: U+FF01–U+FF5E to ASCII, U+3000 to a space, nothing else.
  static func foldingFullWidth(_ text: String) -> String {
    var view = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
        view.append(ascii)
      } else if scalar.value == 0x3000 {
        view.append(" ")
      } else {
        view.append(scalar)
      }
    }
    return String(view)
  }

  public func makeAggregator() -> any ScoreAggregator {
    OCRBenchAggregator(base: ScoreAccumulator(metric: headlineMetric))
  }
}

/// OCRBench's report: besides the percentages, the reference's hit counts (`final_score`) overall and per group.
///
/// The headline is 100 · hits / N, the reference's `Final Score Norm` (Final/10) on the 1000-item set; the raw
/// `Final Score` is stored beside it as a count, and each reported group (`Text Recognition`, the sum of the six
/// recognition categories, and the other four) as its count of hits.
public struct OCRBenchAggregator: ScoreAggregator {
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
    summary.values.insert(
      MetricValue(
        dimension: "overall", key: "all", metric: "final_score", value: base.overall.sum, count: base.overall.count),
      at: 1)
    for (group, tally) in (base.breakdown["group"] ?? [:]).sorted(by: { $0.key < $1.key }) {
      summary.values.append(
        MetricValue(dimension: "group", key: group, metric: "final_score", value: tally.sum, count: tally.count))
    }
    return summary
  }
}

extension BenchmarkRegistry {
  /// OCRBench (Documents): `OCRBench` v1, substring hits, `Final Score Norm` (benchmarks.md §3.14).
  static let ocrbench = OCRBench()
}
