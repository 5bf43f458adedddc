import Foundation
import OcularCore
import OcularStore

/// Why a merge was refused. Nothing is written when a merge is refused.
public enum MergeError: Error, CustomStringConvertible, Equatable, Sendable {
  /// An input store does not exist.
  case missingDatabase(String)
  /// An input store is the destination itself.
  case inputIsDestination(String)
  /// Two inputs hold the same shard of one evaluation, or the same run.
  case duplicate(what: String, first: String, second: String)
  /// Shards of one evaluation were run with different settings.
  case settingsDiffer(field: String, first: String, second: String)
  /// The destination already holds a run from this evaluation.
  case alreadyMerged(source: String, destinationRun: Int64)
  /// A shard run holds a sample that belongs to another shard.
  case sampleOutsideShard(sample: String, source: String, shard: Shard)

  public var description: String {
    switch self {
    case .missingDatabase(let path):
      return "\(path): no such run database"
    case .inputIsDestination(let path):
      return "\(path) is the destination (--db); merge other stores into it"
    case .duplicate(let what, let first, let second):
      return "\(what) is in both \(first) and \(second); merge each run once (nothing was written)"
    case .settingsDiffer(let field, let first, let second):
      return "\(first) and \(second) are shards of one evaluation but differ in \(field); "
        + "they cannot be combined (nothing was written)"
    case .alreadyMerged(let source, let run):
      return "\(source) is already in the destination as (part of) run \(run) (nothing was written)"
    case .sampleOutsideShard(let sample, let source, let shard):
      return "\(source) is shard \(shard) but holds sample \(sample), which belongs to another shard "
        + "(nothing was written)"
    }
  }
}

/// A run written by a merge.
public struct MergedRun: Sendable, Hashable {
  /// The run's id in the destination.
  public var id: Int64
  /// The runs it was made from.
  public var sources: [RunOrigin]
  /// The number of shards of the evaluation, when it was sharded.
  public var shardCount: Int?
  /// The shards of the evaluation that no input held.
  public var missingShards: [Int]
  /// The number of samples copied.
  public var sampleCount: Int
}

/// Merges run stores into one: the shards of one evaluation (same model, suites and shard count) become one run,
/// other runs are copied as they are.
///
/// Every check runs before anything is written: shards must not overlap, their settings (generation parameters,
/// prompt and scoring profiles, repeats, harness version, suite content) must agree, each shard may hold only its own
/// samples, and no input run may already be in the destination.
public struct RunMerger: Sendable {
  /// The store the runs are merged into.
  public let destination: RunStore

  /// Creates a merger into a destination store.
  public init(destination: RunStore) {
    self.destination = destination
  }

  /// One run of an input store.
  struct Source {
    var store: RunStore
    var path: String
    var run: RunRecord
    var suites: [RunSuiteRecord]

    var name: String { "run \(run.id) of \(path)" }
    var origin: RunOrigin { run.origin(database: path) }
  }

  /// Merges every run of the input stores into the destination; returns the runs written, in input order.
  public func merge(databases: [String]) throws -> [MergedRun] {
    let destinationPath = Self.canonical(destination.path)
    var sources: [Source] = []
    for path in databases {
      guard FileManager.default.fileExists(atPath: path) else { throw MergeError.missingDatabase(path) }
      guard Self.canonical(path) != destinationPath else { throw MergeError.inputIsDestination(path) }
      let store = try RunStore(path: path)
      for run in try store.runs().reversed() {
        sources.append(Source(store: store, path: path, run: run, suites: try store.suites(run: run.id)))
      }
    }
    let groups = try Self.group(sources)
    try checkNotMerged(groups)
    for group in groups {
      try Self.checkSettings(group)
      try Self.checkShardMembership(group)
    }
    return try groups.map(write)
  }

  /// Groups the sources: the shards of one evaluation together, every other run alone.
  static func group(_ sources: [Source]) throws -> [[Source]] {
    var order: [String] = []
    var groups: [String: [Source]] = [:]
    for source in sources {
      let key: String
      if let shard = source.run.lineage.shard {
        key = "shards|\(source.run.modelSpec)|\(source.run.suiteNames.joined(separator: ","))|\(shard.count)"
        if let other = groups[key]?.first(where: { $0.run.lineage.shard == shard }) {
          throw MergeError.duplicate(
            what: "shard \(shard) of \(source.run.modelSpec)", first: other.name, second: source.name)
        }
      } else {
        key = "run|" + source.origin.identity
        if let other = groups[key]?.first {
          throw MergeError.duplicate(
            what: "the run of \(source.run.modelSpec) created \(source.run.createdAt)", first: other.name,
            second: source.name)
        }
      }
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append(source)
    }
    return order.map { groups[$0]!.sorted { ($0.run.lineage.shard?.index ?? 0) < ($1.run.lineage.shard?.index ?? 0) } }
  }

