/// The LLM-judge path of MathVerse (benchmarks.md §3.5), from `vlmeval/dataset/utils/mathverse.py` (ms-vlmeval
/// 0.0.20, Apache-2.0).
///
/// The reference judges every item twice, as Ocular does. Stage 1 (`MathVerse_auxeval_extract`) sends the 6-shot
/// extraction prompt of `build_mathverse_gpt4_extract_prompt`; its reply is the `extract`. Stage 2
/// (`MathVerse_auxeval_score`) counts the item correct when `str(extract).strip() == str(answer).strip()`
/// (`post_check_score`) and otherwise asks the judge the 0/1 question of `build_mathverse_gpt4_score_prompt`; the
/// item scores 1 when the stripped reply is `1`. Both stages call `model.generate(prompt, temperature=i * 0.5)` up
/// to 5 times on a judge built with `max_tokens=128` (``JudgePolicy/mathExtraction``, ``JudgePolicy/mathVerseScore``).
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

  // Prompt text verbatim from ms-vlmeval 0.0.20 (Apache-2.0), vlmeval/dataset/utils/mathverse.py:
  // build_mathverse_gpt4_score_prompt's task_description and get_gpt4_score_ICE's four examples (plain strings, so
  // their `{{3}}` stays doubled).
  /// The score prompt's task description.
  static let scoreTaskDescription = [
    "\n",
    "Below are two answers to a math question. Question is [Question], [Standard Answer] is the standard answer to ",
    "the question, and [Model_answer] is the answer extracted from a model's output to this question.  Determine ",
    "whether these two answers are consistent.\n",
    "Please note that only when the [Model_answer] completely matches the [Standard Answer] means they are ",
    "consistent. For non-multiple-choice questions, if the meaning is expressed in the same way, it is also ",
    "considered consistent, for example, 0.5m and 50cm.\n",
    "If they are consistent, Judement is 1; if they are different, Judement is 0.\n\n\n",
  ].joined()

  /// The score prompt's four examples, in order.
  static let scoreExamples = [
    [
      "\n[Question]: Write the set of numbers represented on the number line in interval notation.\n",
      "[Standard Answer]: (-2,1]\n[Model_answer] : Extracted Answer: \\((-2, 1)\\)\nJudgement: 0\n",
    ].joined(),
    [
      "\n[Question]: As shown in the figure, circle O has a radius 1.0, if angle BAC = 60.0, then the length of BC ",
      "is ()\nChoices:\nA:2\nB:2\u{221A}{{3}}\nC:\u{221A}{{3}}\nD:2\u{221A}{{2}}\n[Standard Answer]: C\n",
      "[Model_answer] : B:2\u{221A}{{3}}\nJudgement: 0\n",
    ].joined(),
    [
      "\n[Question]: Find the domain and range of the function f using interval notation.\n",
      "[Standard Answer]: domain: [-4, 0) and range: (-3, 1]\n[Model_answer] : Range: \\((-4, 1]\\)\n",
      "Judgement: 0\n",
    ].joined(),
    [
      "\n[Question]: As shown in the figure, circle O has a radius 1.0, if angle BAC = 60.0, then the length of BC ",
      "is ()\nChoices:\nA:2\nB:2\u{221A}{{3}}\nC:\u{221A}{{3}}\nD:2\u{221A}{{2}}\n[Standard Answer]: C\n",
      "[Model_answer] : null\nJudgement: 0\n",
    ].joined(),
  ]

  /// `build_mathverse_gpt4_score_prompt(line)`: the task description, each example followed by two newlines, then
  /// the question for evaluation, the gold and the extract (unstripped) on indented lines.
  public static func scorePrompt(questionForEval: String, answer: String, extract: String) -> String {
    scoreTaskDescription + scoreExamples.map { $0 + "\n\n" }.joined() + "\n    [Question]: " + questionForEval
      + "\n    [Standard Answer]: " + answer + "\n    [Model_answer] : " + extract + "\n    Judgement:"
  }

  /// The note on an extract the strip test leaves to the second, 0/1 question.
  public static let scoringStageNeededNote =
    "judge: extract differs from the gold after strip; MathVerse_auxeval_score asks the 0/1 question"

  /// The stage-1 extraction prompt: the reference asks the judge about every item.
  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? {
    Self.judgePrompt(prediction: extraction.answer)
  }

  /// Stage 1's reading of an extract: 1 when it equals the gold after strip (`post_check_score`); otherwise 0,
  /// `unparsed`, the second question still to ask (``judgedScore(_:for:ruleScore:options:judge:)`` asks it).
  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    let extract = PythonString.strip(judgeOutput)
    let gold = PythonString.strip(sample.text("answer") ?? "")
    if extract.unicodeScalars.elementsEqual(gold.unicodeScalars) {
      return SampleScore(value: 1, parsed: extract, notes: ["judge: post_check_score: extract strip-equal"])
    }
    return SampleScore(
      value: 0, status: .unparsed, parsed: extract.isEmpty ? nil : extract, notes: [Self.scoringStageNeededNote])
  }

  /// Both stages as the reference runs them: the extraction question (5 calls at most; an empty extract when all
  /// fail), the strip test, then the 0/1 question (5 calls at most while the reply is not `0` or `1`; 0 after).
  public func judgedScore(
    _ extraction: Extraction, for sample: Sample, ruleScore: SampleScore, options: ScoringOptions, judge: JudgeCalls
  ) async -> SampleScore? {
    let stage1 = await JudgePolicy.mathExtraction.ask(Self.judgePrompt(prediction: extraction.answer), of: judge)
    var notes = JudgePolicy.mathExtraction.notes(on: stage1)
    let extract = stage1.reply ?? ""
    let stripped = PythonString.strip(extract)
    let parsed = stripped.isEmpty ? nil : stripped
    let gold = sample.text("answer") ?? ""
    if stripped.unicodeScalars.elementsEqual(PythonString.strip(gold).unicodeScalars) {
      return SampleScore(value: 1, parsed: parsed, notes: notes + ["judge: post_check_score: extract strip-equal"])
    }
    let question = sample.text("question_for_eval")
    if question == nil {
      notes.append("judge: record has no question_for_eval (the reference needs it); question used")
    }
    let prompt = Self.scorePrompt(
      questionForEval: question ?? sample.text("question") ?? "", answer: gold, extract: extract)
    let stage2 = await JudgePolicy.mathVerseScore.ask(prompt, of: judge)
    notes += JudgePolicy.mathVerseScore.notes(on: stage2).map { "judge (0/1 question):" + $0.dropFirst("judge:".count) }
    guard let reply = stage2.reply, !stage2.isUnreadable else {
      return SampleScore(
        value: 0, status: .unparsed, parsed: parsed,
        notes: notes + ["judge: the 0/1 question got no 0 or 1 (MathVerse_auxeval_score then scores False)"])
    }
    let isConsistent = PythonString.strip(reply) == "1"
    return SampleScore(
      value: isConsistent ? 1 : 0, parsed: parsed,
      notes: notes + ["judge: 0/1 question answered \(isConsistent ? 1 : 0)"])
  }
}
