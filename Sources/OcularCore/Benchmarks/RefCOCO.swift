/// A referring-expression grounding benchmark scored by OneThinker's rules (RefCOCO, RefCOCO+, RefCOCOg;
/// benchmarks.md §3.16–3.18): Acc@IoU≥0.5 per split, the family number the unweighted mean of its splits.
public struct GroundingBenchmark: Benchmark {
  public let descriptor: BenchmarkDescriptor
  public var defaultPromptTemplate: String { "{problem}" }
  public var requiredFields: [FieldRequirement] {
    [FieldRequirement("problem", .string), FieldRequirement("solution", .string)]
  }
  public var measureNames: [String] { ["iou", "acc@0.3", "acc@0.7"] }

  /// Creates a grounding benchmark.
  public init(id: String, title: String) {
    self.descriptor = BenchmarkDescriptor(
      id: id, title: title, group: .grounding, metric: "grounding_acc50", headlineMetric: "acc@0.5",
      family: .onethinker, judgeMode: .none,
      reference: "OneThinker Evaluation/Eval/eval_bench.py: extract_answer, accuracy_only (iou_2d defect corrected)")
  }

  /// The gold box, read from `solution` with the same extraction and parser as a prediction.
  public static func goldBox(of sample: Sample) -> BoxIoU.Box? {
    guard let solution = sample.text("solution") else { return nil }
    return BoxIoU.parseBox(AnswerExtractor.onethinker.extract(solution).answer)
  }

  public func problem(in sample: Sample) -> String? {
    Self.goldBox(of: sample) == nil
      ? "field \"solution\" must hold <answer>{\"boxes\": [x1, y1, x2, y2]}</answer>" : nil
  }

  public func oracleResponse(for sample: Sample) -> String {
    let gold = AnswerExtractor.onethinker.extract(sample.text("solution") ?? "").answer
    return "<think>\nThe oracle knows the box.\n</think>\n<answer>\(gold)</answer>"
  }

  public func baselineResponse(for sample: Sample) -> String {
    "<answer>{\"boxes\": [250, 250, 750, 750]}</answer>"
  }

  /// The note on a sample whose boxes both pass the reference's gate, where its `iou_2d` raises `TypeError`.
  public static let iouDefectNote = "reference_defect_iou_unpack"

  public func defines(_ profile: ScoringProfile) -> Bool { profile != .lmmsEval }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    guard let gold = Self.goldBox(of: sample) else { return .unparsed(notes: ["gold box unreadable"]) }
    guard var box = BoxIoU.parseBox(extraction.answer) else { return .unparsed() }
    // Both boxes pass `_is_list_of_numbers(…, 4)`: the published `iou_2d` raises here; the intended IoU is scored.
    var notes: [String] = options.profile == .corrected ? [] : [Self.iouDefectNote]
    if let format = options.boxFormat, format != .norm1000 {
      // The reference compares in 0–1000 space; a model declaring another convention is converted to it.
      guard let image = sample.images.first else { return .unparsed(notes: ["no image size for box conversion"]) }
      box = BoxIoU.toNorm1000(box, from: format, width: Double(image.width), height: Double(image.height))
      notes.append("box converted from \(format.rawValue) to norm1000")
    }
    let iou = BoxIoU.iou(box, gold)
    return SampleScore(
      value: iou >= 0.5 ? 1 : 0,
      measures: ["iou": iou, "acc@0.3": iou >= 0.3 ? 1 : 0, "acc@0.7": iou >= 0.7 ? 1 : 0],
      parsed: box.description, notes: notes)
  }

  public func makeAggregator() -> any ScoreAggregator {
    SplitMeanAggregator(base: ScoreAccumulator(metric: headlineMetric, measureNames: measureNames))
  }
}

extension BenchmarkRegistry {
  /// RefCOCO (Grounding): OneThinker's `eval_refcoco_{val,testA,testB}` (benchmarks.md §3.16).
  static let refcoco = GroundingBenchmark(id: "refcoco", title: "RefCOCO")
}

/// An aggregator whose headline is the unweighted mean of the per-split means (the plain mean without splits),
/// as the grounding families report their number.
public struct SplitMeanAggregator: ScoreAggregator {
  /// The per-sample sums.
  public private(set) var base: ScoreAccumulator

  /// Creates an aggregator over a standard accumulator.
  public init(base: ScoreAccumulator) {
    self.base = base
  }

  /// The unweighted mean of the per-split means.
  public var headlineRule: HeadlineRule { .meanOfSplits }

  public mutating func add(_ sample: ScoredSample) {
    base.add(sample)
  }

  public func summary() -> SuiteSummary {
    var summary = base.summary()
    if let splits = base.breakdown["split"], !splits.isEmpty {
      // An exact sum: the dictionary's order varies between processes, and the number must not.
      let mean = ExactSum(splits.values.map(\.mean)).value / Double(splits.count) * 100
      summary.headline = mean
      summary.values.insert(
        MetricValue(
          dimension: "overall", key: "all", metric: "\(base.metric) (mean of splits)", value: mean,
          count: base.overall.count),
        at: 0)
    }
    return summary
  }
}
