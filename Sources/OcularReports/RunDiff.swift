import Foundation
import OcularCore
import OcularStore

/// Why two runs cannot be compared (without `--force`).
public enum ComparisonError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A suite was scored under different scoring profiles.
  case profileMismatch(suite: String, runA: Int64, profileA: String, runB: Int64, profileB: String)
  /// A suite's data differs between the runs.
  case contentMismatch(suite: String, runA: Int64, hashA: String, runB: Int64, hashB: String)
  /// The runs share no suite.
  case noSharedSuite(runA: Int64, runB: Int64)
  /// Leaderboard runs score a benchmark under different profiles.
  case leaderboardProfileMismatch(benchmark: String, runA: Int64, profileA: String, runB: Int64, profileB: String)

  public var description: String {
    switch self {
    case .profileMismatch(let suite, let a, let profileA, let b, let profileB):
      return "runs \(a) and \(b) scored \(suite) under different scoring profiles (\"\(profileA)\" vs "
        + "\"\(profileB)\"); re-score one with `ocular rescore`, or pass --force to compare anyway"
    case .contentMismatch(let suite, let a, let hashA, let b, let hashB):
      return "runs \(a) and \(b) evaluated different data for \(suite) (content \(hashA.prefix(12)) vs "
        + "\(hashB.prefix(12))); pass --force to compare the samples they share"
    case .noSharedSuite(let a, let b):
      return "runs \(a) and \(b) share no suite; nothing to compare"
    case .leaderboardProfileMismatch(let benchmark, let a, let profileA, let b, let profileB):
      return "runs \(a) and \(b) score \(benchmark) under different scoring profiles (\"\(profileA)\" vs "
        + "\"\(profileB)\"), so they cannot share its column; re-score with `ocular rescore`, or pass --force"
    }
  }
}

/// The scoring profile one suite of a run was scored under: its benchmark's reference family (with version), the
/// run's scoring options and the suite's named profile (the typed column), such as
/// `vlmevalkit-0.0.20; boxed=unwrap, profile=vlmevalkit`.
public func suiteScoringProfile(run: RunRecord, suite: RunSuiteRecord) -> String {
  let parts = run.scoringProfile.split(separator: ";", maxSplits: 1).map {
    $0.trimmingCharacters(in: .whitespaces)
  }
  let families = (parts.first ?? "").split(separator: "+").map(String.init)
  // The run-level label names a non-default profile too; the suite's own column is the one compared.
  let options = (parts.count > 1 ? parts[1] : "").split(separator: ",")
    .map { $0.trimmingCharacters(in: .whitespaces) }
    .filter { !$0.isEmpty && !$0.hasPrefix("profile=") }
  let family = BenchmarkRegistry.benchmark(id: suite.benchmark)?.descriptor.family.rawValue
  let component = family.flatMap { name in families.first { $0 == name || $0.hasPrefix(name + "-") } }
  return (component ?? parts.first ?? "") + "; "
    + (options + ["profile=\(suite.scoringProfile.rawValue)"]).joined(separator: ", ")
}

/// How ``RunComparer`` compares.
public struct DiffSettings: Sendable, Hashable {
  /// Compare even when scoring profiles or suite contents differ.
  public var isForced: Bool
  /// The breakdown dimension shown below the benchmarks (`category`).
  public var dimension: String
  /// Only these suites (all shared suites when empty).
  public var suites: [String]
  /// Bootstrap resamples.
  public var replicates: Int
  /// Bootstrap seed.
  public var seed: UInt64

  /// Creates settings.
  public init(
    isForced: Bool = false, dimension: String = "category", suites: [String] = [],
    replicates: Int = Statistics.defaultReplicates, seed: UInt64 = Statistics.defaultSeed
  ) {
    self.isForced = isForced
    self.dimension = dimension
    self.suites = suites
    self.replicates = replicates
    self.seed = seed
  }
}

