/// MMBench (General VQA; benchmarks.md §3.2, §2.6): `MMBench_DEV_EN` scored by VLMEvalKit's CircularEval
/// (`mcq_circular_eval` with judge `exact_matching`) over the rotated copies the TSV ships.
///
/// Every row is scored with `can_infer` like a vanilla question. A row's group is `index mod 1,000,000`, and the
/// main row is the one whose index equals its group. A group scores 1 only if every row yields its gold letter;
/// one wrong letter makes it 0 even when other rows are unparsed; otherwise (some row unparsed) it is 0, as under
/// `exact_matching`. The headline is the mean over the main rows.
public struct MMBench: Benchmark {
  /// The vanilla rules every row is scored by.
  let base = VanillaMultipleChoice(id: "mmbench", title: "MMBench", group: .generalVQA)

  public let descriptor = BenchmarkDescriptor(
    id: "mmbench", title: "MMBench", group: .generalVQA, metric: "mcq_circular_accuracy", family: .vlmevalkit,
    judgeMode: .exactMatching,
    reference: "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/utils/multiple_choice.py: mcq_circular_eval, "
      + "prefetch_circular_group, report_acc, exact_matching")
  public var defaultPromptTemplate: String { base.defaultPromptTemplate }
  public var requiredFields: [FieldRequirement] {
    // A NaN gold is accepted for the vanilla sets only: the circular evaluation's reading of it is unverified.
    base.requiredFields.map { FieldRequirement($0.name, $0.kind, isOptional: $0.isOptional) }
      + [FieldRequirement("index", .text)]
  }

  /// The offset of the rotated copies: a row's group is its index modulo this.
  public static let groupModulus = 1_000_000

  /// Creates the benchmark.
  public init() {}

  /// The circular group of a sample id (`index`, or `<split>/<index>`): the group key and whether the row is the
  /// group's main row; nil when the id does not end in a non-negative integer.
  public static func circularGroup(ofSampleID id: String) -> (key: String, isMain: Bool)? {
    let slash = id.lastIndex(of: "/")
    let prefix = slash.map { String(id[...$0]) } ?? ""
    let last = slash.map { String(id[id.index(after: $0)...]) } ?? id
    guard let index = Int(last), index >= 0, String(index) == last else { return nil }
    let group = index % groupModulus
    return (prefix + String(group), group == index)
  }

  public func problem(in sample: Sample) -> String? {
    if let problem = base.problem(in: sample) { return problem }
    guard let index = sample.text("index"), let value = Int(index), value >= 0, String(value) == index else {
      return "field \"index\" must be a non-negative integer (the circular group is index mod 1,000,000)"
    }
    let idIndex = sample.id.split(separator: "/").last.map(String.init) ?? sample.id
    guard idIndex == index else {
      return "the sample id must be the row's index for circular evaluation (set \"id_field\": \"index\")"
    }
    return nil
  }

  public func promptVariables(for sample: Sample) -> [String: String] {
    base.promptVariables(for: sample)
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    base.breakdown(for: sample)
  }

  public func oracleResponse(for sample: Sample) -> String {
    base.oracleResponse(for: sample)
  }

  public func baselineResponse(for sample: Sample) -> String {
    base.baselineResponse(for: sample)
  }

  /// The row's own vanilla score (`prefetch_answer`: `can_infer`, hit when it equals the row's gold); the group
  /// verdict is the aggregator's.
  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    var score = base.score(extraction, for: sample, options: options)
    if let group = Self.circularGroup(ofSampleID: sample.id), !group.isMain {
      score.notes.append("rotated copy of circular group \(group.key)")
    }
    return score
  }

  public func makeAggregator() -> any ScoreAggregator {
    CircularAggregator(metric: headlineMetric)
  }
}

extension BenchmarkRegistry {
  /// MMBench (General VQA): `MMBench_DEV_EN`, CircularEval (benchmarks.md §3.2).
  static let mmbench = MMBench()
}

