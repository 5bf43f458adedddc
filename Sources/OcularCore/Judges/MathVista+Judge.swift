/// The LLM-judge path of MathVista (benchmarks.md §3.4): `MathVista_auxeval` with a judge model, then `post_check`
/// on its reply (`vlmeval/dataset/utils/mathvista.py`, ms-vlmeval 0.0.20, Apache-2.0).
///
/// The judge runs where the prefetch failed (the rule score's `prefetch` measure is 0): it gets the 5-shot
/// extraction prompt of `build_mathvista_gpt4_prompt`, and its reply `res` is scored as `MathVista_acc` does with
/// `post_check(prefetch=False)`: `can_infer(res)` against `answer_option` for multiple choice, Python `int(res)` /
/// `float(res)` equal to the gold for integer / float items (a judged `0` scores, unlike the prefetch), and
/// `str(None)` for `text` / `list` items, which therefore never score (bug #1679, reproduced; the judge is still
/// asked, as the reference asks it). The reference retries only replies holding its API-failure text.
extension MathVista {
  /// `MathVista_auxeval`'s calls: 5 at most, temperature 0.5·i, max_tokens 128.
  public func judgePolicy(for sample: Sample) -> JudgePolicy { .mathExtraction }

  // Prompt text verbatim from ms-vlmeval 0.0.20 (Apache-2.0), vlmeval/dataset/utils/mathvista.py:
  // build_mathvista_gpt4_prompt's task_description and get_gpt4_ICE's five examples.
  /// The task description that opens the prompt.
  static let judgeTaskDescription = [
    "\n",
    "Please read the following example.\n",
    "Then extract the answer from the model response and type it at the end of the prompt.\n\n",
  ].joined()

  /// In-context example 1.
  static let judgeExample1 = [
    "\n",
    "Hint: Please answer the question requiring an integer answer and provide the final value,\n",
    "e.g., 1, 2, 3, at the end.\n\n",
    "Question: Which number is missing?\n\n",
    "Model response: The number missing in the sequence is 14.\n\n",
    "Extracted answer: 14\n",
  ].joined()

  /// In-context example 2.
  static let judgeExample2 = [
    "\n",
    "Hint: Please answer the question requiring a floating-point number with one decimal place and provide the ",
    "final value,\n",
    "e.g., 1.2, 1.3, 1.4, at the end.\n\n",
    "Question: What is the fraction of females facing the camera?\n\n",
    "Model response: The fraction of females facing the camera is 0.6,\n",
    "which means that six out of ten females in the group are facing the camera.\n\n",
    "Extracted answer: 0.6\n",
  ].joined()

  /// In-context example 3.
  static let judgeExample3 = [
    "\n",
    "Hint: Please answer the question requiring a floating-point number with two decimal places and provide the ",
    "final value,\n",
    "e.g., 1.23, 1.34, 1.45, at the end.\n\n",
    "Question: How much money does Luca need to buy a sour apple candy and a butter-scotch candy? (Unit: $)\n\n",
    "Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.\n\n",
    "Extracted answer: 1.45\n",
  ].joined()

  /// In-context example 4.
  static let judgeExample4 = [
    "\n",
    "Hint: Please answer the question requiring a Python list as an answer and provide the final list,\n",
    "e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.\n\n",
    "Question: Between which two years does the line graph saw its maximum peak?\n\n",
    "Model response: The line graph saw its maximum peak between 2007 and 2008.\n\n",
    "Extracted answer: [2007, 2008]\n",
  ].joined()

  /// In-context example 5.
  static let judgeExample5 = [
    "\n",
    "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n\n",
    "Question: What fraction of the shape is blue?\n\n",
    "Choices: (A) 3/11 (B) 8/11 (C) 6/11 (D) 3/5\n\n",
    "Model response: The correct answer is (B) 8/11.\n\n",
    "Extracted answer: B\n",
  ].joined()

  /// The in-context examples, in order.
  static let judgeExamples = [judgeExample1, judgeExample2, judgeExample3, judgeExample4, judgeExample5]

  /// `build_mathvista_gpt4_prompt(line)`: the task description, each example followed by a newline, the record's
  /// `question` and a newline, then `Model respone: ` (sic), the prediction and `Extracted answer:` with no
  /// separator.
  public static func judgePrompt(question: String, prediction: String) -> String {
    judgeTaskDescription + judgeExamples.map { $0 + "\n" }.joined() + question + "\n" + "Model respone: " + prediction
      + "Extracted answer:"
  }

  /// The reference's extraction prompt, or nil when the prefetch succeeded (no judge call).
  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? {
    guard ruleScore.measures["prefetch"] != 1 else { return nil }
    return Self.judgePrompt(question: sample.text("question") ?? "", prediction: extraction.answer)
  }

  /// `post_check(line + res, prefetch=False)` with `res` the judge's reply; the rule score where the prefetch
  /// succeeded.
  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    let ruleScore = score(extraction, for: sample, options: options)
    guard ruleScore.measures["prefetch"] != 1 else { return ruleScore }
    let measures = ["prefetch": 0.0]
    if judgeOutput.containsScalars("Failed to obtain answer via API") {
      return SampleScore(
        value: 0, status: .unparsed, measures: measures,
        notes: ["judge: reply is the API-failure text (after 5 such replies the reference uses '')"])
    }
    if Self.isMultipleChoice(sample) {
      guard let letter = OptionInference.infer(judgeOutput, choices: Self.choices(of: sample)) else {
        return SampleScore(
          value: 0, status: .unparsed, measures: measures,
          notes: ["judge: can_infer reads no option in the reply (post_check: a miss)"])
      }
      return SampleScore(
        value: letter == sample.text("answer_option") ? 1 : 0, measures: measures, parsed: letter,
        notes: ["judge: can_infer on the judge reply"])
    }
    let gold = sample.text("answer") ?? ""
    switch sample.text("answer_type") {
    case "integer":
      return judgedNumber(judgeOutput, gold: gold, parse: { Self.pythonInt($0).map(Number.integer) })
    case "float":
      return judgedNumber(judgeOutput, gold: gold, parse: { Self.pythonFloat($0).map(Number.float) })
    default:
      var score = ruleScore
      score.notes.append("judge: reply unused (post_check compares str(None), bug #1679)")
      return score
    }
  }

  /// `int(res) == int(answer)` (or `float`): a reply Python cannot convert is a miss, reported unparsed.
  func judgedNumber(_ reply: String, gold: String, parse: (String) -> Number?) -> SampleScore {
    let measures = ["prefetch": 0.0]
    guard let value = parse(reply) else {
      return SampleScore(
        value: 0, status: .unparsed, measures: measures,
        notes: ["judge: the reply is not a number of the answer type (post_check: a miss)"])
    }
    guard let goldValue = parse(gold) else {
      return SampleScore(
        value: 0, measures: measures, parsed: value.text,
        notes: ["judge: reply read, but the gold answer is not of its type"])
    }
    return SampleScore(
      value: value == goldValue ? 1 : 0, measures: measures, parsed: value.text,
      notes: ["judge: post_check on the judge reply"])
  }
}
