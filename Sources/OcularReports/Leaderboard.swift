import Foundation
import OcularCore
import OcularStore

/// What goes into a leaderboard.
public struct LeaderboardSettings: Sendable, Hashable {
  /// The runs, one row each (every run in the store that did not fail, oldest first, when empty).
  public var runs: [Int64]
  /// A Boolean value that indicates whether failed runs are rows too when the runs are not listed.
  public var includesFailedRuns = false
  /// The run the others' relative improvement is measured against; it is added as the first row if not listed.
  public var baseline: Int64?
  /// Put runs in one column even when they score its benchmark under different profiles.
  public var isForced: Bool
  /// Compute each cell's statistics (standard error, 95% interval, n, rates) from the stored samples.
  public var includesStatistics: Bool
  /// The number of lowest-scoring samples kept per cell (for the HTML report's links).
  public var worstCount: Int
  /// Bootstrap resamples.
  public var replicates: Int
  /// Bootstrap seed.
  public var seed: UInt64

  /// Creates settings.
  public init(
    runs: [Int64] = [], baseline: Int64? = nil, isForced: Bool = false, includesStatistics: Bool = true,
    worstCount: Int = 0, replicates: Int = Statistics.defaultReplicates, seed: UInt64 = Statistics.defaultSeed
  ) {
    self.runs = runs
    self.baseline = baseline
    self.isForced = isForced
    self.includesStatistics = includesStatistics
    self.worstCount = worstCount
    self.replicates = replicates
    self.seed = seed
  }
}

/// The paper's table: six groups of three benchmarks, group averages and an overall average, a row per run.
public struct Leaderboard: Sendable {
  /// A benchmark column.
  public struct Column: Sendable, Hashable {
    /// The benchmark id.
    public var benchmark: String
    /// The display name.
    public var title: String
  }

  /// A group of columns and its average.
  public struct Group: Sendable, Hashable {
    /// The group id (`general_vqa`).
    public var id: String
    /// The display name (`General VQA`).
    public var title: String
    /// Its benchmarks, in the paper's order.
    public var columns: [Column]
  }

  /// A run's number on one benchmark.
  public struct Cell: Sendable, Hashable {
    /// The suite it comes from.
    public var suite: String
    /// The headline in percent, nil while the suite is unscored.
    public var score: Double?
    /// A Boolean value that indicates whether the score is `rule-only` (an offline rule where the reference judges).
    public var isRuleOnly: Bool
    /// A Boolean value that indicates whether the bundled sample set was used rather than full data.
    public var isSampleSet: Bool
    /// The cell's statistics, when computed.
    public var statistics: MetricStatistics?
    /// The lowest-scoring samples, when asked for.
    public var worst: [SampleRecord]
    /// The named scoring profile the suite was scored under.
    public var scoringProfile: ScoringProfile = .default
    /// The full scoring profile the column compares: reference family, options and named profile.
    public var profileLabel: String = ""
  }

  /// A run's row.
  public struct Row: Sendable {
    /// The run.
    public var run: RunRecord
    /// Cells by benchmark id (absent: the run did not evaluate it).
    public var cells: [String: Cell]
    /// Group averages by group id (absent: a benchmark of the group is missing).
    public var groupAverages: [String: Double]
    /// The benchmarks each group lacks, by group id.
    public var missing: [String: [Column]]
    /// The mean of the group averages, when every group has one.
    public var overall: Double?
  }

  /// The groups, in the paper's order.
  public var groups: [Group]
  /// The rows, baseline first when there is one.
  public var rows: [Row]
  /// The baseline run.
  public var baseline: Int64?
  /// Refusals that `--force` overrode.
  public var overridden: [String]

  /// Every column, in order.
  public var columns: [Column] { groups.flatMap(\.columns) }

  /// The baseline row.
  public var baselineRow: Row? { rows.first { $0.run.id == baseline } }

  /// The relative improvement (value − base) / base in percent, nil when either is missing or the base is 0.
  public static func relativeGain(_ value: Double?, over base: Double?) -> Double? {
    guard let value, let base, base != 0 else { return nil }
    return (value - base) / base * 100
  }

  /// A row's relative improvement over the baseline on a benchmark.
  public func gain(_ row: Row, benchmark: String) -> Double? {
    Self.relativeGain(row.cells[benchmark]?.score, over: baselineRow?.cells[benchmark]?.score)
  }

