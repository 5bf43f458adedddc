// Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20`
// (`vlmeval.dataset.utils.vqa_eval.process_line(line, 'relaxed_accuracy')` + `hit_calculate([r], 'ChartQA_TEST')`,
// refscore bench `relaxed`), see Golden/README.md. Golden files: Golden/chartqa.cases.jsonl,
// Golden/chartqa.golden.jsonl (57 cases).
import Foundation
import Testing

@testable import OcularCore

struct RelaxedCase: Decodable, Sendable, Identified {
  var id: String
  var pred: String
  /// The raw TSV cell: a plain string or a Python list literal.
  var answer: String
}

struct RelaxedGolden: Decodable, Sendable, Identified {
  var id: String
  var score: Double?
  var extracted: String?
  var match: [Bool]?
  var error: String?
}

struct RelaxedGoldenCase: Sendable, CustomTestStringConvertible {
  var input: RelaxedCase
  var golden: RelaxedGolden
  var testDescription: String { input.id }

  /// The golds as ChartQA reads the cell (`process_line`: a list literal's elements, else the cell).
  var golds: [String] { ChartQA.golds(of: memorySample(["answer": .string(input.answer)])) }

  static func all() throws -> [RelaxedGoldenCase] {
    try pairedGolden(cases: "chartqa.cases.jsonl", golden: "chartqa.golden.jsonl", RelaxedCase.self, RelaxedGolden.self)
      .map { RelaxedGoldenCase(input: $0.0, golden: $0.1) }
  }
}

@Suite("Relaxed accuracy: golden cases of ms-vlmeval 0.0.20 relaxed_correctness")
struct RelaxedAccuracyGoldenTests {
  @Test func goldenFilesHaveAllCases() throws {
    let cases = try RelaxedGoldenCase.all()
    #expect(cases.count == 57)
    #expect(cases.allSatisfy { $0.golden.error == nil && $0.golden.score != nil })
  }

  @Test(arguments: try RelaxedGoldenCase.all())
  func scoreMatchesReference(_ item: RelaxedGoldenCase) throws {
    let expected = try #require(item.golden.score)
    let golds = item.golds
    #expect(
      RelaxedAccuracy.score(prediction: item.input.pred, golds: golds) == expected,
      "\(item.input.id): golds \(golds)")
  }

  /// The per-gold matches pin down the gold list and each comparison; the prediction is stripped first.
  @Test(arguments: try RelaxedGoldenCase.all())
  func perGoldMatchesReference(_ item: RelaxedGoldenCase) throws {
    let match = try #require(item.golden.match)
    let golds = item.golds
    let stripped = PythonString.strip(item.input.pred)
    #expect(golds.map { RelaxedAccuracy.isCorrect(target: $0, prediction: stripped) } == match, "\(item.input.id)")
    #expect(item.golden.extracted.map(scalars) == scalars(stripped))
  }

  /// The same cases through the ChartQA benchmark, with the cell as the record's `answer`.
  @Test(arguments: try RelaxedGoldenCase.all())
  func benchmarkScoreMatchesReference(_ item: RelaxedGoldenCase) throws {
    let expected = try #require(item.golden.score)
    let sample = memorySample(["question": .string("q"), "answer": .string(item.input.answer)])
    let extraction = Extraction(
      raw: item.input.pred, thinking: nil, answer: item.input.pred, hasAnswerTag: false, isAnswerInThink: false)
    let score = BenchmarkRegistry.chartqa.score(extraction, for: sample, options: ScoringOptions())
    #expect(score.value == expected, "\(item.input.id)")
    #expect(score.status == .ok)
  }
}

@Suite("Relaxed accuracy: rules of benchmarks.md §3.8")
struct RelaxedAccuracyRuleTests {
  @Test func toFloatHandlesPercentAndPythonFloat() {
    #expect(RelaxedAccuracy.toFloat("12%") == 0.12)
    #expect(RelaxedAccuracy.toFloat("12%%") == 0.12)
    #expect(RelaxedAccuracy.toFloat(" 12 %") == 0.12)
    #expect(RelaxedAccuracy.toFloat("1,000") == nil)
    #expect(RelaxedAccuracy.toFloat("$5") == nil)
    #expect(RelaxedAccuracy.toFloat("1_000") == 1000)
    #expect(RelaxedAccuracy.toFloat("\u{FF14}\u{FF12}") == 42)  // Python's float folds Unicode decimal digits
    #expect(RelaxedAccuracy.toFloat("\u{2212}5") == nil)  // U+2212 MINUS SIGN is not a sign for float()
    #expect(RelaxedAccuracy.toFloat("nan")?.isNaN == true)
  }

  @Test func zeroGoldFallsThroughToText() {
    #expect(!RelaxedAccuracy.isCorrect(target: "0", prediction: "0.0"))
    #expect(RelaxedAccuracy.isCorrect(target: "0", prediction: "0"))
    #expect(RelaxedAccuracy.isZeroGoldTextComparison(target: "0%", prediction: "0"))
    #expect(!RelaxedAccuracy.isZeroGoldTextComparison(target: "5", prediction: "0"))
  }

  @Test func noGoldsScoreZero() {
    #expect(RelaxedAccuracy.score(prediction: "x", golds: []) == 0)
  }

  @Test func zeroGoldNoteOnChartQAScore() {
    let sample = memorySample(["question": .string("q"), "answer": .string("0")])
    let extraction = Extraction(raw: "0.0", thinking: nil, answer: "0.0", hasAnswerTag: false, isAnswerInThink: false)
    let score = BenchmarkRegistry.chartqa.score(extraction, for: sample, options: ScoringOptions())
    #expect(score.value == 0)
    #expect(score.notes.count == 1)
    #expect(score.parsed == "0.0")
  }
}
