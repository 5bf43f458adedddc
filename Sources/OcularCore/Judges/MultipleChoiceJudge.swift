/// VLMEvalKit's LLM answer matching for multiple-choice questions (benchmarks.md §2.6): the judge half of
/// `extract_answer_from_item` in `vlmeval/dataset/utils/multiple_choice.py` (ms-vlmeval 0.0.20, Apache-2.0).
///
/// The reference runs the judge only when `can_infer` reads no option in the prediction. It sends the
/// `build_prompt` text (`build_prompt_cn` when the question holds a CJK ideograph, `cn_string`), then applies
/// `can_infer` to the judge's reply; a reply it cannot read is asked again (3 calls in all, ``JudgePolicy/multipleChoice(choices:)``),
/// after which the reference draws a **random** letter. Ocular reports such a reply `unparsed` (score 0), never a guess.
public enum MultipleChoiceJudge {
  // Prompt text verbatim from ms-vlmeval 0.0.20 (Apache-2.0), vlmeval/dataset/utils/multiple_choice.py:
  // build_prompt (its `tmpl` up to the first `{}`; the pieces after each `{}` are in `prompt(question:…)`).
  /// The English template up to the question.
  static let englishHead = [
    "You are an AI assistant who will help me to match ",
    "an answer with several options of a single-choice question. ",
    "You are provided with a question, several options, and an answer, ",
    "and you need to find which option is most similar to the answer. ",
    "If the meaning of all options are significantly different from the answer, output Z. ",
    "Your should output a single uppercase character in A, B, C, D (if they are valid options), and Z. \n",
    "Example 1: \n",
    "Question: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n",
    "Answer: a cute teddy bear\nYour output: A\n",
    "Example 2: \n",
    "Question: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n",
    "Answer: Spider\nYour output: Z\n",
    "Example 3: \n",
    "Question: ",
  ].joined()

  // Same file, build_prompt_cn.
  /// The Chinese template up to the question.
  static let chineseHead = [
    "你是一个帮助我匹配答案与单选题中多个选项的 AI 助手。",
    "你会被提供：一个问题，多个选项，一个答案。",
    "你的任务是找到与答案意义最相近的选项。",
    "如果所有选项的意义都与答案显著不同，则输出 Z。",
    "你应该输出一个单个的大写字母，例如 A, B, C, D（如果它们是有效选项），或 Z。",
    "例 1:",
    "问题: 图中最主要的物体是什么?\n选项: A. 泰迪熊 B. 兔子 C. 猫 D. 狗\n",
    "答案: 一只可爱的泰迪熊\n输出: A\n",
    "例 2: \n",
    "问题: 图中最主要的物体是什么?\n选项: A. 泰迪熊 B. 兔子 C. 猫 D. 狗\n",
    "答案: 蜘蛛\n输出: Z\n",
    "例 3: \n",
    "问题: ",
  ].joined()

  /// The text by which the reference's API wrapper reports a failed call; the reference retries such replies.
  static let apiFailure = "Failed to obtain answer via API"

  /// The judge prompt for a question, its options (after any `MMMU_preproc`) and the prediction:
  /// `tmpl.format(question, build_option_str(choices), prediction)`.
  public static func prompt(
    question: String, choices: [(letter: String, text: String)], prediction: String
  ) -> String {
    let options = optionString(choices)
    if isChinese(question) {
      return chineseHead + question + "?\n选项: " + options + "\n答案: " + prediction + "\n输出: "
    }
    return englishHead + question + "?\nOptions: " + options + "\nAnswer: " + prediction + "\nYour output: "
  }

  /// `build_option_str` (`vlmeval/smp/vlm.py`): a header line, then `X. text` lines.
  static func optionString(_ choices: [(letter: String, text: String)]) -> String {
    "There are several options: \n" + choices.map { "\($0.letter). \($0.text)\n" }.joined()
  }

  /// `cn_string`: whether the text holds a scalar of U+4E00–U+9FFF.
  static func isChinese(_ text: String) -> Bool {
    text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
  }

  /// Scores the judge's reply: `can_infer` on it, a hit when the letter equals the gold letter; a reply it cannot
  /// read (or the API-failure text) is `unparsed`.
  ///
  /// - Parameter notes: The rule path's notes, kept in front of the judge's.
  public static func score(
    judgeOutput: String, choices: [(letter: String, text: String)], gold: String, notes: [String]
  ) -> SampleScore {
    let fallback = "after 3 calls the reference draws a random letter; Ocular never guesses"
    if judgeOutput.containsScalars(apiFailure) {
      return .unparsed(notes: notes + ["judge: reply is the API-failure text; \(fallback)"])
    }
    guard let letter = OptionInference.infer(judgeOutput, choices: choices) else {
      return .unparsed(notes: notes + ["judge: can_infer reads no option in the reply; \(fallback)"])
    }
    return SampleScore(
      value: letter == gold ? 1 : 0, parsed: letter, notes: notes + ["judge: can_infer on the judge reply"])
  }
}
