import Foundation
import Testing

let fakeJudgeScript = repositoryRoot + "/Tests/ocularTests/Fixtures/fake_judge.py"

/// Runs with `--judge`: the reference judge prompts go to a fake judge adapter with each reference's settings, every
/// call is stored and exported, the judged suites carry the label `judge:<model>` (docs/judges.md), and a rescore
/// replays the stored calls into the same rows.
@Suite(.serialized) struct JudgeEndToEndTests {
  /// Replayed answers: CharXiv grades every item with the judge; MathVista asks it only where the prefetch fails.
  static let predictions = """
    {"suite": "charxiv", "id": "1", "response": "<think>Tallest in Revenue.</think><answer>The Revenue panel</answer>"}
    {"suite": "charxiv", "id": "4", "response": "<answer>it decreases</answer>"}
    {"suite": "charxiv", "id": "7", "response": "<answer>3</answer>"}
    {"suite": "mathvista", "id": "330", "response": "<answer>5</answer>"}
    {"suite": "mathvista", "id": "597", "response": "<answer>There are 10 objects.</answer>"}
    """

  @Test func judgeRepliesAreStoredExportedAndLabelled() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["charxiv", "mathvista"])
    try Self.predictions.write(toFile: workspace.file("preds.jsonl"), atomically: false, encoding: .utf8)
    let log = workspace.file("judge-prompts.jsonl")
    let result = try workspace.run([
      "eval", "--model", "replay:preds.jsonl", "--suites-dir", suites,
      "--judge", "stdio:python3 \(fakeJudgeScript) --log \(log)",
    ])
    #expect(result.status == 0, "\(result.standardError)")

    let export = try jsonLines(try workspace.run(["export", "1", "--format", "jsonl"]).standardOutput)
    let byKey = Dictionary(uniqueKeysWithValues: export.map { ("\($0["suite"]!)/\($0["id"]!)", $0) })
    // Rule-only would score "The Revenue panel" 0 against "Revenue"; the judge's verdict scores it 1.
    #expect(byKey["charxiv/1"]?["score"] as? Double == 1)
    #expect(replies(byKey["charxiv/1"]) == [#"{"extract_answer": "The Revenue panel", "score": 1}"#])
    #expect(byKey["charxiv/4"]?["score"] as? Double == 0)
    #expect(replies(byKey["charxiv/4"]) == [#"{"extract_answer": "it decreases", "score": 0}"#])
    #expect(byKey["charxiv/7"]?["score"] as? Double == 1)
    // Samples without an answer are errors and never reach the judge.
    #expect(byKey["charxiv/2"]?["status"] as? String == "error")
    #expect(replies(byKey["charxiv/2"]) == [])
    // MathVista: the prefetch decides "5" (no judge call); "There are 10 objects." goes to the judge, which says 10.
    #expect(byKey["mathvista/330"]?["score"] as? Double == 1)
    #expect(replies(byKey["mathvista/330"]) == [])
    #expect(byKey["mathvista/597"]?["score"] as? Double == 1)
    #expect(replies(byKey["mathvista/597"]) == ["10"])

    // The judge saw exactly four prompts, each one user message with its reference's settings: CharXiv's auxeval
    // (temperature 0, max_tokens 256, seed 42, top_p 1), MathVista_auxeval's first call (temperature 0, 128 tokens).
    let prompts = try jsonLines(try String(contentsOfFile: log, encoding: .utf8))
    #expect(prompts.count == 4)
    for entry in prompts {
      let params = try #require(entry["params"] as? [String: Any])
      let isCharXiv = (entry["prompt"] as? String ?? "").contains("* Ground Truth:")
      #expect(params["temperature"] as? Double == 0)
      #expect(params["max_tokens"] as? Int == (isCharXiv ? 256 : 128))
      #expect(params["seed"] as? Int == (isCharXiv ? 42 : nil))
      #expect(params["top_p"] as? Double == (isCharXiv ? 1 : nil))
    }
    let stored = try #require(byKey["mathvista/597"]?["judge_exchanges"] as? [[String: Any]])
    #expect(stored.first?["settings"] as? [String: Double] == ["temperature": 0, "max_tokens": 128])
    let texts = prompts.compactMap { $0["prompt"] as? String }
    #expect(texts.contains { $0.hasSuffix("* Ground Truth: Revenue\n* Response: The Revenue panel\n") })
    #expect(texts.contains { $0.hasSuffix("Model respone: There are 10 objects.Extracted answer:") })

    let runs = try #require(
      try JSONSerialization.jsonObject(with: Data(try workspace.run(["runs", "--json"]).standardOutput.utf8))
        as? [[String: Any]])
    let suitesOfRun = try #require(runs.first?["suites"] as? [[String: Any]])
    let labels = Dictionary(
      uniqueKeysWithValues: suitesOfRun.map { ($0["suite"] as? String ?? "", $0["judge"] as? String ?? "") })
    #expect(labels == ["charxiv": "judge:fake-judge", "mathvista": "judge:fake-judge"])

    // A rescore replays the stored calls (the judge is not started: its log does not grow) into the same rows.
    let rescore = try workspace.run(["rescore", "1", "--suites-dir", suites])
    #expect(rescore.status == 0, "\(rescore.standardError)")
    #expect(try jsonLines(try String(contentsOfFile: log, encoding: .utf8)).count == 4)
    let again = try jsonLines(try workspace.run(["export", "2", "--format", "jsonl"]).standardOutput)
    #expect(again.count == export.count)
    for (old, new) in zip(export, again) {
      for field in ["score", "status", "notes", "judge_exchanges", "parsed", "extracted"] {
        let before = try JSONSerialization.data(withJSONObject: [old[field] ?? NSNull()], options: .sortedKeys)
        let after = try JSONSerialization.data(withJSONObject: [new[field] ?? NSNull()], options: .sortedKeys)
        #expect(before == after, "\(old["suite"]!)/\(old["id"]!) \(field)")
      }
    }
    let shown = try workspace.run(["show", "1", "--suite", "mathvista", "--sample", "597"])
    #expect(shown.status == 0)
    #expect(shown.standardOutput.contains("judge call 1/1  temperature=0, max_tokens=128"))
    #expect(shown.standardOutput.contains("Model respone: There are 10 objects.Extracted answer:"))
  }

  /// The replies of an exported sample's judge calls, in order.
  func replies(_ line: [String: Any]?) -> [String]? {
    (line?["judge_exchanges"] as? [[String: Any]])?.map { $0["reply"] as? String ?? "<failed>" }
  }

  @Test func withoutAJudgeTheSameAnswersAreRuleOnly() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["charxiv"])
    try Self.predictions.write(toFile: workspace.file("preds.jsonl"), atomically: false, encoding: .utf8)
    let result = try workspace.run(["eval", "--model", "replay:preds.jsonl", "--suites-dir", suites])
    #expect(result.status == 0, "\(result.standardError)")
    let export = try jsonLines(try workspace.run(["export", "1", "--format", "jsonl"]).standardOutput)
    let first = try #require(export.first { $0["id"] as? String == "1" })
    #expect(first["score"] as? Double == 0)
    #expect(replies(first) == [])
    let runs = try workspace.run(["runs", "--json"]).standardOutput
    #expect(runs.contains(#""judge":"rule-only""#))
  }
}
