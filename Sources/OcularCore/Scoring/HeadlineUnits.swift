import Foundation

/// How a benchmark's headline number is made from its samples; each aggregator declares its rule
/// (``ScoreAggregator/headlineRule``), so that the statistics estimate exactly the number the run reports.
public enum HeadlineRule: Sendable, Hashable {
  /// The mean over every sample and repeat (the standard aggregator).
  case mean
  /// The mean over one split (MMMU's `validation`), over everything when no sample has that split.
  case split(String)
  /// The unweighted mean of the per-split means (grounding); each sample weighs 1 / (samples of its split).
  case meanOfSplits
  /// MMBench's CircularEval: a unit is a circular group of one repeat, scoring 1 only when every rotation is right.
  case circular

  /// The rule of a benchmark id, as its aggregator declares it (`mean` for ids the registry does not know).
  public init(benchmarkID: String) {
    self = BenchmarkRegistry.benchmark(id: benchmarkID)?.makeAggregator().headlineRule ?? .mean
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
    var tally = CircularGroupTally()
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
      if group.isMain { state.main = (breakdown, cluster) }
      state.tally.add(status: status, score: score)
      groups[group.key] = state
    default:
      rows.append(
        HeadlineUnit(
          key: "\(sampleID)#\(repeatIndex)", value: value, weight: 1, cluster: cluster, status: status,
          breakdown: breakdown))
    }
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
        let verdict = state.tally.verdict
        return HeadlineUnit(
          key: key, value: verdict.value, weight: 1, cluster: main.cluster, status: verdict.status,
          breakdown: main.breakdown)
      }
    }
  }
}
