/// The LLM-judge path of MMBench's CircularEval (benchmarks.md §3.2, §2.6): `eval_circular_group` resolves each row
/// `can_infer` left open with `extract_answer_from_item` and a judge model (`vlmeval/dataset/utils/
/// multiple_choice.py`, ms-vlmeval 0.0.20).
///
/// Each row is judged on its own (its rotated options, its own gold letter); ``CircularAggregator`` then makes the
/// group verdict: one wrong letter fails the group, and a row the judge's reply leaves unreadable (where the
/// reference draws a random letter) fails it too. The reference skips the judge for groups a prefetched wrong letter
/// already failed; Ocular, which scores row by row, may ask about such rows, without changing any verdict.
extension MMBench {
  /// `extract_answer_from_item`'s calls on the row's options: 3 at most while `can_infer` cannot read the reply.
  public func judgePolicy(for sample: Sample) -> JudgePolicy {
    .multipleChoice(choices: VanillaMultipleChoice.choices(of: sample))
  }

  /// The reference's answer-matching prompt for the row, or nil when `can_infer` reads an option in it.
  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? {
    base.judgePrompt(for: extraction, sample: sample, ruleScore: ruleScore)
  }

  /// `can_infer` on the judge's reply, a hit when it names the row's gold letter.
  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    let ruleScore = score(extraction, for: sample, options: options)
    guard judgePrompt(for: extraction, sample: sample, ruleScore: ruleScore) != nil else { return ruleScore }
    return MultipleChoiceJudge.score(
      judgeOutput: judgeOutput, choices: VanillaMultipleChoice.choices(of: sample), gold: sample.text("answer") ?? "",
      notes: ruleScore.notes)
  }
}
