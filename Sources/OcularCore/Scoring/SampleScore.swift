/// The outcome status of one sample.
public enum SampleStatus: String, Sendable, Codable, Hashable, CaseIterable {
  /// Answered and scored.
  case ok
  /// Answered, but the benchmark's parser found no answer in it (scored 0, never guessed).
  case unparsed
  /// No usable answer: the model failed, timed out, or no prediction was given.
  case error
}

/// The score of one sample.
public struct SampleScore: Sendable, Hashable, Codable {
  /// The sample's primary score in [0, 1] (1 = correct for 0/1 metrics).
  public var value: Double
  /// Whether the answer could be parsed.
  public var status: SampleStatus
  /// Secondary per-sample measures, such as `iou`.
  public var measures: [String: Double]
  /// What the scorer read from the answer (a letter, a box), for reports and diffs.
  public var parsed: String?
  /// Reference behaviours that decided this sample (such as `reference_bug_1679`), for reports.
  public var notes: [String]

  /// Creates a score.
  public init(
    value: Double, status: SampleStatus = .ok, measures: [String: Double] = [:], parsed: String? = nil,
    notes: [String] = []
  ) {
    self.value = value
    self.status = status
    self.measures = measures
    self.parsed = parsed
    self.notes = notes
  }

  /// An unparsed answer: score 0.
  public static func unparsed(notes: [String] = []) -> SampleScore {
    SampleScore(value: 0, status: .unparsed, notes: notes)
  }
}

/// One breakdown cell a sample counts in, such as `split` = `val`; a sample may count in several keys of one
/// dimension (a MathVista item counts once in every skill it lists).
public struct BreakdownKey: Sendable, Hashable, Codable {
  /// The dimension (`split`, `category`, `skill`, …).
  public var dimension: String
  /// The key within it.
  public var key: String

  /// Creates a key.
  public init(_ dimension: String, _ key: String) {
    self.dimension = dimension
    self.key = key
  }

  public init(from decoder: any Decoder) throws {
    var container = try decoder.unkeyedContainer()
    dimension = try container.decode(String.self)
    key = try container.decode(String.self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.unkeyedContainer()
    try container.encode(dimension)
    try container.encode(key)
  }
}

/// A sample's scored result as the aggregation sees it.
public struct ScoredSample: Sendable, Hashable {
  /// The sample id.
  public var sampleID: String
  /// The score (value 0 for errors).
  public var score: SampleScore
  /// The breakdown cells the sample counts in.
  public var breakdown: [BreakdownKey]
  /// Which repeated answer this is (0-based); aggregators that group rows keep repeats apart.
  public var repeatIndex: Int

  /// Creates a scored sample.
  public init(sampleID: String, score: SampleScore, breakdown: [BreakdownKey], repeatIndex: Int = 0) {
    self.sampleID = sampleID
    self.repeatIndex = repeatIndex
    self.score = score
    self.breakdown = breakdown
  }
}

/// One number of a suite's summary: the headline, or a breakdown cell.
public struct MetricValue: Sendable, Hashable, Codable {
  /// The breakdown dimension (`overall`, `split`, `category`, …).
  public var dimension: String
  /// The key within the dimension (`all` for `overall`).
  public var key: String
  /// The metric's name (`accuracy`, `anls`, `acc@0.5`, `mean_iou`, …).
  public var metric: String
  /// The value in percent (0–100), or as the metric defines it.
  public var value: Double
  /// The number of samples behind the value.
  public var count: Int

  /// Creates a value.
  public init(dimension: String, key: String, metric: String, value: Double, count: Int) {
    self.dimension = dimension
    self.key = key
    self.metric = metric
    self.value = value
    self.count = count
  }
}

/// A suite's scores: the headline number and its breakdowns.
public struct SuiteSummary: Sendable, Hashable, Codable {
  /// The benchmark's primary number, in percent.
  public var headline: Double
  /// The headline metric's name.
  public var headlineMetric: String
  /// Every number, headline included.
  public var values: [MetricValue]
  /// Samples in the suite.
  public var count: Int
  /// Samples whose answer could not be parsed.
  public var unparsedCount: Int
  /// Samples with no usable answer.
  public var errorCount: Int

  /// Creates a summary.
  public init(
    headline: Double, headlineMetric: String, values: [MetricValue], count: Int, unparsedCount: Int,
    errorCount: Int
  ) {
    self.headline = headline
    self.headlineMetric = headlineMetric
    self.values = values
    self.count = count
    self.unparsedCount = unparsedCount
    self.errorCount = errorCount
  }
}
