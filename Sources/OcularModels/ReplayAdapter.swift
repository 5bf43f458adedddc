import Foundation
import OcularCore

/// Predictions made elsewhere, scored here: a JSONL file of `{"suite", "id", "response"}` lines, or a VLMEvalKit
/// prediction file (`.xlsx`, `.tsv`, `.csv`) whose rows are keyed by `index`.
///
/// In JSONL, an optional integer `repeat` field addresses repeated answers (default 0); bytes that are not UTF-8 and
/// escapes of unpaired surrogates are read as U+FFFD (see ``JSONValue/parseRepairing(_:)``), and the sample notes it.
/// A prediction table holds one dataset: its rows answer the one suite of the run (named by `--suite`), matched on
/// `index` (an integer index in either spelling, `7` or `007`, as pandas reads it). A request the file has no
/// prediction for fails with ``ModelError/noPrediction``, which the run stores as an error. Before a run,
/// ``checkCoverage(of:)`` counts and names the predictions that match no sample, and refuses a file matching none.
public struct ReplayAdapter: ModelAdapter {
  private struct Key: Hashable {
    var suite: String
    var id: String
    var repeatIndex: Int
  }

  private struct Prediction {
    var text: String
    var notes: [String]
    /// The line (JSONL, `.tsv`, `.csv`) or spreadsheet row (`.xlsx`) it came from.
    var location: Int
  }

  /// The suite key of a prediction table's rows, which answer whichever single suite the run has.
  private static let anySuite = ""

  private let predictions: [Key: Prediction]
  /// The file's path.
  public let path: String
  /// A Boolean value that indicates whether the file is a VLMEvalKit prediction table rather than JSONL.
  public let isPredictionTable: Bool
  /// The model's name: the one given, else the prediction table's `{model}` file-name part, else `replay:FILE`.
  public let modelName: String
  private let locationWord: String

  /// The VLMEvalKit dataset names that may end a prediction file's name (`{model}_{dataset}.xlsx`).
  public static let datasetNames: [String] =
    DatasetChecksums.vlmevalkit.values.flatMap { $0.map(\.key) } + [
      "RefSpatial_wo_unseen", "MMBench_DEV_EN_V11", "MMBench_DEV_CN", "MMBench_DEV_CN_V11",
      "MathVerse_MINI_Vision_Only",
      "MathVista_MINI", "MMMU_TEST", "MMBench_TEST_EN", "MMBench_TEST_EN_V11", "CharXiv_descriptive_val",
      "DocVQA_TEST", "InfoVQA_TEST",
    ]

  /// Reads a replay file; a malformed line or row, or a duplicate prediction, is an error naming the file and line.
  ///
  /// - Parameters:
  ///   - path: A `.jsonl` file, or a VLMEvalKit `.xlsx`, `.tsv` or `.csv` prediction file.
  ///   - model: The model's name, overriding the one taken from the file name.
  public init(path: String, model: String? = nil) throws(ModelError) {
    self.path = path
    var predictions: [Key: Prediction] = [:]
    let name = (path as NSString).lastPathComponent
    if PredictionTable.isTable(path) {
      let table = try PredictionTable(path: path)
      for row in table.rows {
        let key = Key(suite: Self.anySuite, id: Self.canonicalIndex(row.index), repeatIndex: 0)
        if let earlier = predictions[key] {
          throw .invalidReplay(
            path: path, line: row.location,
            message: "duplicate index \(row.index) (first at \(table.locationWord) \(earlier.location))")
        }
        predictions[key] = Prediction(text: row.response, notes: [], location: row.location)
      }
      isPredictionTable = true
      locationWord = table.locationWord
      modelName = model ?? PredictionTable.modelName(fromFileName: path, datasets: Self.datasetNames)
    } else {
      predictions = try Self.readJSONL(path: path)
      isPredictionTable = false
      locationWord = "line"
      modelName = model ?? "replay:\(name)"
    }
    self.predictions = predictions
  }

