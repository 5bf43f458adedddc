/// MMMU (General VQA; benchmarks.md §3.1): `MMMU_DEV_VAL` scored by VLMEvalKit's vanilla rule path with
/// `MMMU_preproc`, images interleaved where the prompt names `<image N>`; the headline is `Overall` of split
/// `validation`.
///
/// An open question (no option `A`) becomes a two-option question, A = the gold text and B = `Other Answers`, and
/// every gold that is not a single upper-case letter counts as `A`.
public struct MMMU: Benchmark {
  /// The vanilla multiple-choice rules MMMU shares (prompt variables, option columns).
  let base = VanillaMultipleChoice(id: "mmmu", title: "MMMU", group: .generalVQA)

  public let descriptor = BenchmarkDescriptor(
    id: "mmmu", title: "MMMU", group: .generalVQA, metric: "mcq_accuracy", family: .vlmevalkit,
    judgeMode: .exactMatching,
    reference:
      "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/utils/multiple_choice.py: MMMU_preproc, mcq_vanilla_eval, "
      + "report_acc, exact_matching; vlmeval/dataset/image_mcq.py: MMMUDataset.split_MMMU")
  public var defaultPromptTemplate: String { base.defaultPromptTemplate }
  public var requiredFields: [FieldRequirement] {
    [FieldRequirement("question", .string), FieldRequirement("answer", .text)]
  }

  /// The split whose `Overall` is the paper's number.
  public static let headlineSplit = "validation"
  /// The text `MMMU_preproc` gives option B of an open question.
  public static let otherAnswers = "Other Answers"
  /// The marker `split_MMMU` cuts the prompt at.
  static let imageMarker = "<image "

  /// Creates the benchmark.
  public init() {}

  /// A Boolean value that indicates whether a record is an open question (its `A` cell is missing).
  public static func isOpen(_ sample: Sample) -> Bool {
    sample.text("A") == nil
  }

  /// The options after `MMMU_preproc`, in letter order: an open question's A is the gold text and its B is
  /// `Other Answers`; other rows keep their option columns.
  public static func choices(of sample: Sample) -> [(letter: String, text: String)] {
    var choices = VanillaMultipleChoice.choices(of: sample)
    guard isOpen(sample) else { return choices }
    choices.removeAll { $0.letter == "B" }
    return [("A", sample.text("answer") ?? ""), ("B", otherAnswers)] + choices
  }

  /// The gold letter of `mcq_vanilla_eval` for MMMU: the answer if it is one upper-case letter A–Z, else `A`.
  public static func goldLetter(of sample: Sample) -> String {
    let answer = sample.text("answer") ?? ""
    let scalars = answer.unicodeScalars
    if scalars.count == 1, let scalar = scalars.first, ("A"..."Z").contains(scalar) { return answer }
    return "A"
  }

  public func problem(in sample: Sample) -> String? {
    let fields = ["hint", "question"] + VanillaMultipleChoice.choices(of: sample).map(\.letter)
    for field in fields {
      guard let text = sample.text(field) else { continue }
      for range in text.scalarRanges(of: Self.imageMarker) {
        let rest = Array(text.unicodeScalars[range.upperBound...].prefix(2))
        guard rest.count == 2, ("0"..."9").contains(rest[0]), rest[1] == ">" else {
          return "field \"\(field)\": \"<image \" must be followed by one digit and \">\" (split_MMMU asserts it)"
        }
        let number = Int(rest[0].value - 48)
        guard number <= sample.images.count, !sample.images.isEmpty else {
          return "field \"\(field)\": \"<image \(number)>\" names no image of the record (\(sample.images.count) given)"
        }
      }
    }
    return nil
  }

  public func promptVariables(for sample: Sample) -> [String: String] {
    base.promptVariables(for: sample)
  }

