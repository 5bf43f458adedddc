import Foundation
import OcularCore
import OcularStore

/// Writes a run's samples as JSON lines, one per sample, streaming from the store.
public struct SampleExporter: Sendable {
  /// The store.
  public let store: RunStore

  /// Creates an exporter.
  public init(store: RunStore) {
    self.store = store
  }

  /// Writes every sample of a run (or of one suite) as a JSON line to `output`.
  ///
  /// Each line has `suite`, `id`, `repeat`, `status`, `extracted`, `score`, `response`, and also `parsed`,
  /// `thinking`, `measures`, `breakdown`, `error`, `latency_ms`, token counts, `notes`, `judge_exchanges` (every
  /// judge call: `prompt`, `settings`, `reply`, `failure`) and the suite's `scoring_profile`.
  public func exportJSONL(run id: Int64, suite: String?, to output: (String) -> Void) throws(StoreError) {
    _ = try store.run(id: id)
    var profiles: [String: ScoringProfile] = [:]
    for record in try store.suites(run: id) { profiles[record.suite] = record.scoringProfile }
    try store.forEachSample(run: id, suite: suite) { record in
      output(Self.line(for: record, scoringProfile: profiles[record.key.suite]) + "\n")
    }
  }

  /// The JSON line of one sample, with the scoring profile its suite was scored under when given.
  public static func line(for record: SampleRecord, scoringProfile: ScoringProfile? = nil) -> String {
    func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    func optional(_ number: Int?) -> JSONValue { number.map { .number(Double($0)) } ?? .null }
    let measures = (try? JSONValue.parse(Data(record.measuresJSON.utf8))) ?? .object([:])
    let breakdown = (try? JSONValue.parse(Data(record.breakdownJSON.utf8))) ?? .object([:])
    var object: [String: JSONValue] = [
      "suite": .string(record.key.suite), "id": .string(record.key.sampleID),
      "repeat": .number(Double(record.key.repeatIndex)), "status": .string(record.status.rawValue),
      "extracted": optional(record.extracted), "score": .number(record.score), "response": optional(record.response),
      "parsed": optional(record.parsed), "thinking": optional(record.thinking), "measures": measures,
      "breakdown": breakdown, "error": optional(record.errorReason),
      "latency_ms": record.latencyMilliseconds.map(JSONValue.number) ?? .null,
      "prompt_tokens": optional(record.promptTokens), "completion_tokens": optional(record.completionTokens),
      "notes": .array(record.notes.map(JSONValue.string)),
      "judge_exchanges": .array(record.judgeExchanges.map(Self.value(of:))),
    ]
    if let scoringProfile { object["scoring_profile"] = .string(scoringProfile.rawValue) }
    return JSONValue.object(object).jsonText()
  }

  /// A judge exchange as JSON: `prompt`, `settings` (only those sent), `reply`, `failure`.
  public static func value(of exchange: JudgeExchange) -> JSONValue {
    var settings: [String: JSONValue] = [:]
    if let value = exchange.settings.temperature { settings["temperature"] = .number(value) }
    if let value = exchange.settings.maxTokens { settings["max_tokens"] = .number(Double(value)) }
    if let value = exchange.settings.seed { settings["seed"] = .number(Double(value)) }
    if let value = exchange.settings.topP { settings["top_p"] = .number(value) }
    return .object([
      "prompt": exchange.prompt.map(JSONValue.string) ?? .null, "settings": .object(settings),
      "reply": exchange.reply.map(JSONValue.string) ?? .null,
      "failure": exchange.failure.map(JSONValue.string) ?? .null,
    ])
  }
}
