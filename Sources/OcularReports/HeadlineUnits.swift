import Foundation
import OcularCore
import OcularStore

/// How a benchmark's headline number is made from its samples, read off the benchmark's aggregator so that the
/// statistics estimate exactly the number the run reports.
public enum HeadlineRule: Sendable, Hashable {
  /// The mean over every sample and repeat (the standard aggregator).
  case mean
  /// The mean over one split (MMMU's `validation`), over everything when no sample has that split.
  case split(String)
  /// The unweighted mean of the per-split means (grounding); each sample weighs 1 / (samples of its split).
  case meanOfSplits
  /// MMBench's CircularEval: a unit is a circular group of one repeat, scoring 1 only when every rotation is right.
  case circular

  /// The rule of a benchmark id (`mean` for ids the registry does not know).
  public init(benchmarkID: String) {
    guard let benchmark = BenchmarkRegistry.benchmark(id: benchmarkID) else {
      self = .mean
      return
    }
    let aggregator = benchmark.makeAggregator()
    if aggregator is CircularAggregator {
      self = .circular
    } else if let split = aggregator as? HeadlineSplitAggregator {
      self = .split(split.split)
    } else if aggregator is SplitMeanAggregator {
      self = .meanOfSplits
    } else {
      self = .mean
    }
  }
}

/// One unit of a headline: a sample repeat (a circular group for MMBench) with its score, weight and cluster.
public struct HeadlineUnit: Sendable, Hashable {
  /// The unit's key: `id#repeat`, or the circular group key.
  public var key: String
  /// The score, 0…1 (0 for errors).
  public var value: Double
  /// The weight in the headline (0 when the headline leaves the unit out).
  public var weight: Double
  /// The cluster: units showing the same images share one.
  public var cluster: String
  /// The unit's status.
  public var status: SampleStatus
  /// The breakdown cells it counts in (for breakdown statistics, where every unit weighs 1).
  public var breakdown: [BreakdownKey]
}

/// Collects a suite's stored samples into the units of its headline.
public struct HeadlineUnitBuilder: Sendable {
  /// The rule.
  public let rule: HeadlineRule
  private var rows: [HeadlineUnit] = []
  private var groups: [String: CircularState] = [:]
  private var groupOrder: [String] = []

  private struct CircularState: Sendable {
    var main: (breakdown: [BreakdownKey], cluster: String)?
    var firstCluster = ""
    var rows = 0
    var correct = 0
    var wrong = 0
    var errors = 0
  }

  /// Creates an empty builder.
  public init(rule: HeadlineRule) {
    self.rule = rule
  }

  /// The cluster of a sample: the images its request shows (sorted paths), or its id when it shows none.
  ///
  /// Samples sharing images (MMBench's rotations, several questions on one document) then share a cluster; the
  /// repeats of one sample always do.
  public static func cluster(requestJSON: String, sampleID: String) -> String {
    struct Payload: Decodable { var messages: [ChatMessage] }
    let messages = (try? JSONDecoder().decode(Payload.self, from: Data(requestJSON.utf8)))?.messages ?? []
    var paths: Set<String> = []
    for message in messages {
      for part in message.content {
        if case .image(let path) = part { paths.insert(path) }
      }
    }
    return paths.isEmpty ? "id:" + sampleID : "img:" + paths.sorted().joined(separator: "\n")
  }

  /// Adds one stored sample.
  public mutating func add(
    sampleID: String, repeatIndex: Int, status: SampleStatus, score: Double, breakdown: [BreakdownKey], cluster: String
  ) {
    let value = status == .error ? 0 : score
    switch rule {
    case .circular:
      var group = MMBench.circularGroup(ofSampleID: sampleID) ?? (sampleID, true)
      // Each repeat is its own circular evaluation, as in CircularAggregator.
      if repeatIndex > 0 { group.key += "#\(repeatIndex)" }
      if groups[group.key] == nil { groupOrder.append(group.key) }
      var state = groups[group.key] ?? CircularState()
      if state.rows == 0 { state.firstCluster = cluster }
      if group.isMain { state.main = (breakdown, cluster) }
      state.rows += 1
      switch status {
      case .ok: if score == 1 { state.correct += 1 } else { state.wrong += 1 }
      case .unparsed: break
      case .error: state.errors += 1
      }
      groups[group.key] = state
    default:
      rows.append(
        HeadlineUnit(
          key: "\(sampleID)#\(repeatIndex)", value: value, weight: 1, cluster: cluster, status: status,
          breakdown: breakdown))
    }
  }

  /// Adds one stored row.
  public mutating func add(_ row: ScoredRow) {
    add(
      sampleID: row.key.sampleID, repeatIndex: row.key.repeatIndex, status: row.status, score: row.score,
      breakdown: row.breakdown, cluster: Self.cluster(requestJSON: row.requestJSON, sampleID: row.key.sampleID))
  }

