// MMMU under the `lmms-eval` profile against lmms-eval 0.7.3's own code. Every expected value comes from
// Golden/mmmu_lmms.golden.jsonl: refscore bench `mmmu_lmms` (`strip_reasoning_tags` with the CLI default tags,
// `.strip()`, then `tasks/mmmu/utils.mmmu_process_results` + `evaluate_mmmu([sample])`, seed 0 for the reference's
// `random.choice` fallback, which it flags as `random_fallback`).
import Foundation
import Testing

@testable import OcularCore

struct MMMULMMSCase: Decodable, Sendable, Identified {
  var id: String
  var pred: String
  var questionType: String
  var options: [String]
  var answer: String
  /// False when the Ocular record leaves out `question_type` (it is then inferred from option `A`).
  var typed: Bool?
  /// True when the case is meant to hit the reference's random fallback.
  var fallback: Bool?

  enum CodingKeys: String, CodingKey {
    case id, pred, options, answer, typed, fallback
    case questionType = "question_type"
  }
}

struct MMMULMMSGolden: Decodable, Sendable, Identified {
  var id: String
  var score: Double
  var extracted: JSONValue
  var isRandomFallback: Bool?

  enum CodingKeys: String, CodingKey {
    case id, score, extracted
    case isRandomFallback = "random_fallback"
  }
}

@Suite("MMMU under lmms-eval: mmmu_process_results of lmms-eval 0.7.3 (golden)")
struct MMMULMMSEvalGoldenTests {
  static func pairs() throws -> [(MMMULMMSCase, MMMULMMSGolden)] {
    try pairedGolden(
      cases: "mmmu_lmms.cases.jsonl", golden: "mmmu_lmms.golden.jsonl", MMMULMMSCase.self, MMMULMMSGolden.self)
  }

  /// The Ocular record of a case: option columns A, B, … and, unless the case says not, `question_type`.
  static func sample(of input: MMMULMMSCase) -> Sample {
    var record: [String: JSONValue] = ["question": .string("q"), "answer": .string(input.answer)]
    for (index, option) in input.options.enumerated() {
      record[String(Unicode.Scalar(UInt8(65 + index)))] = .string(option)
    }
    if input.typed ?? true { record["question_type"] = .string(input.questionType) }
    return memorySample(record, id: input.id, split: "validation")
  }

  static func score(_ input: MMMULMMSCase, profile: ScoringProfile = .lmmsEval) -> SampleScore {
    let extraction = AnswerExtractor.vlmevalkit(boxed: .unwrap).extract(input.pred)
    return BenchmarkRegistry.mmmu.score(extraction, for: sample(of: input), options: ScoringOptions(profile: profile))
  }

  @Test func goldenFileCoversEveryKindOfCase() throws {
    let pairs = try Self.pairs()
    #expect(pairs.count == 60)
    #expect(pairs.filter { $0.1.isRandomFallback == true }.count == 11)
    #expect(pairs.filter { $0.0.questionType == "open" }.count == 28)
    #expect(pairs.filter { $0.0.typed == false }.count == 2)
    // Each case meant to hit the fallback does, in the reference.
    for (input, golden) in pairs where input.fallback == true {
      #expect(golden.isRandomFallback == true, "\(input.id)")
    }
  }

  @Test func multipleChoiceScoresAsLMMSEval() throws {
    for (input, golden) in try Self.pairs() where input.questionType == "multiple-choice" {
      guard golden.isRandomFallback != true else { continue }
      let score = Self.score(input)
      #expect(score.status == .ok, "\(input.id)")
      #expect(score.value == golden.score, "\(input.id): \(score)")
      #expect(score.parsed.map(scalars) == golden.extracted.cellText.map(scalars), "\(input.id)")
    }
  }

  @Test func randomFallbackScoresZeroUnparsedInsteadOfAGuess() throws {
    var count = 0
    for (input, golden) in try Self.pairs() where golden.isRandomFallback == true {
      count += 1
      // The reference guessed one of the options (seeded); Ocular never guesses.
      let letters = input.options.indices.map { String(Unicode.Scalar(UInt8(65 + $0))) }
      #expect(letters.contains(golden.extracted.cellText ?? ""), "\(input.id)")
      let score = Self.score(input)
      #expect(score == .unparsed(notes: [MMMU.randomFallbackNote]), "\(input.id)")
    }
    #expect(count > 0)
  }

  @Test func openQuestionsScoreAsLMMSEval() throws {
    for (input, golden) in try Self.pairs() where input.questionType == "open" {
      let score = Self.score(input)
      #expect(score.status == .ok, "\(input.id)")
      #expect(score.value == golden.score, "\(input.id): \(score)")
      guard case .array(let items) = golden.extracted else {
        Issue.record("\(input.id): the reference's open parse is a list")
        continue
      }
      let candidates = LMMSEvalMMMU.parseOpen(LMMSEvalPrediction.prediction(from: input.pred))
      #expect(candidates.count == items.count, "\(input.id): \(candidates)")
      for item in items {
        switch item {
        case .string(let text):
          #expect(candidates.contains(.text(text)), "\(input.id): \(text) in \(candidates)")
        case .number(let number):
          #expect(candidates.contains(.number(number)), "\(input.id): \(number) in \(candidates)")
        default:
          // refscore writes a non-finite float as null.
          #expect(
            candidates.contains { if case .number(let number) = $0 { !number.isFinite } else { false } },
            "\(input.id): a non-finite number in \(candidates)")
        }
      }
    }
  }

  @Test func theProfileChangesScores() throws {
    let pairs = try Self.pairs()
    let differing = pairs.filter { Self.score($0.0).value != Self.score($0.0, profile: .vlmevalkit).value }
    #expect(!differing.isEmpty)
    #expect(BenchmarkRegistry.mmmu.defines(.lmmsEval))
    #expect(!BenchmarkRegistry.mmmu.defines(.corrected))
  }

  @Test func numberPatternsFollowPythonRe() {
    #expect(LMMSEvalMMMU.extractNumbers("1,234,567 and 12,34") == ["1,234,567", "567", "34"])
    #expect(LMMSEvalMMMU.extractNumbers("6.02e23 -5 .5") == ["6.02e23", "6", "23", "-5", ".5"])
    #expect(LMMSEvalMMMU.extractNumbers("x1 1_000 abc") == ["1", "000"])
    #expect(LMMSEvalMMMU.normalize("a") == [.text(" a"), .text("a ")])
    #expect(LMMSEvalMMMU.normalize(" 3.14159 ") == [.number(3.14)])
    #expect(LMMSEvalMMMU.parseMultipleChoice("no letter here", options: ["x", "y"]) == nil)
  }
}
