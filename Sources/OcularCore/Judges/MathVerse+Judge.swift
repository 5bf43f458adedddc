/// The LLM-judge path of MathVerse (benchmarks.md §3.5), from `vlmeval/dataset/utils/mathverse.py` (ms-vlmeval
/// 0.0.20, Apache-2.0).
///
/// The reference judges every item twice. Stage 1 (`MathVerse_auxeval_extract`) sends the 6-shot extraction prompt
/// of `build_mathverse_gpt4_extract_prompt`; its reply is the `extract`. Stage 2 (`MathVerse_auxeval_score`) counts
/// the item correct when `str(extract).strip() == str(answer).strip()` (`post_check_score`) and otherwise asks the
/// judge a second, 0/1 question. Ocular's runner makes one judge call per sample, so Ocular sends the stage-1 prompt,
/// applies the strip-equality test to the reply, and decides the rest of stage 2 offline where the score prompt's
/// own rules leave no doubt:
/// - a single option letter against a single-letter gold that differs: 0 (the prompt: for multiple choice only a
///   complete match is consistent);
/// - both sides read as Python floats: 1 if the values are equal (`22.30` and `22.3`), else 0;
/// - anything else (expressions, units, `null`, an empty reply): 0, reported `unparsed` with the note that the 0/1
///   scoring stage was skipped, so these are exactly the items a second judge call could change.
extension MathVerse {
  // Prompt text verbatim from ms-vlmeval 0.0.20 (Apache-2.0), vlmeval/dataset/utils/mathverse.py:
  // build_mathverse_gpt4_extract_prompt's task_description and get_gpt4_extract_ICE's six examples.
  /// The task description that opens the prompt.
  static let judgeTaskDescription = [
    "\n",
    "I am providing you a response from a model to a math problem, termed 'Model Response'. You should extract ",
    "the answer from the response as 'Extracted Answer'. Directly output the extracted answer with no ",
    "explanation.\n\n",
    "\n",
  ].joined()

  /// In-context example 1.
  static let judgeExample1 = [
    "\n",
    "1.\n",
    "Model response: 'Rounded to two decimal places, the perimeter of the sector is approximately:\n\n",
    "(-2, 1)'\n",
    "Extracted Answer: (-2, 1)\n",
  ].joined()

  /// In-context example 2.
  static let judgeExample2 = [
    "\n",
    "2.\n",
    "Model response: 'at those points.\n\n",
    "Therefore, the correct option that represents the meaning of the intersection points of the graphs is:\n\n",
    "D. They give the solutions to the equation $f(t)=g(t)$.\",'\n",
    "Extracted Answer: D\n",
  ].joined()

  /// In-context example 3.
  static let judgeExample3 = [
    "\n",
    "3.\n",
    "Model response: ' at 1 (there's a closed circle at y = 1), the range in interval notation is \\((-4, 1]\\).\n\n",
    "Final values:\n",
    "Domain: \\((-3, 3]\\)\n",
    "Range: \\((-4, 1]\\)'\n",
    "Extracted Answer: Domain: \\((-3, 3]\\)\n",
    "Range: \\((-4, 1]\\)\n",
  ].joined()

  /// In-context example 4.
  static let judgeExample4 = [
    "\n",
    "4.\n",
    "Model response: 'As it stands, I cannot provide the correct option letter because there isn't enough ",
    "information to solve for 'y'.'\n",
    "Extracted Answer: null\n",
  ].joined()

  /// In-context example 5.
  static let judgeExample5 = [
    "\n",
    "5.\n",
    "Model response: 'Given that AB = 17.6 meters, we can now substitute into the equation:\n\n",
    "d = 17.6 / cos(38°)\n\n",
    "Therefore, to one decimal place, the distance d between Ned and Bart is approximately 22.3 meters.'\n",
    "Extracted answer: 22.3\n",
  ].joined()

  /// In-context example 6.
  static let judgeExample6 = [
    "\n",
    "6.\n",
    "Model response:  have all the coefficients for the quadratic function:\n",
    "\\( f(x) = ax^2 + bx + c \\)\n",
    "\\( f(x) = -1x^2 - 2x + 1 \\)\n\n",
    "Therefore, the equation for the graphed function \\( f \\) is:\n",
    "\\( f(x) = -x^2 - 2x + 1 \\)\"'\n",
    "Extracted answer: f(x) = -x^2 - 2x + 1\n",
  ].joined()

  /// The in-context examples, in order.
  static let judgeExamples = [
    judgeExample1, judgeExample2, judgeExample3, judgeExample4, judgeExample5, judgeExample6,
  ]

  /// `build_mathverse_gpt4_extract_prompt(line)`: the task description, each example followed by two newlines,
  /// then `7.`, a newline and the prediction quoted in `Model response: '…'`.
  public static func judgePrompt(prediction: String) -> String {
    judgeTaskDescription + judgeExamples.map { $0 + "\n\n" }.joined() + "7.\n"
      + "Model response: '" + prediction + "'\nExtracted Answer: "
  }

  /// The note on items whose 0/1 scoring stage (the reference's second judge call) was skipped.
  public static let scoringStageSkippedNote =
    "judge: 0/1 scoring stage skipped (MathVerse_auxeval_score would ask the judge again); scored 0"

  /// The stage-1 extraction prompt: the reference asks the judge about every item.
  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? {
    Self.judgePrompt(prediction: extraction.answer)
  }

  /// Stage 2 on the judge's extract: the strip-equality test, then the offline decisions described above.
  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    let extract = PythonString.strip(judgeOutput)
    let gold = PythonString.strip(sample.text("answer") ?? "")
    if extract.unicodeScalars.elementsEqual(gold.unicodeScalars) {
      return SampleScore(value: 1, parsed: extract, notes: ["judge: post_check_score: extract strip-equal"])
    }
    if judgeOutput.containsScalars("Failed to obtain answer via API") {
      return .unparsed(notes: ["judge: reply is the API-failure text (the reference asks again, up to 5 calls)"])
    }
    if MathVision.isOptionLetter(gold), MathVision.isOptionLetter(extract) {
      return SampleScore(
        value: 0, parsed: extract, notes: ["judge: extract names another option; scoring stage decided offline"])
    }
    if let value = PythonString.float(extract), let goldValue = PythonString.float(gold) {
      let isEqual = value == goldValue
      return SampleScore(
        value: isEqual ? 1 : 0, parsed: extract,
        notes: [
          "judge: extract and gold are \(isEqual ? "equal" : "different") numbers; scoring stage decided offline"
        ])
    }
    return SampleScore(
      value: 0, status: .unparsed, parsed: extract.isEmpty ? nil : extract, notes: [Self.scoringStageSkippedNote])
  }
}
