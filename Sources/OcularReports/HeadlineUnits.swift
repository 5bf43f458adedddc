import Foundation
import OcularCore
import OcularStore

extension HeadlineUnitBuilder {
  /// Adds one stored row.
  public mutating func add(_ row: ScoredRow) {
    add(
      sampleID: row.key.sampleID, repeatIndex: row.key.repeatIndex, status: row.status, score: row.score,
      breakdown: row.breakdown, cluster: Self.cluster(requestJSON: row.requestJSON, sampleID: row.key.sampleID))
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
