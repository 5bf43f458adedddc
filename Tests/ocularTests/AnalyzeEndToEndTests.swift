import Foundation
import Testing

/// `ocular analyze` end to end: a repeated replay run analysed as text, JSON and HTML.
@Suite(.serialized) struct AnalyzeEndToEndTests {
  /// Writes a two-repeat replay of MMStar: repeat 0 always right, repeat 1 right on even positions only.
  func writeReplay(_ workspace: Workspace, suites: String) throws -> String {
    let records = try String(contentsOfFile: suites + "/mmstar/samples.jsonl", encoding: .utf8)
      .split(separator: "\n").map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      }
    var lines: [String] = []
    for (position, record) in records.enumerated() {
      let id = "\(record["index"]!)"
      let gold = try #require(record["answer"] as? String)
      let wrong = gold == "A" ? "B" : "A"
      for (repeatIndex, answer) in [gold, position % 2 == 0 ? gold : wrong].enumerated() {
        let line: [String: Any] = [
          "suite": "mmstar", "id": id, "repeat": repeatIndex,
          "response": "<think>step \(repeatIndex)</think>\n<answer>\(answer)</answer>",
        ]
        lines.append(String(decoding: try JSONSerialization.data(withJSONObject: line), as: UTF8.self))
      }
    }
    #expect(records.count == 12)
    let path = workspace.file("replay.jsonl")
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    return path
  }

  @Test func repeatedRunAsTextJSONAndHTML() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar"])
    let replay = try writeReplay(workspace, suites: suites)
    let eval = try workspace.run([
      "eval", "--model", "replay:\(replay)", "--suite", "mmstar", "--suites-dir", suites, "--repeats", "2",
    ])
    #expect(eval.status == 0, "\(eval.standardError)")

    // 6 items right twice, 6 right once: pass@1 = 18/24, pass@2 = 1, maj@2 = 1 (ties go to the first answer).
    let text = try workspace.run(["analyze", "1"])
    #expect(text.status == 0, "\(text.standardError)")
    let row = tableRow(text.standardOutput, "mmstar")
    #expect(
      row == [
        "mmstar", "General", "VQA", "12", "≥", "1.00", "75.0%", "100.0%", "100.0%", "50.0%", "0.0%", "0", "6", "6",
      ])
    #expect(text.standardOutput.contains("Advantages per task"))
    #expect(text.standardOutput.contains("G²RPO"))

    let json = try workspace.run(["analyze", "1", "--json"])
    #expect(json.status == 0)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
    let benchmark = try #require((object["benchmarks"] as? [[String: Any]])?.first)
    #expect(benchmark["success_histogram"] as? [Int] == [0, 6, 6])
    #expect(benchmark["format_rate_think"] as? Double == 1)
    let advantages = try #require(object["advantages"] as? [[String: Any]])
    #expect(advantages.count == 1 && advantages.first?["task"] as? String == "general_vqa")
    #expect(try workspace.run(["analyze", "1", "--format", "json"]).standardOutput == json.standardOutput)

    let html = try workspace.run(["analyze", "1", "--format", "html", "--output", "analytics.html"])
    #expect(html.status == 0, "\(html.standardError)")
    let page = try String(contentsOfFile: workspace.file("analytics.html"), encoding: .utf8)
    #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<svg") && page.contains("Advantage distributions"))
    #expect(page.contains("Training-signal analytics: run 1 (replay:\(replay))"))
  }

  @Test func singleRepeatRunIsAnalysedWithANote() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    let eval = try workspace.run(["eval", "--model", "builtin:oracle", "--suite", "docvqa", "--suites-dir", suites])
    #expect(eval.status == 0, "\(eval.standardError)")
    let result = try workspace.run(["analyze", "1"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("need `ocular eval --repeats N` with N ≥ 2"))
    #expect(
      tableRow(result.standardOutput, "docvqa").prefix(6) == ["docvqa", "Documents", "12", "≥", "0.50", "100.0%"])
    #expect(!result.standardOutput.contains("Advantages per task"))
  }

  @Test func errorsAreOneLineWithExitCodeTwo() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["docvqa"])
    _ = try workspace.run(["eval", "--model", "builtin:oracle", "--suite", "docvqa", "--suites-dir", suites])
    for arguments in [["analyze", "9"], ["analyze", "1", "--suite", "mmstar"]] {
      let result = try workspace.run(arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.standardError.hasPrefix("ocular: error: "))
      #expect(result.standardError.split(separator: "\n").count == 1)
    }
    let conflicting = try workspace.run(["analyze", "1", "--json", "--format", "html"])
    #expect(conflicting.status != 0)
  }
}
