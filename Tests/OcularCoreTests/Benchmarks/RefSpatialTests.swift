// RefSpatial (benchmarks.md §3.11) against VLMEvalKit ms-vlmeval 0.0.20 (`RefSpatialBench.build_prompt`,
// `evaluate`; `Point2DParser`). Per-case golden values: Metrics/Point2DParserTests.swift. The sample-suite
// baseline values come from the same driver (Golden/refspatial.golden.jsonl, ids `suite-baseline-<index>`:
// the real parser and mask test on the suite's own masks).
import Foundation
import Testing

@testable import OcularCore

@Suite("RefSpatial benchmark")
struct RefSpatialTests {
  static let instruction =
    "Output the point coordinates in JSON format.\nFor example:\n[\n  {\"point_2d\": [x, y], \"label\": \"point_1\"}\n]\n"

  @Test func registryAndDescription() throws {
    let benchmark = try #require(BenchmarkRegistry.benchmark(id: "refspatial"))
    #expect(benchmark.group == .spatial)
    #expect(benchmark.metric == "point_in_mask")
    #expect(benchmark.judgeLabel == "none")
    #expect(benchmark.descriptor.family == .vlmevalkit)
    #expect(benchmark.auxiliaryFileFields == ["mask_path"])
    let ids = BenchmarkRegistry.all.map(\.id)
    let index = try #require(ids.firstIndex(of: "refspatial"))
    #expect(ids[index + 1] == "robospatial")
    if let embspatial = ids.firstIndex(of: "embspatial") { #expect(embspatial == index - 1) }
    let template = try PromptTemplate(benchmark.defaultPromptTemplate)
    #expect(template.render { $0 == "question" ? "Q?" : "" } == "Q?" + Self.instruction)
    #expect(RefSpatialBenchmark.pointInstruction == Self.instruction)
  }

  @Test func paperPrompt() throws {
    let (suite, samples) = try bundledSamples("refspatial")
    let sample = try #require(samples.first { $0.id == "0" })
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let image = try #require(sample.images.first).absolutePath
    #expect(image.hasSuffix("/refspatial/images/refspatial_0.png"))
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(role: .system, content: [.text(ReferencePrompts.system)]),
        ChatMessage(
          role: .user,
          content: [
            .image(path: image),
            .text("Please point out the red cup on the left of the blue plate." + Self.instruction),
          ]),
      ])
  }

  @Test func suiteLoadsWithMasks() throws {
    let (_, samples) = try bundledSamples("refspatial")
    #expect(samples.map(\.id) == (0...12).map(String.init))
    for sample in samples {
      let mask = try #require(sample.auxiliaryFiles["mask_path"])
      #expect(mask.hasSuffix("/refspatial/masks/refspatial_\(sample.id).png"))
      let decoded = try PointMask(path: mask)
      #expect(decoded.width == sample.images[0].width && decoded.height == sample.images[0].height)
    }
  }

  @Test func oracleScoresHundred() throws {
    let result = try scoreAll("refspatial") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 13)
    for (id, score) in result.scores {
      #expect(score.value == 1 && score.status == .ok, "\(id): \(score)")
      #expect(score.notes.contains("point2d:structured"), "\(id)")
    }
    #expect(result.summary.headline == 100)
  }

  @Test func baselineMatchesReference() throws {
    let (_, samples) = try bundledSamples("refspatial")
    let benchmark = RefSpatialBenchmark()
    #expect(
      benchmark.baselineResponse(for: samples[0])
        == "<answer>[{\"point_2d\": [500, 500], \"label\": \"point_1\"}]</answer>")
    let golden = try decodeJSONLines(RefSpatialGolden.self, from: TestPaths.golden("refspatial.golden.jsonl"))
    var expected: [String: Double] = [:]
    for line in golden where line.id.hasPrefix("suite-baseline-") {
      expected[String(line.id.dropFirst("suite-baseline-".count))] = line.score
    }
    #expect(expected.count == 13)
    let result = try scoreAll("refspatial") { $0.baselineResponse(for: $1) }
    #expect(result.scores.mapValues(\.value) == expected)
    // The centre hits on rows 1, 8 and 11 only.
    #expect(expected.filter { $0.value == 1 }.keys.sorted() == ["1", "11", "8"])
    #expect(abs(result.summary.headline - 300.0 / 13) < 1e-9)
    // Rows 0-4 are location (row 3 spelled "Location"), 5-8 placement, 9-12 unseen.
    let categories = Dictionary(
      uniqueKeysWithValues: result.summary.values.filter { $0.dimension == "category" }.map { ($0.key, $0) })
    #expect(categories.keys.sorted() == ["location", "placement", "unseen"])
    #expect(categories["location"]?.count == 5 && abs(categories["location"]!.value - 20) < 1e-9)
    #expect(categories["placement"]?.count == 4 && abs(categories["placement"]!.value - 25) < 1e-9)
    #expect(categories["unseen"]?.count == 4 && abs(categories["unseen"]!.value - 25) < 1e-9)
  }

  /// Hand-computed: location 1 and 0.5 (one spelled "LOCATION"), placement 0.25, unseen 0, and an unreported
  /// category 1 that counts only in overall: overall (1 + 0.5 + 0.25 + 0 + 1) / 5 = 55.
  @Test func aggregation() {
    let benchmark = RefSpatialBenchmark()
    var aggregator = benchmark.makeAggregator()
    let rows: [(String, Double)] = [
      ("location", 1), ("LOCATION", 0.5), ("placement", 0.25), ("unseen", 0), ("other", 1),
    ]
    for (index, (category, value)) in rows.enumerated() {
      let sample = refSpatialSample(mask: "/m.png", category: category, id: "\(index)")
      aggregator.add(
        ScoredSample(sampleID: sample.id, score: SampleScore(value: value), breakdown: benchmark.breakdown(for: sample))
      )
    }
    let summary = aggregator.summary()
    #expect(abs(summary.headline - 55) < 1e-9)
    let categories = summary.values.filter { $0.dimension == "category" }
    #expect(categories.map(\.key) == ["location", "placement", "unseen"])
    #expect(categories.map(\.value) == [75, 25, 0])
    #expect(categories.map(\.count) == [2, 1, 1])
  }

  @Test func missingMaskIsAnError() throws {
    try withTemporaryFolder { parent in
      let copy = try SuiteCopy(of: "refspatial", in: parent)
      let suite = try Suite.open(folder: copy.path)
      let samples = try readAll(suite).samples
      try FileManager.default.removeItem(at: copy.file("masks/refspatial_2.png"))
      let benchmark = suite.benchmark
      let sample = samples[2]
      let score = benchmark.score(
        benchmark.extractor(options: ScoringOptions()).extract(benchmark.oracleResponse(for: sample)), for: sample,
        options: ScoringOptions())
      #expect(score.status == .error && score.value == 0)
      #expect(score.notes.first?.hasPrefix("mask: mask not found") == true)
    }
    var unresolved = refSpatialSample(mask: "/m.png", category: "location")
    unresolved.auxiliaryFiles = [:]
    #expect(
      RefSpatialBenchmark().score(plainExtraction("(1, 1)"), for: unresolved, options: ScoringOptions()).status
        == .error)
  }

  @Test func loaderChecksMaskPaths() throws {
    try withTemporaryFolder { parent in
      let copy = try SuiteCopy(of: "refspatial", in: parent)
      try copy.editRecord(1, of: "samples.jsonl") { $0["mask_path"] = "masks/absent.png" }
      #expect(loadError(folder: copy.path) != nil)
      try copy.editRecord(1, of: "samples.jsonl") { $0["mask_path"] = "../outside.png" }
      #expect(loadError(folder: copy.path) != nil)
      try copy.editRecord(1, of: "samples.jsonl") { $0.removeValue(forKey: "mask_path") }
      #expect(loadError(folder: copy.path)?.contains("mask_path") == true)
    }
  }

  @Test func notesNameTheDecidingStep() throws {
    let mask = TestPaths.golden("refspatial_masks/rect_L.png").path
    let sample = refSpatialSample(mask: mask, category: "unseen")
    let benchmark = RefSpatialBenchmark()
    let structured = benchmark.score(
      plainExtraction("[{\"point_2d\": [500, 400]}]"), for: sample, options: ScoringOptions())
    #expect(structured.notes == ["point2d:structured", RefSpatialBenchmark.logHintNote])
    #expect(structured.parsed == "structured: 1 point(s) (0.5, 0.4)")
    let text = benchmark.score(plainExtraction("at (100, 100)"), for: sample, options: ScoringOptions())
    #expect(text.value == 0 && text.notes == ["point2d:text"])
    let none = benchmark.score(plainExtraction("I cannot see it."), for: sample, options: ScoringOptions())
    #expect(none.status == .unparsed && none.notes == ["point2d: no point found"])
    // The full response goes through extraction E1 first.
    let response = "<think>\n(1, 1)\n</think>\n\n<answer>\n[{\"point_2d\": [500, 400]}]\n</answer>"
    let extracted = benchmark.extractor(options: ScoringOptions()).extract(response)
    #expect(benchmark.score(extracted, for: sample, options: ScoringOptions()).value == 1)
  }
}
