// Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20`
// (`vlmeval.dataset.utils.vqa_eval.process_line(line, 'anls')` + `hit_calculate([r], 'DocVQA_VAL')`), see
// Golden/README.md. Golden files: Golden/anls.cases.jsonl, Golden/anls.golden.jsonl (40 cases).
import Foundation
import Testing

@testable import OcularCore

struct ANLSCase: Decodable, Sendable, Identified {
  var id: String
  var pred: String
  /// The raw TSV cell: usually a Python list literal.
  var answer: String
}

struct ANLSGolden: Decodable, Sendable, Identified {
  var id: String
  var score: Double?
  var extracted: String?
  var anls_unthresholded: Double?
  var match: [Double]?
  var error: String?
}

struct ANLSGoldenCase: Sendable, CustomTestStringConvertible {
  var input: ANLSCase
  var golden: ANLSGolden
  var testDescription: String { input.id }

  static func all() throws -> [ANLSGoldenCase] {
    try pairedGolden(cases: "anls.cases.jsonl", golden: "anls.golden.jsonl", ANLSCase.self, ANLSGolden.self)
      .map { ANLSGoldenCase(input: $0.0, golden: $0.1) }
  }

  static func scored() throws -> [ANLSGoldenCase] { try all().filter { $0.golden.error == nil } }
  static func erroring() throws -> [ANLSGoldenCase] { try all().filter { $0.golden.error != nil } }
}

@Suite("ANLS: golden cases of ms-vlmeval 0.0.20 anls_compute")
struct ANLSGoldenTests {
  static let tolerance = 1e-12

  @Test func goldenFilesHaveAllCases() throws {
    #expect(try ANLSGoldenCase.all().count == 40)
    // Exactly one case errors in the reference (README: "No other case errors").
    #expect(try ANLSGoldenCase.erroring().map(\.input.id) == ["anls-list-cell-with-int-element-error"])
  }

  @Test(arguments: try ANLSGoldenCase.scored())
  func scoreMatchesReference(_ item: ANLSGoldenCase) throws {
    let expected = try #require(item.golden.score)
    let golds = PythonLiteral.stringList(item.input.answer)
    let actual = ANLS.score(prediction: item.input.pred, golds: golds)
    #expect(
      abs(actual - expected) <= Self.tolerance, "\(item.input.id): golds \(golds) → \(actual), reference \(expected)")
  }

  /// The per-gold normalized distances (`match`) and the unthresholded value, which pin down the gold list too.
  @Test(arguments: try ANLSGoldenCase.scored())
  func distancesMatchReference(_ item: ANLSGoldenCase) throws {
    let match = try #require(item.golden.match)
    let golds = PythonLiteral.stringList(item.input.answer)
    #expect(golds.count == match.count, "\(item.input.id): golds \(golds), reference has \(match.count)")
    for (gold, expected) in zip(golds, match) {
      let actual = ANLS.normalizedDistance(gold: gold, prediction: item.input.pred)
      #expect(abs(actual - expected) <= Self.tolerance, "\(item.input.id): gold \(gold.debugDescription)")
    }
    if let unthresholded = item.golden.anls_unthresholded, golds.count == match.count {
      let best = golds.map { ANLS.normalizedDistance(gold: $0, prediction: item.input.pred) }.min() ?? 1
      #expect(abs((1 - best) - unthresholded) <= Self.tolerance, "\(item.input.id)")
    }
    // The reference scores the prediction verbatim (README: "extracted (the raw prediction)").
    #expect(item.golden.extracted.map(scalars) == scalars(item.input.pred))
  }

  /// The reference crashes on `[1234, '1,234']` (`'int' object has no attribute 'strip'`). Ocular's choice: such a
  /// record is invalid input, so the benchmark's validation rejects it (and the suite loader with it) instead of
  /// inventing a score from a stringified number.
  @Test(arguments: try ANLSGoldenCase.erroring())
  func nonStringGoldIsRejected(_ item: ANLSGoldenCase) {
    let sample = memorySample(["question": .string("q"), "answer": .string(item.input.answer)])
    let problem = BenchmarkRegistry.docvqa.validate(sample)
    #expect(
      problem != nil,
      "\(item.input.id): \(item.input.answer) must be rejected, golds read as \(ANLSBenchmark.golds(of: sample))")
    #expect(problem?.contains("answer") == true, "\(item.input.id): message should name the field: \(problem ?? "nil")")
  }

  /// Other list cells on which the reference's `.strip()` over the elements would raise likewise (None, float,
  /// bool, nested list): Ocular must not score them silently either.
  @Test(arguments: ["['a', None]", "['a', 1.5]", "[True, 'x']", "['a', ['b']]"])
  func otherNonStringElementsAreRejected(_ cell: String) {
    let sample = memorySample(["question": .string("q"), "answer": .string(cell)])
    #expect(
      BenchmarkRegistry.docvqa.validate(sample) != nil, "\(cell): golds read as \(ANLSBenchmark.golds(of: sample))")
  }

  @Test func answersFromJSONArrayEqualLiteralCell() {
    // The `answers` array form of a record gives the same golds as the literal cell.
    let fromArray = ANLSBenchmark.golds(of: memorySample(["answer": .array([.string("ITC Limited"), .string("itc")])]))
    let fromCell = ANLSBenchmark.golds(of: memorySample(["answer": .string("['ITC Limited', 'itc']")]))
    #expect(fromArray == ["ITC Limited", "itc"])
    #expect(fromCell == fromArray)
    #expect(ANLS.score(prediction: "itc", golds: fromArray) == 1)
  }
}

@Suite("ANLS: formula of benchmarks.md §3.13")
struct ANLSFormulaTests {
  @Test func levenshteinCountsScalars() {
    #expect(ANLS.levenshtein("kitten", "sitting") == 3)
    #expect(ANLS.levenshtein("", "abc") == 3)
    #expect(ANLS.levenshtein("abc", "") == 3)
    // NFC é (1 scalar) vs NFD e + U+0301 (2 scalars): substitute e→é... distance 2 in scalars, 0 in Characters.
    #expect(ANLS.levenshtein("caf\u{E9}", "cafe\u{301}") == 2)
  }

  @Test func emptyGoldListScoresZero() {
    #expect(ANLS.score(prediction: "x", golds: []) == 0)
  }

  @Test func thresholdKeepsExactlyHalf() {
    // d("abxy","abcd") = 2, L = 4 → 0.5 kept; d = 4 of L = 7 → 3/7 < 0.5 → 0.
    #expect(ANLS.score(prediction: "abxy", golds: ["abcd"]) == 0.5)
    #expect(ANLS.score(prediction: "abcxyzw", golds: ["abcdefg"]) == 0)
  }
}
