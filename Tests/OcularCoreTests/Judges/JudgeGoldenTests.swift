// The LLM-judge path (Sources/OcularCore/Judges/) against VLMEvalKit, PyPI `ms-vlmeval==0.0.20` (Apache-2.0).
//
// GOLDEN, produced by the reference with scripts/golden/judge_prompts_driver.py (see Golden/README.md, section
// "judges"), which calls the real functions with a stub judge object that records every prompt and answers a fixed
// reply:
// - Golden/judge_prompts.cases.jsonl → `prompts` → judge_prompts.golden.jsonl (40 cases, 3–6 records per
//   benchmark):
//   the prompt of the reference's first judge call, byte for byte, or null when the reference makes no call
//   (extract_answer_from_item / eval_vanilla, MathVista_auxeval, MATH_V_auxeval, MathVerse_auxeval_extract,
//   charxiv.auxeval, llm_extract.extract_ans_by_llm).
// - Golden/judge_outputs.cases.jsonl → `outputs` → judge_outputs.golden.jsonl (91 cases): the reference's verdict
//   when the judge replies `judge_output` (can_infer for MCQ, post_check on `res` for MathVista and MathVision,
//   post_check_score on the extract for MathVerse, json.loads for CharXiv, the EASI grade for EmbSpatial).
//
// Documented differences, asserted explicitly below: a reply the reference answers with a random letter (MCQ) is
// `unparsed` here; a reply it retries and then grades `C` (EmbSpatial), or on which it raises, is `unparsed`;
// CharXiv accepts `extracted_answer` (benchmarks.md §3.9) and reports a non-numeric `score` unparsed.
// MathVerse's second, 0/1 question is not part of these files (the driver runs stage 1 only): a reply that is not
// strip-equal to the gold is left to it (JudgeCallsGoldenTests checks both stages against the reference).
import Foundation
import Testing

@testable import OcularCore

/// A judge-prompt case: a benchmark, a TSV record and the E1 prediction.
struct JudgePromptCase: Decodable, Sendable, Identified {
  var id: String
  var bench: String
  var record: [String: JSONValue]
  var prediction: String
  var judgeOutput: String?

  private enum CodingKeys: String, CodingKey {
    case id, bench, record, prediction
    case judgeOutput = "judge_output"
  }

  var benchmark: any Benchmark {
    switch bench {
    case "mmmu": return BenchmarkRegistry.mmmu
    case "mmbench": return BenchmarkRegistry.mmbench
    case "mmstar": return BenchmarkRegistry.mmstar
    case "ai2d": return BenchmarkRegistry.ai2d
    case "mathvista": return BenchmarkRegistry.mathvista
    case "mathvision": return BenchmarkRegistry.mathvision
    case "mathverse": return BenchmarkRegistry.mathverse
    case "charxiv": return BenchmarkRegistry.charxiv
    default: return BenchmarkRegistry.embspatial
    }
  }

  /// The record as a sample whose id is its `index`, with placeholder images for MMMU's `<image N>` markers (the
  /// judge never sees images).
  var sample: Sample {
    let images = (1...9).map {
      SampleImage(relativePath: "\($0).png", absolutePath: "\($0).png", format: .png, width: 1, height: 1, sha256: nil)
    }
    return Sample(id: record["index"]?.cellText ?? id, split: record["split"]?.cellText, record: record, images: images)
  }

  var extraction: Extraction { predictionExtraction(prediction) }

  var ruleScore: SampleScore { benchmark.score(extraction, for: sample, options: ScoringOptions()) }

  var judgePrompt: String? { benchmark.judgePrompt(for: extraction, sample: sample, ruleScore: ruleScore) }
}

/// The reference's first judge prompt for a case.
struct JudgePromptGolden: Decodable, Sendable, Identified {
  var id: String
  var bench: String
  var prompt: String?
  var calls: Int
}

/// The reference's verdict on a judge reply; the fields present depend on the benchmark.
struct JudgeOutputGolden: Decodable, Sendable, Identified {
  var id: String
  var bench: String
  var calls: Int
  var error: String?
  // MCQ
  var hit: JSONValue?
  var opt: String?
  var randomFallback: Bool?
  // MathVista, MathVision
  var res: JSONValue?
  var prefetch: Bool?
  // MathVerse
  var extract: String?
  var stripEqual: Bool?
  // CharXiv
  var score: JSONValue?
  var extractAnswer: JSONValue?
  // EmbSpatial
  var grade: String?
  var extracted: String?