  /// A row's relative improvement over the baseline on a group average.
  public func gain(_ row: Row, group: String) -> Double? {
    Self.relativeGain(row.groupAverages[group], over: baselineRow?.groupAverages[group])
  }

  /// A row's relative improvement over the baseline on the overall average.
  public func overallGain(_ row: Row) -> Double? {
    Self.relativeGain(row.overall, over: baselineRow?.overall)
  }
}

extension Leaderboard {
  /// Builds a leaderboard from the store.
  public static func build(store: RunStore, settings: LeaderboardSettings = LeaderboardSettings()) throws -> Leaderboard
  {
    var ids =
      settings.runs.isEmpty
      ? Array(try store.runs().filter { settings.includesFailedRuns || $0.status != .failed }.map(\.id).reversed())
      : settings.runs
    if let baseline = settings.baseline {
      ids.removeAll { $0 == baseline }
      ids.insert(baseline, at: 0)
    }
    var seen: Set<Int64> = []
    ids = ids.filter { seen.insert($0).inserted }
    var records: [(RunRecord, [RunSuiteRecord])] = []
    for id in ids {
      records.append((try store.run(id: id), try store.suites(run: id)))
    }
    let groups = layout(records.flatMap(\.1))
    var rows: [Row] = []
    for (run, suites) in records {
      var cells: [String: Cell] = [:]
      for suite in suites where cells[suite.benchmark] == nil {
        var cell = Cell(
          suite: suite.suite, score: suite.headline, isRuleOnly: suite.judgeLabel == "rule-only",
          isSampleSet: !suite.isFullData, statistics: nil, worst: [], scoringProfile: suite.scoringProfile,
          profileLabel: suiteScoringProfile(run: run, suite: suite))
        if settings.includesStatistics {
          let statistics = try SuiteStatistics.compute(
            store: store, run: run.id, suite: suite, replicates: settings.replicates, seed: settings.seed,
            includingCells: false
          ).headline
          cell.statistics = statistics.estimate.count > 0 ? statistics : nil
        }
        if settings.worstCount > 0 {
          cell.worst = try store.worstSamples(run: run.id, suite: suite.suite, limit: settings.worstCount)
        }
        cells[suite.benchmark] = cell
      }
      var averages: [String: Double] = [:]
      var missing: [String: [Column]] = [:]
      for group in groups {
        let scores = group.columns.compactMap { cells[$0.benchmark]?.score }
        if scores.count == group.columns.count, !scores.isEmpty {
          averages[group.id] = scores.reduce(0, +) / Double(scores.count)
        } else {
          missing[group.id] = group.columns.filter { cells[$0.benchmark]?.score == nil }
        }
      }
      let overall =
        averages.count == groups.count && !groups.isEmpty
        ? groups.compactMap { averages[$0.id] }.reduce(0, +) / Double(groups.count) : nil
      rows.append(Row(run: run, cells: cells, groupAverages: averages, missing: missing, overall: overall))
    }
    var overridden: [String] = []
    for column in groups.flatMap(\.columns) {
      let scored = rows.filter { $0.cells[column.benchmark] != nil }
      guard let first = scored.first, let profile = first.cells[column.benchmark]?.profileLabel else { continue }
      for other in scored.dropFirst() {
        let otherProfile = other.cells[column.benchmark]?.profileLabel ?? ""
        guard otherProfile != profile else { continue }
        guard settings.isForced else {
          throw ComparisonError.leaderboardProfileMismatch(
            benchmark: column.title, runA: first.run.id, profileA: profile, runB: other.run.id, profileB: otherProfile)
        }
        overridden.append(
          "\(column.title): run \(other.run.id) is scored under \"\(otherProfile)\", run \(first.run.id) under "
            + "\"\(profile)\"")
      }
    }
    return Leaderboard(groups: groups, rows: rows, baseline: settings.baseline, overridden: overridden)
  }

