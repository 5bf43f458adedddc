import Foundation
import OcularCore
import OcularModels
import OcularStore
import Testing

@testable import OcularRunner

/// scripts/golden/statistics.golden.json (written by scripts/golden/statistics.py with Python 3.11.7) holds the
/// shard hash of a few samples, computed in Python from the same definition.
struct ShardGolden: Decodable {
  struct Item: Decodable {
    var suite: String
    var id: String
    var hash: String
    var shard_of_4: Int
  }

  var shard_hash: [Item]

  static func load() throws -> ShardGolden {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("scripts/golden/statistics.golden.json")
    return try JSONDecoder().decode(ShardGolden.self, from: Data(contentsOf: path))
  }
}

/// A temporary folder removed at the end.
final class TemporaryFolder {
  let path = NSTemporaryDirectory() + "ocular-runner-" + UUID().uuidString

  init() throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  func file(_ name: String) -> String { path + "/" + name }
}

@Suite struct ShardingTests {
  @Test func parsesAndChecksShards() {
    #expect(Shard(parsing: "2/4") == Shard(index: 2, count: 4))
    #expect(Shard(parsing: "2/4")?.description == "2/4")
    #expect(Shard(parsing: "0/4") == nil)
    #expect(Shard(parsing: "5/4") == nil)
    #expect(Shard(parsing: "1/0") == nil)
    #expect(Shard(parsing: "a/4") == nil)
    #expect(Shard(parsing: "1/2/3") == nil)
  }

  @Test func hashIsStableAcrossLanguages() throws {
    for item in try ShardGolden.load().shard_hash {
      #expect(String(Shard.stableHash(suite: item.suite, sampleID: item.id)) == item.hash, "\(item.suite)/\(item.id)")
      #expect(Shard.index(ofSuite: item.suite, sampleID: item.id, count: 4) == item.shard_of_4)
    }
  }