/// One line of a diff: a benchmark's headline, or one breakdown cell of it.
public struct DiffRow: Sendable, Hashable {
  /// The suite.
  public var suite: String
  /// The benchmark id.
  public var benchmark: String
  /// The breakdown cell, or nil for the headline.
  public var cell: BreakdownKey?
  /// A, B, Δ (in points), the paired 95% interval of Δ and the p-value, over the paired units.
  public var comparison: PairedEstimate
  /// What a unit is: `sample`, or `circular group` for MMBench.
  public var unit: String
  /// Samples whose score rose from A to B.
  public var improved: Int
  /// Samples whose score fell.
  public var regressed: Int
  /// Samples whose score is the same.
  public var unchanged: Int
}

/// A sample whose score differs between the runs.
public struct FlippedSample: Sendable, Hashable {
  /// The sample.
  public var key: SampleKey
  /// Run A's result.
  public var a: PairedSide
  /// Run B's result.
  public var b: PairedSide
}

/// Samples of a suite stored in only one of the runs.
public struct UnpairedCount: Sendable, Hashable {
  /// The suite.
  public var suite: String
  /// Samples only in A.
  public var onlyA: Int
  /// Samples only in B.
  public var onlyB: Int
}

/// The comparison of run B against run A.
public struct RunDiff: Sendable {
  /// Run A.
  public var runA: RunRecord
  /// Run B.
  public var runB: RunRecord
  /// The settings it was made with.
  public var settings: DiffSettings
  /// Per benchmark its headline row, followed by its cells of the chosen dimension.
  public var rows: [DiffRow]
  /// Samples whose score changed, in suite and key order.
  public var flips: [FlippedSample]
  /// Samples without a partner, per suite (only suites that have some).
  public var unpaired: [UnpairedCount]
  /// Suites only run A evaluated.
  public var suitesOnlyInA: [String]
  /// Suites only run B evaluated.
  public var suitesOnlyInB: [String]
  /// Refusals that `--force` overrode.
  public var overridden: [String]
}

/// Compares two runs sample by sample.
public struct RunComparer: Sendable {
  /// The store.
  public let store: RunStore

  /// Creates a comparer.
  public init(store: RunStore) {
    self.store = store
  }

  /// Compares run `b` against run `a` on the samples they share, pairing on (suite, sample id, repeat).
  public func diff(_ a: Int64, _ b: Int64, settings: DiffSettings = DiffSettings()) throws -> RunDiff {
    let runA = try store.run(id: a)
    let runB = try store.run(id: b)
    let suitesA = try store.suites(run: a)
    let suitesB = try store.suites(run: b)
    let namesB = Set(suitesB.map(\.suite))
    let namesA = Set(suitesA.map(\.suite))
    var shared = suitesA.filter { namesB.contains($0.suite) }
    if !settings.suites.isEmpty { shared = shared.filter { settings.suites.contains($0.suite) } }
    guard !shared.isEmpty else { throw ComparisonError.noSharedSuite(runA: a, runB: b) }
    var overridden: [String] = []
    for suiteA in shared {
      let suiteB = suitesB.first { $0.suite == suiteA.suite }!
      let profileA = suiteScoringProfile(run: runA, suite: suiteA)
      let profileB = suiteScoringProfile(run: runB, suite: suiteB)
      if profileA != profileB {
        let error = ComparisonError.profileMismatch(
          suite: suiteA.suite, runA: a, profileA: profileA, runB: b, profileB: profileB)
        guard settings.isForced else { throw error }
        overridden.append("\(suiteA.suite): scoring profiles differ (\"\(profileA)\" vs \"\(profileB)\")")
      }
      if suiteA.contentHash != suiteB.contentHash {
        let error = ComparisonError.contentMismatch(
          suite: suiteA.suite, runA: a, hashA: suiteA.contentHash, runB: b, hashB: suiteB.contentHash)
        guard settings.isForced else { throw error }
        overridden.append(
          "\(suiteA.suite): suite content differs (\(suiteA.contentHash.prefix(12)) vs \(suiteB.contentHash.prefix(12)))"
        )
      }
    }
    var rows: [DiffRow] = []
    var flips: [FlippedSample] = []
    var unpaired: [UnpairedCount] = []
    for suite in shared {
      let (suiteRows, suiteFlips) = try compare(suite: suite, a: a, b: b, settings: settings)
      rows += suiteRows
      flips += suiteFlips
      let counts = try store.unpairedCounts(runA: a, runB: b, suite: suite.suite)
      if counts.onlyA > 0 || counts.onlyB > 0 {
        unpaired.append(UnpairedCount(suite: suite.suite, onlyA: counts.onlyA, onlyB: counts.onlyB))
      }
    }
    return RunDiff(
      runA: runA, runB: runB, settings: settings, rows: rows, flips: flips, unpaired: unpaired,
      suitesOnlyInA: suitesA.map(\.suite).filter { !namesB.contains($0) },
      suitesOnlyInB: suitesB.map(\.suite).filter { !namesA.contains($0) }, overridden: overridden)
  }

