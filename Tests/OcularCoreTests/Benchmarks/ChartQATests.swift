// ChartQA (benchmarks.md §3.8) against VLMEvalKit ms-vlmeval 0.0.20 (`vqa_eval.py`: relaxed_correctness,
// process_line, hit_calculate). Per-item golden values: Metrics/RelaxedAccuracyTests.swift. The sample-suite
// oracle and baseline values below were checked with refscore bench `relaxed` on the cases written by
// `scripts/make_suites_docs.py --refscore-cases` (oracle 12/12, baseline 2/12: rows 2 and 11, gold "Yes").
import Testing

@testable import OcularCore

@Suite("ChartQA benchmark")
struct ChartQATests {
  @Test func registryAndDescription() {
    let benchmark = BenchmarkRegistry.chartqa
    #expect(BenchmarkRegistry.benchmark(id: "chartqa") != nil)
    #expect(benchmark.group == .charts)
    #expect(benchmark.judgeLabel == "none")
    #expect(benchmark.descriptor.family == .vlmevalkit)
    #expect(benchmark.defaultPromptTemplate == "{question}\nAnswer the question using a single word or phrase.")
  }

  @Test func paperPrompt() throws {
    let (suite, samples) = try bundledSamples("chartqa")
    let sample = try #require(samples.first { $0.id == "1" })
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let text = "What is the value of the tallest bar?\nAnswer the question using a single word or phrase."
    let image = try #require(sample.images.first).absolutePath
    #expect(image.hasSuffix("/chartqa/images/chartqa_1.png"))
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(role: .system, content: [.text(ReferencePrompts.system)]),
        ChatMessage(role: .user, content: [.image(path: image), .text(text)]),
      ])
  }

  @Test func oracleScoresHundred() throws {
    let result = try scoreAll("chartqa") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 12)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok })
    #expect(result.summary.headline == 100)
  }

  @Test func baseline() throws {
    let result = try scoreAll("chartqa") { $0.baselineResponse(for: $1) }
    var expected: [String: Double] = [:]
    for index in 1...12 { expected["\(index)"] = 0 }
    expected["2"] = 1
    expected["11"] = 1
    #expect(result.scores.mapValues(\.value) == expected)
    #expect(abs(result.summary.headline - 200.0 / 12) < 1e-9)
    let splits = result.summary.values.filter { $0.dimension == "split" }
    #expect(splits.map(\.key) == ["augmented", "human"])
    #expect(splits.allSatisfy { abs($0.value - 100.0 / 6) < 1e-9 && $0.count == 6 })
    // Row 5: the gold is 0, so "Yes" is compared as text like every non-number; no zero-gold note.
    #expect(result.scores["5"]?.notes == [])
  }

  /// Overall is the mean over all rows, not the mean of the split means: human 1/2, augmented 3/3 → 4/5 = 80
  /// (the mean of splits would be 75).
  @Test func overallIsTheMeanOverAllRows() {
    let benchmark = BenchmarkRegistry.chartqa
    var aggregator = benchmark.makeAggregator()
    let rows: [(String, String, String)] = [
      ("human", "42", "42"), ("human", "17", "30"),
      ("augmented", "0.45", "45%"), ("augmented", "yes", "['Yes', 'No']"), ("augmented", "1,000", "1,000"),
    ]
    for (index, (split, prediction, answer)) in rows.enumerated() {
      let sample = memorySample(["question": .string("q"), "answer": .string(answer)], id: "\(index)", split: split)
      let extraction = AnswerExtractor.vlmevalkit(boxed: .unwrap).extract("<answer>\(prediction)</answer>")
      let score = benchmark.score(extraction, for: sample, options: ScoringOptions())
      aggregator.add(ScoredSample(sampleID: sample.id, score: score, breakdown: benchmark.breakdown(for: sample)))
    }
    let summary = aggregator.summary()
    #expect(summary.headline == 80)
    #expect(summary.headlineMetric == "relaxed_accuracy")
    let human = summary.values.first { $0.dimension == "split" && $0.key == "human" }
    let augmented = summary.values.first { $0.dimension == "split" && $0.key == "augmented" }
    #expect(human?.value == 50 && human?.count == 2)
    #expect(augmented?.value == 100 && augmented?.count == 3)
  }

  @Test func splitFallsBackToTheRecordColumn() {
    let sample = memorySample(["question": .string("q"), "answer": .string("1"), "split": .string("human")])
    #expect(BenchmarkRegistry.chartqa.breakdown(for: sample) == [BreakdownKey("split", "human")])
  }

  @Test func emptyAnswerListIsRejected() {
    let sample = memorySample(["question": .string("q"), "answer": .string("[]")])
    #expect(BenchmarkRegistry.chartqa.validate(sample) != nil)
    #expect(
      BenchmarkRegistry.chartqa.validate(memorySample(["question": .string("q"), "answer": .string("14")])) == nil)
  }

  /// A tuple literal is not a list for `istype(answer, list)`: the whole cell is the one gold.
  @Test func tupleCellIsOneGold() {
    let tuple = memorySample(["question": .string("q"), "answer": .string("('a', 'b')")])
    #expect(ChartQA.golds(of: tuple) == ["('a', 'b')"])
    let list = memorySample(["question": .string("q"), "answer": .string(" ['a', 'b']")])
    #expect(ChartQA.golds(of: list) == ["a", "b"])
    let array = memorySample(["question": .string("q"), "answer": .array([.string("a"), .string("b")])])
    #expect(ChartQA.golds(of: array) == ["a", "b"])
  }

  /// The oracle skips a gold that cannot match itself (`nan` never matches) and answers with one that does.
  @Test func oraclePrefersAGoldThatScores() {
    let sample = memorySample(["question": .string("q"), "answer": .string("['nan', '5']")])
    let benchmark = BenchmarkRegistry.chartqa
    let extraction = benchmark.extractor(options: ScoringOptions()).extract(benchmark.oracleResponse(for: sample))
    #expect(extraction.answer == "5")
    #expect(benchmark.score(extraction, for: sample, options: ScoringOptions()).value == 1)
  }
}