  private func checkNotMerged(_ groups: [[Source]]) throws {
    var held: [String: Int64] = [:]
    for run in try destination.runs() {
      for identity in run.originIdentities { held[identity] = run.id }
    }
    for source in groups.joined() {
      for identity in source.run.originIdentities {
        if let run = held[identity] { throw MergeError.alreadyMerged(source: source.name, destinationRun: run) }
      }
    }
  }

  /// The settings shards must share to form one run.
  static func checkSettings(_ group: [Source]) throws {
    guard let first = group.first else { return }
    func suites(_ source: Source) -> String {
      source.suites.map { "\($0.suite):\($0.benchmark):\($0.contentHash)" }.joined(separator: ",")
    }
    let fields: [(String, (Source) -> String)] = [
      ("model name", { $0.run.modelName }),
      ("generation parameters", { $0.run.generationParametersJSON }),
      ("prompt profile", { $0.run.promptProfile }),
      ("scoring profile", { $0.run.scoringProfile }),
      ("scoring options", { $0.run.scoringOptionsJSON }),
      ("repeats", { String($0.run.repeats) }),
      ("harness version", { $0.run.harnessVersion }),
      ("suite data (content hashes)", suites),
    ]
    for other in group.dropFirst() {
      for (field, value) in fields where value(first) != value(other) {
        throw MergeError.settingsDiffer(
          field: "\(field) (\(value(first)) vs \(value(other)))", first: first.name, second: other.name)
      }
    }
  }

  /// A shard run may hold only the samples of its shard.
  static func checkShardMembership(_ group: [Source]) throws {
    for source in group {
      guard let shard = source.run.lineage.shard else { continue }
      var stray: SampleKey?
      try source.store.forEachSampleKey(run: source.run.id) { key in
        if stray == nil, !shard.contains(suite: key.suite, sampleID: key.sampleID) { stray = key }
      }
      if let stray {
        throw MergeError.sampleOutsideShard(
          sample: "\(stray.suite)/\(stray.sampleID)", source: source.name, shard: shard)
      }
    }
  }

  private func write(_ group: [Source]) throws -> MergedRun {
    let first = group[0]
    let shardCount = first.run.lineage.shard?.count
    let present = Set(group.compactMap { $0.run.lineage.shard?.index })
    let missing = shardCount.map { count in (1...count).filter { !present.contains($0) } } ?? []
    var lineage = RunLineage()
    if shardCount == nil {
      lineage = first.run.lineage
      lineage.rescoredFrom = nil
    }
    lineage.mergedFrom += group.map(\.origin)
    let status: RunStatus
    if shardCount == nil {
      status = first.run.status
    } else {
      status = missing.isEmpty && group.allSatisfy { $0.run.status == .completed } ? .completed : .interrupted
    }
    let finished = group.compactMap(\.run.finishedAt).max()
    let run = try destination.createRun(
      RunRecord(
        createdAt: group.map(\.run.createdAt).min() ?? first.run.createdAt,
        finishedAt: status == .running ? nil : finished, status: status, modelSpec: first.run.modelSpec,
        modelName: first.run.modelName, adapterJSON: first.run.adapterJSON,
        parametersJSON: lineage.applied(to: first.run.generationParametersJSON), promptProfile: first.run.promptProfile,
        scoringProfile: first.run.scoringProfile, scoringOptionsJSON: first.run.scoringOptionsJSON,
        repeats: first.run.repeats, harnessVersion: first.run.harnessVersion, gitRevision: first.run.gitRevision,
        suiteNames: first.run.suiteNames))
    for (position, suite) in first.suites.enumerated() {
      var record = suite
      record.runID = run.id
      try destination.addSuite(record, position: position)
    }
    var copied = 0
    for source in group {
      var batch: [SampleRecord] = []
      try source.store.forEachSample(run: source.run.id, suite: nil) { sample in
        var record = sample
        record.runID = run.id
        batch.append(record)
        if batch.count >= 512 {
          try destination.insertNewSamples(batch)
          copied += batch.count
          batch.removeAll(keepingCapacity: true)
        }
      }
      try destination.insertNewSamples(batch)
      copied += batch.count
    }
    for suite in first.suites {
      let parts = group.compactMap { source in source.suites.first { $0.suite == suite.suite } }
      guard parts.count == group.count, parts.allSatisfy({ $0.headline != nil }),
        let benchmark = BenchmarkRegistry.benchmark(id: suite.benchmark)
      else { continue }
      let summary = try Rescorer.summarize(run: run.id, suite: suite.suite, benchmark: benchmark, store: destination)
      try destination.saveSummary(
        summary, run: run.id, suite: suite.suite, addingSeconds: parts.map(\.seconds).reduce(0, +))
    }
    return MergedRun(
      id: run.id, sources: group.map(\.origin), shardCount: shardCount, missingShards: missing, sampleCount: copied)
  }

  private static func canonical(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
  }
}
