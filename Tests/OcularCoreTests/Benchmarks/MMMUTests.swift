// MMMU, benchmarks.md §3.1. Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20`, run by
// scripts/golden/mcq_driver.py: `mcq_vanilla_eval(None, …, 'MMMU_DEV_VAL')` (MMMU_preproc, the answer map,
// `can_infer`, exact_matching) and `report_acc` (Golden/mmmu.cases.jsonl, mmmu.golden.jsonl, mmmu.metrics.json;
// 30 cases), and `MMMUDataset.build_prompt` + `split_MMMU` (Golden/mcq_prompts.*). See Golden/README.md.
import Foundation
import Testing

@testable import OcularCore

struct MMMUCase: Decodable, Sendable, Identified {
  var id: String
  var pred: String
  var answer: String
  var options: [String: String]?
  var split: String
  var category: String
  var l2Category: String

  private enum CodingKeys: String, CodingKey {
    case id, pred, answer, options, split, category
    case l2Category = "l2-category"
  }

  var sample: Sample {
    var record: [String: JSONValue] = [
      "question": .string("Which option is correct?"), "answer": .string(answer), "split": .string(split),
      "category": .string(category), "l2-category": .string(l2Category),
    ]
    for letter in "ABCDEFGHI".map(String.init) { record[letter] = options?[letter].map(JSONValue.string) ?? .null }
    return Sample(id: id, split: split, record: record)
  }
}

struct MMMUGolden: Decodable, Sendable, Identified {
  var id: String
  var hit: Int
  var extracted: String
  var canInfer: String?
  var gt: String
  var choices: [String: String]

  private enum CodingKeys: String, CodingKey {
    case id, hit, extracted, gt, choices
    case canInfer = "can_infer"
  }
}

struct MMMUPair: Sendable, CustomTestStringConvertible {
  var input: MMMUCase
  var golden: MMMUGolden
  var testDescription: String { input.id }

  static func all() throws -> [MMMUPair] {
    try pairedGolden(cases: "mmmu.cases.jsonl", golden: "mmmu.golden.jsonl", MMMUCase.self, MMMUGolden.self)
      .map { MMMUPair(input: $0.0, golden: $0.1) }
  }
}

@Suite("MMMU: golden cases of ms-vlmeval 0.0.20 mcq_vanilla_eval with MMMU_preproc")
struct MMMUGoldenTests {
  @Test func goldenFilesHaveAllCases() throws {
    #expect(try MMMUPair.all().count == 30)
  }

