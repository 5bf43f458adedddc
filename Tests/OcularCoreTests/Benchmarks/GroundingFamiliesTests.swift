// RefCOCO+ and RefCOCOg (benchmarks.md §3.17–3.18): the same GroundingBenchmark as RefCOCO, scored by OneThinker's
// rules (Evaluation/Eval/eval_bench.py, commit 4448451e…, iou_2d corrected); the scorer's golden cases are in
// Metrics/BoxIoUTests.swift (Golden/grounding.*). These are suite-level tests. Baseline IoUs are the §3.16 formula
// on the box [250, 250, 750, 750] against each gold box (exact quotients, computed by hand below).
import Foundation
import Testing

@testable import OcularCore

@Suite("RefCOCO+ and RefCOCOg benchmarks")
struct GroundingFamiliesTests {
  @Test func registry() throws {
    let ids = BenchmarkRegistry.all.map(\.id)
    #expect(Array(ids.suffix(3)) == ["refcoco", "refcoco_plus", "refcocog"])
    for (id, title) in [("refcoco_plus", "RefCOCO+"), ("refcocog", "RefCOCOg")] {
      let benchmark = try #require(BenchmarkRegistry.benchmark(id: id))
      #expect(benchmark.title == title)
      #expect(benchmark.group == .grounding)
      #expect(benchmark.metric == "grounding_acc50")
      #expect(benchmark.descriptor.family == .onethinker)
      #expect(benchmark.descriptor.judgeMode == .none)
      #expect(benchmark.measureNames == ["iou", "acc@0.3", "acc@0.7"])
    }
  }

  @Test(arguments: [
    ("refcoco_plus", ["val": 5, "testA": 4, "testB": 4], "refcocop"), ("refcocog", ["val": 7, "test": 6], "refcocog"),
  ])
  func suiteLoads(_ name: String, _ sizes: [String: Int], _ prefix: String) throws {
    let (suite, samples) = try bundledSamples(name)
    #expect(suite.benchmark.id == name)
    #expect(
      suite.manifest.files.map(\.path)
        == sizes.keys.sorted { order($0) < order($1) }.map { "eval_\(prefix)_\($0).jsonl" })
    var counts: [String: Int] = [:]
    for sample in samples {
      let split = try #require(sample.split)
      counts[split, default: 0] += 1
      #expect(sample.id.hasPrefix("\(split)/"))
      #expect(GroundingBenchmark.goldBox(of: sample) != nil)
    }
    #expect(counts == sizes)
  }

  private func order(_ split: String) -> Int { ["val", "testA", "testB", "test"].firstIndex(of: split) ?? 9 }

  @Test func paperPrompt() throws {
    let (suite, samples) = try bundledSamples("refcoco_plus")
    let sample = try #require(samples.first { $0.id == "testA/2" })
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let image = try #require(sample.images.first)
    #expect(image.format == .webp && image.width == 200 && image.height == 400)
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(
          role: .user,
          content: [
            .image(path: image.absolutePath),
            .text(
              "Please provide the bounding box coordinate of the region this sentence describes: person in blue jeans."
                + ReferencePrompts.groundingAfterProblem),
          ])
      ])
  }

  @Test(arguments: ["refcoco_plus", "refcocog"])
  func oracleScoresHundred(_ name: String) throws {
    let result = try scoreAll(name) { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 13)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok && $0.measures["iou"] == 1 })
    #expect(result.summary.headline == 100)
  }

  /// Baseline IoUs (inter / union in 0–1000 space) and the family number, the unweighted mean of the split
  /// accuracies, which differs from the pooled accuracy because the split sizes differ.
  @Test func refcocoPlusBaseline() throws {
    let result = try scoreAll("refcoco_plus") { $0.baselineResponse(for: $1) }
    let iou: [String: Double] = [
      "val/1": 50_000.0 / 325_000, "val/2": 80_000.0 / 250_000, "val/3": 0, "val/4": 0, "val/5": 160_000.0 / 250_000,
      "testA/1": 1, "testA/2": 175_000.0 / 395_000, "testA/3": 62_500.0 / 437_500,
      "testA/4": 250_000.0 / 902_400,
      "testB/1": 250_000.0 / 640_000, "testB/2": 250_000.0 / 500_000, "testB/3": 22_500.0 / 387_500,
      "testB/4": 160_000.0 / 250_000,
    ]
    try expectBaseline(result, iou: iou)
    // val 1/5, testA 1/4, testB 2/4 → (20 + 25 + 50) / 3; pooled 4/13.
    #expect(abs(result.summary.headline - 95.0 / 3) < 1e-9)
    #expect(abs(try splitValue(result.summary, "val") - 20) < 1e-9)
  }

  @Test func refcocogBaseline() throws {
    let result = try scoreAll("refcocog") { $0.baselineResponse(for: $1) }
    let iou: [String: Double] = [
      "val/1": 50_000.0 / 325_000, "val/2": 250_000.0 / 420_000, "val/3": 2_500.0 / 287_500,
      "val/4": 50_000.0 / 300_000, "val/5": 0, "val/6": 30_000.0 / 280_000, "val/7": 250_000.0 / 300_000,
      "test/1": 37_500.0 / 412_500, "test/2": 225_000.0 / 275_000, "test/3": 75_000.0 / 575_000,
      "test/4": 400.0 / 250_000, "test/5": 250_000.0 / 360_000, "test/6": 0,
    ]
    try expectBaseline(result, iou: iou)
    // val 2/7, test 2/6 → (200/7 + 100/3) / 2; pooled 4/13.
    #expect(abs(result.summary.headline - (200.0 / 7 + 100.0 / 3) / 2) < 1e-9)
  }

  private func expectBaseline(
    _ result: (suite: Suite, scores: [String: SampleScore], summary: SuiteSummary), iou: [String: Double]
  ) throws {
    #expect(result.scores.count == iou.count)
    for (id, want) in iou {
      let score = try #require(result.scores[id], "\(id)")
      let measured = try #require(score.measures["iou"])
      #expect(abs(measured - want) < 1e-12, "\(id): \(measured)")
      #expect(score.value == (measured >= 0.5 ? 1 : 0), "\(id)")
    }
    let pooled = result.scores.values.map(\.value).reduce(0, +) / Double(result.scores.count) * 100
    #expect(abs(pooled - 400.0 / 13) < 1e-9)
    #expect(abs(result.summary.headline - pooled) > 0.1)
  }

  private func splitValue(_ summary: SuiteSummary, _ split: String) throws -> Double {
    try #require(summary.values.first { $0.dimension == "split" && $0.key == split && $0.metric == "acc@0.5" }).value
  }
}
