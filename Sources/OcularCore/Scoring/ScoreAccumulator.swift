/// Turns a suite's scored samples, fed one at a time, into its summary.
///
/// Benchmarks whose number is not a plain mean (MMBench's circular groups, grounding's mean of splits) bring
/// their own aggregator; memory should grow with the number of groups or keys, not of samples.
public protocol ScoreAggregator: Sendable {
  /// Adds one sample.
  mutating func add(_ sample: ScoredSample)
  /// The summary of everything added.
  func summary() -> SuiteSummary
}

/// Running sums of sample scores, overall and per breakdown key, in memory proportional to the number of keys.
///
/// The standard aggregator: the headline is the mean primary value × 100 over all samples.
public struct ScoreAccumulator: ScoreAggregator {
  /// A running mean.
  public struct Tally: Sendable, Hashable {
    /// The sum of values.
    public var sum = 0.0
    /// The number of values.
    public var count = 0

    /// The mean, or 0 with no values.
    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    mutating func add(_ value: Double) {
      sum += value
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

  /// Creates an empty accumulator.
  public init(metric: String = "accuracy", measureNames: [String] = []) {
    self.metric = metric
    self.measureNames = measureNames
  }

  /// Adds one sample. Samples in error count as 0 on every measure the suite uses.
  public mutating func add(_ sample: ScoredSample) {
    let value = sample.score.status == .error ? 0 : sample.score.value
    overall.add(value)
    switch sample.score.status {
    case .unparsed: unparsedCount += 1
    case .error: errorCount += 1
    case .ok: break
    }
    let names = Set(measureNames).union(sample.score.measures.keys)
    for name in names {
      let measure = sample.score.status == .error ? 0 : sample.score.measures[name] ?? 0
      measures[name, default: Tally()].add(measure)
      for cell in sample.breakdown {
        breakdownMeasures[cell.dimension, default: [:]][cell.key, default: [:]][name, default: Tally()].add(measure)
      }
    }
    for cell in sample.breakdown {
      breakdown[cell.dimension, default: [:]][cell.key, default: Tally()].add(value)
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
