// Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20`
// (`vlmeval.dataset.utils.multiple_choice.eval_vanilla(None, item, 'MCQ')` → `can_infer`), run with VERBOSE unset;
// see Golden/README.md. Golden files: Golden/mcq.cases.jsonl, Golden/mcq.golden.jsonl (61 cases).
import Foundation
import Testing

@testable import OcularCore

struct MCQCase: Decodable, Sendable, Identified {
  var id: String
  var pred: String
  var options: [String: String]
  var answer: String

  /// The options in letter order, as `can_infer` receives them.
  var choices: [(letter: String, text: String)] {
    options.keys.sorted().map { ($0, options[$0]!) }
  }
}

struct MCQGolden: Decodable, Sendable, Identified {
  var id: String
  var score: Double
  var extracted: String
}

struct MCQGoldenCase: Sendable, CustomTestStringConvertible {
  var input: MCQCase
  var golden: MCQGolden
  var testDescription: String { input.id }

  static func all() throws -> [MCQGoldenCase] {
    try pairedGolden(cases: "mcq.cases.jsonl", golden: "mcq.golden.jsonl", MCQCase.self, MCQGolden.self)
      .map { MCQGoldenCase(input: $0.0, golden: $0.1) }
  }
}

@Suite("OptionInference: golden cases of ms-vlmeval 0.0.20 can_infer")
struct OptionInferenceGoldenTests {
  /// The cases where `can_infer` itself returns the letter `Z` (a refusal phrase, or a lone `Z` token with no
  /// option letter), rather than failing (`False`, which `eval_vanilla` reports as `Z` too). Read from
  /// benchmarks.md §2.5 steps 2 and 4.
  static let literalZ: Set<String> = ["mcq-refusal-Z", "mcq-refusal-overrides-letter-Z", "mcq-token-Z-alone"]

  @Test func goldenFilesHaveAllCases() throws {
    let cases = try MCQGoldenCase.all()
    #expect(cases.count == 61)
    #expect(Set(cases.map(\.input.id)).count == 61)
    for id in Self.literalZ { #expect(cases.contains { $0.input.id == id }, "\(id)") }
  }

  @Test(arguments: try MCQGoldenCase.all())
  func inferMatchesReference(_ item: MCQGoldenCase) {
    let letter = OptionInference.infer(item.input.pred, choices: item.input.choices)
    if item.golden.extracted == "Z" {
      if Self.literalZ.contains(item.input.id) {
        #expect(letter == "Z", "\(item.input.id): can_infer returns the letter Z")
      } else {
        #expect(letter == nil, "\(item.input.id): reference could not infer (Z); Ocular must report unparsed")
      }
    } else {
      #expect(letter == item.golden.extracted, "\(item.input.id)")
    }
    let hit: Double = letter == item.input.answer ? 1 : 0
    #expect(hit == item.golden.score, "\(item.input.id): score")
  }

  /// The same cases through the MMStar scorer: value = golden score, unparsed exactly when the reference failed.
  @Test(arguments: try MCQGoldenCase.all())
  func vanillaScorerMatchesReference(_ item: MCQGoldenCase) {
    var record: [String: JSONValue] = ["question": .string("q"), "answer": .string(item.input.answer)]
    for (letter, text) in item.input.options { record[letter] = .string(text) }
    let sample = memorySample(record)
    let benchmark = BenchmarkRegistry.mmstar
    let extraction = Extraction(
      raw: item.input.pred, thinking: nil, answer: item.input.pred, hasAnswerTag: false, isAnswerInThink: false)
    let score = benchmark.score(extraction, for: sample, options: ScoringOptions())
    #expect(score.value == item.golden.score, "\(item.input.id)")
    let referenceFailed = item.golden.extracted == "Z" && !Self.literalZ.contains(item.input.id)
    #expect((score.status == .unparsed) == referenceFailed, "\(item.input.id): status \(score.status)")
    if !referenceFailed { #expect(score.parsed == item.golden.extracted, "\(item.input.id)") }
  }
}

@Suite("OptionInference: rules of benchmarks.md §2.5")
struct OptionInferenceRuleTests {
  static let fourChoices: [(letter: String, text: String)] = [
    ("A", "cat"), ("B", "dog"), ("C", "cow"), ("D", "horse"),
  ]

  @Test func examplesOfTheSpec() {
    // benchmarks.md §2.5 examples: "B" → B, "(B) 8/11" → B, "**C**" → C.
    let choices: [(letter: String, text: String)] = [("A", "1/2"), ("B", "8/11"), ("C", "3/4")]
    #expect(OptionInference.infer("B", choices: choices) == "B")
    #expect(OptionInference.infer("(B) 8/11", choices: choices) == "B")
    #expect(OptionInference.infer("**C**", choices: choices) == "C")
  }

  @Test func letterRuleAloneDoesNotFallBackToText() {
    // "A cat sits on the mat": A is token 0 of 6, so the option rule fails...
    #expect(OptionInference.letter(in: "A cat sits on the mat", choices: Self.fourChoices) == nil)
    // ...and the text rule decides: "cat" is the only option text contained.
    #expect(OptionInference.text(in: "A cat sits on the mat", choices: Self.fourChoices) == "A")
    #expect(OptionInference.infer("A cat sits on the mat", choices: Self.fourChoices) == "A")
  }

  @Test func textRuleBudgetIsTwiceTheOptionLengths() {
    // Σ len = 3 + 3 + 3 + 5 = 14, so a prediction of 28 scalars passes and 29 does not.
    let exactly28 = "horse" + String(repeating: "x", count: 23)
    let exactly29 = exactly28 + "x"
    #expect(OptionInference.text(in: exactly28, choices: Self.fourChoices) == "D")
    #expect(OptionInference.text(in: exactly29, choices: Self.fourChoices) == nil)
  }

  @Test func failedAPIMessageIsNeverALetterButTextMayStillDecide() {
    // can_infer_option returns False; can_infer_text then runs on the lower-cased text.
    let choices: [(letter: String, text: String)] = [
      ("A", "Failed to obtain answer via API long option text"), ("B", "something else entirely here"),
    ]
    #expect(OptionInference.letter(in: "Failed to obtain answer via API. B", choices: choices) == nil)
    #expect(OptionInference.infer("Failed to obtain answer via API long option text", choices: choices) == "A")
  }
}
