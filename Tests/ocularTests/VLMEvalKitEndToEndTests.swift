import Foundation
import Testing

/// End-to-end runs of the built binary on files in VLMEvalKit's real shapes: a meta-only RefSpatial TSV with its
/// download folder, and prediction files (`.xlsx` from pandas, `.tsv`, `.csv`) replayed and scored.
@Suite(.serialized) struct VLMEvalKitEndToEndTests {
  /// `Tests/ocularTests/Fixtures/vlmevalkit/`, written by scripts/fixtures/make_vlmevalkit_fixtures.py.
  static let fixtures = repositoryRoot + "/Tests/ocularTests/Fixtures/vlmevalkit"

  /// The exported samples of a run, by id: status, extracted answer and score.
  static func exported(_ workspace: Workspace, run: Int, db: String) throws -> [String: String] {
    let export = try workspace.run(["export", "\(run)", "--format", "jsonl", "--db", db])
    #expect(export.status == 0, "\(export.standardError)")
    var samples: [String: String] = [:]
    for line in try jsonLines(export.standardOutput) {
      let id = try #require(line["id"] as? String)
      samples[id] = "\(line["status"] ?? "-")|\(line["extracted"] ?? "-")|\(line["score"] ?? "-")"
    }
    return samples
  }

  @Test func aMetaOnlyRefSpatialTSVImportsInOneCommandAndItsXLSXScoresAsItsJSONL() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["refspatial"])
    let imported = try workspace.run([
      "import", "vlmevalkit", Self.fixtures + "/RefSpatial.tsv", "--suite", "refspatial", "--aux-dir",
      Self.fixtures + "/RefSpatial-Bench", "--suites-dir", suites,
    ])
    #expect(imported.status == 0, "\(imported.standardError)")
    #expect(imported.standardOutput.contains("Imported 6 samples and 12 image files into \(suites)/refspatial/data"))
    #expect(FileManager.default.fileExists(atPath: suites + "/refspatial/data/images/Unseen/mask/5.png"))

    let db = workspace.file("runs.sqlite")
    let xlsx = try workspace.run([
      "eval", "--model", "replay:" + Self.fixtures + "/OcularFixtureModel_RefSpatial.xlsx", "--suite", "refspatial",
      "--suites-dir", suites, "--db", db,
    ])
    #expect(xlsx.status == 0, "\(xlsx.standardError)")
    #expect(!xlsx.standardError.contains("note:"), "\(xlsx.standardError)")
    let row = tableRow(xlsx.standardOutput, "refspatial")
    #expect(row.contains("6") && row.contains("full"), "\(row)")
    let jsonl = try workspace.run([
      "eval", "--model", "replay:" + Self.fixtures + "/OcularFixtureModel_RefSpatial.jsonl", "--suite", "refspatial",
      "--suites-dir", suites, "--db", db,
    ])
    #expect(jsonl.status == 0, "\(jsonl.standardError)")
    // Every column but the seconds taken.
    var jsonlRow = tableRow(jsonl.standardOutput, "refspatial")
    #expect(jsonlRow.count == row.count && row.count > 6)
    var xlsxRow = row
    if jsonlRow.count > 6, xlsxRow.count > 6 {
      jsonlRow.remove(at: 6)
      xlsxRow.remove(at: 6)
    }
    #expect(jsonlRow == xlsxRow)

    let fromXLSX = try Self.exported(workspace, run: 1, db: db)
    #expect(fromXLSX.count == 6)
    #expect(fromXLSX == (try Self.exported(workspace, run: 2, db: db)))
    let scores = Set(fromXLSX.values.map { $0.split(separator: "|").last.map(String.init) ?? "" })
    #expect(scores.count >= 3, "the predictions score differently: \(fromXLSX)")

    let runs = try workspace.run(["runs", "--json", "--db", db])
    let items = try #require(try JSONSerialization.jsonObject(with: Data(runs.standardOutput.utf8)) as? [[String: Any]])
    let models = items.compactMap { $0["model"] as? String ?? $0["model_name"] as? String }
    #expect(models.contains("OcularFixtureModel"), "\(runs.standardOutput)")
  }

  @Test func everyPredictionFormatScoresTheBundledMMStarAsItsJSONL() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar"])
    let db = workspace.file("runs.sqlite")
    var exports: [[String: String]] = []
    for (run, format) in ["jsonl", "xlsx", "tsv", "csv"].enumerated() {
      let path = Self.fixtures + "/OcularFixtureModel_MMStar." + format
      let result = try workspace.run([
        "eval", "--model", "replay:\(path)#fixture-\(format)", "--suite", "mmstar", "--suites-dir", suites, "--db", db,
      ])
      #expect(result.status == 0, "\(result.standardError)")
      if format != "jsonl" {
        let location = format == "xlsx" ? "row 14" : "line 16"
        #expect(
          result.standardError.contains(
            "ocular: note: 1 of 13 rows of \(path) match no sample of mmstar and are ignored (index 999 (\(location)))"),
          "\(result.standardError)")
      }
      exports.append(try Self.exported(workspace, run: run + 1, db: db))
    }
    #expect(exports[0].count == 12)
    for export in exports.dropFirst() { #expect(export == exports[0]) }
    let show = try workspace.run(["runs", "--db", db])
    #expect(show.standardOutput.contains("fixture-xlsx"), "\(show.standardOutput)")
  }

  @Test func predictionFilesThatCannotBeTrustedAreRefusedBeforeAnythingIsStored() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "docvqa"])
    let db = workspace.file("runs.sqlite")
    let xlsx = Self.fixtures + "/OcularFixtureModel_MMStar.xlsx"
    let twoSuites = try workspace.run([
      "eval", "--model", "replay:" + xlsx, "--suite", "mmstar,docvqa", "--suites-dir", suites, "--db", db,
    ])
    #expect(twoSuites.status == 2)
    #expect(
      twoSuites.standardError.hasSuffix(
        "ocular: error: \(xlsx) holds the predictions of one dataset; name its suite with --suite (this run has: "
          + "docvqa, mmstar)\n"), "\(twoSuites.standardError)")

    let other = workspace.file("Other_MMStar.tsv")
    try "index\tprediction\n500\tA\n501\tB\n".write(toFile: other, atomically: false, encoding: .utf8)
    let nothing = try workspace.run([
      "eval", "--model", "replay:" + other, "--suite", "mmstar", "--suites-dir", suites, "--db", db,
    ])
    #expect(nothing.status == 2)
    #expect(
      nothing.standardError.hasSuffix(
        "ocular: error: \(other) matches no sample: none of its 2 rows has the index of a sample of suite mmstar "
          + "(e.g. index 500 (line 2), 501 (line 3); mmstar's ids look like \"0\"); is it a prediction file for "
          + "another dataset?\n"), "\(nothing.standardError)")

    let duplicate = workspace.file("Dup_MMStar.csv")
    try "\"index\",\"prediction\"\n\"1\",\"A\"\n\"1\",\"B\"\n".write(
      toFile: duplicate, atomically: false, encoding: .utf8)
    let twice = try workspace.run([
      "eval", "--model", "replay:" + duplicate, "--suite", "mmstar", "--suites-dir", suites, "--db", db,
    ])
    #expect(twice.status == 2)
    #expect(twice.standardError == "ocular: error: \(duplicate):3: duplicate index 1 (first at line 2)\n")

    let jsonl = workspace.file("preds.jsonl")
    try #"{"suite": "chartqa", "id": "1", "response": "A"}"#.write(toFile: jsonl, atomically: false, encoding: .utf8)
    let unmatched = try workspace.run([
      "eval", "--model", "replay:" + jsonl, "--suite", "mmstar", "--suites-dir", suites, "--db", db,
    ])
    #expect(unmatched.status == 2)
    #expect(unmatched.standardError.contains("matches no sample"), "\(unmatched.standardError)")

    // Nothing was stored: the database was never created.
    #expect(!FileManager.default.fileExists(atPath: db))
  }
}
