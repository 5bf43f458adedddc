import Foundation
import Testing

@testable import OcularCore

/// A temporary `benchmarks/` folder for import tests, with suites whose manifests are the import templates.
struct ImportWorkspace {
  let root: URL

  init(in parent: URL) throws {
    root = parent.appendingPathComponent("benchmarks", isDirectory: true)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  var path: String { root.path }

  /// Copies a bundled suite folder.
  func copyBundled(_ name: String) throws {
    try FileManager.default.copyItem(
      at: TestPaths.benchmarks.appendingPathComponent(name), to: root.appendingPathComponent(name))
  }

  /// Writes a template manifest for a registered benchmark.
  func makeTemplate(
    suite: String, benchmark id: String, idField: String, imageField: String, splitField: String? = nil
  ) throws {
    let benchmark = try #require(BenchmarkRegistry.benchmark(id: id))
    let folder = root.appendingPathComponent(suite)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let manifest = SuiteManifest(
      name: suite, title: "\(benchmark.title) (sample)", benchmark: id, group: benchmark.group.rawValue,
      metric: benchmark.metric, scoringProfile: benchmark.descriptor.family.rawValue, source: "test template",
      idField: idField,
      imageField: imageField, splitField: splitField, files: [SampleFileEntry(path: "samples.jsonl")])
    try JSONEncoder().encode(manifest).write(to: folder.appendingPathComponent("suite.json"))
  }

  func destination(_ suite: String, isReplacing: Bool = false) -> ImportDestination {
    ImportDestination(suite: suite, suitesFolder: path, isReplacing: isReplacing)
  }

  func dataFolder(_ suite: String) -> String { root.appendingPathComponent(suite).appendingPathComponent("data").path }

  /// The hidden staging or replaced folders an import may have left in a suite folder.
  func leftovers(_ suite: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(suite).path).filter {
      $0.hasPrefix(".")
    }
  }
}

/// Bytes of a bundled sample image.
func bundledImage(_ suite: String, _ file: String) throws -> Data {
  try Data(contentsOf: URL(fileURLWithPath: TestPaths.image(suite, file)))
}

/// A TSV as pandas' `to_csv(sep='\t')` writes it: cells holding a tab, a newline or a quote are quoted, with
/// quotes doubled.
func tsvText(_ header: [String], _ rows: [[String]]) -> String {
  func cell(_ text: String) -> String {
    guard text.contains("\t") || text.contains("\n") || text.contains("\"") || text.contains("\r") else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
  return ([header] + rows).map { $0.map(cell).joined(separator: "\t") }.joined(separator: "\n") + "\n"
}

/// Reads every record of a written sample file as JSON objects, in order.
func writtenRecords(_ dataFolder: String) throws -> [[String: Any]] {
  let text = try String(contentsOfFile: dataFolder + "/samples.jsonl", encoding: .utf8)
  return try text.split(separator: "\n").map {
    try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
  }
}

/// Scores the oracle response on every sample of a suite; returns the scores by sample id.
func oracleScores(_ suite: Suite) throws -> [String: Double] {
  var scores: [String: Double] = [:]
  for sample in try readAll(suite).samples {
    let benchmark = suite.benchmark
    let extraction = benchmark.extractor(options: ScoringOptions()).extract(benchmark.oracleResponse(for: sample))
    scores[sample.id] = benchmark.score(extraction, for: sample, options: ScoringOptions()).value
  }
  return scores
}
