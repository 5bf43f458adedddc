import Foundation
import OcularCore

/// A part of a suite split across machines: shard `index` of `count`, counted from 1 (`2/4`).
///
/// Which samples belong to a shard is decided by the runner (a stable hash of suite and sample id); the store only
/// records the shard on the run.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The shard's number, 1…``count``.
  public let index: Int
  /// The number of shards the suites are split into.
  public let count: Int

  /// Creates a shard; nil unless 1 ≤ index ≤ count.
  public init?(index: Int, count: Int) {
    guard count >= 1, (1...count).contains(index) else { return nil }
    self.index = index
    self.count = count
  }

  /// Reads `K/N` (such as `2/4`); nil when the text is not of that form or K is not in 1…N.
  public init?(parsing text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
    self.init(index: index, count: count)
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let index = try container.decode(Int.self, forKey: .index)
    let count = try container.decode(Int.self, forKey: .count)
    guard let shard = Shard(index: index, count: count) else {
      throw DecodingError.dataCorruptedError(forKey: .index, in: container, debugDescription: "shard out of range")
    }
    self = shard
  }

  private enum CodingKeys: String, CodingKey { case index, count }

  /// `K/N`.
  public var description: String { "\(index)/\(count)" }
}

/// Where a merged run's samples came from: one run of one store.
public struct RunOrigin: Sendable, Hashable, Codable {
  /// The path of the store the run was read from.
  public var database: String
  /// The run's id in that store.
  public var run: Int64
  /// When that run was created (ISO 8601).
  public var createdAt: String
  /// The model spec of that run.
  public var modelSpec: String
  /// The shard that run evaluated, if any.
  public var shard: Shard?

  /// Creates an origin.
  public init(database: String, run: Int64, createdAt: String, modelSpec: String, shard: Shard?) {
    self.database = database
    self.run = run
    self.createdAt = createdAt
    self.modelSpec = modelSpec
    self.shard = shard
  }

  /// What identifies the evaluation behind the run wherever it was copied: creation time, model and shard.
  public var identity: String {
    "\(createdAt)|\(modelSpec)|\(shard?.description ?? "all")"
  }

  private enum CodingKeys: String, CodingKey {
    case database = "db", run, createdAt = "created_at", modelSpec = "model_spec", shard
  }
}

/// How a run relates to others: the shard it evaluated, the run it re-scores, the runs it merges.
///
/// Kept beside the generation parameters in the run's `parameters_json` (keys `shard`, `rescored_from`,
/// `merged_from`), so no schema change is needed; readers that decode only the generation parameters ignore them.
public struct RunLineage: Sendable, Hashable {
  /// The shard of the suites this run evaluated; nil for all samples.
  public var shard: Shard?
  /// The run whose stored responses this run re-scored.
  public var rescoredFrom: Int64?
  /// The runs merged into this one.
  public var mergedFrom: [RunOrigin]

  /// The keys of `parameters_json` that hold lineage rather than generation parameters.
  public static let keys: Set<String> = ["shard", "rescored_from", "merged_from"]

  /// Creates a lineage.
  public init(shard: Shard? = nil, rescoredFrom: Int64? = nil, mergedFrom: [RunOrigin] = []) {
    self.shard = shard
    self.rescoredFrom = rescoredFrom
    self.mergedFrom = mergedFrom
  }

  /// Reads the lineage kept in a run's parameters JSON (empty when there is none).
  public init(parametersJSON: String) {
    self.init()
    guard let object = try? JSONValue.parse(Data(parametersJSON.utf8)).objectValue else { return }
    let decoder = JSONDecoder()
    func decode<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
      guard let value = object[key], value != .null else { return nil }
      return try? decoder.decode(T.self, from: Data(value.jsonText().utf8))
    }
    shard = decode(Shard.self, "shard")
    rescoredFrom = decode(Int64.self, "rescored_from")
    mergedFrom = decode([RunOrigin].self, "merged_from") ?? []
  }

  /// Parameters JSON with this lineage in place of any lineage it held (keys sorted).
  public func applied(to parametersJSON: String) -> String {
    var object = (try? JSONValue.parse(Data(parametersJSON.utf8)).objectValue) ?? [:]
    for key in Self.keys { object[key] = nil }
    let encoder = JSONEncoder()
    func value(_ item: some Encodable) -> JSONValue? {
      (try? encoder.encode(item)).flatMap { try? JSONValue.parse($0) }
    }
    if let shard { object["shard"] = value(shard) }
    if let rescoredFrom { object["rescored_from"] = .number(Double(rescoredFrom)) }
    if !mergedFrom.isEmpty { object["merged_from"] = value(mergedFrom) }
    return JSONValue.object(object).jsonText()
  }
}

extension RunRecord {
  /// The run's lineage: shard, re-scored run, merged runs.
  public var lineage: RunLineage { RunLineage(parametersJSON: parametersJSON) }

  /// The generation parameters alone, without lineage keys, as JSON with sorted keys.
  public var generationParametersJSON: String {
    RunLineage().applied(to: parametersJSON)
  }

  /// This run as an origin of a merge, read from a store at `database`.
  public func origin(database: String) -> RunOrigin {
    RunOrigin(database: database, run: id, createdAt: createdAt, modelSpec: modelSpec, shard: lineage.shard)
  }

  /// The identities of the evaluations this run holds: its own, and those of every run merged into it.
  public var originIdentities: Set<String> {
    let lineage = self.lineage
    var identities: Set<String> = [origin(database: "").identity]
    for origin in lineage.mergedFrom { identities.insert(origin.identity) }
    return identities
  }
}
