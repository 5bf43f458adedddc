import Foundation
import Testing

@testable import OcularCore

/// Paths of the test data, found from this file's location (the golden files are excluded from the target).
enum TestPaths {
  /// `Tests/OcularCoreTests/`.
  static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  /// `Tests/OcularCoreTests/Golden/`.
  static let goldenFolder = testsFolder.appendingPathComponent("Golden")
  /// The package root.
  static let packageRoot = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
  /// `benchmarks/`.
  static let benchmarks = packageRoot.appendingPathComponent("benchmarks")

  static func golden(_ name: String) -> URL { goldenFolder.appendingPathComponent(name) }
  static func suite(_ name: String) -> String { benchmarks.appendingPathComponent(name).path }
  static func image(_ suite: String, _ file: String) -> String {
    benchmarks.appendingPathComponent(suite).appendingPathComponent("images").appendingPathComponent(file).path
  }
}

/// Errors of the test helpers themselves.
struct TestDataError: Error, CustomStringConvertible {
  var description: String
}

/// Decodes every non-empty line of a JSONL file.
func decodeJSONLines<T: Decodable>(_ type: T.Type, from url: URL) throws -> [T] {
  let text = try String(contentsOf: url, encoding: .utf8)
  let decoder = JSONDecoder()
  return try text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
    try decoder.decode(T.self, from: Data(line.utf8))
  }
}

/// Pairs line k of a cases file with line k of its golden file, checking that the ids agree.
func pairedGolden<C: Decodable & Identified, G: Decodable & Identified>(
  cases: String, golden: String, _ caseType: C.Type, _ goldenType: G.Type
) throws -> [(C, G)] {
  let inputs = try decodeJSONLines(C.self, from: TestPaths.golden(cases))
  let outputs = try decodeJSONLines(G.self, from: TestPaths.golden(golden))
  guard inputs.count == outputs.count else {
    throw TestDataError(description: "\(cases) has \(inputs.count) lines, \(golden) has \(outputs.count)")
  }
  for (input, output) in zip(inputs, outputs) where input.id != output.id {
    throw TestDataError(description: "line mismatch: \(input.id) vs \(output.id)")
  }
  return Array(zip(inputs, outputs))
}

/// A golden record with an id.
protocol Identified {
  var id: String { get }
}

/// The scalars of a string, for comparisons that must not use Swift's canonical equivalence.
func scalars(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

/// A temporary folder, removed when the value is released by `withTemporaryFolder`.
func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
  let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("ocular-core-tests-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: folder) }
  return try body(folder)
}

/// Reads every sample of a suite; returns the samples and the content hash.
func readAll(_ suite: Suite, hashingImages: Bool = false) throws(CoreError) -> (samples: [Sample], hash: String) {
  var reader = SampleReader(suite: suite, isHashingImages: hashingImages)
  var samples: [Sample] = []
  while let sample = try reader.next() { samples.append(sample) }
  return (samples, reader.contentHash())
}

/// Opens a suite folder and reads it to the end, returning the first error's description, or nil.
func loadError(folder: String) -> String? {
  do {
    let suite = try Suite.open(folder: folder)
    _ = try readAll(suite)
    return nil
  } catch {
    return error.description
  }
}

/// A copy of a bundled suite in a temporary folder, with helpers to damage it.
struct SuiteCopy {
  let folder: URL

  init(of name: String, in parent: URL) throws {
    folder = parent.appendingPathComponent(name, isDirectory: true)
    try FileManager.default.copyItem(at: TestPaths.benchmarks.appendingPathComponent(name), to: folder)
  }

  var path: String { folder.path }
  func file(_ relative: String) -> URL { folder.appendingPathComponent(relative) }
  func display(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

  /// The lines of a sample file.
  func lines(_ relative: String) throws -> [String] {
    try String(contentsOf: file(relative), encoding: .utf8).split(separator: "\n").map(String.init)
  }

  /// Rewrites a sample file from lines.
  func write(_ relative: String, lines: [String]) throws {
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file(relative))
  }

  /// Replaces line `number` (1-based) of a sample file.
  func replaceLine(_ number: Int, of relative: String, with line: String) throws {
    var all = try lines(relative)
    all[number - 1] = line
    try write(relative, lines: all)
  }

  /// Edits one record (line `number`, 1-based) as a JSON object.
  func editRecord(_ number: Int, of relative: String, _ edit: (inout [String: Any]) -> Void) throws {
    var all = try lines(relative)
    var object = try JSONSerialization.jsonObject(with: Data(all[number - 1].utf8)) as! [String: Any]
    edit(&object)
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    all[number - 1] = String(decoding: data, as: UTF8.self)
    try write(relative, lines: all)
  }

  /// Edits the manifest as a JSON object.
  func editManifest(_ edit: (inout [String: Any]) -> Void) throws {
    let url = file(Suite.manifestFileName)
    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    edit(&object)
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
  }
}

/// A sample built in memory from a record.
func memorySample(_ record: [String: JSONValue], id: String = "1", split: String? = nil) -> Sample {
  Sample(id: id, split: split, record: record)
}