  @Test func shardsPartitionEverySuite() throws {
    for suite in try openSuites(["all"]) {
      var counts = [0, 0, 0]
      var reader = SampleReader(suite: suite)
      var total = 0
      while let sample = try reader.next() {
        total += 1
        let owners = (1...3).filter { Shard(index: $0, count: 3)!.contains(suite: suite.name, sampleID: sample.id) }
        #expect(owners.count == 1)
        counts[owners[0] - 1] += 1
      }
      #expect(counts.reduce(0, +) == total)
      for index in 1...3 { #expect(try Shard(index: index, count: 3)!.sampleCount(of: suite) == counts[index - 1]) }
    }
  }

  @Test func lineageRoundTripsThroughParametersJSON() {
    let origin = RunOrigin(
      database: "a.sqlite", run: 3, createdAt: "t", modelSpec: "m", shard: Shard(index: 1, count: 2))
    let lineage = RunLineage(shard: Shard(index: 2, count: 3), rescoredFrom: 7, mergedFrom: [origin])
    let json = lineage.applied(to: "{\"seed\":0,\"top_p\":0.001}")
    #expect(RunLineage(parametersJSON: json) == lineage)
    #expect(RunLineage().applied(to: json) == "{\"seed\":0,\"top_p\":0.001}")
    #expect(RunLineage(parametersJSON: "{\"seed\":0}") == RunLineage())
  }

  /// Three shards evaluated into three stores, merged, equal one full run.
  @Test func shardsMergeIntoTheFullRun() async throws {
    let folder = try TemporaryFolder()
    let suites = try openSuites(["mmstar", "mmbench", "refcoco"])
    let full = try RunStore()
    let fullRun = try await Evaluator(store: full, adapter: PolicyAdapter(policy: .baseline))
      .start(suites: suites, modelSpec: "builtin:baseline", settings: EvaluationSettings()).run
    var paths: [String] = []
    var shardSamples = 0
    for index in 1...3 {
      let path = folder.file("shard\(index).sqlite")
      let store = try RunStore(path: path)
      let outcome = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .baseline))
        .start(
          suites: suites, modelSpec: "builtin:baseline",
          settings: EvaluationSettings(shard: Shard(index: index, count: 3)))
      #expect(outcome.run.lineage.shard == Shard(index: index, count: 3))
      try store.forEachSampleKey(run: outcome.run.id) { key in
        #expect(Shard(index: index, count: 3)!.contains(suite: key.suite, sampleID: key.sampleID))
        shardSamples += 1
      }
      paths.append(path)
    }
    let destination = try RunStore(path: folder.file("merged.sqlite"))
    let merged = try RunMerger(destination: destination).merge(databases: paths)
    #expect(merged.count == 1)
    #expect(merged[0].missingShards.isEmpty)
    #expect(merged[0].sampleCount == shardSamples)
    let run = try destination.run(id: merged[0].id)
    #expect(run.status == .completed)
    #expect(run.lineage.shard == nil)
    #expect(run.lineage.mergedFrom.compactMap(\.shard?.index) == [1, 2, 3])
    let expected = try full.suites(run: fullRun.id)
    let actual = try destination.suites(run: run.id)
    #expect(actual.map(\.suite) == expected.map(\.suite))
    for (mergedSuite, fullSuite) in zip(actual, expected) {
      #expect(mergedSuite.headline == fullSuite.headline, "\(mergedSuite.suite)")
      #expect(
        try destination.statusCounts(run: run.id, suite: mergedSuite.suite)
          == full.statusCounts(run: fullRun.id, suite: fullSuite.suite))
    }
    // Merging the same shards again is refused: they are already in the destination.
    #expect(throws: MergeError.self) { try RunMerger(destination: destination).merge(databases: paths) }
    #expect(try destination.runs().count == 1)
  }

  @Test func mergeRefusesDuplicateShardsAndDifferentSettings() async throws {
    let folder = try TemporaryFolder()
    let suites = try openSuites(["docvqa"])
    func evaluate(_ name: String, shard: Int, temperature: Double = 0.1) async throws -> String {
      let path = folder.file(name)
      var settings = EvaluationSettings(shard: Shard(index: shard, count: 2))
      settings.parameters.temperature = temperature
      _ = try await Evaluator(store: try RunStore(path: path), adapter: PolicyAdapter(policy: .oracle))
        .start(suites: suites, modelSpec: "builtin:oracle", settings: settings)
      return path
    }
    let one = try await evaluate("one.sqlite", shard: 1)
    let oneAgain = try await evaluate("one-again.sqlite", shard: 1)
    let twoHot = try await evaluate("two-hot.sqlite", shard: 2, temperature: 0.7)
    let destination = try RunStore(path: folder.file("merged.sqlite"))
    let merger = RunMerger(destination: destination)
    #expect {
      try merger.merge(databases: [one, oneAgain])
    } throws: { error in
      guard case MergeError.duplicate(let what, _, _)? = error as? MergeError else { return false }
      return what.contains("shard 1/2")
    }
    #expect {
      try merger.merge(databases: [one, twoHot])
    } throws: { error in
      guard case MergeError.settingsDiffer(let field, _, _)? = error as? MergeError else { return false }
      return field.hasPrefix("generation parameters")
    }
    #expect(throws: MergeError.missingDatabase(folder.file("none.sqlite"))) {
      try merger.merge(databases: [folder.file("none.sqlite")])
    }
    #expect(throws: MergeError.inputIsDestination(folder.file("merged.sqlite"))) {
      try merger.merge(databases: [folder.file("merged.sqlite")])
    }
    #expect(try destination.runs().isEmpty)
    // One shard alone merges into a partial run that a resume can finish.
    let partial = try merger.merge(databases: [one])
    #expect(partial[0].missingShards == [2])
    #expect(try destination.run(id: partial[0].id).status == .interrupted)
  }

  @Test func resumeKeepsTheShard() async throws {
    let suites = try openSuites(["docvqa"])
    let store = try RunStore()
    let shard = Shard(index: 2, count: 2)!
    let failing = try SampleReaderIDs.ids(suites[0]).filter { shard.contains(suite: "docvqa", sampleID: $0) }
    let first = try await Evaluator(store: store, adapter: FlakyAdapter(failing: Set(failing.prefix(1))))
      .start(suites: suites, modelSpec: "builtin:oracle", settings: EvaluationSettings(shard: shard))
    #expect(try store.statusCounts(run: first.run.id, suite: "docvqa")[.error] == 1)
    let resumed = try await Evaluator(store: store, adapter: PolicyAdapter(policy: .oracle))
      .resume(run: first.run, suites: suites)
    let counts = try store.statusCounts(run: resumed.run.id, suite: "docvqa")
    #expect(counts == [.ok: failing.count])
  }
}

/// The sample ids of a suite, in file order.
enum SampleReaderIDs {
  static func ids(_ suite: Suite) throws -> [String] {
    var reader = SampleReader(suite: suite)
    var ids: [String] = []
    while let sample = try reader.next() { ids.append(sample.id) }
    return ids
  }
}