  private enum CodingKeys: String, CodingKey {
    case id, bench, calls, error, hit, opt, res, prefetch, extract, score, grade, extracted
    case randomFallback = "random_fallback"
    case stripEqual = "strip_equal"
    case extractAnswer = "extract_answer"
  }

  /// `hit` as 0/1 (the MCQ and EmbSpatial files give an integer, the math files a Boolean).
  var hitValue: Double? {
    switch hit {
    case .bool(let flag)?: return flag ? 1 : 0
    case .number(let value)?: return value
    default: return nil
    }
  }
}

struct JudgePromptPair: Sendable, CustomTestStringConvertible {
  var input: JudgePromptCase
  var golden: JudgePromptGolden
  var testDescription: String { input.id }

  static func all() throws -> [JudgePromptPair] {
    try pairedGolden(
      cases: "judge_prompts.cases.jsonl", golden: "judge_prompts.golden.jsonl", JudgePromptCase.self,
      JudgePromptGolden.self
    ).map { JudgePromptPair(input: $0.0, golden: $0.1) }
  }
}

struct JudgeOutputPair: Sendable, CustomTestStringConvertible {
  var input: JudgePromptCase
  var golden: JudgeOutputGolden
  var testDescription: String { input.id }

  static func all() throws -> [JudgeOutputPair] {
    try pairedGolden(
      cases: "judge_outputs.cases.jsonl", golden: "judge_outputs.golden.jsonl", JudgePromptCase.self,
      JudgeOutputGolden.self
    ).map { JudgeOutputPair(input: $0.0, golden: $0.1) }
  }
}

@Suite("Judges: reference prompts, byte for byte (ms-vlmeval 0.0.20)")
struct JudgePromptGoldenTests {
  /// Every benchmark with a judge path.
  static let benches = [
    "mmmu", "mmbench", "mmstar", "ai2d", "mathvista", "mathvision", "mathverse", "charxiv", "embspatial",
  ]

  @Test func everyBenchmarkHasAtLeastThreePromptRecords() throws {
    let pairs = try JudgePromptPair.all()
    #expect(pairs.count == 40)
    for bench in Self.benches {
      let prompts = pairs.filter { $0.input.bench == bench && $0.golden.prompt != nil }
      #expect(prompts.count >= 3, "\(bench)")
    }
  }

  @Test(arguments: try JudgePromptPair.all())
  func promptIsTheReferencePrompt(_ pair: JudgePromptPair) throws {
    #expect(pair.input.benchmark.validate(pair.input.sample) == nil, "the record must be a valid sample")
    let prompt = pair.input.judgePrompt
    if let expected = pair.golden.prompt {
      let actual = try #require(prompt, "the reference calls its judge; Ocular must too")
      #expect(scalars(actual) == scalars(expected))
      if scalars(actual) != scalars(expected) {
        let common = zip(actual.unicodeScalars, expected.unicodeScalars).prefix { $0 == $1 }.count
        let rest = String(String.UnicodeScalarView(actual.unicodeScalars.dropFirst(common).prefix(60)))
        Issue.record("first difference at scalar \(common): \(rest)")
      }
    } else {
      #expect(prompt == nil, "the rule path decided: no judge call")
      #expect(pair.golden.calls == 0)
    }
  }
}

@Suite("Judges: verdicts on judge replies against the reference (ms-vlmeval 0.0.20)")
struct JudgeOutputGoldenTests {
  /// CharXiv cases where Ocular differs on purpose (benchmarks.md §3.9), with Ocular's value and status.
  static let charxivDeviations: [String: (value: Double, status: SampleStatus)] = [
    "charxiv-new-key": (1, .ok),  // 0.0.20 requires extract_answer; Ocular accepts extracted_answer too.
    "charxiv-string-score": (0, .unparsed),  // the reference returns "1" and then cannot sum it.
  ]

  @Test func goldenFilesPair() throws {
    let pairs = try JudgeOutputPair.all()
    #expect(pairs.count == 91)
    #expect(Set(pairs.map(\.input.id)).count == 91)
    for bench in JudgePromptGoldenTests.benches {
      #expect(pairs.filter { $0.input.bench == bench }.count >= 4, "\(bench)")
    }
  }