  private static func readJSONL(path: String) throws(ModelError) -> [Key: Prediction] {
    let reader: LineReader
    do {
      reader = try LineReader(path: path)
    } catch {
      throw .unreadable(path: path, reason: "no such file or not readable")
    }
    var predictions: [Key: Prediction] = [:]
    while true {
      let line: ArraySlice<UInt8>?
      do {
        line = try reader.next()
      } catch {
        throw .invalidReplay(path: path, line: reader.lineNumber + 1, message: "line too long")
      }
      guard let line else { break }
      let number = reader.lineNumber
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      guard case let (parsed, repairs)? = JSONValue.parseRepairing(line), case .object(let object) = parsed else {
        throw .invalidReplay(path: path, line: number, message: "not a JSON object")
      }
      guard let suite = object["suite"]?.stringValue else {
        throw .invalidReplay(path: path, line: number, message: "missing string field \"suite\"")
      }
      guard let id = object["id"]?.cellText else {
        throw .invalidReplay(path: path, line: number, message: "missing field \"id\" (string or integer)")
      }
      guard let response = object["response"]?.stringValue else {
        throw .invalidReplay(path: path, line: number, message: "missing string field \"response\"")
      }
      var repeatIndex = 0
      if let value = object["repeat"] {
        guard let number = value.numberValue, number >= 0, number.rounded() == number else {
          throw .invalidReplay(path: path, line: number, message: "field \"repeat\" must be a non-negative integer")
        }
        repeatIndex = Int(number)
      }
      let key = Key(suite: suite, id: id, repeatIndex: repeatIndex)
      if let earlier = predictions[key] {
        throw .invalidReplay(
          path: path, line: number,
          message: "duplicate prediction for \(suite)/\(id) (first at line \(earlier.location))")
      }
      predictions[key] = Prediction(
        text: response, notes: response.contains("\u{FFFD}") ? repairs.notes : [], location: number)
    }
    return predictions
  }

  /// An integer index in one spelling (`007` and `+7` are `7`), as pandas reads an integer `index` column;
  /// anything else unchanged.
  static func canonicalIndex(_ text: String) -> String {
    guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { return text }
    return String(value)
  }

  /// The number of predictions in the file.
  public var count: Int { predictions.count }

  public var description: AdapterDescription {
    AdapterDescription(model: modelName, kind: "replay", maxConcurrency: 64)
  }

  public func generate(_ request: Request) async throws -> Response {
    let key =
      isPredictionTable
      ? Key(suite: Self.anySuite, id: Self.canonicalIndex(request.sampleID), repeatIndex: request.repeatIndex)
      : Key(suite: request.suite, id: request.sampleID, repeatIndex: request.repeatIndex)
    guard let prediction = predictions[key] else { throw ModelError.noPrediction }
    return Response(text: prediction.text, notes: prediction.notes)
  }

  /// Matches the predictions against the samples of the run's suites: predictions that match no sample are counted
  /// and named (an unknown suite; an id, with an example of the suite's ids), and so are samples left without one.
  ///
  /// - Parameter sampleIDs: The sample ids of each suite of the run.
  /// - Returns: The remarks to show the user.
  /// - Throws: ``ModelError/invalidReplay(path:line:message:)`` when a prediction table is replayed on other than
  ///   one suite, or ``ModelError/replayMatchesNothing(path:detail:)`` when no prediction matches a sample.
  public func checkCoverage(of sampleIDs: [String: Set<String>]) throws(ModelError) -> [String] {
    if isPredictionTable {
      guard sampleIDs.count == 1, let (suite, ids) = sampleIDs.first else {
        let named = sampleIDs.keys.sorted().joined(separator: ", ")
        throw .replayNeedsOneSuite(path: path, suites: named)
      }
      return try checkTable(suite: suite, ids: ids)
    }
    return try checkJSONL(sampleIDs)
  }

