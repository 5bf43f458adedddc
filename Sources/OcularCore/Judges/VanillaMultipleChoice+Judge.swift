/// The LLM-judge path of vanilla multiple choice (MMStar, AI2D; benchmarks.md §2.6): VLMEvalKit's
/// `extract_answer_from_item` with a judge model (`vlmeval/dataset/utils/multiple_choice.py`, ms-vlmeval 0.0.20).
extension VanillaMultipleChoice {
  /// `extract_answer_from_item`'s calls: 3 at most while `can_infer` cannot read the reply.
  public func judgePolicy(for sample: Sample) -> JudgePolicy { .multipleChoice(choices: Self.choices(of: sample)) }

  /// The reference's answer-matching prompt, or nil when `can_infer` reads an option in the prediction (the rule
  /// path decided).
  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? {
    let choices = Self.choices(of: sample)
    guard OptionInference.infer(extraction.answer, choices: choices) == nil else { return nil }
    return MultipleChoiceJudge.prompt(
      question: sample.text("question") ?? "", choices: choices, prediction: extraction.answer)
  }

  /// `can_infer` on the judge's reply, a hit when it names the gold letter; the rule score where the rule path
  /// decided.
  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    let ruleScore = score(extraction, for: sample, options: options)
    guard judgePrompt(for: extraction, sample: sample, ruleScore: ruleScore) != nil else { return ruleScore }
    return MultipleChoiceJudge.score(
      judgeOutput: judgeOutput, choices: Self.choices(of: sample), gold: sample.text("answer") ?? "",
      notes: ruleScore.notes)
  }
}