  @Test(arguments: try JudgeOutputPair.all())
  func verdictMatchesTheReference(_ pair: JudgeOutputPair) throws {
    let input = pair.input
    let golden = pair.golden
    let benchmark = input.benchmark
    let reply = try #require(input.judgeOutput)
    #expect(benchmark.validate(input.sample) == nil)
    let score = benchmark.score(input.extraction, for: input.sample, judgeOutput: reply, options: ScoringOptions())
    if golden.calls == 0 {
      #expect(input.judgePrompt == nil, "the reference decided without its judge")
      #expect(score == input.ruleScore)
      return
    }
    #expect(input.judgePrompt != nil)
    switch input.bench {
    case "mmmu", "mmbench", "mmstar", "ai2d":
      if golden.randomFallback == true {
        #expect(
          score.status == .unparsed && score.value == 0, "the reference guesses (\(golden.opt ?? "")); Ocular does not")
      } else {
        #expect(score.value == golden.hitValue)
        #expect(score.parsed == golden.opt)
        #expect(score.status == .ok)
      }
    case "mathvista", "mathvision":
      #expect(golden.prefetch == false)
      #expect(score.value == golden.hitValue, "\(score.notes)")
      #expect(score.measures["prefetch"] == 0)
    case "mathverse":
      if golden.stripEqual == true {
        #expect(score.value == 1 && score.status == .ok)
      } else {
        #expect(score.value == 0 && score.status == .unparsed && score.notes == [MathVerse.scoringStageNeededNote])
      }
      #expect(score.parsed == golden.extract.map { PythonString.strip($0) })
    case "charxiv":
      if let deviation = Self.charxivDeviations[input.id] {
        #expect(score.value == deviation.value && score.status == deviation.status, "\(score.notes)")
      } else {
        let expected: Double
        switch golden.score {
        case .bool(let flag)?: expected = flag ? 1 : 0
        case .number(let value)?: expected = value
        default: expected = .nan
        }
        #expect(score.value == expected)
        let failed = golden.extractAnswer == .string("Failed to parse response")
        #expect(score.status == (failed ? .unparsed : .ok))
        if !failed { #expect(score.parsed == golden.extractAnswer?.cellText) }
      }
    default:
      if golden.error != nil {
        #expect(score.status == .unparsed && score.value == 0)
      } else if golden.calls > 1 {
        // The reference asked again and fell back to grade C.
        #expect(golden.grade == "C")
        #expect(score.status == .unparsed && score.value == 0)
      } else {
        #expect(score.value == golden.hitValue)
        #expect(score.parsed == golden.extracted)
        #expect(score.status == .ok)
      }
    }
  }
}

@Suite("Judges: rule-path decisions and notes")
struct JudgeBehaviourTests {
  let options = ScoringOptions()

