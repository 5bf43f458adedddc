import Foundation
import Testing

/// Hostile model output through `ocular eval`: stored intact, scored, and escaped in every export and report.
@Suite(.serialized) struct HostileOutputEndToEndTests {
  static let adapter = repositoryRoot + "/Tests/ocularTests/Fixtures/hostile_adapter.py"
  /// A model name with a formula, markup, a pipe, a newline and terminal escapes (as a JSON string).
  static let modelName = "=cmd|' /C calc'!A0 <script>alert(1)</script> | x\n\u{1B}[2J\u{1B}]0;pwned\u{7}"
  static let huge = 10_000_000

  /// The bytes a terminal acts on: ESC, the 8-bit CSI, BEL, CR and NUL.
  static func hasTerminalControls(_ text: String) -> Bool {
    text.unicodeScalars.contains { ["\u{1B}", "\u{9B}", "\u{7}", "\r", "\u{0}"].contains($0) }
  }

  func stdioSpec() throws -> String {
    let name = String(
      decoding: try JSONSerialization.data(withJSONObject: Self.modelName, options: .fragmentsAllowed), as: UTF8.self)
    // Single quotes for /bin/sh: the JSON has none of its own (the name's `'` is escaped below).
    let quoted = "'" + name.replacingOccurrences(of: "'", with: "'\\''") + "'"
    return "stdio:python3 \(Self.adapter) --model-name \(quoted) --huge-bytes \(Self.huge)"
  }