  /// The paper's layout: the six groups in order, each with the registry's benchmarks of that group, plus any other
  /// benchmark the runs hold, placed in the group its run_suites row names.
  static func layout(_ suites: [RunSuiteRecord]) -> [Group] {
    var groupOf: [String: String] = [:]
    var extra: [String: [Column]] = [:]
    var extraGroups: [String] = []
    let known = Set(BenchmarkRegistry.all.map(\.id))
    for suite in suites where groupOf[suite.benchmark] == nil {
      groupOf[suite.benchmark] = suite.group
      if !known.contains(suite.benchmark) {
        extra[suite.group, default: []].append(Column(benchmark: suite.benchmark, title: suite.title))
        if BenchmarkGroup(rawValue: suite.group) == nil, !extraGroups.contains(suite.group) {
          extraGroups.append(suite.group)
        }
      }
    }
    var columns: [String: [Column]] = [:]
    for benchmark in BenchmarkRegistry.all {
      let group = groupOf[benchmark.id] ?? benchmark.group.rawValue
      columns[group, default: []].append(Column(benchmark: benchmark.id, title: benchmark.title))
    }
    let order = BenchmarkGroup.allCases.map(\.rawValue) + extraGroups
    return order.map { id in
      Group(
        id: id, title: BenchmarkGroup(rawValue: id)?.title ?? id,
        columns: (columns[id] ?? []) + (extra[id] ?? []))
    }.filter { !$0.columns.isEmpty }
  }
}

// MARK: - Text helpers shared by the renderers

extension Leaderboard {
  /// The marker of a `rule-only` cell.
  static let ruleOnlyMark = "†"
  /// The marker of a cell computed on the bundled sample set.
  static let sampleSetMark = "*"
  /// The text of a missing number.
  static let missingText = "–"

  /// A score with two decimals, or "–".
  static func score(_ value: Double?) -> String {
    guard let value, value.isFinite else { return missingText }
    return formatScore(value)
  }

  /// A relative gain in percent with one decimal and a sign (`+18.9%`), or "–".
  static func percentGain(_ value: Double?) -> String {
    guard let value, value.isFinite else { return missingText }
    let rounded = (value * 10).rounded() / 10
    let text = String(format: "%.1f", abs(rounded))
    return (rounded > 0 ? "+" : rounded < 0 ? "-" : "") + text + "%"
  }

  /// The date part of an ISO 8601 timestamp.
  static func date(_ timestamp: String) -> String {
    String(timestamp.prefix(10))
  }

  /// The profile text of a row: the scoring profile and the prompt profile.
  static func profile(_ run: RunRecord) -> String {
    "\(run.scoringProfile); prompt=\(run.promptProfile)"
  }

  /// A cell's score with its markers.
  static func marked(_ cell: Cell?) -> String {
    guard let cell else { return missingText }
    return score(cell.score) + (cell.isRuleOnly ? ruleOnlyMark : "") + (cell.isSampleSet ? sampleSetMark : "")
  }

  /// The footnotes every format shares.
  func notes() -> [String] {
    var notes: [String] = []
    let cells = rows.flatMap(\.cells.values)
    if cells.contains(where: \.isRuleOnly) {
      notes.append(
        "\(Self.ruleOnlyMark) rule-only: the reference scores this benchmark with an LLM judge; Ocular applies its "
          + "offline rule instead (judge label rule-only), so the number is not directly comparable to judged ones.")
    }
    if cells.contains(where: \.isSampleSet) {
      notes.append("\(Self.sampleSetMark) bundled sample set, not the benchmark's full data (see ocular import).")
    }
    var gaps: [String] = []
    for row in rows {
      for group in groups {
        guard let lacking = row.missing[group.id] else { continue }
        gaps.append("run \(row.run.id) lacks \(lacking.map(\.title).joined(separator: ", ")) (\(group.title))")
      }
    }
    if !gaps.isEmpty {
      notes.append(
        "\(Self.missingText) A group average needs all three benchmarks of its group, and the overall average all "
          + "six groups: " + gaps.joined(separator: "; ") + ".")
    }
    notes += overridden.map { "--force: \($0)." }
    return notes
  }
}

// MARK: - Markdown