  /// The units, with their headline weights.
  public func units() -> [HeadlineUnit] {
    switch rule {
    case .mean:
      return rows
    case .split(let split):
      let isInSplit = { (unit: HeadlineUnit) in unit.breakdown.contains(BreakdownKey("split", split)) }
      guard rows.contains(where: isInSplit) else { return rows }
      return rows.map { unit in
        var copy = unit
        copy.weight = isInSplit(unit) ? 1 : 0
        return copy
      }
    case .meanOfSplits:
      func split(_ unit: HeadlineUnit) -> String? { unit.breakdown.first { $0.dimension == "split" }?.key }
      var sizes: [String: Int] = [:]
      for unit in rows { if let name = split(unit) { sizes[name, default: 0] += 1 } }
      guard !sizes.isEmpty else { return rows }
      return rows.map { unit in
        var copy = unit
        copy.weight = split(unit).flatMap { sizes[$0] }.map { 1 / Double($0) } ?? 0
        return copy
      }
    case .circular:
      return groupOrder.sorted().compactMap { key in
        guard let state = groups[key], let main = state.main else { return nil }
        let value: Double
        let status: SampleStatus
        if state.wrong > 0 {
          (value, status) = (0, .ok)
        } else if state.correct == state.rows {
          (value, status) = (1, .ok)
        } else if state.errors > 0 {
          (value, status) = (0, .error)
        } else {
          (value, status) = (0, .unparsed)
        }
        return HeadlineUnit(
          key: key, value: value, weight: 1, cluster: main.cluster, status: status, breakdown: main.breakdown)
      }
    }
  }
}

/// The statistics of one metric: its estimate (in percent) and the unparsed and error rates of its units.
public struct MetricStatistics: Sendable, Hashable, Codable {
  /// The mean in percent, with its standard error and 95% bootstrap interval (also in percent).
  public var estimate: Estimate
  /// The fraction of units whose answer could not be parsed.
  public var unparsedRate: Double
  /// The fraction of units with no usable answer.
  public var errorRate: Double

  /// Creates statistics.
  public init(estimate: Estimate, unparsedRate: Double, errorRate: Double) {
    self.estimate = estimate
    self.unparsedRate = unparsedRate
    self.errorRate = errorRate
  }

  /// The statistics of units (those with a positive weight), in percent.
  public static func of(
    _ units: [HeadlineUnit], useWeights: Bool, replicates: Int = Statistics.defaultReplicates,
    seed: UInt64 = Statistics.defaultSeed
  ) -> MetricStatistics {
    let kept = useWeights ? units.filter { $0.weight > 0 } : units
    let estimate = Statistics.estimate(
      kept.map(\.value), weights: useWeights ? kept.map(\.weight) : nil, clusters: kept.map(\.cluster),
      replicates: replicates, seed: seed
    ).scaled(by: 100)
    let count = Double(max(kept.count, 1))
    return MetricStatistics(
      estimate: estimate, unparsedRate: Double(kept.filter { $0.status == .unparsed }.count) / count,
      errorRate: Double(kept.filter { $0.status == .error }.count) / count)
  }
}

/// The statistics of one breakdown cell.
public struct CellStatistics: Sendable, Hashable {
  /// The cell (`category` = `algebra`).
  public var cell: BreakdownKey
  /// Its statistics; every unit in the cell weighs 1, as the stored breakdowns do.
  public var statistics: MetricStatistics
}

/// The statistics of a suite of a run: the headline, and every breakdown cell.
public struct SuiteStatistics: Sendable, Hashable {
  /// The suite.
  public var suite: RunSuiteRecord
  /// How the headline is made.
  public var rule: HeadlineRule
  /// The headline's statistics.
  public var headline: MetricStatistics
  /// Each breakdown cell's statistics, ordered by dimension and key.
  public var cells: [CellStatistics]

  /// Computes the statistics of a run's suite from its stored samples: mean, cluster-robust standard error, seeded
  /// bootstrap 95% interval, n, and unparsed and error rates, for the headline and (unless `includingCells` is
  /// false) every breakdown cell.
  public static func compute(
    store: RunStore, run id: Int64, suite: RunSuiteRecord, replicates: Int = Statistics.defaultReplicates,
    seed: UInt64 = Statistics.defaultSeed, includingCells: Bool = true
  ) throws(StoreError) -> SuiteStatistics {
    let rule = HeadlineRule(benchmarkID: suite.benchmark)
    var builder = HeadlineUnitBuilder(rule: rule)
    try store.forEachScoredRow(run: id, suite: suite.suite) { builder.add($0) }
    let units = builder.units()
    var cells: [BreakdownKey: [HeadlineUnit]] = [:]
    for unit in units where includingCells {
      for cell in unit.breakdown { cells[cell, default: []].append(unit) }
    }
    let ordered = cells.keys.sorted { ($0.dimension, $0.key) < ($1.dimension, $1.key) }
    return SuiteStatistics(
      suite: suite, rule: rule,
      headline: .of(units, useWeights: true, replicates: replicates, seed: seed),
      cells: ordered.map {
        CellStatistics(cell: $0, statistics: .of(cells[$0]!, useWeights: false, replicates: replicates, seed: seed))
      })
  }
}
