import Foundation
import OcularCore
import OcularStore
import Testing

@testable import OcularReports

/// The golden files: Tests/OcularReportsTests/Golden/leaderboard.{md,csv,json}. Run the tests with
/// OCULAR_UPDATE_GOLDEN=1 to rewrite them after an intended change, then review the diff.
enum LeaderboardGolden {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

  static func check(_ text: String, file name: String) throws {
    let url = folder.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["OCULAR_UPDATE_GOLDEN"] == "1" {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
      return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(text == expected, "\(name) differs from its golden file")
  }
}

/// A hostile model name: Markdown table syntax, HTML and emphasis.
let hostileModel = "Evil | <b>model</b> *v2* <script>alert(1)</script>"

/// The paper's 18 suites: name, group, judge label.
let paperSuites: [(String, String, String)] = [
  ("mmmu", "general_vqa", "exact_matching"), ("mmbench", "general_vqa", "exact_matching"),
  ("mmstar", "general_vqa", "exact_matching"), ("mathvista", "math", "rule-only"), ("mathverse", "math", "rule-only"),
  ("mathvision", "math", "rule-only"), ("ai2d", "charts", "exact_matching"), ("chartqa", "charts", "none"),
  ("charxiv", "charts", "rule-only"), ("embspatial", "spatial", "exact_matching"), ("refspatial", "spatial", "none"),
  ("robospatial", "spatial", "none"), ("docvqa", "documents", "none"), ("ocrbench", "documents", "none"),
  ("infovqa", "documents", "none"), ("refcoco", "grounding", "none"), ("refcoco_plus", "grounding", "none"),
  ("refcocog", "grounding", "none"),
]

/// The tuned run's MMStar sample: right on 2–8, unparsed on 9, wrong answers made of HTML.
func hostileSample(_ index: Int) -> SyntheticSample {
  let isRight = (2...8).contains(index)
  return SyntheticSample(
    String(index), isRight ? 1 : 0, index == 9 ? .unparsed : .ok,
    isRight ? "A" : "<img src=x onerror=alert(1)> & \"C\"", index < 6 ? "math" : "science")
}

/// A store with a baseline on all 18 suites and a tuned run lacking RefSpatial; MMStar has samples in both.
func leaderboardStore() throws -> (SyntheticRuns, Int64, Int64) {
  let runs = try SyntheticRuns()
  let baseScores: [Double] = [
    60.2, 84.5, 64.0, 74.3, 52.1, 41.0, 84.0, 83.3, 40.0, 72.0, 48.5, 58.0, 95.1, 87.0, 80.2, 89.9, 83.0, 85.5,
  ]
  let base = try runs.run(
    model: "Qwen3-VL-8B-Instruct", spec: "openai:http://127.0.0.1:8000/v1#Qwen3-VL-8B-Instruct",
    created: "2026-11-20T09:00:00Z",
    suites: paperSuites.enumerated().map { (index: Int, suite: (String, String, String)) -> SyntheticSuite in
      SyntheticSuite(suite.0, suite.0, suite.1, suite.2, "h-" + suite.0, index == 2 ? 50 : baseScores[index])
    })
  let tuned = try runs.run(
    model: hostileModel, spec: "stdio:python3 adapters/evil.py", created: "2026-11-25T10:00:00Z",
    suites: paperSuites.enumerated().filter { $0.element.0 != "refspatial" }.map {
      (index: Int, suite: (String, String, String)) -> SyntheticSuite in
      SyntheticSuite(suite.0, suite.0, suite.1, suite.2, "h-" + suite.0, index == 2 ? 70 : baseScores[index] * 1.05)
    })
  try runs.samples(run: base, suite: "mmstar", (0..<10).map(RunDiffTests.sampleA))
  try runs.samples(run: tuned, suite: "mmstar", (0..<10).map(hostileSample))
  return (runs, base, tuned)
}

@Suite struct LeaderboardTests {
  @Test func laysOutTheSixGroupsOfThree() throws {
    let (runs, base, tuned) = try leaderboardStore()
    let board = try Leaderboard.build(store: runs.store, settings: LeaderboardSettings(baseline: base))
    #expect(board.groups.map(\.title) == ["General VQA", "Math", "Charts", "Spatial", "Documents", "Grounding"])
    #expect(board.groups.allSatisfy { $0.columns.count == 3 })
    #expect(board.rows.map(\.run.id) == [base, tuned])
    let baseRow = board.rows[0]
    let tunedRow = board.rows[1]
    #expect(abs(baseRow.groupAverages["general_vqa"]! - (60.2 + 84.5 + 50) / 3) < 1e-9)
    #expect(baseRow.overall != nil)
    #expect(tunedRow.groupAverages["spatial"] == nil)
    #expect(tunedRow.missing["spatial"]?.map(\.benchmark) == ["refspatial"])
    #expect(tunedRow.overall == nil)
    #expect(abs(board.gain(tunedRow, benchmark: "mmmu")! - 5) < 1e-9)
    #expect(abs(board.gain(tunedRow, benchmark: "mmstar")! - 40) < 1e-9)
    #expect(board.gain(tunedRow, benchmark: "refspatial") == nil)
    #expect(baseRow.cells["mathvista"]?.isRuleOnly == true)
    #expect(baseRow.cells["mmstar"]?.isSampleSet == true)
    let statistics = try #require(tunedRow.cells["mmstar"]?.statistics)
    #expect(abs(statistics.estimate.mean - 70) < 1e-9)
    #expect(statistics.unparsedRate == 0.1)
    #expect(tunedRow.cells["docvqa"]?.statistics == nil)
  }