  private struct Counts {
    var improved = 0
    var regressed = 0
    var unchanged = 0

    mutating func add(_ a: Double, _ b: Double) {
      if b > a {
        improved += 1
      } else if b < a {
        regressed += 1
      } else {
        unchanged += 1
      }
    }
  }

  private func compare(
    suite: RunSuiteRecord, a: Int64, b: Int64, settings: DiffSettings
  ) throws -> ([DiffRow], [FlippedSample]) {
    let rule = HeadlineRule(benchmarkID: suite.benchmark)
    var builderA = HeadlineUnitBuilder(rule: rule)
    var builderB = HeadlineUnitBuilder(rule: rule)
    var total = Counts()
    var cellCounts: [BreakdownKey: Counts] = [:]
    var flips: [FlippedSample] = []
    try store.forEachSamplePair(runA: a, runB: b, suite: suite.suite) { pair in
      let breakdown =
        (try? JSONDecoder().decode([BreakdownKey].self, from: Data(pair.breakdownJSON.utf8))) ?? []
      let cluster = HeadlineUnitBuilder.cluster(requestJSON: pair.requestJSON, sampleID: pair.key.sampleID)
      builderA.add(
        sampleID: pair.key.sampleID, repeatIndex: pair.key.repeatIndex, status: pair.a.status, score: pair.a.score,
        breakdown: breakdown, cluster: cluster)
      builderB.add(
        sampleID: pair.key.sampleID, repeatIndex: pair.key.repeatIndex, status: pair.b.status, score: pair.b.score,
        breakdown: breakdown, cluster: cluster)
      let scoreA = pair.a.status == .error ? 0 : pair.a.score
      let scoreB = pair.b.status == .error ? 0 : pair.b.score
      total.add(scoreA, scoreB)
      for cell in breakdown where cell.dimension == settings.dimension {
        cellCounts[cell, default: Counts()].add(scoreA, scoreB)
      }
      if scoreA != scoreB { flips.append(FlippedSample(key: pair.key, a: pair.a, b: pair.b)) }
    }
    let unitsA = builderA.units()
    let unitsB = builderB.units()
    let unit = rule == .circular ? "circular group" : "sample"
    func comparison(_ indices: [Int], weighted: Bool) -> PairedEstimate {
      let kept = weighted ? indices.filter { unitsA[$0].weight > 0 } : indices
      return Statistics.paired(
        kept.map { unitsA[$0].value }, kept.map { unitsB[$0].value },
        weights: weighted ? kept.map { unitsA[$0].weight } : nil, clusters: kept.map { unitsA[$0].cluster },
        replicates: settings.replicates, seed: settings.seed
      ).scaled(by: 100)
    }
    var rows = [
      DiffRow(
        suite: suite.suite, benchmark: suite.benchmark, cell: nil,
        comparison: comparison(Array(unitsA.indices), weighted: true), unit: unit, improved: total.improved,
        regressed: total.regressed, unchanged: total.unchanged)
    ]
    var cells: [BreakdownKey: [Int]] = [:]
    for (index, unitA) in unitsA.enumerated() {
      for cell in unitA.breakdown where cell.dimension == settings.dimension { cells[cell, default: []].append(index) }
    }
    for cell in cells.keys.sorted(by: { $0.key < $1.key }) {
      let counts = cellCounts[cell] ?? Counts()
      rows.append(
        DiffRow(
          suite: suite.suite, benchmark: suite.benchmark, cell: cell,
          comparison: comparison(cells[cell]!, weighted: false), unit: unit, improved: counts.improved,
          regressed: counts.regressed, unchanged: counts.unchanged))
    }
    return (rows, flips)
  }
}