extension Leaderboard {
  /// Escapes text for a GitHub Markdown table cell: `|` and Markdown punctuation with a backslash, HTML as
  /// entities, control characters and line breaks replaced.
  public static func markdownEscaped(_ text: String) -> String {
    var output = ""
    for character in TextTable.sanitize(text) {
      switch character {
      case "|": output += "\\|"
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\\", "`", "*", "_", "[", "]", "#", "~", "!", "$": output += "\\" + String(character)
      default: output.append(character)
      }
    }
    return output
  }

  /// The leaderboard as GitHub Markdown: the table, the relative improvements over the baseline, and footnotes.
  public func markdown() -> String {
    let fixed = ["Model", "Run", "Date", "Profile"]
    var header = fixed
    var alignment = [":--", "--:", ":--", ":--"]
    for group in groups {
      header += group.columns.map { Self.markdownEscaped($0.title) } + ["**\(Self.markdownEscaped(group.title))**"]
      alignment += Array(repeating: "--:", count: group.columns.count + 1)
    }
    header.append("**Overall**")
    alignment.append("--:")
    func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
    func identity(_ row: Row) -> [String] {
      [
        Self.markdownEscaped(row.run.modelName) + (row.run.id == baseline ? " (baseline)" : ""), String(row.run.id),
        Self.date(row.run.createdAt), Self.markdownEscaped(Self.profile(row.run)),
      ]
    }
    var lines = [
      "Scores in percent. Benchmarks by group as in the OpenVLThinkerV2 paper; **bold** columns average "
        + "their group.", "", line(header), line(alignment),
    ]
    for row in rows {
      var cells = identity(row)
      for group in groups {
        cells += group.columns.map { Self.markdownEscaped(Self.marked(row.cells[$0.benchmark])) }
        cells.append("**\(Self.score(row.groupAverages[group.id]))**")
      }
      cells.append("**\(Self.score(row.overall))**")
      lines.append(line(cells))
    }
    if let baselineRow, rows.count > 1 {
      lines += [
        "",
        "Relative improvement over run \(baselineRow.run.id) (\(Self.markdownEscaped(baselineRow.run.modelName))), "
          + "(run − baseline) / baseline, per benchmark as in the paper's figure:",
        "", line(header), line(alignment),
      ]
      for row in rows where row.run.id != baselineRow.run.id {
        var cells = identity(row)
        for group in groups {
          cells += group.columns.map { Self.percentGain(gain(row, benchmark: $0.benchmark)) }
          cells.append("**\(Self.percentGain(gain(row, group: group.id)))**")
        }
        cells.append("**\(Self.percentGain(overallGain(row)))**")
        lines.append(line(cells))
      }
    }
    let notes = self.notes()
    if !notes.isEmpty {
      lines.append("")
      lines += notes.map { Self.markdownEscaped($0) + "  " }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

// MARK: - CSV

extension Leaderboard {
  /// Quotes a CSV field (RFC 4180); text that a spreadsheet would run as a formula (a leading `=`, `+`, `-`, `@`, tab
  /// or carriage return) gets a leading `'`, as OWASP recommends; other control characters become `␣`.
  static func csvField(_ text: String, isText: Bool = true) -> String {
    var value = String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { scalar in
          (scalar.value < 0x20 && !["\n", "\r", "\t"].contains(scalar)) || (0x7F...0x9F).contains(scalar.value)
            ? "␣" : scalar
        }))
    if isText, let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
    guard value.contains(where: { ",\"\n\r".contains($0) }) else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A number with four decimals, or empty.
  static func csvNumber(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "" }
    return String(format: "%.4f", value)
  }

  /// The leaderboard as CSV: one `score` line per run (percent), and with a baseline one `gain` line per other run
  /// (relative improvement in percent); `rule_only` and `sample_set` list the marked benchmarks.
  public func csv() -> String {
    var header = ["run", "model", "model_spec", "date", "prompt_profile", "scoring_profile", "row"]
    header += columns.map(\.benchmark) + groups.map { "avg_" + $0.id } + ["overall", "rule_only", "sample_set"]
    var lines = [header.joined(separator: ",")]
    for row in rows {
      let identity = [
        String(row.run.id), Self.csvField(row.run.modelName), Self.csvField(row.run.modelSpec),
        Self.date(row.run.createdAt), Self.csvField(row.run.promptProfile), Self.csvField(row.run.scoringProfile),
      ]
      let marks = [
        columns.filter { row.cells[$0.benchmark]?.isRuleOnly == true }.map(\.benchmark).joined(separator: ";"),
        columns.filter { row.cells[$0.benchmark]?.isSampleSet == true }.map(\.benchmark).joined(separator: ";"),
      ]
      var scores = identity + ["score"]
      scores += columns.map { Self.csvNumber(row.cells[$0.benchmark]?.score) }
      scores += groups.map { Self.csvNumber(row.groupAverages[$0.id]) } + [Self.csvNumber(row.overall)] + marks
      lines.append(scores.joined(separator: ","))
      if let baselineRow, row.run.id != baselineRow.run.id {
        var gains = identity + ["gain_vs_run_\(baselineRow.run.id)"]
        gains += columns.map { Self.csvNumber(gain(row, benchmark: $0.benchmark)) }
        gains += groups.map { Self.csvNumber(gain(row, group: $0.id)) } + [Self.csvNumber(overallGain(row))] + marks
        lines.append(gains.joined(separator: ","))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

// MARK: - JSON

extension Leaderboard {
  /// The leaderboard as one JSON document: groups, and per run its cells (score, statistics, markers), group
  /// averages, missing benchmarks, overall average and relative gains.
  public func json() -> String {
    func number(_ value: Double?) -> JSONValue {
      guard let value, value.isFinite else { return .null }
      return .number((value * 1e6).rounded() / 1e6)
    }
    let groupValues: [JSONValue] = groups.map { group in
      .object([
        "id": .string(group.id), "title": .string(group.title),
        "benchmarks": .array(
          group.columns.map { .object(["id": .string($0.benchmark), "title": .string($0.title)]) }),
      ])
    }
    let rowValues: [JSONValue] = rows.map { row in
      var scores: [String: JSONValue] = [:]
      for column in columns {
        guard let cell = row.cells[column.benchmark] else {
          scores[column.benchmark] = .null
          continue
        }
        var object: [String: JSONValue] = [
          "suite": .string(cell.suite), "score": number(cell.score), "rule_only": .bool(cell.isRuleOnly),
          "sample_set": .bool(cell.isSampleSet), "scoring_profile": .string(cell.scoringProfile.rawValue),
        ]
        if let statistics = cell.statistics {
          let estimate = statistics.estimate
          object["n"] = .number(Double(estimate.count))
          object["clusters"] = .number(Double(estimate.clusters))
          object["mean"] = number(estimate.mean)
          object["se"] = number(estimate.standardError)
          object["ci_lower"] = number(estimate.lower)
          object["ci_upper"] = number(estimate.upper)
          object["unparsed_rate"] = number(statistics.unparsedRate)
          object["error_rate"] = number(statistics.errorRate)
        }
        scores[column.benchmark] = .object(object)
      }
      var object: [String: JSONValue] = [
        "run": .number(Double(row.run.id)), "model": .string(row.run.modelName),
        "model_spec": .string(row.run.modelSpec), "created_at": .string(row.run.createdAt),
        "date": .string(Self.date(row.run.createdAt)), "status": .string(row.run.status.rawValue),
        "prompt_profile": .string(row.run.promptProfile), "scoring_profile": .string(row.run.scoringProfile),
        "scores": .object(scores),
        "group_averages": .object(
          Dictionary(uniqueKeysWithValues: groups.map { ($0.id, number(row.groupAverages[$0.id])) })),
        "missing": .object(row.missing.mapValues { .array($0.map { .string($0.benchmark) }) }),
        "overall": number(row.overall),
      ]
      if let baselineRow, row.run.id != baselineRow.run.id {
        var gains: [String: JSONValue] = [:]
        for column in columns { gains[column.benchmark] = number(gain(row, benchmark: column.benchmark)) }
        for group in groups { gains["avg_" + group.id] = number(gain(row, group: group.id)) }
        gains["overall"] = number(overallGain(row))
        object["relative_gain_percent"] = .object(gains)
      }
      return .object(object)
    }
    let document: [String: JSONValue] = [
      "groups": .array(groupValues), "rows": .array(rowValues),
      "baseline": baseline.map { .number(Double($0)) } ?? .null, "notes": .array(notes().map(JSONValue.string)),
      "statistics": .string(
        "mean in percent; se: cluster-robust standard error (clusters = samples sharing images); ci: seeded "
          + "percentile bootstrap 95% interval resampling clusters"),
    ]
    return JSONValue.object(document).jsonText() + "\n"
  }
}
