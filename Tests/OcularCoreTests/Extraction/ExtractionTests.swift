// Reference: benchmarks.md §2.3. E1 = VLMEvalKit (ms-vlmeval 0.0.20 / OneThinker fork) Qwen3VLChat post-processing
// with `_extract_box_answer`; E2 = OneThinker `Evaluation/Eval/eval_bench.py: extract_answer` (commit
// 4448451e6e519e17c9e72d2b67f94a45612f2323). Expected values follow the Python regexes and str methods by hand.
import Testing

@testable import OcularCore

@Suite("Extraction E1 (VLMEvalKit, boxed = unwrap)")
struct VLMEvalKitExtractionTests {
  let e1 = AnswerExtractor.vlmevalkit(boxed: .unwrap)

  @Test func firstAnswerPairOnRawTextEvenInsideThink() {
    let response = "<think>Maybe <answer>A</answer>, no.</think>\n<answer>B</answer>"
    let extraction = e1.extract(response)
    #expect(extraction.answer == "A")
    #expect(extraction.hasAnswerTag)
    #expect(extraction.isAnswerInThink)
    #expect(extraction.thinking == "Maybe <answer>A</answer>, no.")
    #expect(extraction.raw == response)
  }

  @Test func answerAfterThinkIsNotInThink() {
    let extraction = e1.extract("<think>\nreasoning\n</think>\n\n<answer>\nC\n</answer>")
    #expect(extraction.answer == "C")
    #expect(extraction.thinking == "\nreasoning\n")
    #expect(!extraction.isAnswerInThink)
    #expect(extraction.hasAnswerTag)
  }

  @Test func noTagKeepsRawTextUnchanged() {
    let response = "  <think>hmm</think>\n The answer is B. \n"
    let extraction = e1.extract(response)
    #expect(scalars(extraction.answer) == scalars(response))
    #expect(!extraction.hasAnswerTag)
    #expect(!extraction.isAnswerInThink)
    #expect(extraction.thinking == "hmm")
  }

  @Test func answerContentIsPythonStripped() {
    // U+3000, U+00A0, U+0085, U+001C and CRLF are all str.isspace.
    let extraction = e1.extract("<answer>\u{3000}\u{A0}\r\n B \u{85}\u{1C}\r\n</answer>")
    #expect(scalars(extraction.answer) == scalars("B"))
    // U+200B is not whitespace for Python: it stays.
    #expect(scalars(e1.extract("<answer>\u{200B}B</answer>").answer) == scalars("\u{200B}B"))
  }

  @Test func answerPairSpansLinesWithCRLF() {
    let extraction = e1.extract("<answer>line one\r\nline two</answer>")
    #expect(scalars(extraction.answer) == scalars("line one\r\nline two"))
  }

  @Test func emptyAnswerPairGivesEmptyPrediction() {
    // E1 takes the (empty) group; only E2 falls back to the whole response.
    let extraction = e1.extract("<think>t</think><answer> \n </answer>")
    #expect(extraction.answer == "")
    #expect(extraction.hasAnswerTag)
  }

  @Test func tagsAreCaseSensitiveAndMustClose() {
    #expect(e1.extract("<ANSWER>B</ANSWER>").answer == "<ANSWER>B</ANSWER>")
    #expect(!e1.extract("<ANSWER>B</ANSWER>").hasAnswerTag)
    #expect(e1.extract("<answer>B").answer == "<answer>B")
    #expect(!e1.extract("<answer>B").hasAnswerTag)
  }

  @Test func combiningCharactersAfterTagsDoNotHideThem() {
    // Python matches code points: ">" followed by U+0301 still ends the tag.
    let extraction = e1.extract("<answer>\u{301}B</answer>\u{301} tail")
    #expect(extraction.hasAnswerTag)
    #expect(scalars(extraction.answer) == scalars("\u{301}B"))
    let thinking = e1.extract("<think>\u{308}x</think>\u{308}<answer>C</answer>")
    #expect(thinking.answer == "C")
    #expect(thinking.thinking.map(scalars) == scalars("\u{308}x"))
  }

  @Test func boxedIsUnwrappedWithNestedBraces() {
    #expect(e1.extract("<answer>\\boxed{\\frac{1}{2}}</answer>").answer == "\\frac{1}{2}")
    #expect(e1.extract("The result is \\boxed{{a}{b}} done").answer == "{a}{b}")
  }

  @Test func lastBoxedWins() {
    #expect(e1.extract("<answer>\\boxed{A} or \\boxed{B}</answer>").answer == "B")
    #expect(e1.extract("\\boxed{\\boxed{C}}").answer == "C")
  }

  @Test func boxedWithoutClosingBraceOnSameLineIsUnchanged() {
    // `\\boxed\{(.*?)\}` is not DOTALL: the only `}` is on the next line, so no match.
    let text = "\\boxed{A\n}"
    #expect(scalars(e1.extract(text).answer) == scalars(text))
    let unclosed = "<answer>\\boxed{A</answer>"
    #expect(e1.extract(unclosed).answer == "\\boxed{A")
  }