  @Test func stdioOutputIsStoredScoredAndEscapedEverywhere() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["mmstar", "refspatial"])
    let common = ["--suites-dir", suites, "--db", workspace.file("runs.sqlite")]
    let result = try workspace.run(
      ["eval", "--suite", "mmstar,refspatial", "--concurrency", "1", "--model", try stdioSpec()] + common)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(!Self.hasTerminalControls(result.standardOutput + result.standardError))

    // Export: every payload stored intact, NUL written as \u0000.
    let export = try workspace.run(["export", "1", "--format", "jsonl", "--db", workspace.file("runs.sqlite")])
    #expect(export.status == 0)
    #expect(export.standardOutput.contains(#""response":"A\u0000B\u0000""#))
    #expect(!export.standardOutput.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    let lines = try jsonLines(export.standardOutput)
    #expect(lines.count == 25)
    let responses = lines.compactMap { $0["response"] as? String }
    #expect(responses.contains("A\u{0}B\u{0}"))
    #expect(responses.contains("bad \u{FFFD}\u{FFFD} bytes"))
    #expect(responses.contains("<answer>x\u{FFFD}y</answer>"))
    #expect(responses.contains(String(repeating: "[", count: 100_000)))
    #expect(
      responses.contains(String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)))
    #expect(responses.contains("<script>alert(1)</script> **A** | B |\n# heading\n<img src=x onerror=alert(1)>"))
    #expect(responses.contains("\u{1B}[2J\u{1B}[31mA\r\u{1B}]0;pwned\u{7}\u{9B}2J"))
    #expect(responses.contains("=HYPERLINK(\"http://x\",\"A\")"))
    #expect(responses.contains("<answer>B</answer>" + String(repeating: "x", count: Self.huge)))
    // Scored: every answer is ok or unparsed, except the request whose response line was nested too deep to read.
    let errors = lines.filter { $0["status"] as? String == "error" }
    #expect(errors.count == 2, "\(errors.map { $0["error"] ?? "" })")
    #expect(errors.allSatisfy { ($0["error"] as? String)?.hasPrefix("response line is not a JSON object") == true })
    #expect(lines.allSatisfy { ["ok", "unparsed", "error"].contains($0["status"] as? String ?? "") })
    let notes = lines.flatMap { $0["notes"] as? [String] ?? [] }
    #expect(notes.filter { $0.contains("not valid UTF-8") }.count == 3)
    #expect(notes.filter { $0.contains("unpaired UTF-16 surrogates") }.count == 3)

    // Terminal output: no control character reaches the terminal.
    let baseline = try workspace.run(
      ["eval", "--suite", "mmstar,refspatial", "--model", "builtin:baseline"] + common)
    #expect(baseline.status == 0, "\(baseline.standardError)")
    for arguments in [["show", "1"], ["runs"], ["diff", "2", "1", "--samples"], ["diff", "1", "2", "--samples"]] {
      let output = try workspace.run(arguments + ["--db", workspace.file("runs.sqlite")])
      #expect(output.status == 0, "\(arguments): \(output.standardError)")
      #expect(!Self.hasTerminalControls(output.standardOutput + output.standardError), "\(arguments)")
    }

    // Reports.
    func leaderboard(_ format: String) throws -> String {
      let output = try workspace.run(
        ["leaderboard", "--format", format, "--force", "--output", "-", "--db", workspace.file("runs.sqlite")])
      #expect(output.status == 0, "\(format): \(output.standardError)")
      return output.standardOutput
    }
    let markdown = try leaderboard("md")
    #expect(markdown.contains("=cmd\\|' /C calc'\\!A0 &lt;script&gt;alert(1)&lt;/script&gt; \\| x␣␣\\[2J␣\\]0;pwned␣"))
    #expect(!markdown.contains("<script>") && !Self.hasTerminalControls(markdown))
    let csv = try leaderboard("csv")
    #expect(csv.contains("\"'=cmd|' /C calc'!A0 <script>alert(1)</script> | x\n␣[2J␣]0;pwned␣\""))
    #expect(!Self.hasTerminalControls(csv))
    let json = try leaderboard("json")
    let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let rows = document?["rows"] as? [[String: Any]] ?? []
    #expect(rows.contains { $0["model"] as? String == Self.modelName })
    let html = try leaderboard("html")
    #expect(!html.contains("<script>alert") && !html.contains("<img src=x") && !Self.hasTerminalControls(html))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.utf8.count < 2_000_000, "the HTML report clips long answers")
  }

  /// A replay file's raw bytes: invalid UTF-8, NUL, a 10 MB answer and a deeply nested one.
  @Test func replayOutputIsStoredAndScored() throws {
    let workspace = try Workspace()
    let suites = try workspace.copySuites(["refspatial"])
    var file = Data(#"{"suite": "refspatial", "id": "0", "response": "[{\"point_2d\": [1, 2]}] \u0000"#.utf8)
    file += Data([0xC3, 0x28, 0xFF]) + Data("\"}\n".utf8)
    file += Data(#"{"suite": "refspatial", "id": "1", "response": "\#(String(repeating: "[", count: 100_000))"}"#.utf8)
    file += Data("\n".utf8)
    file += Data(
      #"{"suite": "refspatial", "id": "2", "response": "\#(String(repeating: "y", count: Self.huge))"}"#.utf8)
    file += Data("\n".utf8)
    try file.write(to: URL(fileURLWithPath: workspace.file("preds.jsonl")))
    let result = try workspace.run(
      ["eval", "--suite", "refspatial", "--model", "replay:preds.jsonl", "--suites-dir", suites])
    #expect(result.status == 0, "\(result.standardError)")
    let export = try workspace.run(["export", "1", "--format", "jsonl"])
    let lines = try jsonLines(export.standardOutput)
    let byID = Dictionary(uniqueKeysWithValues: lines.map { ($0["id"] as? String ?? "", $0) })
    #expect(byID["0"]?["response"] as? String == "[{\"point_2d\": [1, 2]}] \u{0}\u{FFFD}(\u{FFFD}")
    #expect((byID["0"]?["notes"] as? [String])?.contains { $0.contains("not valid UTF-8") } == true)
    #expect(byID["1"]?["response"] as? String == String(repeating: "[", count: 100_000))
    #expect(byID["1"]?["status"] as? String == "unparsed")
    #expect(byID["2"]?["response"] as? String == String(repeating: "y", count: Self.huge))
    #expect(byID["2"]?["status"] as? String == "unparsed")
  }
}
