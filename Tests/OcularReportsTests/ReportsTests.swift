import Foundation
import OcularCore
import OcularStore
import Testing

@testable import OcularReports

@Suite struct TextTableTests {
  @Test func alignsColumnsAndNeutralisesControlCharacters() {
    var table = TextTable(header: ["suite", "score"], alignments: [.left, .right])
    table.append(["docvqa", "12.50"])
    table.append(["evil\u{1B}[2J\nname", "100.00"])
    let lines = table.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // Column widths: 13 (the sanitised long name) and 6, two spaces between.
    #expect(lines[0] == "suite           score")
    #expect(lines[1] == "-------------  ------")
    #expect(lines[2] == "docvqa          12.50")
    #expect(lines[3] == "evil␣[2J␣name  100.00")
    #expect(!table.render().contains("\u{1B}"))
  }

  @Test(arguments: [(25.0, "25.00"), (46.666666666666664, "46.67"), (100.0, "100.00"), (0.005, "0.01"), (7.1, "7.10")])
  func formatsScoresWithTwoDecimals(_ value: Double, _ text: String) {
    #expect(formatScore(value) == text)
  }

  @Test func missingScoresAreADash() {
    #expect(formatScore(nil) == "-")
    #expect(formatScore(.nan) == "-")
  }
}

@Suite struct SampleExporterTests {
  @Test func exportsOneEscapedJSONLinePerSample() throws {
    let store = try RunStore()
    let run = try store.createRun(
      RunRecord(
        createdAt: "2026-11-25T00:00:00Z", modelSpec: "m", modelName: "m", adapterJSON: "{}", parametersJSON: "{}",
        promptProfile: "paper", scoringProfile: "p", scoringOptionsJSON: "{}", repeats: 1, harnessVersion: "t",
        gitRevision: nil, suiteNames: ["docvqa"])
    ).id
    let hostile = "</script><b>\u{0}\"quote\"\n"
    try store.save([
      SampleRecord(
        runID: run, key: SampleKey(suite: "docvqa", sampleID: "7", repeatIndex: 0), status: .ok, score: 0.75,
        measuresJSON: "{\"iou\":0.5}", breakdownJSON: "[[\"split\",\"val\"]]", requestJSON: "{}", response: hostile,
        extracted: "x", latencyMilliseconds: 12.5)
    ])
    var lines: [String] = []
    try SampleExporter(store: store).exportJSONL(run: run, suite: nil) { lines.append($0) }
    #expect(lines.count == 1)
    #expect(lines[0].hasSuffix("\n"))
    #expect(lines[0].dropLast().contains("\n") == false)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    #expect(object["suite"] as? String == "docvqa")
    #expect(object["id"] as? String == "7")
    #expect(object["repeat"] as? Int == 0)
    #expect(object["status"] as? String == "ok")
    #expect(object["score"] as? Double == 0.75)
    #expect(object["response"] as? String == hostile)
    #expect(object["extracted"] as? String == "x")
    #expect((object["measures"] as? [String: Double])?["iou"] == 0.5)
    #expect(object["breakdown"] as? [[String]] == [["split", "val"]])
  }

  @Test func unknownRunIsAnError() throws {
    let store = try RunStore()
    #expect(throws: StoreError.unknownRun("3")) {
      try SampleExporter(store: store).exportJSONL(run: 3, suite: nil) { _ in }
    }
  }
}