  private func checkTable(suite: String, ids: Set<String>) throws(ModelError) -> [String] {
    let canonical = Set(ids.map(Self.canonicalIndex))
    let unmatched = predictions.filter { !canonical.contains($0.key.id) }.sorted {
      $0.value.location < $1.value.location
    }
    let example = Self.example(ids)
    let matched = predictions.count - unmatched.count
    let listed = unmatched.prefix(3).map { "\($0.key.id) (\(locationWord) \($0.value.location))" }
      .joined(separator: ", ")
    guard matched > 0 else {
      throw .replayMatchesNothing(
        path: path,
        detail: "none of its \(predictions.count) rows has the index of a sample of suite \(suite) (e.g. index "
          + "\(listed); \(suite)'s ids look like \"\(example)\"); is it a prediction file for another dataset?")
    }
    var notes: [String] = []
    if !unmatched.isEmpty {
      notes.append(
        "\(unmatched.count) of \(predictions.count) rows of \(path) match no sample of \(suite) and are ignored "
          + "(index \(listed)\(unmatched.count > 3 ? ", …" : "")); \(suite)'s ids look like \"\(example)\"")
    }
    let missing = canonical.count - matched
    if missing > 0 {
      notes.append("\(missing) samples of \(suite) have no row in \(path); they are stored as errors \"no prediction\"")
    }
    return notes
  }

  private func checkJSONL(_ sampleIDs: [String: Set<String>]) throws(ModelError) -> [String] {
    var otherSuites: [String: Int] = [:]
    var unknownIDs: [String: [(id: String, line: Int)]] = [:]
    var answered: [String: Set<String>] = [:]
    for (key, prediction) in predictions {
      guard let ids = sampleIDs[key.suite] else {
        otherSuites[key.suite, default: 0] += 1
        continue
      }
      if ids.contains(key.id) {
        answered[key.suite, default: []].insert(key.id)
      } else {
        unknownIDs[key.suite, default: []].append((key.id, prediction.location))
      }
    }
    let suitesNote =
      otherSuites.isEmpty
      ? nil
      : "\(otherSuites.values.reduce(0, +)) lines of \(path) name suites not in this run and are ignored: "
        + otherSuites.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
    var idNotes: [String] = []
    for (suite, lines) in unknownIDs.sorted(by: { $0.key < $1.key }) {
      let sorted = lines.sorted { $0.line < $1.line }
      let listed = sorted.prefix(3).map { "\"\($0.id)\" (line \($0.line))" }.joined(separator: ", ")
      idNotes.append(
        "\(lines.count) lines of \(path) name no sample of \(suite) and are ignored (id \(listed)"
          + "\(lines.count > 3 ? ", …" : "")); \(suite)'s ids look like \"\(Self.example(sampleIDs[suite] ?? []))\"")
    }
    guard !answered.isEmpty else {
      let detail = ([suitesNote] + idNotes.map(Optional.some)).compactMap { $0 }.joined(separator: "; ")
      let suites = sampleIDs.keys.sorted().joined(separator: ", ")
      throw .replayMatchesNothing(
        path: path,
        detail: "none of its \(predictions.count) lines names a sample of the suites in this run (\(suites))"
          + (detail.isEmpty ? "" : ": " + detail))
    }
    var notes = [suitesNote].compactMap { $0 } + idNotes
    for (suite, ids) in sampleIDs.sorted(by: { $0.key < $1.key }) {
      let missing = ids.count - (answered[suite]?.count ?? 0)
      if missing > 0 {
        notes.append(
          "\(missing) samples of \(suite) have no line in \(path); they are stored as errors \"no prediction\"")
      }
    }
    return notes
  }

  /// An id to show as an example of a suite's ids: the smallest, so messages do not depend on hashing.
  private static func example(_ ids: Set<String>) -> String {
    ids.min { ($0.count, $0) < ($1.count, $1) } ?? ""
  }
}
