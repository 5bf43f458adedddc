/// The LLM-judge path of MMMU (benchmarks.md §3.1, §2.6): `mcq_vanilla_eval` with a judge model, on the rows after
/// `MMMU_preproc` (`vlmeval/dataset/utils/multiple_choice.py`, ms-vlmeval 0.0.20).
///
/// An open question's prompt lists `A. <gold text>` and `B. Other Answers`, and the reply is matched against the
/// gold letter of the answer map (`A` for any gold that is not a single letter), as in the reference.
extension MMMU {
  /// `extract_answer_from_item`'s calls on the preprocessed options: 3 at most while `can_infer` cannot read the reply.
  public func judgePolicy(for sample: Sample) -> JudgePolicy { .multipleChoice(choices: Self.choices(of: sample)) }

  /// The reference's answer-matching prompt, or nil when `can_infer` reads an option in the prediction.
  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? {
    let choices = Self.choices(of: sample)
    guard OptionInference.infer(extraction.answer, choices: choices) == nil else { return nil }
    return MultipleChoiceJudge.prompt(
      question: sample.text("question") ?? "", choices: choices, prediction: extraction.answer)
  }

  /// `can_infer` on the judge's reply against the preprocessed options, a hit when it names the gold letter.
  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    let ruleScore = score(extraction, for: sample, options: options)
    guard judgePrompt(for: extraction, sample: sample, ruleScore: ruleScore) != nil else { return ruleScore }
    return MultipleChoiceJudge.score(
      judgeOutput: judgeOutput, choices: Self.choices(of: sample), gold: Self.goldLetter(of: sample),
      notes: ruleScore.notes)
  }
}