// MARK: - Rendering

extension RunDiff {
  /// A signed number of points with two decimals (`+3.50`, `-1.25`, `0.00`).
  static func signed(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "-" }
    let text = formatScore(abs(value))
    if text == "0.00" { return "0.00" }
    return (value > 0 ? "+" : "-") + text
  }

  /// A p-value: four decimals, `<0.0001` below that.
  static func pValue(_ value: Double) -> String {
    if value < 0.0001 { return "<0.0001" }
    return String(format: "%.4f", value)
  }

  private static func interval(_ comparison: PairedEstimate) -> String {
    guard let lower = comparison.lower, let upper = comparison.upper else { return "-" }
    return "[\(signed(lower)), \(signed(upper))]"
  }

  private static func describe(_ run: RunRecord) -> String {
    "run \(run.id) (\(TextTable.sanitize(run.modelSpec)), \(run.createdAt))"
  }

  /// Cuts a model answer to one line of at most `limit` characters.
  static func clip(_ text: String?, limit: Int = 48) -> String {
    guard let text else { return "-" }
    let line = text.replacingOccurrences(of: "\n", with: "⏎")
    return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
  }

  /// The diff as tables: the benchmarks, their cells of the chosen dimension, and with `showingSamples` the
  /// flipped samples with both extracted answers.
  public func text(showingSamples: Bool) -> String {
    var text = "A = \(Self.describe(runA))\nB = \(Self.describe(runB))\n"
    text +=
      "Samples paired on (suite, sample id, repeat). Δ = B − A in points. 95% CI of Δ: paired bootstrap "
      + "resampling clusters of samples that share images (\(settings.replicates) resamples, seed \(settings.seed)). "
      + "p: McNemar's exact test for 0/1 scores, otherwise the paired bootstrap (column `test`). n counts the units "
      + "of the headline (MMMU: its validation split; MMBench: circular groups); improved/regressed/unchanged count "
      + "samples.\n"
    for note in overridden { text += "--force: \(note)\n" }
    let headers = ["n", "A", "B", "Δ", "95% CI of Δ", "p", "test", "improved", "regressed", "unchanged"]
    let alignments: [TextTable.Alignment] = [
      .right, .right, .right, .right, .left, .right, .left, .right, .right, .right,
    ]
    var table = TextTable(header: ["benchmark"] + headers, alignments: [.left] + alignments)
    var cellTable = TextTable(
      header: ["suite", settings.dimension] + headers, alignments: [.left, .left] + alignments)
    func cells(_ row: DiffRow) -> [String] {
      let c = row.comparison
      let count = row.unit == "sample" ? String(c.count) : "\(c.count) groups"
      return [
        count, formatScore(c.meanA), formatScore(c.meanB), Self.signed(c.delta), Self.interval(c),
        Self.pValue(c.pValue), c.test.rawValue, String(row.improved), String(row.regressed), String(row.unchanged),
      ]
    }
    for row in rows {
      if let cell = row.cell {
        cellTable.append([row.suite, cell.key] + cells(row))
      } else {
        table.append([row.suite] + cells(row))
      }
    }
    text += "\n" + table.render()
    if !cellTable.rows.isEmpty {
      text += "\nBy \(settings.dimension):\n" + cellTable.render()
    }
    for count in unpaired {
      text += "\(count.suite): \(count.onlyA) samples only in A, \(count.onlyB) only in B (left out).\n"
    }
    if !suitesOnlyInA.isEmpty { text += "Only in A (not compared): \(suitesOnlyInA.joined(separator: ", ")).\n" }
    if !suitesOnlyInB.isEmpty { text += "Only in B (not compared): \(suitesOnlyInB.joined(separator: ", ")).\n" }
    if showingSamples {
      var flipTable = TextTable(
        header: ["suite", "id", "repeat", "A", "B", "A answer", "B answer"],
        alignments: [.left, .left, .right, .right, .right, .left, .left])
      for flip in flips {
        func score(_ side: PairedSide) -> String {
          side.status == .ok ? formatScore(side.score * 100) : side.status.rawValue
        }
        func answer(_ side: PairedSide) -> String {
          side.status == .error ? "error: " + Self.clip(side.errorReason) : Self.clip(side.extracted)
        }
        flipTable.append([
          flip.key.suite, flip.key.sampleID, String(flip.key.repeatIndex), score(flip.a), score(flip.b),
          answer(flip.a), answer(flip.b),
        ])
      }
      text += "\nFlipped samples (\(flips.count); scores in percent):\n"
      text += flips.isEmpty ? "none\n" : flipTable.render()
    } else if !flips.isEmpty {
      text += "\n\(flips.count) samples changed score; list them with --samples.\n"
    }
    return text
  }

  /// The diff as one JSON document (numbers in points; answers verbatim).
  public func json(includingSamples: Bool = true) -> String {
    func number(_ value: Double?) -> JSONValue { value.map { .number(($0 * 1e6).rounded() / 1e6) } ?? .null }
    func side(_ side: PairedSide) -> JSONValue {
      .object([
        "status": .string(side.status.rawValue), "score": .number(side.score),
        "extracted": side.extracted.map(JSONValue.string) ?? .null,
        "parsed": side.parsed.map(JSONValue.string) ?? .null, "error": side.errorReason.map(JSONValue.string) ?? .null,
      ])
    }
    let rowValues: [JSONValue] = rows.map { row in
      let c = row.comparison
      return .object([
        "suite": .string(row.suite), "benchmark": .string(row.benchmark),
        "dimension": row.cell.map { .string($0.dimension) } ?? .null, "key": row.cell.map { .string($0.key) } ?? .null,
        "unit": .string(row.unit), "n": .number(Double(c.count)), "clusters": .number(Double(c.clusters)),
        "a": number(c.meanA), "b": number(c.meanB), "delta": number(c.delta), "ci_lower": number(c.lower),
        "ci_upper": number(c.upper), "p": number(c.pValue), "test": .string(c.test.rawValue),
        "improved": .number(Double(row.improved)), "regressed": .number(Double(row.regressed)),
        "unchanged": .number(Double(row.unchanged)),
      ])
    }
    var object: [String: JSONValue] = [
      "run_a": .object(RunReports.runObject(runA)), "run_b": .object(RunReports.runObject(runB)),
      "bootstrap": .object(["replicates": .number(Double(settings.replicates)), "seed": .number(Double(settings.seed))]
      ),
      "dimension": .string(settings.dimension), "rows": .array(rowValues),
      "unpaired": .array(
        unpaired.map {
          .object([
            "suite": .string($0.suite), "only_a": .number(Double($0.onlyA)), "only_b": .number(Double($0.onlyB)),
          ])
        }),
      "suites_only_in_a": .array(suitesOnlyInA.map(JSONValue.string)),
      "suites_only_in_b": .array(suitesOnlyInB.map(JSONValue.string)),
      "forced": .array(overridden.map(JSONValue.string)), "flipped_count": .number(Double(flips.count)),
    ]
    if includingSamples {
      object["flipped"] = .array(
        flips.map {
          .object([
            "suite": .string($0.key.suite), "id": .string($0.key.sampleID),
            "repeat": .number(Double($0.key.repeatIndex)), "a": side($0.a), "b": side($0.b),
          ])
        })
    }
    return JSONValue.object(object).jsonText()
  }
}