  /// `split_MMMU`: the prompt is cut at each `<image N>` and image N (1-based; `0` is the last image, Python's
  /// `images[-1]`) is put in its place; images the prompt never names are left out, as in the reference. Without
  /// any marker the layout is the default one (every image, then the text). Empty text pieces are dropped (they
  /// render to nothing in the chat template), and a malformed marker, which the reference's assertion rejects,
  /// stays as text.
  public func userContent(for sample: Sample, prompt: String) -> [ContentPart] {
    let ranges = prompt.scalarRanges(of: Self.imageMarker)
    guard !ranges.isEmpty else {
      return sample.images.map { ContentPart.image(path: $0.absolutePath) } + [.text(prompt)]
    }
    var parts: [ContentPart] = []
    var pending = ""
    func flush() {
      if !pending.isEmpty { parts.append(.text(pending)) }
      pending = ""
    }
    let scalars = prompt.unicodeScalars
    pending = String(scalars[..<ranges[0].lowerBound])
    for (offset, range) in ranges.enumerated() {
      let end = offset + 1 < ranges.count ? ranges[offset + 1].lowerBound : scalars.endIndex
      let segment = Array(scalars[range.upperBound..<end])
      if segment.count >= 2, ("0"..."9").contains(segment[0]), segment[1] == ">", !sample.images.isEmpty {
        let number = Int(segment[0].value - 48)
        if number <= sample.images.count {
          flush()
          let image = number == 0 ? sample.images[sample.images.count - 1] : sample.images[number - 1]
          parts.append(.image(path: image.absolutePath))
          pending = String(String.UnicodeScalarView(segment.dropFirst(2)))
          continue
        }
      }
      pending += Self.imageMarker + String(String.UnicodeScalarView(segment))
    }
    flush()
    return parts
  }

  /// The split, then `category` and `l2-category` per split (`report_acc` reports them split by split), as
  /// `<split>/<category>`.
  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    var keys: [BreakdownKey] = []
    let prefix = sample.split.map { "\($0)/" } ?? ""
    if let split = sample.split { keys.append(BreakdownKey("split", split)) }
    if let category = sample.text("category") { keys.append(BreakdownKey("category", prefix + category)) }
    if let category = sample.text("l2-category") { keys.append(BreakdownKey("l2-category", prefix + category)) }
    return keys
  }

  public func oracleResponse(for sample: Sample) -> String {
    thinkAnswer(Self.goldLetter(of: sample), thinking: "The oracle knows the gold option.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    thinkAnswer(Self.choices(of: sample).first?.letter ?? "A", thinking: "The first option is chosen by the baseline.")
  }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    let choices = Self.choices(of: sample)
    let gold = Self.goldLetter(of: sample)
    var notes: [String] = []
    if Self.isOpen(sample) {
      notes.append("open question: MMMU_preproc sets A = gold text, B = Other Answers")
    } else if gold != sample.text("answer") {
      notes.append("gold is not a single letter: mcq_vanilla_eval maps it to A")
    }
    if !choices.contains(where: { $0.letter == gold }) {
      notes.append("gold letter \(gold) names no option: the reference can never score this row")
    }
    guard let letter = OptionInference.infer(extraction.answer, choices: choices) else {
      return .unparsed(notes: notes)
    }
    return SampleScore(value: letter == gold ? 1 : 0, parsed: letter, notes: notes)
  }

  public func makeAggregator() -> any ScoreAggregator {
    HeadlineSplitAggregator(split: Self.headlineSplit, base: ScoreAccumulator(metric: headlineMetric))
  }
}

extension BenchmarkRegistry {
  /// MMMU (General VQA): `MMMU_DEV_VAL`, the number of split `validation` (benchmarks.md §3.1).
  static let mmmu = MMMU()
}

/// An aggregator whose headline is the mean of one split (MMMU's `validation`), falling back to the mean over all
/// samples when the suite has no such split; every split is still reported in the `split` breakdown.
public struct HeadlineSplitAggregator: ScoreAggregator {
  /// The split of the headline.
  public let split: String
  /// The per-sample sums.
  public private(set) var base: ScoreAccumulator

  /// Creates an aggregator over a standard accumulator.
  public init(split: String, base: ScoreAccumulator) {
    self.split = split
    self.base = base
  }

  /// The mean over the headline split.
  public var headlineRule: HeadlineRule { .split(split) }

  public mutating func add(_ sample: ScoredSample) {
    base.add(sample)
  }

  public func summary() -> SuiteSummary {
    var summary = base.summary()
    if let tally = base.breakdown["split"]?[split], tally.count > 0 {
      summary.headline = tally.mean * 100
      summary.values.insert(
        MetricValue(
          dimension: "overall", key: "all", metric: "\(base.metric) (split \(split))", value: tally.mean * 100,
          count: tally.count),
        at: 0)
    }
    return summary
  }
}
