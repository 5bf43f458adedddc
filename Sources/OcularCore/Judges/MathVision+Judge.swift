/// The LLM-judge path of MathVision (benchmarks.md §3.6): `MATH_V_auxeval` with a judge model, then `post_check`
/// on its reply (`vlmeval/dataset/utils/mathv.py`, ms-vlmeval 0.0.20, Apache-2.0).
///
/// The judge runs where the prefetch failed (the rule score's `prefetch` measure is 0): it gets the 5-shot
/// extraction prompt of `build_mathv_gpt4_prompt`, and its reply `res` is scored as `MATH_V_acc` does with
/// `post_check(prefetch=False)`: for multiple choice `is_equal(can_infer(res), answer)` (an unreadable reply is
/// Python's `False`, compared as the text `false`), otherwise `is_equal(str(res), answer)`. `is_equal` is
/// ``MathEquivalence`` (no `eval`; the LaTeX branch is an approximation, flagged in notes).
extension MathVision {
  /// `MATH_V_auxeval`'s calls: 5 at most, temperature 0.5·i, max_tokens 128.
  public func judgePolicy(for sample: Sample) -> JudgePolicy { .mathExtraction }

  // Prompt text verbatim from ms-vlmeval 0.0.20 (Apache-2.0), vlmeval/dataset/utils/mathv.py:
  // build_mathv_gpt4_prompt's task_description and get_gpt4_ICE's five examples.
  /// The task description that opens the prompt.
  static let judgeTaskDescription = [
    "\n",
    "Please read the following example.\n",
    "Then extract the answer from the model response and type it at the end of the prompt.\n\n",
  ].joined()

  /// In-context example 1.
  static let judgeExample1 = [
    "\n",
    "Hint: Please answer the question and provide the final answer at the end.\n\n",
    "Question: Which number is missing?\n\n",
    "Model response: The number missing in the sequence is 14.\n\n",
    "Extracted answer: 14\n",
  ].joined()

  /// In-context example 2.
  static let judgeExample2 = [
    "\n",
    "Hint: Please answer the question and provide the final answer at the end.\n\n",
    "Question: What is the fraction of females facing the camera?\n\n",
    "Model response: The fraction of females facing the camera is 0.6,\n",
    "which means that six out of ten females in the group are facing the camera.\n\n",
    "Extracted answer: 0.6\n",
  ].joined()

  /// In-context example 3.
  static let judgeExample3 = [
    "\n",
    "Hint: Please answer the question and provide the final answer at the end.\n\n",
    "Question: How much money does Luca need to buy a sour apple candy and a butter-scotch candy? (Unit: $)\n\n",
    "Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.\n\n",
    "Extracted answer: 1.45\n",
  ].joined()

  /// In-context example 4.
  static let judgeExample4 = [
    "\n",
    "Hint: Please answer the question and provide the final answer at the end.\n\n",
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

  /// `build_mathv_gpt4_prompt(line)`: the task description, each example followed by a newline, the record's
  /// `question` and a newline, then `Model respone: ` (sic), the prediction and `Extracted answer:`.
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
    let gold = sample.text("answer") ?? ""
    let choices = Self.choices(of: sample)
    if !choices.isEmpty {
      let letter = OptionInference.infer(judgeOutput, choices: choices)
      let verdict = MathEquivalence.compare(
        letter ?? "False", gold, isLocalAReproduced: options.profile != .corrected)
      guard let letter else {
        return SampleScore(
          value: verdict.isEqual ? 1 : 0, status: verdict.isEqual ? .ok : .unparsed, measures: measures,
          notes: ["judge: can_infer reads no option in the reply (is_equal(False, answer))"] + verdict.notes)
      }
      return SampleScore(
        value: verdict.isEqual ? 1 : 0, measures: measures, parsed: letter,
        notes: ["judge: can_infer on the judge reply"] + verdict.notes)
    }
    let verdict = MathEquivalence.compare(judgeOutput, gold, isLocalAReproduced: options.profile != .corrected)
    let reply = PythonString.strip(judgeOutput)
    return SampleScore(
      value: verdict.isEqual ? 1 : 0, status: reply.isEmpty && !verdict.isEqual ? .unparsed : .ok,
      measures: measures, parsed: reply, notes: ["judge: is_equal on the judge reply"] + verdict.notes)
  }
}
