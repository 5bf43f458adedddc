import Foundation
import Testing

@testable import OcularCore

/// The multitask training reward of benchmarks.md §7.
@Suite struct TrainingRewardTests {
  let letter = TrainingProblem(type: .multipleChoice, golds: ["B"])

  @Test func preprocessingDeletesWhitespaceAroundTagCharactersOnly() {
    #expect(TrainingReward.preprocess("1 / 2") == "1/2")
    #expect(TrainingReward.preprocess("< answer >  x </ answer >") == "<answer>x</answer>")
    #expect(TrainingReward.preprocess("a \n <b") == "a<b")
    #expect(TrainingReward.preprocess(" two  words ") == " two  words ")
    #expect(TrainingReward.preprocess("x > \t") == "x>")
  }

  /// ASCII text takes a byte-level path; a leading "é" forces the scalar path, which starts in the same state.
  @Test func asciiAndUnicodePreprocessingAgree() {
    let alphabet: [Character] = [" ", "\t", "\n", "\u{1C}", "<", ">", "/", "a", "b", "1"]
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<3000 {
      var text = ""
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      for _ in 0..<Int(state >> 60) + 1 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        text.append(alphabet[Int(state >> 33) % alphabet.count])
      }
      #expect(
        TrainingReward.preprocess("é" + text) == "é" + TrainingReward.preprocess(text), "\(text.debugDescription)")
    }
  }

  @Test func formatNeedsTheTrainingTagsAroundTheWholeResponse() {
    #expect(TrainingReward(response: "<thinking>why</thinking><answer>B</answer>", problem: letter).format == 1)
    #expect(
      TrainingReward(response: " \n<thinking>\nwhy\n</thinking>\n\n<answer>\nB\n</answer>\n ", problem: letter).format
        == 1)
    // The evaluation prompt's `<think>` tags satisfy only the declared evaluation tag set.
    let think = TrainingReward(response: "<think>why</think>\n<answer>B</answer>", problem: letter)
    #expect(think.format == 0 && think.formatThink == 1)
    #expect(think.structure == 0)
    #expect(abs(think.overall - 0.9) < 1e-12)
  }

  @Test func formatFailsOnMissingTagsOrTextOutside() {
    for response in [
      "<answer>B</answer>", "<thinking>why</thinking>", "<thinking>why</thinking>B",
      "so <thinking>why</thinking><answer>B</answer>", "<thinking>why</thinking><answer>B</answer> done",
      "<thinking>why<answer>B</answer>", "<thinking>why</thinking> because <answer>B</answer>", "",
    ] {
      #expect(TrainingReward(response: response, problem: letter).format == 0, "\(response)")
    }
  }

  /// Random texts of tag fragments against the format regex itself (ASCII texts take a byte path, texts with "é"
  /// the scalar path).
  @Test func formatAgreesWithTheRegexOnRandomTexts() throws {
    let fragments = ["<think>", "</think>", "<answer>", "</answer>", " ", "\n", "\t", "a", "é", "<", ">", "/"]
    let regex = try NSRegularExpression(
      pattern: #"\A\s*<think>.*?</think>\s*<answer>.*?</answer>\s*\z"#, options: [.dotMatchesLineSeparators])
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    var matched = 0
    for _ in 0..<5000 {
      // The format's skeleton with 0–2 random fragments between its tags, so that matches and near misses abound.
      var text = ""
      for tag in ["", "<think>", "</think>", "<answer>", "</answer>", ""] {
        text += tag
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        for _ in 0..<Int(state >> 62) % 3 {
          state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          text += fragments[Int(state >> 33) % fragments.count]
        }
      }
      let expected = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
      matched += expected ? 1 : 0
      #expect(TrainingReward.isFormatted(text, thinkTag: "think") == expected, "\(text.debugDescription)")
    }
    #expect(matched > 500 && matched < 4500)
  }

  /// ASCII texts take a byte-level word error rate; it must equal the scalar one.
  @Test func asciiWordErrorRateIsTheGeneralOne() {
    let words = ["a", "b", "ab", "the", "12", "x.y", " ", "  ", "\t", "\n", "\u{1C}", "\u{1F}"]
    var state: UInt64 = 7
    func text() -> String {
      var text = ""
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      for _ in 0..<Int(state >> 61) {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        text += words[Int(state >> 33) % words.count]
      }
      return text
    }
    var compared = 0
    for _ in 0..<5000 {
      let reference = text()
      let hypothesis = text()
      let fast = TrainingReward.asciiWordErrorRate(reference: reference, hypothesis: hypothesis)
      #expect(fast != nil)
      #expect(
        fast! == TrainingReward.generalWordErrorRate(reference: reference, hypothesis: hypothesis),
        "\(reference.debugDescription) vs \(hypothesis.debugDescription)")
      compared += fast! == nil ? 0 : 1
    }
    #expect(compared > 2000)
    #expect(TrainingReward.asciiWordErrorRate(reference: "é", hypothesis: "e") == .none)
  }

  @Test func formatFollowsTheRegexOnNestedAndRepeatedTags() {
    // `.*?` backtracks: an inner closing tag or a second answer pair still matches as a whole.
    #expect(
      TrainingReward(response: "<thinking>a<thinking>b</thinking>c</thinking><answer>B</answer>", problem: letter)
        .format == 1)
    #expect(
      TrainingReward(response: "<thinking>a</thinking><answer>x</answer><answer>B</answer>", problem: letter).format
        == 1)
    // Spaces inside the tags disappear in preprocessing.
    #expect(TrainingReward(response: "< thinking >a</ thinking > <answer >B</answer>", problem: letter).format == 1)
  }

  @Test func accuracyReadsTheFirstAnswerPairOrElseTheWholeResponse() {
    #expect(TrainingReward(response: "<answer> b </answer>", problem: letter).accuracy == 1)
    #expect(TrainingReward(response: "  B \n", problem: letter).accuracy == 1)
    #expect(TrainingReward(response: "<answer>C</answer><answer>B</answer>", problem: letter).accuracy == 0)
  }

  @Test func fullMarksAreOnePointFive() {
    let reward = TrainingReward(response: "<thinking>t</thinking><answer>B</answer>", problem: letter)
    #expect(reward.accuracy == 1 && reward.format == 1 && reward.structure == 0.5)
    #expect(abs(reward.overall - 1.5) < 1e-12)
    #expect(reward.measures["reward.overall"] == reward.overall)
    #expect(Set(reward.measures.keys).allSatisfy { $0.hasPrefix(TrainingReward.measurePrefix) })
  }

  @Test func numericalAnswersCompareAfterRoundingToHundredths() {
    func accuracy(_ answer: String, _ gold: String) -> Double {
      TrainingReward.accuracy(answer: answer, gold: gold, type: .numerical)
    }
    #expect(accuracy("1,234.5", "1234.50") == 1)
    #expect(accuracy("3.14159", "3.14") == 1)
    #expect(accuracy("3.146", "3.14") == 0)
    #expect(accuracy("2.675", "2.67") == 1)  // Python: round(2.675, 2) == 2.67 (binary value below the half)
    #expect(accuracy(" 7 ", "7.001") == 1)
    #expect(accuracy("seven", "7") == 0)
    #expect(accuracy("12%", "12") == 0)
  }

  @Test func regressionUsesMeanRelativeAccuracy() {
    #expect(TrainingReward.accuracy(answer: "10", gold: "10", type: .regression) == 1)
    // Relative error 0.07 passes θ = 0.50 … 0.90 (0.07 < 1 − θ) but not 0.95: 9 of 10.
    #expect(abs(TrainingReward.accuracy(answer: "10.7", gold: "10", type: .regression) - 0.9) < 1e-12)
    #expect(TrainingReward.accuracy(answer: "20", gold: "10", type: .regression) == 0)
  }

  @Test func ocrIsOneMinusTheWordErrorRateClipped() {
    func accuracy(_ answer: String, _ gold: String) -> Double {
      TrainingReward.accuracy(answer: answer, gold: gold, type: .ocr)
    }
    #expect(accuracy("hello  world", "hello world") == 1)
    #expect(accuracy("hello", "hello world") == 0.5)
    #expect(accuracy("hello there world", "hello world") == 0.5)
    #expect(accuracy("a b c d e", "x") == 0)
    #expect(accuracy("Hello world", "hello world") == 0.5)  // case-sensitive, like jiwer's default
    #expect(accuracy("anything", "") == 0)
  }

  @Test func groundingScoresContinuousIoUAndChecksTheBoxStructure() {
    let problem = TrainingProblem(type: .spatialGrounding, golds: ["{\"boxes\": [0, 0, 100, 100]}"])
    let exact = TrainingReward(
      response: "<thinking>t</thinking><answer>{\"boxes\": [0, 0, 100, 100]}</answer>", problem: problem)
    #expect(exact.accuracy == 1 && exact.structure == 0.5)
    let half = TrainingReward(
      response: "<thinking>t</thinking><answer>{\"boxes\": [0, 0, 100, 50]}</answer>", problem: problem)
    #expect(abs(half.accuracy - 0.5) < 1e-12 && half.structure == 0.5)
    let list = TrainingReward(response: "<thinking>t</thinking><answer>[0, 0, 100, 100]</answer>", problem: problem)
    #expect(list.accuracy == 0 && list.structure == 0 && list.format == 1)
    let three = TrainingReward(
      response: "<thinking>t</thinking><answer>{\"boxes\": [0, 0, 100]}</answer>", problem: problem)
    #expect(three.structure == 0)
    // Structure is forced to 0 without the format.
    let unformatted = TrainingReward(response: "<answer>{\"boxes\": [0, 0, 100, 100]}</answer>", problem: problem)
    #expect(unformatted.accuracy == 1 && unformatted.structure == 0)
  }

  @Test func rewardMeasuresAreKeptApartFromBenchmarkMeasures() {
    let measures = ["iou": 0.4, "reward.overall": 1.2, "reward.format": 1]
    #expect(TrainingReward.removingRewardMeasures(measures) == ["iou": 0.4])
  }

  @Test func benchmarksMapToProblemTypesOnlyWhereTheyMapCleanly() throws {
    func problem(_ id: String, _ record: [String: String]) throws -> TrainingProblem? {
      let benchmark = try #require(BenchmarkRegistry.benchmark(id: id))
      return TrainingReward.problem(for: benchmark, sample: Sample(id: "1", record: record.mapValues(JSONValue.string)))
    }
    #expect(try problem("ai2d", ["answer": "C"]) == TrainingProblem(type: .multipleChoice, golds: ["C"]))
    #expect(try problem("mmmu", ["answer": "B", "A": "x", "B": "y"])?.type == .multipleChoice)
    #expect(try problem("mmmu", ["answer": "42"]) == nil)  // an open question
    #expect(
      try problem("mathvista", ["question_type": "free_form", "answer_type": "integer", "answer": "12"])
        == TrainingProblem(type: .numerical, golds: ["12"]))
    #expect(try problem("mathvista", ["question_type": "free_form", "answer_type": "list", "answer": "[1, 2]"]) == nil)
    #expect(try problem("mathvision", ["answer": "\\frac{1}{2}", "choices": "[]"]) == nil)  // symbolic math
    #expect(try problem("mathvision", ["answer": "0.5", "choices": "[]"])?.type == .numerical)
    #expect(try problem("chartqa", ["answer": "Yes"]) == nil)
    #expect(try problem("chartqa", ["answer": "1,200"])?.type == .numerical)
    #expect(try problem("docvqa", ["answer": "['a b', 'c']"]) == TrainingProblem(type: .ocr, golds: ["a b", "c"]))
    #expect(
      try problem("refcoco", ["solution": "<answer>{\"boxes\": [1, 2, 3, 4]}</answer>"])
        == TrainingProblem(type: .spatialGrounding, golds: ["{\"boxes\": [1, 2, 3, 4]}"]))
    #expect(try problem("robospatial", ["answer": "yes"]) == nil)
    #expect(try problem("refspatial", ["category": "location"]) == nil)
  }

  @Test func theBestGoldCounts() {
    let problem = TrainingProblem(type: .ocr, golds: ["red car", "car"])
    #expect(TrainingReward(response: "<answer>car</answer>", problem: problem).accuracy == 1)
  }
}