  @Test(arguments: try MMMUPair.all())
  func scoreMatchesReference(_ pair: MMMUPair) {
    let sample = pair.input.sample
    let choices = MMMU.choices(of: sample)
    #expect(Dictionary(uniqueKeysWithValues: choices.map { ($0.letter, $0.text) }) == pair.golden.choices)
    #expect(MMMU.goldLetter(of: sample) == pair.golden.gt)
    let score = BenchmarkRegistry.mmmu.score(
      predictionExtraction(pair.input.pred), for: sample, options: ScoringOptions())
    #expect(score.value == Double(pair.golden.hit), "\(pair.input.id)")
    #expect(score.parsed == pair.golden.canInfer, "\(pair.input.id)")
    #expect((score.status == .unparsed) == (pair.golden.canInfer == nil), "\(pair.input.id)")
    if pair.golden.canInfer == nil { #expect(pair.golden.extracted == "Z") }
  }

  /// The splits, per-split categories and the validation headline against `report_acc` on the same rows.
  @Test func aggregationMatchesReportAcc() throws {
    struct Metrics: Decodable { var report_acc: [String: ReportAccRow] }
    let report = try goldenJSON(Metrics.self, "mmmu.metrics.json").report_acc
    let benchmark = BenchmarkRegistry.mmmu
    var aggregator = benchmark.makeAggregator()
    for pair in try MMMUPair.all() {
      let sample = pair.input.sample
      let score = benchmark.score(predictionExtraction(pair.input.pred), for: sample, options: ScoringOptions())
      aggregator.add(ScoredSample(sampleID: sample.id, score: score, breakdown: benchmark.breakdown(for: sample)))
    }
    let summary = aggregator.summary()
    let validation = try #require(report["validation"])
    #expect(abs(summary.headline - validation.Overall * 100) < 1e-9)
    #expect(summary.values.first?.metric == "accuracy (split validation)")
    for (split, row) in report {
      let value = try #require(summaryValue(summary, "split", split))
      #expect(abs(value.value - row.Overall * 100) < 1e-9, "\(split)")
      for (dimension, cells) in [("category", row.category ?? [:]), ("l2-category", row.l2Category ?? [:])] {
        for (name, reference) in cells {
          let cell = summaryValue(summary, dimension, "\(split)/\(name)")
          guard let reference else {
            #expect(cell == nil, "\(split)/\(name) has no rows in the reference")
            continue
          }
          #expect(abs((cell?.value ?? -1) - reference * 100) < 1e-9, "\(dimension) \(split)/\(name)")
        }
      }
    }
  }

  @Test(arguments: try MCQPromptPair.all(bench: "mmmu"))
  func promptMatchesReference(_ pair: MCQPromptPair) throws {
    try pair.check(BenchmarkRegistry.mmmu)
  }

  @Test func promptGoldenCoversTheSuiteAndEdgeCases() throws {
    #expect(try MCQPromptPair.all(bench: "mmmu").count == 17)
  }
}

@Suite("MMMU benchmark")
struct MMMUTests {
  static func sample(
    question: String, options: [String] = ["x", "y"], answer: String = "A", images: Int = 2, split: String? = nil
  ) -> Sample {
    var record: [String: JSONValue] = ["question": .string(question), "answer": .string(answer)]
    for (letter, text) in zip("ABCDEFGHI".map(String.init), options) { record[letter] = .string(text) }
    let images = (1...max(images, 1)).prefix(images).map {
      SampleImage(relativePath: "\($0).png", absolutePath: "/s/\($0).png", format: .png, width: 1, height: 1)
    }
    return Sample(id: "1", split: split, record: record, images: images)
  }

  @Test func paperProfileInterleavesImagesAfterTheSystemPrompt() throws {
    let (suite, samples) = try bundledSamples("mmmu")
    let sample = try #require(samples.first { $0.id == "3" })
    let messages = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
      .messages(for: sample)
    try #require(messages.count == 2)
    #expect(messages[0] == ChatMessage(role: .system, content: [.text(PromptBuilder.vlmevalkitSystemPrompt)]))
    let first = sample.images[0].absolutePath
    let second = sample.images[1].absolutePath
    #expect(
      messages[1].content == [
        .text("Question: Compare the circuits in "), .image(path: first), .text(" and "), .image(path: second),
        .text(". Which has the larger total resistance?\nOptions:\nA. The circuit in "), .image(path: first),
        .text("\nB. The circuit in "), .image(path: second),
        .text(
          "\nC. They are equal\nD. It cannot be determined\n"
            + "Please select the correct answer from the options above. \n"),
      ])
  }

  @Test func withoutMarkersImagesComeFirst() {
    let sample = Self.sample(question: "How many?")
    let content = BenchmarkRegistry.mmmu.userContent(for: sample, prompt: "Question: How many?\n")
    #expect(content == [.image(path: "/s/1.png"), .image(path: "/s/2.png"), .text("Question: How many?\n")])
  }

