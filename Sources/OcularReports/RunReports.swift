import Foundation
import OcularCore
import OcularStore

/// Renders runs and their scores for people (tables) and scripts (JSON).
public struct RunReports: Sendable {
  /// The store the reports read.
  public let store: RunStore

  /// Creates reports over a store.
  public init(store: RunStore) {
    self.store = store
  }

  /// The per-suite table of a run: suite, samples, score, unparsed, errors, seconds.
  public func suiteTable(run: Int64) throws(StoreError) -> String {
    var table = TextTable(
      header: ["suite", "metric", "samples", "score", "unparsed", "errors", "seconds", "judge", "profile", "data"],
      alignments: [.left, .left, .right, .right, .right, .right, .right, .left, .left, .left])
    let suites = try store.suites(run: run)
    for suite in suites {
      table.append([
        suite.suite, suite.headlineMetric, String(suite.sampleCount), formatScore(suite.headline),
        suite.unparsedCount.map(String.init) ?? "-", suite.errorCount.map(String.init) ?? "-",
        formatSeconds(suite.seconds), suite.judgeLabel,
        suite.scoringProfile.rawValue + (suite.scoringProfileNote == nil ? "" : "*"),
        suite.isFullData ? "full" : "sample set",
      ])
    }
    let notes = suites.compactMap { suite in suite.scoringProfileNote.map { "* \(suite.suite): \($0)" } }
    return table.render() + (notes.isEmpty ? "" : notes.joined(separator: "\n") + "\n")
  }

  /// One stored sample for people: status, score, extracted answer, notes, and every judge call (prompt, settings,
  /// reply), each repeat in turn. Model and judge text is shown with control characters neutralised.
  public func sampleDetail(run id: Int64, suite: String, sampleID: String) throws(StoreError) -> String {
    _ = try store.run(id: id)
    let records = try store.samples(run: id, suite: suite, sampleID: sampleID)
    guard !records.isEmpty else { throw .unknownSample(run: id, suite: suite, sampleID: sampleID) }
    let clean: (String) -> String = { TextTable.sanitize($0) }
    var text = ""
    for record in records {
      text += "run \(id)  \(suite) / \(clean(sampleID))  repeat \(record.key.repeatIndex)\n"
      text += "  status     \(record.status.rawValue)\(record.errorReason.map { " (\(clean($0)))" } ?? "")\n"
      text += "  score      \(JSONValue.number(record.score).cellText ?? "-")\n"
      text += "  extracted  \(record.extracted.map(clean) ?? "-")\n"
      text += "  parsed     \(record.parsed.map(clean) ?? "-")\n"
      for note in record.notes { text += "  note       \(clean(note))\n" }
      for (index, exchange) in record.judgeExchanges.enumerated() {
        text += "  judge call \(index + 1)/\(record.judgeExchanges.count)  \(exchange.settings.label)\n"
        text += "    prompt:\n" + Self.indented(exchange.prompt.map(clean) ?? "(not recorded)") + "\n"
        if let failure = exchange.failure {
          text += "    failed: \(clean(failure))\n"
        } else {
          text += "    reply:\n" + Self.indented(clean(exchange.reply ?? "")) + "\n"
        }
      }
    }
    return text
  }

  /// One stored sample's repeats as `ocular export` lines.
  public func sampleJSONL(run id: Int64, suite: String, sampleID: String) throws(StoreError) -> String {
    _ = try store.run(id: id)
    let records = try store.samples(run: id, suite: suite, sampleID: sampleID)
    guard !records.isEmpty else { throw .unknownSample(run: id, suite: suite, sampleID: sampleID) }
    return records.map { SampleExporter.line(for: $0) + "\n" }.joined()
  }