/// The rows of one circular group seen so far, and the group's verdict under CircularEval: the one place the rule
/// is written, read by ``CircularAggregator`` and by the headline units of the statistics.
public struct CircularGroupTally: Sendable, Hashable {
  /// Rows seen.
  public private(set) var rows = 0
  /// Rows answered with the gold letter.
  public private(set) var correct = 0
  /// Rows answered with another letter.
  public private(set) var wrong = 0
  /// Rows with no usable answer.
  public private(set) var errors = 0

  /// Creates an empty tally.
  public init() {}

  /// Counts one row.
  public mutating func add(status: SampleStatus, score: Double) {
    rows += 1
    switch status {
    case .ok: if score == 1 { correct += 1 } else { wrong += 1 }
    case .unparsed: break
    case .error: errors += 1
    }
  }

  /// The group's verdict: 1 only when every rotation names the gold; a wrong letter decides before an error, an
  /// error before an unparsed row.
  public var verdict: SampleScore {
    if wrong > 0 { return SampleScore(value: 0, notes: ["a rotation yields a wrong letter"]) }
    if correct == rows { return SampleScore(value: 1) }
    if errors > 0 { return SampleScore(value: 0, status: .error, notes: ["a rotation has no answer"]) }
    return .unparsed(notes: ["a rotation is unparsed: 0 under exact_matching"])
  }
}

/// VLMEvalKit's CircularEval aggregation (`mcq_circular_eval` under `exact_matching`): rows are grouped by
/// `index mod 1,000,000` from their sample ids; a group is one hit, reported with its main row's breakdown.
///
/// It keeps one small state per group, never the rows. A group without its main row is left out, as in the
/// reference, and counted under `rows without a main row`.
public struct CircularAggregator: ScoreAggregator {
  /// What the aggregator keeps of one group.
  struct Group: Sendable {
    var mainBreakdown: [BreakdownKey]?
    var tally = CircularGroupTally()
  }

  /// The headline metric's name.
  public let metric: String
  var groups: [String: Group] = [:]
  var rows = ScoreAccumulator.Tally()

  /// Creates an empty aggregator.
  public init(metric: String = "accuracy") {
    self.metric = metric
  }

  /// CircularEval: one unit per group and repeat.
  public var headlineRule: HeadlineRule { .circular }

  public mutating func add(_ sample: ScoredSample) {
    var group = MMBench.circularGroup(ofSampleID: sample.sampleID) ?? (sample.sampleID, true)
    // Each repeat is its own circular evaluation.
    if sample.repeatIndex > 0 { group.key += "#\(sample.repeatIndex)" }
    var state = groups[group.key] ?? Group()
    if group.isMain { state.mainBreakdown = sample.breakdown }
    state.tally.add(status: sample.score.status, score: sample.score.value)
    groups[group.key] = state
    rows.add(sample.score.status == .error ? 0 : sample.score.value)
  }

  /// The group verdicts, in group order: one hit per group that has its main row.
  func verdicts() -> [ScoredSample] {
    groups.sorted { $0.key < $1.key }.compactMap { key, group in
      guard let breakdown = group.mainBreakdown else { return nil }
      return ScoredSample(sampleID: key, score: group.tally.verdict, breakdown: breakdown)
    }
  }

  public func summary() -> SuiteSummary {
    var accumulator = ScoreAccumulator(metric: metric)
    var orphans = 0
    for group in groups.values where group.mainBreakdown == nil { orphans += group.tally.rows }
    for verdict in verdicts() { accumulator.add(verdict) }
    var summary = accumulator.summary()
    summary.values.insert(
      MetricValue(
        dimension: "overall", key: "all", metric: "\(metric) (vanilla, all rows)", value: rows.mean * 100,
        count: rows.count),
      at: 1)
    if orphans > 0 {
      summary.values.insert(
        MetricValue(
          dimension: "overall", key: "all", metric: "rows without a main row", value: Double(orphans),
          count: orphans),
        at: 2)
    }
    return summary
  }
}