  @Test func adjacentMarkersAndMalformedMarkersUnderACustomTemplate() {
    let sample = Self.sample(question: "q")
    let content = BenchmarkRegistry.mmmu.userContent(
      for: sample, prompt: "<image 1><image 2>mid <image x> and <image 3> end <image 0>")
    #expect(
      content == [
        .image(path: "/s/1.png"), .image(path: "/s/2.png"), .text("mid <image x> and <image 3> end "),
        .image(path: "/s/2.png"),
      ])
  }

  @Test func recordsTheReferenceCannotSplitAreRejected() {
    let benchmark = BenchmarkRegistry.mmmu
    #expect(benchmark.validate(Self.sample(question: "See <image 3>.")) != nil)
    #expect(benchmark.validate(Self.sample(question: "See <image 10>.")) != nil)
    #expect(benchmark.validate(Self.sample(question: "See <image 1>.", images: 0)) != nil)
    #expect(benchmark.validate(Self.sample(question: "q", options: ["<image 1>", "<image 2>"])) == nil)
    #expect(benchmark.validate(Self.sample(question: "q", options: ["<image 1>", "<image 9>"])) != nil)
    #expect(benchmark.validate(Self.sample(question: "See <image 0> and <image 2>.")) == nil)
  }

  @Test func openQuestionsFollowMMMUPreproc() {
    let open = Self.sample(question: "Area?", options: [], answer: "24")
    #expect(MMMU.isOpen(open))
    #expect(MMMU.choices(of: open).map(\.letter) == ["A", "B"])
    #expect(MMMU.choices(of: open).map(\.text) == ["24", "Other Answers"])
    #expect(MMMU.goldLetter(of: open) == "A")
    let score = BenchmarkRegistry.mmmu.score(predictionExtraction("24"), for: open, options: ScoringOptions())
    #expect(score.value == 1 && score.parsed == "A")
    #expect(score.notes.contains { $0.hasPrefix("open question") })
  }

  /// Hand-computed: validation 2 of 3, dev 0 of 1; the headline is the validation split only.
  @Test func headlineIsTheValidationSplit() {
    var aggregator = BenchmarkRegistry.mmmu.makeAggregator()
    let rows: [(String, String, Double)] = [
      ("1", "validation", 1), ("2", "validation", 1), ("3", "validation", 0), ("4", "dev", 0),
    ]
    for (id, split, value) in rows {
      aggregator.add(
        ScoredSample(
          sampleID: id, score: SampleScore(value: value),
          breakdown: [BreakdownKey("split", split), BreakdownKey("category", "\(split)/Art")]))
    }
    let summary = aggregator.summary()
    #expect(abs(summary.headline - 200.0 / 3) < 1e-9)
    #expect(summary.count == 4)
    #expect(summaryValue(summary, "overall", "all")?.value == 50)
    #expect(summaryValue(summary, "split", "dev")?.value == 0)
    #expect(abs((summaryValue(summary, "category", "validation/Art")?.value ?? 0) - 200.0 / 3) < 1e-9)
  }

  @Test func withoutAValidationSplitTheHeadlineIsTheMean() {
    var aggregator = BenchmarkRegistry.mmmu.makeAggregator()
    aggregator.add(ScoredSample(sampleID: "1", score: SampleScore(value: 1), breakdown: [BreakdownKey("split", "dev")]))
    aggregator.add(ScoredSample(sampleID: "2", score: SampleScore(value: 0), breakdown: [BreakdownKey("split", "dev")]))
    #expect(aggregator.summary().headline == 50)
  }

  @Test func oracleScoresOneOnTheSampleSuite() throws {
    let result = try scoreAll("mmmu") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 13)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok })
    #expect(result.summary.headline == 100)
    #expect(
      try scoreAll("mmmu", response: { $0.oracleResponse(for: $1) }, options: ScoringOptions(boxed: .keep))
        .summary.headline == 100)
  }

  /// The baseline answers `A` everywhere: validation rows 1, 2, 5, 6 (open: gold → A) and 9 hit (5 of 10);
  /// dev rows 102 (open) and 103 hit (2 of 3).
  @Test func baselineOnTheSampleSuite() throws {
    let result = try scoreAll("mmmu") { $0.baselineResponse(for: $1) }
    let hits = Set(result.scores.filter { $0.value.value == 1 }.keys)
    #expect(hits == ["1", "2", "5", "6", "9", "102", "103"])
    #expect(result.summary.headline == 50)
    #expect(abs((summaryValue(result.summary, "split", "dev")?.value ?? 0) - 200.0 / 3) < 1e-9)
    #expect(abs((summaryValue(result.summary, "overall", "all")?.value ?? 0) - 700.0 / 13) < 1e-9)
  }
}
