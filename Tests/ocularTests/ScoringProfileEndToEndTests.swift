import Foundation
import Testing

/// Scoring profiles end to end with the built binary: re-score a run under lmms-eval, then diff the two.
@Suite(.serialized) struct ScoringProfileEndToEndTests {
  @Test func rescoreUnderLMMSEvalThenDiffListsTheChangedSamples() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa", "mmstar"])
    let eval = try workspace.run(["eval", "--model", "builtin:oracle", "--suite", "all", "--suites-dir", suites])
    #expect(eval.status == 0, "\(eval.standardError)")
    #expect(tableRow(eval.standardOutput, "docvqa").contains("vlmevalkit"))

    let typo = try workspace.run(["rescore", "1", "--scoring-profile", "lmms-evl", "--suites-dir", suites])
    #expect(typo.status != 0)
    #expect(typo.standardError.contains("unknown scoring profile \"lmms-evl\" (did you mean \"lmms-eval\"?"))

    let rescore = try workspace.run(["rescore", "1", "--scoring-profile", "lmms-eval", "--suites-dir", suites])
    #expect(rescore.status == 0, "\(rescore.standardError)")
    #expect(rescore.standardOutput.contains("ocular diff 1 2 --force"))
    // The oracle answers in the paper's <answer> tags, which lmms-eval does not read: DocVQA drops.
    let docvqa = tableRow(rescore.standardOutput, "docvqa")
    #expect(docvqa.contains("lmms-eval"))
    #expect(docvqa[3] != "100.00", "\(docvqa)")
    // MMStar has no lmms-eval rule here: the default is kept, and the suite says so.
    #expect(tableRow(rescore.standardOutput, "mmstar").contains("lmms-eval*"))
    #expect(rescore.standardOutput.contains("* mmstar: not defined by lmms-eval; default kept"))

    let refused = try workspace.run(["diff", "1", "2"])
    #expect(refused.status != 0)
    #expect(refused.standardError.contains("different scoring profiles"))
    #expect(refused.standardError.contains("profile=lmms-eval"))

    let forced = try workspace.run(["diff", "1", "2", "--force", "--samples", "--suite", "docvqa"])
    #expect(forced.status == 0, "\(forced.standardError)")
    #expect(forced.standardOutput.contains("Flipped samples"))
    #expect(forced.standardOutput.contains("--force: docvqa: scoring profiles differ"))

    let show = try workspace.run(["show", "2"])
    #expect(show.standardOutput.contains("scoring profile lmms-eval (not defined by lmms-eval; default kept)"))
    #expect(show.standardOutput.contains("scoring profile lmms-eval\n"))

    let runs = try workspace.run(["runs"])
    #expect(tableRow(runs.standardOutput, "2").contains("lmms-eval"))

    let export = try workspace.run(["export", "2", "--suite", "docvqa"])
    #expect(export.status == 0, "\(export.standardError)")
    let first = try #require(export.standardOutput.split(separator: "\n").first)
    let line = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
    #expect(line["scoring_profile"] as? String == "lmms-eval")

    let board = try workspace.run(["leaderboard", "1", "2", "--force", "--format", "json", "--out", "-"])
    #expect(board.status == 0, "\(board.standardError)")
    #expect(board.standardOutput.contains("\"scoring_profile\":\"lmms-eval\""))
  }

  @Test func evalRecordsTheChosenProfileAndAResumeKeepsIt() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["robospatial"])
    let eval = try workspace.run([
      "eval", "--model", "builtin:oracle", "--suite", "robospatial", "--suites-dir", suites,
      "--scoring-profile", "published",
    ])
    #expect(eval.status == 0, "\(eval.standardError)")
    #expect(tableRow(eval.standardOutput, "robospatial").contains("published"))
    let resume = try workspace.run([
      "eval", "--resume", "1", "--suites-dir", suites, "--scoring-profile", "corrected",
    ])
    #expect(resume.status != 0)
    #expect(resume.standardError.contains("run 1 is scored under profile published; a resumed run keeps its profile"))
  }
}
