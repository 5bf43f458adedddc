import Foundation
import Testing

let fakeJudgeScript = repositoryRoot + "/Tests/ocularTests/Fixtures/fake_judge.py"

/// Runs with `--judge`: the reference judge prompts go to a fake judge adapter, its raw replies are stored and
/// exported, and the judged suites carry the label `judge:<model>` (docs/judges.md).
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
    #expect(byKey["charxiv/1"]?["judge_output"] as? String == #"{"extract_answer": "The Revenue panel", "score": 1}"#)
    #expect(byKey["charxiv/4"]?["score"] as? Double == 0)
    #expect(byKey["charxiv/4"]?["judge_output"] as? String == #"{"extract_answer": "it decreases", "score": 0}"#)
    #expect(byKey["charxiv/7"]?["score"] as? Double == 1)
    // Samples without an answer are errors and never reach the judge.
    #expect(byKey["charxiv/2"]?["status"] as? String == "error")
    #expect(byKey["charxiv/2"]?["judge_output"] is NSNull)
    // MathVista: the prefetch decides "5" (no judge call); "There are 10 objects." goes to the judge, which says 10.
    #expect(byKey["mathvista/330"]?["score"] as? Double == 1)
    #expect(byKey["mathvista/330"]?["judge_output"] is NSNull)
    #expect(byKey["mathvista/597"]?["score"] as? Double == 1)
    #expect(byKey["mathvista/597"]?["judge_output"] as? String == "10")

    // The judge saw exactly four prompts, each one user message with the fixed judge parameters.
    let prompts = try jsonLines(try String(contentsOfFile: log, encoding: .utf8))
    #expect(prompts.count == 4)
    for entry in prompts {
      let params = entry["params"] as? [String: Any]
      #expect(params?["temperature"] as? Double == 0)
      #expect(params?["max_tokens"] as? Int == 1024)
      #expect(params?["seed"] as? Int == 42)
    }
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
    #expect(first["judge_output"] is NSNull)
    let runs = try workspace.run(["runs", "--json"]).standardOutput
    #expect(runs.contains(#""judge":"rule-only""#))
  }
}
