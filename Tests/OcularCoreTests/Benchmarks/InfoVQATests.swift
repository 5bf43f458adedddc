// Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20` (`vlmeval.dataset.utils.vqa_eval.process_line(line,
// 'anls')` + `hit_calculate([r], 'InfoVQA_VAL')`, refscore bench `anls` with `dataset: InfoVQA_VAL`), see
// Golden/README.md. Golden files: Golden/infovqa.cases.jsonl, Golden/infovqa.golden.jsonl (24 cases, one of which
// crashes the reference). InfoVQA is DocVQA's `ANLSBenchmark` under another id (benchmarks.md §3.15).
import Foundation
import Testing

@testable import OcularCore

struct InfoVQAGoldenCase: Sendable, CustomTestStringConvertible {
  var input: ANLSCase
  var golden: ANLSGolden
  var testDescription: String { input.id }

  var sample: Sample { memorySample(["question": .string("q"), "answer": .string(input.answer)]) }

  static func all() throws -> [InfoVQAGoldenCase] {
    try pairedGolden(cases: "infovqa.cases.jsonl", golden: "infovqa.golden.jsonl", ANLSCase.self, ANLSGolden.self)
      .map { InfoVQAGoldenCase(input: $0.0, golden: $0.1) }
  }
}

@Suite("InfoVQA: golden cases of ms-vlmeval 0.0.20 anls_compute (InfoVQA_VAL)")
struct InfoVQAGoldenTests {
  static let tolerance = 1e-12

  @Test func goldenFilesHaveAllCases() throws {
    let cases = try InfoVQAGoldenCase.all()
    #expect(cases.count == 24)
    #expect(cases.filter { $0.golden.error != nil }.map(\.input.id) == ["infovqa-non-string-element-error"])
  }

  @Test(arguments: try InfoVQAGoldenCase.all().filter { $0.golden.error == nil })
  func scoreMatchesReference(_ item: InfoVQAGoldenCase) throws {
    let expected = try #require(item.golden.score)
    let extraction = Extraction(
      raw: item.input.pred, thinking: nil, answer: item.input.pred, hasAnswerTag: false, isAnswerInThink: false)
    let score = BenchmarkRegistry.infovqa.score(extraction, for: item.sample, options: ScoringOptions())
    #expect(abs(score.value - expected) <= Self.tolerance, "\(item.input.id): \(score.value) vs \(expected)")
    let match = try #require(item.golden.match)
    let golds = ANLSBenchmark.golds(of: item.sample)
    #expect(golds.count == match.count, "\(item.input.id)")
    for (gold, distance) in zip(golds, match) {
      let actual = ANLS.normalizedDistance(gold: gold, prediction: item.input.pred)
      #expect(abs(actual - distance) <= Self.tolerance, "\(item.input.id): gold \(gold.debugDescription)")
    }
  }

  /// The reference crashes on `[1234, '1,234']` (`'int' object has no attribute 'strip'`). InfoVQA shares DocVQA's
  /// reading of the answer cell, so it treats such a record exactly as DocVQA does.
  @Test func nonStringGoldIsHandledLikeDocVQA() throws {
    let item = try #require(try InfoVQAGoldenCase.all().first { $0.golden.error != nil })
    #expect(BenchmarkRegistry.infovqa.validate(item.sample) == BenchmarkRegistry.docvqa.validate(item.sample))
  }
}

@Suite("InfoVQA benchmark")
struct InfoVQATests {
  @Test func registryAndDescription() {
    let benchmark = BenchmarkRegistry.infovqa
    #expect(BenchmarkRegistry.benchmark(id: "infovqa")?.title == "InfoVQA")
    #expect(benchmark.group == .documents)
    #expect(benchmark.metric == "anls")
    #expect(benchmark.judgeLabel == "none")
    #expect(benchmark.defaultPromptTemplate == BenchmarkRegistry.docvqa.defaultPromptTemplate)
  }

  @Test func paperPrompt() throws {
    let (suite, samples) = try bundledSamples("infovqa")
    let sample = try #require(samples.first { $0.id == "1" })
    let builder = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
    let text = "What percentage of adults use social media daily?\nAnswer the question using a single word or phrase."
    #expect(
      builder.messages(for: sample) == [
        ChatMessage(role: .system, content: [.text(ReferencePrompts.system)]),
        ChatMessage(role: .user, content: [.image(path: sample.images[0].absolutePath), .text(text)]),
      ])
  }

  /// Hand-computed mean: 1 (exact), 0.75 (`axy     ` vs `abc`: padding raises L to 8, d = 2), 0 (below 0.5),
  /// 0.5 (kept) → 2.25 / 4 = 56.25.
  @Test func aggregationIsThePlainMean() {
    let benchmark = BenchmarkRegistry.infovqa
    var aggregator = benchmark.makeAggregator()
    let rows: [(String, String)] = [
      ("2015", "['2015']"), ("axy     ", "['abc']"), ("xyz", "['abc']"), ("abxy", "['abcd']"),
    ]
    for (index, (prediction, answer)) in rows.enumerated() {
      let sample = memorySample(["question": .string("q"), "answer": .string(answer)], id: "\(index)")
      let extraction = Extraction(
        raw: prediction, thinking: nil, answer: prediction, hasAnswerTag: false, isAnswerInThink: false)
      let score = benchmark.score(extraction, for: sample, options: ScoringOptions())
      aggregator.add(ScoredSample(sampleID: sample.id, score: score, breakdown: benchmark.breakdown(for: sample)))
    }
    #expect(aggregator.summary().headline == 56.25)
    #expect(aggregator.summary().headlineMetric == "anls")
  }

  @Test func oracleScoresHundred() throws {
    let result = try scoreAll("infovqa") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 12)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok })
    #expect(result.summary.headline == 100)
  }

  @Test func baselineScoresZero() throws {
    // refscore `anls` (InfoVQA_VAL) gives 0 for `unknown` on all 12 rows.
    let result = try scoreAll("infovqa") { $0.baselineResponse(for: $1) }
    #expect(result.scores.values.allSatisfy { $0.value == 0 })
    #expect(result.summary.headline == 0)
  }
}
