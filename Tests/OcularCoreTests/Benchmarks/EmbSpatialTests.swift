// EmbSpatial, benchmarks.md §3.10. Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20`, run by
// scripts/golden/mcq_driver.py: `cal_scores.compute_mcq_score` (`can_match_option` on the prediction and on
// `answer.strip()`, then `exact_match`) and `eval_mcq_score` with `build_mcq_score_fn(model='exact_matching')`,
// grouped by `data_source` (Golden/embspatial.cases.jsonl, embspatial.golden.jsonl, embspatial.metrics.json;
// 30 cases); prompts from `EmbSpatialBench.build_prompt` (Golden/mcq_prompts.*). See Golden/README.md.
import Foundation
import Testing

@testable import OcularCore

struct EmbSpatialCase: Decodable, Sendable, Identified {
  var id: String
  var pred: String
  var answer: String
  var dataSource: String

  private enum CodingKeys: String, CodingKey {
    case id, pred, answer
    case dataSource = "data_source"
  }

  var sample: Sample {
    memorySample(
      [
        "question": .string("Which object is closer?"), "options": .string("['a', 'b', 'c', 'd']"),
        "answer": .string(answer), "data_source": .string(dataSource),
      ], id: id)
  }
}

/// A letter or Python's `False`, as the golden files write `can_match_option`'s result.
enum MatchResult: Decodable, Sendable, Equatable {
  case letter(String)
  case none

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let letter = try? container.decode(String.self) {
      self = .letter(letter)
    } else {
      _ = try container.decode(Bool.self)
      self = .none
    }
  }

  var letter: String? {
    if case .letter(let letter) = self { return letter }
    return nil
  }
}

struct EmbSpatialGolden: Decodable, Sendable, Identified {
  var id: String
  var predExtracted: MatchResult
  var goldExtracted: MatchResult
  var hit: Double

  private enum CodingKeys: String, CodingKey {
    case id, hit
    case predExtracted = "pred_extracted"
    case goldExtracted = "gold_extracted"
  }
}

struct EmbSpatialPair: Sendable, CustomTestStringConvertible {
  var input: EmbSpatialCase
  var golden: EmbSpatialGolden
  var testDescription: String { input.id }

  static func all() throws -> [EmbSpatialPair] {
    try pairedGolden(
      cases: "embspatial.cases.jsonl", golden: "embspatial.golden.jsonl", EmbSpatialCase.self,
      EmbSpatialGolden.self
    )
    .map { EmbSpatialPair(input: $0.0, golden: $0.1) }
  }
}

@Suite("EmbSpatial: golden cases of ms-vlmeval 0.0.20 compute_mcq_score / can_match_option")
struct EmbSpatialGoldenTests {
  @Test func goldenFilesHaveAllCases() throws {
    #expect(try EmbSpatialPair.all().count == 30)
  }

  @Test(arguments: try EmbSpatialPair.all())
  func matcherMatchesReference(_ pair: EmbSpatialPair) {
    #expect(OptionMatching.letter(in: pair.input.pred) == pair.golden.predExtracted.letter, "\(pair.input.id)")
    #expect(
      OptionMatching.letter(in: PythonString.strip(pair.input.answer)) == pair.golden.goldExtracted.letter,
      "\(pair.input.id) gold")
  }

  @Test(arguments: try EmbSpatialPair.all())
  func scoreMatchesReference(_ pair: EmbSpatialPair) {
    let score = BenchmarkRegistry.embspatial.score(
      predictionExtraction(pair.input.pred), for: pair.input.sample, options: ScoringOptions())
    #expect(score.value == pair.golden.hit, "\(pair.input.id)")
    #expect((score.status == .unparsed) == (pair.golden.predExtracted == .none), "\(pair.input.id)")
    #expect(score.parsed == pair.golden.predExtracted.letter)
  }

  /// `overall` and `<data_source>_accuracy` of `eval_mcq_score` (already in percent).
  @Test func aggregationMatchesEvalMCQScore() throws {
    struct Metrics: Decodable { var summary: [String: Double] }
    let reference = try goldenJSON(Metrics.self, "embspatial.metrics.json").summary
    let benchmark = BenchmarkRegistry.embspatial
    var aggregator = benchmark.makeAggregator()
    for pair in try EmbSpatialPair.all() {
      let sample = pair.input.sample
      let score = benchmark.score(predictionExtraction(pair.input.pred), for: sample, options: ScoringOptions())
      aggregator.add(ScoredSample(sampleID: sample.id, score: score, breakdown: benchmark.breakdown(for: sample)))
    }
    let summary = aggregator.summary()
    #expect(abs(summary.headline - (reference["overall"] ?? -1)) < 1e-9)
    for source in ["mp3d", "ai2thor", "scannet"] {
      let value = try #require(summaryValue(summary, "data_source", source))
      #expect(abs(value.value - (reference["\(source)_accuracy"] ?? -1)) < 1e-9, "\(source)")
    }
  }

  @Test(arguments: try MCQPromptPair.all(bench: "embspatial"))
  func promptMatchesReference(_ pair: MCQPromptPair) throws {
    try pair.check(BenchmarkRegistry.embspatial)
  }
}

