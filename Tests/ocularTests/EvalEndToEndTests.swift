import Foundation
import Testing

/// End-to-end runs of the built `ocular` binary, as a user would type them.
@Suite(.serialized) struct EvalEndToEndTests {
  @Test func oracleScoresHundredOnEveryBundledSuiteAndExportsScoreOne() throws {
    let workspace = try Workspace()
    let db = workspace.file("runs.sqlite")
    let result = try workspace.run([
      "eval", "--model", "builtin:oracle", "--suite", "all", "--suites-dir", repositoryRoot + "/benchmarks", "--db", db,
    ])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("Stored as run 1 in \(db)."))
    #expect(result.standardOutput.contains("ocular show 1"))
    let listed = try workspace.run(["suites", "--suites-dir", repositoryRoot + "/benchmarks", "--json"])
    let names = try #require(
      try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]]
    )
    .compactMap { $0["suite"] as? String }
    #expect(names.count >= 3)
    for name in names {
      let row = tableRow(result.standardOutput, name)
      #expect(row.count >= 4 && row[3] == "100.00", "\(name): \(row)")
    }

    let export = try workspace.run(["export", "1", "--format", "jsonl", "--db", db])
    #expect(export.status == 0)
    let written = try workspace.run(["export", "1", "--db", db, "--output", "samples.jsonl"])
    #expect(written.status == 0, "\(written.standardError)")
    #expect(written.standardOutput.isEmpty)
    #expect(try String(contentsOfFile: workspace.file("samples.jsonl"), encoding: .utf8) == export.standardOutput)
    let lines = try jsonLines(export.standardOutput)
    #expect(lines.count >= 37)
    for line in lines {
      #expect(line["score"] as? Double == 1, "\(line["suite"] ?? "") \(line["id"] ?? "")")
      #expect(line["status"] as? String == "ok")
      for key in ["suite", "id", "repeat", "extracted", "response"] { #expect(line[key] != nil) }
    }
  }

  /// Expected values: benchmarks/EXPECTED_BASELINE.md (refscore, ms-vlmeval 0.0.20; OneThinker IoU rule).
  @Test func baselinePrintsItsKnownScores() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "docvqa", "refcoco"])
    let result = try workspace.run(["eval", "--model", "builtin:baseline", "--suites-dir", suites])
    #expect(result.status == 0, "\(result.standardError)")
    let table = result.standardOutput
    #expect(tableRow(table, "mmstar").prefix(6) == ["mmstar", "accuracy", "12", "25.00", "0", "0"])
    #expect(tableRow(table, "docvqa").prefix(6) == ["docvqa", "anls", "12", "12.50", "0", "0"])
    #expect(tableRow(table, "refcoco").prefix(6) == ["refcoco", "acc@0.5", "13", "46.67", "0", "0"])
    #expect(FileManager.default.fileExists(atPath: workspace.file("results/ocular.sqlite")))
    // Not a terminal: plain lines, no carriage returns.
    #expect(!result.standardError.contains("\r"))
    #expect(result.standardError.contains("mmstar: 25.00 accuracy on 12 samples"))
    #expect(result.standardError.contains("run: 37 answers over 3 suites"))
  }

  @Test func logsShowTheWholeRunsProgressEveryFiveSeconds() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    // 12 answers, one at a time, 0.5 s each: one progress line after five seconds.
    let result = try workspace.run([
      "eval", "--model", "builtin:oracle?latency_ms=500", "--concurrency", "1", "--suites-dir", suites,
    ])
    #expect(result.status == 0, "\(result.standardError)")
    let lines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("progress: ") }
    #expect(lines.count >= 1)
    let line = try #require(lines.first)
    #expect(line.contains("/12 ("))
    #expect(line.contains("suite 1/1 docvqa"))
    #expect(line.contains("/s · ETA "))
    #expect(line.contains("mean score 1.000 · 0 errors"))
  }

  @Test func replayScoresGivenPredictionsAndStoresMissingOnesAsErrors() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    let predictions = workspace.file("preds.jsonl")
    try """
    {"suite": "docvqa", "id": "1", "response": "<think>It says ITC.</think><answer>ITC Limited</answer>"}
    {"suite": "docvqa", "id": 2, "response": "<answer>Childrens Hospital</answer>"}
    """.write(toFile: predictions, atomically: false, encoding: .utf8)
    let result = try workspace.run(["eval", "--model", "replay:preds.jsonl", "--suites-dir", suites])
    #expect(result.status == 0, "\(result.standardError)")
    let export = try jsonLines(try workspace.run(["export", "1", "--format", "jsonl"]).standardOutput)
    let byID = Dictionary(uniqueKeysWithValues: export.map { ($0["id"] as! String, $0) })
    #expect(byID["1"]?["score"] as? Double == 1)
    #expect(byID["1"]?["thinking"] as? String == "It says ITC.")
    #expect(byID["1"]?["extracted"] as? String == "ITC Limited")
    // ANLS of "Childrens Hospital" against "Children's Hospital": distance 1 over length 19.
    #expect(abs((byID["2"]?["score"] as? Double ?? 0) - (1 - 1.0 / 19)) < 1e-12)
    #expect(byID["3"]?["status"] as? String == "error")
    #expect(byID["3"]?["error"] as? String == "no prediction")
    #expect(export.count == 12)
    // Mean ANLS: (1 + 18/19) / 12; ten samples in error.
    #expect(tableRow(result.standardOutput, "docvqa").prefix(6) == ["docvqa", "anls", "12", "16.23", "0", "10"])
  }

  @Test func badSuiteInputIsOneLineWithFileAndLineAndExitCodeTwo() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    let samples = suites + "/docvqa/samples.jsonl"
    var lines = try String(contentsOfFile: samples, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[6] = "{\"index\": 7, \"question\": \"q\", \"answer\": \"['x']\", \"image_path\": \"../../secret.png\"}"
    try (lines.joined(separator: "\n") + "\n").write(toFile: samples, atomically: false, encoding: .utf8)
    let result = try workspace.run(["eval", "--model", "builtin:oracle", "--suites-dir", suites])
    #expect(result.status == 2)
    #expect(
      result.standardError.trimmingCharacters(in: .newlines)
        == "ocular: error: \(suites)/docvqa/samples.jsonl:7: path \"images/../../secret.png\" contains \"..\"; paths must stay inside the suite folder"
    )
    // Checked before anything is stored: no database is left behind.
    #expect(!FileManager.default.fileExists(atPath: workspace.file("results/ocular.sqlite")))
  }

  @Test(arguments: ["bash", "zsh", "fish"])
  func shellCompletionScriptsNameTheSubcommands(_ shell: String) throws {
    let result = try Workspace().run(["--generate-completion-script", shell])
    #expect(result.status == 0, "\(result.standardError)")
    for name in ["eval", "rescore", "leaderboard", "export", "view", "import"] {
      #expect(result.standardOutput.contains(name), "\(shell): \(name)")
    }
  }

  @Test func listingCommandsAndErrors() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "refcoco"])
    #expect(
      try workspace.run(["eval", "--model", "builtin:baseline", "--suites-dir", suites, "--suite", "refcoco"]).status
        == 0)

    let runs = try workspace.run(["runs", "--json"])
    #expect(runs.status == 0)
    let parsed = try #require(
      try JSONSerialization.jsonObject(with: Data(runs.standardOutput.utf8)) as? [[String: Any]])
    #expect(parsed.count == 1)
    #expect(parsed[0]["model_spec"] as? String == "builtin:baseline")
    #expect(parsed[0]["status"] as? String == "completed")
    #expect(parsed[0]["harness_version"] as? String == "0.1.0")
    let suitesOfRun = try #require(parsed[0]["suites"] as? [[String: Any]])
    #expect(suitesOfRun.first?["content_hash"] as? String != nil)

    let show = try workspace.run(["show", "1", "--suite", "refcoco"])
    #expect(show.status == 0)
    #expect(tableRow(show.standardOutput, "split", "val").prefix(5) == ["split", "val", "acc@0.5", "40.00", "5"])
    #expect(show.standardOutput.contains("builtin:baseline"))

    let listed = try workspace.run(["suites", "--suites-dir", suites])
    #expect(listed.status == 0)
    #expect(
      tableRow(listed.standardOutput, "refcoco").prefix(7) == [
        "refcoco", "refcoco", "grounding", "grounding_acc50", "13", "sample", "set",
      ])

    let missing = try workspace.run(["show", "99"])
    #expect(missing.status == 2)
    #expect(missing.standardError == "ocular: error: no run 99 in the store (see `ocular runs`)\n")

    let unknownSuite = try workspace.run([
      "eval", "--model", "builtin:oracle", "--suite", "nope", "--suites-dir", suites,
    ])
    #expect(unknownSuite.status == 2)
    #expect(unknownSuite.standardError == "ocular: error: unknown suite \"nope\" (available: mmstar, refcoco)\n")

    let badSpec = try workspace.run(["eval", "--model", "gpt:4", "--suites-dir", suites])
    #expect(badSpec.status == 2)
    #expect(badSpec.standardError.hasPrefix("ocular: error: invalid model spec \"gpt:4\""))
  }

  @Test func aFileThatIsNotADatabaseIsRefusedAndUntouched() throws {
    let workspace = try Workspace()
    let path = workspace.file("notes.txt")
    try "my notes\n".write(toFile: path, atomically: false, encoding: .utf8)
    let result = try workspace.run(["runs", "--db", path])
    #expect(result.status == 2)
    #expect(result.standardError == "ocular: error: \(path): not an SQLite database (left untouched)\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "my notes\n")
  }
}