  @Test func markdownMatchesItsGoldenFile() throws {
    let (runs, base, _) = try leaderboardStore()
    let board = try Leaderboard.build(store: runs.store, settings: LeaderboardSettings(baseline: base))
    let markdown = board.markdown()
    try LeaderboardGolden.check(markdown, file: "leaderboard.md")
    // The hostile name cannot open a column, a tag or an emphasis.
    #expect(markdown.contains("Evil \\| &lt;b&gt;model&lt;/b&gt; \\*v2\\* &lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(!markdown.contains("<b>") && !markdown.contains("<script"))
    // Every table line has the same number of unescaped separators.
    let tableLines = markdown.split(separator: "\n").filter { $0.hasPrefix("|") }
    let counts = Set(tableLines.map { $0.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count })
    #expect(counts == [4 + 18 + 6 + 1 + 1])
  }

  @Test func csvMatchesItsGoldenFile() throws {
    let (runs, base, _) = try leaderboardStore()
    let board = try Leaderboard.build(store: runs.store, settings: LeaderboardSettings(baseline: base))
    try LeaderboardGolden.check(board.csv(), file: "leaderboard.csv")
  }

  @Test func jsonMatchesItsGoldenFile() throws {
    let (runs, base, _) = try leaderboardStore()
    let board = try Leaderboard.build(store: runs.store, settings: LeaderboardSettings(baseline: base))
    let json = board.json()
    try LeaderboardGolden.check(json, file: "leaderboard.json")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect((object["rows"] as? [Any])?.count == 2)
  }

  @Test func csvQuotesFieldsAndDefusesFormulas() {
    #expect(Leaderboard.csvField("a,b") == "\"a,b\"")
    #expect(Leaderboard.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(Leaderboard.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
    #expect(Leaderboard.csvField("-1.5", isText: false) == "-1.5")
  }

  @Test func refusesMixedProfilesInAColumnUnlessForced() throws {
    let runs = try SyntheticRuns()
    let a = try runs.run(suites: [SyntheticSuite("docvqa", "docvqa", "documents", "none", "h", 50)])
    let b = try runs.run(
      profile: "vlmevalkit-0.0.20; boxed=keep",
      suites: [SyntheticSuite("docvqa", "docvqa", "documents", "none", "h", 60)])
    #expect(throws: ComparisonError.self) {
      try Leaderboard.build(store: runs.store, settings: LeaderboardSettings(runs: [a, b]))
    }
    let forced = try Leaderboard.build(store: runs.store, settings: LeaderboardSettings(runs: [a, b], isForced: true))
    #expect(forced.overridden.count == 1)
    #expect(forced.markdown().contains("\\-\\-force") == false)
    #expect(forced.markdown().contains("--force: DocVQA"))
  }