  /// Text with every line indented six spaces.
  static func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
  }

  /// The list of runs, newest first.
  public func runTable() throws(StoreError) -> String {
    var table = TextTable(
      header: ["run", "created", "model", "status", "profile", "scoring", "suites"],
      alignments: [.right, .left, .left, .left, .left, .left, .left])
    for run in try store.runs() {
      var profiles: [String] = []
      for suite in try store.suites(run: run.id) where !profiles.contains(suite.scoringProfile.rawValue) {
        profiles.append(suite.scoringProfile.rawValue)
      }
      table.append([
        String(run.id), run.createdAt, run.modelSpec, run.status.rawValue, run.promptProfile,
        profiles.joined(separator: ","), run.suiteNames.joined(separator: ","),
      ])
    }
    return table.render()
  }

  /// A run's details and every metric of its suites (or of one suite).
  public func detail(run id: Int64, suite: String?) throws(StoreError) -> String {
    let run = try store.run(id: id)
    // The model name comes from the adapter's hello: neutralise control characters, as the tables do.
    let clean: (String) -> String = { TextTable.sanitize($0) }
    var text = """
      run \(run.id)  \(run.status.rawValue)
        model       \(clean(run.modelSpec)) (\(clean(run.modelName)))
        created     \(run.createdAt)\(run.finishedAt.map { ", finished \($0)" } ?? "")
        prompt      \(run.promptProfile)
        scoring     \(run.scoringProfile)
        generation  \(run.parametersJSON)
        repeats     \(run.repeats)
        harness     \(run.harnessVersion)\(run.gitRevision.map { " (\($0.prefix(12)))" } ?? "")

      """
    text += "\n" + (try suiteTable(run: id))
    for record in try store.suites(run: id) where suite == nil || suite == record.suite {
      var table = TextTable(
        header: ["dimension", "key", "metric", "value", "n"], alignments: [.left, .left, .left, .right, .right])
      for value in try store.metrics(run: id, suite: record.suite) {
        table.append([value.dimension, value.key, value.metric, formatScore(value.value), String(value.count)])
      }
      text += "\n\(record.suite) — \(record.title) (\(record.reference); content \(record.contentHash.prefix(12)))\n"
      text +=
        "scoring profile \(record.scoringProfile.rawValue)"
        + (record.scoringProfileNote.map { " (\($0))" } ?? "") + "\n"
      text += table.render()
    }
    if let suite, try !store.suites(run: id).contains(where: { $0.suite == suite }) {
      text += "\nrun \(id) has no suite \(suite)\n"
    }
    return text
  }

  /// A run with its suites and metrics, as one JSON document.
  public func detailJSON(run id: Int64, suite: String?) throws(StoreError) -> String {
    let run = try store.run(id: id)
    var suites: [[String: JSONValue]] = []
    for record in try store.suites(run: id) where suite == nil || suite == record.suite {
      let metrics = try store.metrics(run: id, suite: record.suite).map { value -> JSONValue in
        .object([
          "dimension": .string(value.dimension), "key": .string(value.key), "metric": .string(value.metric),
          "value": .number(value.value), "count": .number(Double(value.count)),
        ])
      }
      suites.append(Self.suiteObject(record).merging(["metrics": .array(metrics)]) { $1 })
    }
    return JSONValue.object(Self.runObject(run).merging(["suites": .array(suites.map(JSONValue.object))]) { $1 })
      .jsonText()
  }

  /// Every run as JSON, newest first.
  public func runsJSON() throws(StoreError) -> String {
    var items: [JSONValue] = []
    for run in try store.runs() {
      let suites = try store.suites(run: run.id).map { JSONValue.object(Self.suiteObject($0)) }
      items.append(.object(Self.runObject(run).merging(["suites": .array(suites)]) { $1 }))
    }
    return JSONValue.array(items).jsonText()
  }

  static func runObject(_ run: RunRecord) -> [String: JSONValue] {
    func parsed(_ text: String) -> JSONValue { (try? JSONValue.parse(Data(text.utf8))) ?? .string(text) }
    return [
      "id": .number(Double(run.id)), "created_at": .string(run.createdAt),
      "finished_at": run.finishedAt.map(JSONValue.string) ?? .null, "status": .string(run.status.rawValue),
      "model_spec": .string(run.modelSpec), "model": .string(run.modelName), "adapter": parsed(run.adapterJSON),
      "parameters": parsed(run.parametersJSON), "prompt_profile": .string(run.promptProfile),
      "scoring_profile": .string(run.scoringProfile), "scoring_options": parsed(run.scoringOptionsJSON),
      "repeats": .number(Double(run.repeats)), "harness_version": .string(run.harnessVersion),
      "git_revision": run.gitRevision.map(JSONValue.string) ?? .null,
    ]
  }

  static func suiteObject(_ suite: RunSuiteRecord) -> [String: JSONValue] {
    [
      "suite": .string(suite.suite), "benchmark": .string(suite.benchmark), "title": .string(suite.title),
      "group": .string(suite.group), "metric": .string(suite.metric),
      "headline_metric": .string(suite.headlineMetric), "judge": .string(suite.judgeLabel),
      "reference": .string(suite.reference), "content_hash": .string(suite.contentHash),
      "samples": .number(Double(suite.sampleCount)), "full_data": .bool(suite.isFullData),
      "score": suite.headline.map(JSONValue.number) ?? .null,
      "unparsed": suite.unparsedCount.map { .number(Double($0)) } ?? .null,
      "errors": suite.errorCount.map { .number(Double($0)) } ?? .null, "seconds": .number(suite.seconds),
      "scoring_profile": .string(suite.scoringProfile.rawValue),
      "scoring_profile_note": suite.scoringProfileNote.map(JSONValue.string) ?? .null,
    ]
  }
}
