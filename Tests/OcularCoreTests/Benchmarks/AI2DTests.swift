// AI2D, benchmarks.md §3.7. Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20`, through refscore bench `mcq`
// (`eval_vanilla(None, item, 'AI2D_TEST')` → `can_infer`, exact_matching), run with VERBOSE unset
// (Golden/ai2d.cases.jsonl, ai2d.golden.jsonl; 20 cases); prompts from `ImageMCQDataset.build_prompt`
// (Golden/mcq_prompts.*). See Golden/README.md.
import Testing

@testable import OcularCore

struct AI2DPair: Sendable, CustomTestStringConvertible {
  var input: MCQCase
  var golden: MCQGolden
  var testDescription: String { input.id }

  static func all() throws -> [AI2DPair] {
    try pairedGolden(cases: "ai2d.cases.jsonl", golden: "ai2d.golden.jsonl", MCQCase.self, MCQGolden.self)
      .map { AI2DPair(input: $0.0, golden: $0.1) }
  }
}

@Suite("AI2D benchmark")
struct AI2DTests {
  /// Cases where `can_infer` itself returns the letter `Z` (a refusal phrase; a lone `Z` token).
  static let literalZ: Set<String> = ["ai2d-refusal", "ai2d-Z-token"]

  @Test func goldenFilesHaveAllCases() throws {
    #expect(try AI2DPair.all().count == 20)
  }

  @Test(arguments: try AI2DPair.all())
  func scoreMatchesReference(_ pair: AI2DPair) {
    var record: [String: JSONValue] = ["question": .string("q"), "answer": .string(pair.input.answer)]
    for (letter, text) in pair.input.options { record[letter] = .string(text) }
    let score = BenchmarkRegistry.ai2d.score(
      predictionExtraction(pair.input.pred), for: memorySample(record), options: ScoringOptions())
    #expect(score.value == pair.golden.score, "\(pair.input.id)")
    let failed = pair.golden.extracted == "Z" && !Self.literalZ.contains(pair.input.id)
    #expect((score.status == .unparsed) == failed, "\(pair.input.id)")
    #expect(score.parsed == (failed ? nil : pair.golden.extracted), "\(pair.input.id)")
  }

  @Test(arguments: try MCQPromptPair.all(bench: "ai2d"))
  func promptMatchesReference(_ pair: MCQPromptPair) throws {
    try pair.check(BenchmarkRegistry.ai2d)
  }

  @Test func definition() {
    let benchmark = BenchmarkRegistry.ai2d
    #expect(benchmark.group == .charts && benchmark.metric == "mcq_accuracy")
    #expect(benchmark.judgeLabel == "exact_matching")
    #expect(BenchmarkRegistry.benchmark(id: "ai2d") != nil)
  }

  @Test func oracleScoresOneOnTheSampleSuite() throws {
    let result = try scoreAll("ai2d") { $0.oracleResponse(for: $1) }
    #expect(result.scores.count == 12)
    #expect(result.scores.values.allSatisfy { $0.value == 1 && $0.status == .ok })
    #expect(result.summary.headline == 100)
  }

  /// The baseline answers `A`: rows 0, 4 and 9 have gold A.
  @Test func baselineOnTheSampleSuite() throws {
    let result = try scoreAll("ai2d") { $0.baselineResponse(for: $1) }
    #expect(Set(result.scores.filter { $0.value.value == 1 }.keys) == ["0", "4", "9"])
    #expect(result.summary.headline == 25)
  }
}
