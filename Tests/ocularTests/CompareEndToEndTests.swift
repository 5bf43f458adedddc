import Foundation
import Testing

/// Comparing runs end to end, as a new user would: two evaluations, a diff, a leaderboard, a re-score, shards.
@Suite(.serialized) struct CompareEndToEndTests {
  @Test func twoEvaluationsThenDiffAndLeaderboard() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "docvqa", "mmbench", "refcoco"])
    for model in ["builtin:baseline", "builtin:oracle"] {
      let eval = try workspace.run(["eval", "--model", model, "--suite", "all", "--suites-dir", suites])
      #expect(eval.status == 0, "\(eval.standardError)")
    }
    let diff = try workspace.run(["diff", "1", "2"])
    #expect(diff.status == 0, "\(diff.standardError)")
    let text = diff.standardOutput
    #expect(tableRow(text, "mmstar").prefix(5) == ["mmstar", "12", "25.00", "100.00", "+75.00"])
    #expect(tableRow(text, "docvqa").prefix(5) == ["docvqa", "12", "12.50", "100.00", "+87.50"])
    #expect(tableRow(text, "mmbench").prefix(2) == ["mmbench", "5"])
    #expect(text.contains("McNemar exact"))
    #expect(text.contains("paired bootstrap"))
    #expect(text.contains("changed score; list them with --samples."))
    let samples = try workspace.run(["diff", "1", "2", "--samples", "--suite", "mmstar"])
    #expect(samples.status == 0)
    #expect(samples.standardOutput.contains("Flipped samples (9; scores in percent):"))
    let json = try workspace.run(["diff", "1", "2", "--json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
    #expect((object["rows"] as? [[String: Any]])?.isEmpty == false)

    let markdown = try workspace.run(["leaderboard", "--format", "md"])
    #expect(markdown.status == 0, "\(markdown.standardError)")
    #expect(markdown.standardOutput == "Leaderboard of 2 runs written to results/leaderboard.md\n")
    let table = try String(contentsOfFile: workspace.file("results/leaderboard.md"), encoding: .utf8)
    #expect(table.contains("| Model | Run | Date | Profile | MMMU | MMBench | MMStar | **General VQA** |"))
    #expect(table.contains("| builtin:oracle | 2 |"))

    let html = try workspace.run([
      "leaderboard", "1", "2", "--baseline", "1", "--format", "html", "--output", "report.html",
    ])
    #expect(html.status == 0, "\(html.standardError)")
    let report = try String(contentsOfFile: workspace.file("report.html"), encoding: .utf8)
    #expect(report.contains("<svg"))
    #expect(report.contains("<section id=\"worst-mmstar\">"))

    for format in ["csv", "json"] {
      let result = try workspace.run(["leaderboard", "--format", format, "--output", "-"])
      #expect(result.status == 0)
      #expect(!result.standardOutput.isEmpty)
    }
    // Every statistic estimates the stored headline.
    let board = try workspace.run(["leaderboard", "--format", "json", "--output", "-"])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(board.standardOutput.utf8)) as? [String: Any])
    for row in try #require(document["rows"] as? [[String: Any]]) {
      for (benchmark, value) in try #require(row["scores"] as? [String: Any]) {
        guard let cell = value as? [String: Any] else { continue }
        let score = try #require(cell["score"] as? Double)
        let mean = try #require(cell["mean"] as? Double)
        #expect(abs(score - mean) < 1e-4, "\(benchmark): \(score) vs \(mean)")
      }
    }
  }

  @Test func diffRefusesOtherProfilesUnlessForced() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar"])
    #expect(try workspace.run(["eval", "--model", "builtin:baseline", "--suites-dir", suites]).status == 0)
    #expect(
      try workspace.run(["eval", "--model", "builtin:baseline", "--suites-dir", suites, "--boxed", "keep"]).status == 0)
    let refused = try workspace.run(["diff", "1", "2"])
    #expect(refused.status == 2)
    #expect(
      refused.standardError.hasPrefix("ocular: error: runs 1 and 2 scored mmstar under different scoring profiles"))
    #expect(refused.standardError.split(separator: "\n").count == 1)
    #expect(try workspace.run(["diff", "1", "2", "--force"]).status == 0)
    let leaderboard = try workspace.run(["leaderboard", "--format", "md"])
    #expect(leaderboard.status == 2)
    #expect(leaderboard.standardError.contains("cannot share its column"))
  }

  @Test func rescoreMakesALinkedRunWithoutTheModel() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa", "mmstar"])
    let predictions = workspace.file("preds.jsonl")
    try """
    {"suite": "docvqa", "id": "1", "response": "<answer>\\\\boxed{ITC Limited}</answer>"}
    {"suite": "mmstar", "id": "0", "response": "<answer>A</answer>"}
    """.write(toFile: predictions, atomically: false, encoding: .utf8)
    #expect(try workspace.run(["eval", "--model", "replay:preds.jsonl", "--suites-dir", suites]).status == 0)
    try FileManager.default.removeItem(atPath: predictions)  // the model is gone: rescoring must not need it
    let rescored = try workspace.run(["rescore", "1", "--suites-dir", suites, "--boxed", "keep"])
    #expect(rescored.status == 0, "\(rescored.standardError)")
    #expect(rescored.standardOutput.contains("Re-scored run 1 into run 2"))
    let show = try workspace.run(["show", "2", "--json"])
    let run = try #require(try JSONSerialization.jsonObject(with: Data(show.standardOutput.utf8)) as? [String: Any])
    #expect((run["parameters"] as? [String: Any])?["rescored_from"] as? Int == 1)
    #expect((run["scoring_profile"] as? String)?.hasSuffix("boxed=keep") == true)
    let diff = try workspace.run(["diff", "1", "2", "--force", "--samples"])
    #expect(diff.status == 0)
    #expect(diff.standardOutput.contains("docvqa"))
  }

  @Test func shardsOnTwoMachinesMergeIntoOneRun() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "docvqa"])
    for index in 1...2 {
      let result = try workspace.run([
        "eval", "--model", "builtin:baseline", "--suites-dir", suites, "--shard", "\(index)/2", "--db",
        "machine\(index).sqlite",
      ])
      #expect(result.status == 0, "\(result.standardError)")
    }
    let merged = try workspace.run(["merge", "machine1.sqlite", "machine2.sqlite", "--db", "merged.sqlite"])
    #expect(merged.status == 0, "\(merged.standardError)")
    #expect(merged.standardOutput.contains("Run 1: 24 samples from"))
    #expect(merged.standardOutput.contains("all 2 shards"))
    #expect(tableRow(merged.standardOutput, "mmstar").prefix(4) == ["mmstar", "accuracy", "12", "25.00"])
    #expect(tableRow(merged.standardOutput, "docvqa").prefix(4) == ["docvqa", "anls", "12", "12.50"])
    let again = try workspace.run(["merge", "machine1.sqlite", "--db", "merged.sqlite"])
    #expect(again.status == 2)
    #expect(again.standardError.contains("already in the destination"))
    let duplicate = try workspace.run(["merge", "machine1.sqlite", "machine1.sqlite", "--db", "other.sqlite"])
    #expect(duplicate.status == 2)
    #expect(duplicate.standardError.contains("is in both"))
    let badShard = try workspace.run(["eval", "--model", "builtin:baseline", "--suites-dir", suites, "--shard", "3/2"])
    #expect(badShard.status != 0)
  }
}