@Suite("EmbSpatial benchmark")
struct EmbSpatialTests {
  static func sample(options: JSONValue, answer: String = "B") -> Sample {
    memorySample(["question": .string("Where?"), "options": options, "answer": .string(answer)])
  }

  @Test func optionCellsParseAsTheReferenceReadsThem() {
    #expect(EmbSpatial.options(of: Self.sample(options: .string("[\"a\", \"b's\"]"))) == ["a", "b's"])
    #expect(EmbSpatial.options(of: Self.sample(options: .string("['a', \"b's\"]"))) == ["a", "b's"])
    #expect(EmbSpatial.options(of: Self.sample(options: .array([.string("x"), .string("y")]))) == ["x", "y"])
    #expect(EmbSpatial.options(of: Self.sample(options: .string("[1, 2]"))) == nil)
    #expect(EmbSpatial.options(of: Self.sample(options: .string("\"ab\""))) == nil)
    #expect(EmbSpatial.options(of: Self.sample(options: .string("not a list"))) == nil)
    #expect(BenchmarkRegistry.embspatial.validate(Self.sample(options: .string("not a list"))) != nil)
    #expect(BenchmarkRegistry.embspatial.validate(Self.sample(options: .string("[]"))) != nil)
  }

  @Test func paperPromptText() throws {
    let (suite, samples) = try bundledSamples("embspatial")
    let sample = try #require(samples.first { $0.id == "5" })
    let messages = PromptBuilder(benchmark: suite.benchmark, template: suite.template, profile: .paper)
      .messages(for: sample)
    try #require(messages.count == 2)
    #expect(messages[0].content == [.text(PromptBuilder.vlmevalkitSystemPrompt)])
    #expect(
      messages[1].content == [
        .image(path: sample.images[0].absolutePath),
        .text(
          "Question: Which object is farthest from the camera?\nOptions:\nA: the man's chair\n"
            + "B: the \"blue\" vase\nC: the window\nD: the rug\n"
            + "Give me the answer letter directly. The best answer is:"),
      ])
  }

  /// Which rule decides, read from `can_match_option`'s code (benchmarks.md §3.10 numbering).
  @Test func rulesThatDecide() {
    let cases: [(String, OptionMatching.Rule, String)] = [
      ("<answer> c. the table </answer>", .answerBlock, "C"),
      ("it is (D)</think>", .tailAnchor, "D"),
      ("<think>x</think>\nB", .linesAfterThink, "B"),
      ("lots of text</think>" + String(repeating: "\n", count: 8) + "E) yes</think>", .linesOfTail, "E"),
      ("answer: b) because", .phrase, "B"),
      ("I pick A. Why not.", .linesAfterThink, "A"),
      ("Option A: x\nOption B: y\nthe final answer is c", .phrase, "C"),
      ("option A: lamp\nsee (F)?x", .linesAfterThink, "F"),
    ]
    for (text, rule, letter) in cases {
      let match = OptionMatching.match(text)
      #expect(match?.rule == rule && match?.letter == letter, "\(text.debugDescription): \(String(describing: match))")
    }
  }

  @Test func bothSidesFalseIsAHitAsInTheReference() {
    let sample = Self.sample(options: .string("['a', 'b']"), answer: "G")
    let score = BenchmarkRegistry.embspatial.score(
      predictionExtraction("no idea"), for: sample, options: ScoringOptions())
    #expect(score.value == 1 && score.status == .unparsed)
    #expect(score.notes.contains("reference quirk: both sides False count as a hit"))
  }

  @Test func oracleScoresOneOnTheSampleSuite() throws {
    let result = try scoreAll("embspatial") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 12)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok })
    #expect(result.summary.headline == 100)
  }

  /// The baseline answers `A`: rows 0, 1 and 7 have gold A (mp3d 2 of 4, ai2thor 1 of 4, scannet 0 of 4).
  @Test func baselineOnTheSampleSuite() throws {
    let result = try scoreAll("embspatial") { $0.baselineResponse(for: $1) }
    #expect(Set(result.scores.filter { $0.value.value == 1 }.keys) == ["0", "1", "7"])
    #expect(result.summary.headline == 25)
    #expect(summaryValue(result.summary, "data_source", "mp3d")?.value == 50)
    #expect(summaryValue(result.summary, "data_source", "ai2thor")?.value == 25)
    #expect(summaryValue(result.summary, "data_source", "scannet")?.value == 0)
  }
}
