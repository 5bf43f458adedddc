import Foundation
import OcularCore
import OcularStore
import Testing

@testable import OcularReports

@Suite struct SuiteStatisticsTests {
  @Test func suiteStatisticsReadTheStore() throws {
    let store = try RunStore()
    let run = try store.createRun(
      RunRecord(
        createdAt: "2026-11-25T00:00:00Z", modelSpec: "m", modelName: "m", adapterJSON: "{}", parametersJSON: "{}",
        promptProfile: "paper", scoringProfile: "vlmevalkit-0.0.20; boxed=unwrap", scoringOptionsJSON: "{}",
        repeats: 1, harnessVersion: "t", gitRevision: nil, suiteNames: ["docvqa"])
    ).id
    let suite = RunSuiteRecord(
      runID: run, suite: "docvqa", benchmark: "docvqa", title: "DocVQA", group: "documents", metric: "anls",
      headlineMetric: "anls", judgeLabel: "none", reference: "r", contentHash: "h", sampleCount: 4, isFullData: false,
      folder: "f")
    try store.addSuite(suite, position: 0)
    let image = { (name: String) in
      "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"path\":\"/\(name).png\"}]}]}"
    }
    let rows: [(String, SampleStatus, Double, String)] = [
      ("1", .ok, 1, "p"), ("2", .ok, 0.5, "p"), ("3", .unparsed, 0, "q"), ("4", .error, 0, "r"),
    ]
    try store.save(
      rows.map { id, status, score, picture in
        SampleRecord(
          runID: run, key: SampleKey(suite: "docvqa", sampleID: id, repeatIndex: 0), status: status, score: score,
          breakdownJSON: "[[\"category\",\"\(id == "1" ? "x" : "y")\"]]", requestJSON: image(picture), response: "r")
      })
    let statistics = try SuiteStatistics.compute(store: store, run: run, suite: suite, replicates: 50)
    #expect(abs(statistics.headline.estimate.mean - 37.5) < 1e-9)
    #expect(statistics.headline.estimate.count == 4)
    #expect(statistics.headline.estimate.clusters == 3)
    #expect(statistics.headline.unparsedRate == 0.25)
    #expect(statistics.headline.errorRate == 0.25)
    #expect(statistics.cells.map(\.cell.key) == ["x", "y"])
    #expect(abs(statistics.cells[1].statistics.estimate.mean - 50.0 / 3) < 1e-9)
  }
}