  @Test func lastPieceThatNeverClosesKeepsTheRestOfThePiece() {
    // The regex matches on the first `\boxed{A}`; the last piece "B tail" never closes: the rest of it is kept.
    #expect(e1.extract("\\boxed{A} then \\boxed{B tail").answer == "B tail")
    // A closing brace on a later line after a matched occurrence: counted across lines.
    #expect(e1.extract("\\boxed{A} and \\boxed{x\ny}").answer == "x\ny")
  }

  /// `_extract_box_answer`: `resp = response.split('\\boxed{')[-1]`; with an empty last piece the loop never runs,
  /// `end` stays None and the response is returned unchanged (Python source of the Qwen3-VL fork).
  @Test func emptyLastPieceReturnsResponseUnchanged() {
    let text = "\\boxed{A} then \\boxed{"
    #expect(scalars(e1.extract(text).answer) == scalars(text))
  }

  @Test func thinkingTagsAreCaptured() {
    let extraction = e1.extract("<thinking>step by step</thinking>\n<answer>D</answer>")
    #expect(extraction.thinking == "step by step")
    #expect(extraction.answer == "D")
    #expect(!extraction.isAnswerInThink)
    // The earlier of <think> and <thinking> is the think block.
    let both = e1.extract("<thinking>first</thinking><think>second</think><answer>A</answer>")
    #expect(both.thinking == "first")
    // An unclosed think block is no think block.
    #expect(e1.extract("<think>open <answer>A</answer>").thinking == nil)
    #expect(!e1.extract("<think>open <answer>A</answer>").isAnswerInThink)
  }

  @Test func answerPairInThinkingBlockIsFlagged() {
    let extraction = e1.extract("<thinking><answer>A</answer></thinking><answer>B</answer>")
    #expect(extraction.answer == "A")
    #expect(extraction.isAnswerInThink)
  }
}

@Suite("Extraction E1 (VLMEvalKit, boxed = keep)")
struct VLMEvalKitKeepBoxedTests {
  let keep = AnswerExtractor.vlmevalkit(boxed: .keep)

  @Test func boxedIsLeftInPlace() {
    #expect(keep.extract("<answer>\\boxed{B}</answer>").answer == "\\boxed{B}")
    #expect(keep.extract("\\boxed{1}").answer == "\\boxed{1}")
  }

  @Test func keptBoxedLetterStillScoresOnMCQ() {
    // §2.3: with `keep`, `\boxed{B}` still scores on MCQ because `{` and `}` become spaces.
    let sample = memorySample([
      "question": .string("q"), "A": .string("cat"), "B": .string("dog"), "answer": .string("B"),
    ])
    let options = ScoringOptions(boxed: .keep)
    let benchmark = BenchmarkRegistry.mmstar
    let extraction = benchmark.extractor(options: options).extract("<answer>\\boxed{B}</answer>")
    #expect(extraction.answer == "\\boxed{B}")
    #expect(benchmark.score(extraction, for: sample, options: options).value == 1)
  }

  @Test func scoringOptionsSelectTheExtractor() {
    #expect(BenchmarkRegistry.mmstar.extractor(options: ScoringOptions()) == .vlmevalkit(boxed: .unwrap))
    #expect(BenchmarkRegistry.mmstar.extractor(options: ScoringOptions(boxed: .keep)) == .vlmevalkit(boxed: .keep))
    #expect(BenchmarkRegistry.docvqa.extractor(options: ScoringOptions(boxed: .keep)) == .vlmevalkit(boxed: .keep))
    #expect(BenchmarkRegistry.refcoco.extractor(options: ScoringOptions(boxed: .keep)) == .onethinker)
    #expect(ScoringOptions().label == "boxed=unwrap")
  }
}

@Suite("Extraction E2 (OneThinker extract_answer)")
struct OneThinkerExtractionTests {
  let e2 = AnswerExtractor.onethinker

  @Test func firstPairStripped() {
    let extraction = e2.extract("<think>x</think>\n<answer>\n {\"boxes\": [1, 2, 3, 4]} \t</answer>")
    #expect(extraction.answer == "{\"boxes\": [1, 2, 3, 4]}")
    #expect(extraction.hasAnswerTag)
  }

  @Test func noTagGivesStrippedResponse() {
    let extraction = e2.extract("\u{3000} {\"boxes\": [1, 2, 3, 4]}\r\n\u{A0}")
    #expect(scalars(extraction.answer) == scalars("{\"boxes\": [1, 2, 3, 4]}"))
    #expect(!extraction.hasAnswerTag)
  }

  @Test func emptyPairFallsBackToWholeResponseStripped() {
    let response = "  <think>t</think>\n<answer>  \n </answer>\n"
    let extraction = e2.extract(response)
    #expect(extraction.answer == "<think>t</think>\n<answer>  \n </answer>")
    #expect(extraction.hasAnswerTag)
  }

  @Test func answerInThinkWinsAndIsFlagged() {
    let extraction = e2.extract("<think><answer>{\"boxes\": [0, 0, 1, 1]}</answer></think><answer>x</answer>")
    #expect(extraction.answer == "{\"boxes\": [0, 0, 1, 1]}")
    #expect(extraction.isAnswerInThink)
  }

  @Test func noBoxedStep() {
    #expect(e2.extract("<answer>\\boxed{A}</answer>").answer == "\\boxed{A}")
  }
}
