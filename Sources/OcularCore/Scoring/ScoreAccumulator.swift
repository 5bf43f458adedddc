/// Turns a suite's scored samples, fed one at a time, into its summary.
///
/// Benchmarks whose number is not a plain mean (MMBench's circular groups, grounding's mean of splits) bring
/// their own aggregator; memory should grow with the number of groups or keys, not of samples.
public protocol ScoreAggregator: Sendable {
  /// How the headline is made from the samples; the statistics of every report read it from here.
  var headlineRule: HeadlineRule { get }
  /// Adds one sample.
  mutating func add(_ sample: ScoredSample)
  /// The summary of everything added.
  func summary() -> SuiteSummary
}

/// Running sums of sample scores, overall and per breakdown key, in memory proportional to the number of keys.
///
/// The standard aggregator: the headline is the mean primary value × 100 over all samples.
public struct ScoreAccumulator: ScoreAggregator {
  /// A running mean whose sum is exact, so that it does not depend on the order samples are added in.
  public struct Tally: Sendable, Hashable {
    /// The exact sum of the values.
    public private(set) var exactSum = ExactSum()
    /// The number of values.
    public private(set) var count = 0

    /// Creates an empty tally.
    public init() {}

    /// The sum of values, rounded once.
    public var sum: Double { exactSum.value }

    /// The mean, or 0 with no values.
    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// Adds a value.
    public mutating func add(_ value: Double) {
      exactSum.add(value)
      count += 1
    }
  }

  /// The tally of primary values over all samples.
  public private(set) var overall = Tally()
  /// Tallies of a secondary measure over all samples.
  public private(set) var measures: [String: Tally] = [:]
  /// Tallies of primary values per dimension and key.
  public private(set) var breakdown: [String: [String: Tally]] = [:]
  /// Tallies of secondary measures per dimension and key.
  public private(set) var breakdownMeasures: [String: [String: [String: Tally]]] = [:]
  /// Samples whose answer could not be parsed.
  public private(set) var unparsedCount = 0
  /// Samples with no usable answer.
  public private(set) var errorCount = 0

  /// The headline metric's name.
  public let metric: String
  /// The secondary measures every sample is expected to report.
  public let measureNames: [String]
  /// ``measureNames`` without repeats.
  private let expectedMeasures: [String]

  /// Creates an empty accumulator.
  public init(metric: String = "accuracy", measureNames: [String] = []) {
    self.metric = metric
    self.measureNames = measureNames
    var seen: Set<String> = []
    self.expectedMeasures = measureNames.filter { seen.insert($0).inserted }
  }

  /// Adds one sample. Samples in error count as 0 on every measure the suite uses.
  /// The plain mean over every sample and repeat.
  public var headlineRule: HeadlineRule { .mean }

  public mutating func add(_ sample: ScoredSample) {
    let value = sample.score.status == .error ? 0 : sample.score.value
    overall.add(value)
    switch sample.score.status {
    case .unparsed: unparsedCount += 1
    case .error: errorCount += 1
    case .ok: break
    }
    // Every expected measure, then any other the sample reports, each once.
    for name in expectedMeasures { addMeasure(name, of: sample) }
    for name in sample.score.measures.keys where !expectedMeasures.contains(name) { addMeasure(name, of: sample) }
    for cell in sample.breakdown {
      breakdown[cell.dimension, default: [:]][cell.key, default: Tally()].add(value)
    }
  }

  private mutating func addMeasure(_ name: String, of sample: ScoredSample) {
    let measure = sample.score.status == .error ? 0 : sample.score.measures[name] ?? 0
    measures[name, default: Tally()].add(measure)
    for cell in sample.breakdown {
      breakdownMeasures[cell.dimension, default: [:]][cell.key, default: [:]][name, default: Tally()].add(measure)
    }
  }

  /// The default summary: the headline is the mean primary value × 100 over all samples, with one value per
  /// breakdown key and per secondary measure.
  public func summary() -> SuiteSummary {
    var values = [
      MetricValue(dimension: "overall", key: "all", metric: metric, value: overall.mean * 100, count: overall.count)
    ]
    for (name, tally) in measures.sorted(by: { $0.key < $1.key }) {
      values.append(
        MetricValue(dimension: "overall", key: "all", metric: name, value: tally.mean * 100, count: tally.count))
    }
    for (dimension, keys) in breakdown.sorted(by: { $0.key < $1.key }) {
      for (key, tally) in keys.sorted(by: { $0.key < $1.key }) {
        values.append(
          MetricValue(dimension: dimension, key: key, metric: metric, value: tally.mean * 100, count: tally.count))
        for (name, measure) in (breakdownMeasures[dimension]?[key] ?? [:]).sorted(by: { $0.key < $1.key }) {
          values.append(
            MetricValue(dimension: dimension, key: key, metric: name, value: measure.mean * 100, count: measure.count))
        }
      }
    }
    return SuiteSummary(
      headline: overall.mean * 100, headlineMetric: metric, values: values, count: overall.count,
      unparsedCount: unparsedCount, errorCount: errorCount)
  }
}