  @Test func mmmuOpenQuestionKeepsItsRuleNotesAfterTheJudge() throws {
    let sample = memorySample(
      [
        "index": .number(5), "question": .string("How many?"), "A": .null, "answer": .string("24"),
      ], id: "5")
    let extraction = predictionExtraction("twenty-four")
    let rule = BenchmarkRegistry.mmmu.score(extraction, for: sample, options: options)
    let prompt = try #require(BenchmarkRegistry.mmmu.judgePrompt(for: extraction, sample: sample, ruleScore: rule))
    #expect(
      prompt.hasSuffix(
        "Question: How many??\nOptions: There are several options: \nA. 24\nB. Other Answers\n\n"
          + "Answer: twenty-four\nYour output: "))
    let judged = BenchmarkRegistry.mmmu.score(extraction, for: sample, judgeOutput: "A", options: options)
    #expect(judged.value == 1)
    #expect(judged.notes.first == "open question: MMMU_preproc sets A = gold text, B = Other Answers")
    #expect(judged.notes.last == "judge: can_infer on the judge reply")
  }

  @Test func mmbenchGroupVerdictUsesJudgedRows() {
    var aggregator = CircularAggregator()
    let main = memorySample(
      ["index": .number(7), "question": .string("q"), "A": .string("x"), "B": .string("y"), "answer": .string("A")],
      id: "7")
    let rotated = memorySample(
      [
        "index": .number(1_000_007), "question": .string("q"), "A": .string("y"), "B": .string("x"),
        "answer": .string("B"),
      ],
      id: "1000007")
    let mmbench = BenchmarkRegistry.mmbench
    let first = mmbench.score(predictionExtraction("A"), for: main, options: options)
    let open = predictionExtraction("no idea")
    let openRule = mmbench.score(open, for: rotated, options: options)
    #expect(openRule.status == .unparsed)
    #expect(mmbench.judgePrompt(for: open, sample: rotated, ruleScore: openRule) != nil)
    let second = mmbench.score(open, for: rotated, judgeOutput: "B", options: options)
    aggregator.add(ScoredSample(sampleID: "7", score: first, breakdown: []))
    aggregator.add(ScoredSample(sampleID: "1000007", score: second, breakdown: []))
    #expect(aggregator.summary().headline == 100)
  }

  @Test func mathVistaJudgesAZeroTheRulePathLeftToIt() throws {
    let sample = memorySample([
      "question": .string("How many?"), "answer": .string("0"), "question_type": .string("free_form"),
      "answer_type": .string("integer"),
    ])
    let extraction = predictionExtraction("0")
    let rule = BenchmarkRegistry.mathvista.score(extraction, for: sample, options: options)
    #expect(rule.measures["prefetch"] == 0)
    #expect(BenchmarkRegistry.mathvista.judgePrompt(for: extraction, sample: sample, ruleScore: rule) != nil)
    let judged = BenchmarkRegistry.mathvista.score(extraction, for: sample, judgeOutput: "0", options: options)
    #expect(judged.value == 1 && judged.parsed == "0")
  }

  @Test func mathVerseAsksEveryItemAndLeavesTheRestToTheSecondQuestion() throws {
    let sample = memorySample([
      "question": .string("q"), "answer": .string("12\\pi"), "problem_version": .string("Vision Only"),
      "metadata": .string("{'subject': 'a', 'subfield': 'b'}"),
    ])
    let extraction = predictionExtraction("12\\pi")
    let rule = BenchmarkRegistry.mathverse.score(extraction, for: sample, options: options)
    #expect(rule.value == 1)
    let prompt = try #require(BenchmarkRegistry.mathverse.judgePrompt(for: extraction, sample: sample, ruleScore: rule))
    #expect(prompt.hasSuffix("7.\nModel response: '12\\pi'\nExtracted Answer: "))
    let open = BenchmarkRegistry.mathverse.score(extraction, for: sample, judgeOutput: "12 pi", options: options)
    #expect(open.status == .unparsed && open.notes == [MathVerse.scoringStageNeededNote])
    let equal = BenchmarkRegistry.mathverse.score(extraction, for: sample, judgeOutput: " 12\\pi\n", options: options)
    #expect(equal.value == 1 && equal.status == .ok)
  }

  @Test func charXivAlwaysAsksAndAcceptsEitherKey() throws {
    let sample = memorySample([
      "question": .string("q"), "grading_query": .string("Grade {PREDICTION} and {PREDICTION}."),
      "inst_category": .number(1), "answer": .string("x"),
    ])
    let extraction = predictionExtraction("x")
    let rule = BenchmarkRegistry.charxiv.score(extraction, for: sample, options: options)
    #expect(BenchmarkRegistry.charxiv.judgePrompt(for: extraction, sample: sample, ruleScore: rule) == "Grade x and x.")
    let newer = BenchmarkRegistry.charxiv.score(
      extraction, for: sample, judgeOutput: #"{"extracted_answer": "x", "score": 1}"#, options: options)
    #expect(newer.value == 1 && newer.parsed == "x")
    #expect(newer.notes.contains { $0.contains("#1555") })
    let both = BenchmarkRegistry.charxiv.score(
      extraction, for: sample, judgeOutput: #"{"extract_answer": "a", "extracted_answer": "b", "score": 0}"#,
      options: options)
    #expect(both.value == 0 && both.parsed == "a" && both.status == .ok)
  }

  @Test func embSpatialGradeParsing() {
    #expect(EmbSpatial.judgeGrade("A\tlamp") == .graded(grade: "A", extracted: "lamp"))
    #expect(EmbSpatial.judgeGrade("B, :|\\t\\nC. x ") == .graded(grade: "B", extracted: "C. x"))
    #expect(EmbSpatial.judgeGrade("C1") == .ungraded)
    #expect(EmbSpatial.judgeGrade("A\u{00B2}") == .ungraded)  // ² has a numeric value: a word character
    #expect(EmbSpatial.judgeGrade("A\u{2028}B") == .graded(grade: "A", extracted: "N/A"))
    #expect(EmbSpatial.judgeGrade(" \u{3000} ") == .empty)
    #expect(EmbSpatial.pythonLines("a\r\nb\rc\u{85}d\n\ne") == ["a", "b", "c", "d", "", "e"])
    #expect(EmbSpatial.pythonLines("x\n") == ["x"])
  }
}