  @Test func htmlEscapesEveryModelString() throws {
    let (runs, base, _) = try leaderboardStore()
    let board = try Leaderboard.build(
      store: runs.store, settings: LeaderboardSettings(baseline: base, worstCount: 5))
    let html = board.html()
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<svg"))
    #expect(html.components(separatedBy: "<svg").count - 1 == 2)  // scores, and gains over the baseline
    // The only tags are the report's own: no script, no model-made element or attribute.
    #expect(!html.lowercased().contains("<script"))
    #expect(!html.contains("<b>"))
    #expect(!html.contains("<img"))
    #expect(!html.contains("onerror=alert(1)>"))
    #expect(html.contains("Evil | &lt;b&gt;model&lt;/b&gt; *v2* &lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;C&quot;"))
    // Every benchmark links to a section of its worst samples, and the section exists.
    for column in board.columns {
      #expect(html.contains("href=\"#worst-\(column.benchmark)\""))
      #expect(html.contains("<section id=\"worst-\(column.benchmark)\">"))
    }
    #expect(html.contains("Content-Security-Policy"))
    try checkNoRawModelText(html, modelTexts: [hostileModel, "<img src=x onerror=alert(1)> & \"C\""])
  }

  /// A 1 MB answer and its 1 MB parsed form are clipped in the HTML report's worst samples.
  @Test func htmlClipsHugeAnswers() throws {
    let runs = try SyntheticRuns()
    let run = try runs.run(
      model: "m", spec: "builtin:baseline", created: "2026-11-25T10:00:00Z",
      suites: [SyntheticSuite("mmstar", "mmstar", "general_vqa", "exact_matching", "h", 0)])
    let huge = String(repeating: "<b>x</b>", count: 125_000)
    try runs.store.save([
      SampleRecord(
        runID: run, key: SampleKey(suite: "mmstar", sampleID: "1", repeatIndex: 0), status: .ok, score: 0,
        parsed: huge, breakdownJSON: "[]", requestJSON: "{}", response: huge, extracted: huge)
    ])
    let html = try Leaderboard.build(store: runs.store, settings: LeaderboardSettings(worstCount: 5)).html()
    #expect(html.utf8.count < 200_000)
    #expect(!html.contains("<b>"))
  }

  @Test func escapingHelpersCoverTheDangerousCharacters() {
    #expect(Leaderboard.htmlEscaped("<a href='x'>&\"</a>\u{0}") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;␣")
    #expect(Leaderboard.markdownEscaped("a|b<c>&[d](e)`f`") == "a\\|b&lt;c&gt;&amp;\\[d\\](e)\\`f\\`")
    #expect(Leaderboard.markdownEscaped("line\nbreak") == "line␣break")
  }
}

/// Fails when any model text appears verbatim (unescaped) in the document, or when the document's tags are not all
/// the report's own.
func checkNoRawModelText(_ html: String, modelTexts: [String]) throws {
  for text in modelTexts where text.contains(where: { "<>&\"'".contains($0) }) {
    #expect(!html.contains(text), "unescaped model text: \(text)")
  }
  let allowed: Set<String> = [
    "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "span", "i", "svg",
    "line", "text", "rect", "path", "a", "table", "tr", "th", "td", "ul", "li", "section", "pre", "div",
  ]
  var index = html.startIndex
  while let open = html[index...].firstIndex(of: "<") {
    let rest = html[html.index(after: open)...]
    let name = rest.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber || $0 == "!" || $0 == "-" }
    #expect(allowed.contains(String(name)), "unexpected tag <\(name)")
    index = html.index(after: open)
  }
}
