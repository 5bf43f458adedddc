/// The LLM-judge path of EmbSpatial (benchmarks.md §3.10): the EASI generic judge, `extract_ans_by_llm(mode='mcq')`
/// and `call_llm_extract` in `vlmeval/dataset/utils/spatial_bench/llm_extract.py`, as `compute_score_llm` calls
/// them for `build_mcq_score_fn` with a judge model (ms-vlmeval 0.0.20, Apache-2.0).
///
/// With a judge the reference grades **every** item (there is no rule prefetch): the prompt carries the question,
/// the options (`build_choices`: the `options` list, each text's whitespace collapsed), the standard answer (`X.
/// text` when the stripped, upper-cased gold names an option, else the raw gold) and the prediction. The reply's
/// first line must start with a grade `A` (correct), `B` (incorrect) or `C` (invalid) followed by a non-word
/// character; the item scores 1 only for `A`. A reply without a grade is asked again (3 calls in all) and then
/// graded `C`; an empty reply makes the reference raise (`IndexError`). Ocular reports both `unparsed` (score 0).
extension EmbSpatial {
  /// `call_llm_extract`'s calls: up to VLMEvalKit's `--retry` (6) while the reply has no grade.
  public func judgePolicy(for sample: Sample) -> JudgePolicy { .embSpatial }

  // Prompt text verbatim from ms-vlmeval 0.0.20 (Apache-2.0), vlmeval/dataset/utils/spatial_bench/llm_extract.py:
  // GENERIC_EXTRACT_JUDGE_PROMPT up to `{question}`, after `.format` (its `{{...}}` is the text `{...}`); the pieces
  // between the later placeholders are in `judgePrompt(question:…)`.
  /// The EASI judge template up to the question.
  static let judgeHead = [
    "You are an expert grading assistant.\n",
    "Your job has TWO tasks:\n",
    "1) From the candidate's full response, EXTRACT the final answer in a concise, normalized form.\n",
    "2) Compare this extracted answer with the STANDARD ANSWER and grade it as:\n",
    "   - A: CORRECT\n",
    "   - B: INCORRECT\n",
    "   - C: INVALID\n\n",
    "Here are the detailed evaluation criteria:\n",
    "1. ALWAYS refer to the given STANDARD ANSWER. You do NOT need to re-solve the question; the standard answer ",
    "has already been provided and is always correct. Your only job is to judge whether the candidate's final ",
    "answer is consistent with the standard answer according to the form of the question. THE STANDARD ANSWER IS ",
    "ALWAYS CORRECT AND THE QUESTION IS PERFECTLY VALID. NEVER QUESTION THEM.\n",
    "2. ONLY compare the FINAL ANSWER — COMPLETELY IGNORE any potential errors or issues in the REASONING ",
    "PROCESS. Even if the reasoning is wrong, as long as the final answer matches the standard answer, grade it ",
    "as CORRECT.\n",
    "3. Answers may be expressed in different ways (e.g., mathematical expressions, textual descriptions). As ",
    "long as the meaning is the same as the standard answer, treat them as equivalent. If the standard answer ",
    "does not specify a unit but the candidate's answer includes a correct unit for the given value, consider it ",
    "CORRECT.\n",
    "4. Some answers may consist of multiple items, such as multiple-choice questions with multiple correct ",
    "options, multi-select questions, or multi-blank fill-in-the-blank questions. Regardless of the question ",
    "type, the final answer is considered CORRECT only if it matches the standard answer exactly at the level of ",
    "all required items. For multi-select or multi-blank questions, ALL parts must be answered correctly and ",
    "match the standard answer exactly to be deemed CORRECT.\n",
    "5. If the candidate's answer is wrapped in LaTeX-style markers like \\boxed{...}, IGNORE the \\boxed and only ",
    "use the inner content as the candidate's final answer when comparing with the standard answer.\n",
    "6. If the candidate's answer is INVALID — for example, incomplete (cut off mid-response), containing a ",
    "large amount of abnormal repetitive content, clearly irrelevant to the question, or explicitly refusing to ",
    "answer due to ethical concerns, lack of information, or other external factors — then you MUST grade it as ",
    "C: INVALID.\n",
    "7. This instruction applies to all problem types, including single-choice MCQ, multi-select MCQ, numeric ",
    "problems, short-answer questions, and general VQA-style questions. In all cases, only the FINAL ANSWER and ",
    "its consistency with the standard answer matter.\n",
    "8. The question or options may contain image placeholders such as '<image>', '<image id=1>', or similar ",
    "tokens. You CANNOT see these images. Treat these placeholders as unknown content and DO NOT hallucinate or ",
    "infer any specific visual details from them. If the standard answer or candidate's answer refers to an ",
    "option associated with an image (e.g., 'choose A'), judge correctness only based on the stated answer, not ",
    "by imagining the image.\n\n",
    "IMPORTANT – OUTPUT FORMAT:\n",
    "• You MUST return EXACTLY ONE line in the following format:\n",
    "  <GRADE>\\t<EXTRACTED_ANSWER>\n",
    "  where <GRADE> is one of A, B, or C.\n",
    "• <EXTRACTED_ANSWER> should be the final answer you extracted from the candidate's response, in a ",
    "normalized, concise form (e.g., a number, a letter option, or a short phrase).\n",
    "• If you cannot extract any meaningful answer, or the response is INVALID, output:\n",
    "  C\\tN/A\n",
    "• Do NOT add any extra text, explanation, or additional lines.\n\n",
    "Now, judge the following question.\n",
    "<Original Question Begin>\n",
  ].joined()

  /// The judge's options: `build_choices` reads the `options` cell (`ast.literal_eval`, a list) and collapses each
  /// text's whitespace runs to one space, stripped (`_clean_text`); letters A, B, … in order.
  public static func judgeChoices(of sample: Sample) -> [(letter: String, text: String)] {
    var texts: [String]?
    switch sample.record["options"] {
    case .array(let items)?:
      texts = items.compactMap(\.cellText)
    case .string(let cell)?:
      if case .array(let items)? = PythonLiteral.parse(PythonString.strip(cell)) {
        texts = items.compactMap(\.cellText)
      }
    default: break
    }
    let list = texts ?? Self.options(of: sample) ?? []
    return list.prefix(26).enumerated().map { offset, text in
      (String(UnicodeScalar(UInt8(ascii: "A") + UInt8(offset))), cleanText(text))
    }
  }

  /// `_clean_text`: every run of whitespace (Python `\s`) becomes one space, then the text is stripped.
  static func cleanText(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    var inSpace = false
    for scalar in text.unicodeScalars {
      if PythonString.isSpace(scalar) {
        if !inSpace { scalars.append(" ") }
        inSpace = true
      } else {
        scalars.append(scalar)
        inSpace = false
      }
    }
    return PythonString.strip(String(scalars))
  }

  /// `GENERIC_EXTRACT_JUDGE_PROMPT.format(...)` for an item, as `extract_ans_by_llm(mode='mcq')` fills it.
  public static func judgePrompt(
    question: String, choices: [(letter: String, text: String)], gold: String, prediction: String
  ) -> String {
    let options = choices.isEmpty ? "" : "Options:\n" + choices.map { "\($0.letter). \($0.text)\n" }.joined() + "\n"
    let letter = PythonString.upper(PythonString.strip(gold))
    let standard = choices.first { $0.letter == letter }.map { "\($0.letter). \($0.text)" } ?? gold
    return judgeHead + question + "\n" + options + "<Original Question End>\n<Standard Answer Begin>\n" + standard
      + "\n<Standard Answer End>\n<Candidate's Answer Begin>\n" + prediction
      + "\n<Candidate's Answer End>\nYour output:"
  }

  /// The EASI prompt: the reference's default judge grades every item.
  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? {
    Self.judgePrompt(
      question: sample.text("question") ?? "", choices: Self.judgeChoices(of: sample),
      gold: sample.text("answer") ?? "", prediction: extraction.answer)
  }

  /// The judge's grade: 1 for `A`, 0 for `B` or `C`; `unparsed` (0) when the reply holds no grade.
  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    switch Self.judgeGrade(judgeOutput) {
    case .graded(let grade, let extracted):
      let meaning = ["A": "CORRECT", "B": "INCORRECT", "C": "INVALID"][grade] ?? grade
      return SampleScore(
        value: grade == "A" ? 1 : 0, parsed: extracted, notes: ["judge: EASI grade \(grade) (\(meaning))"])
    case .apiFailure:
      return .unparsed(notes: ["judge: reply is the API-failure text (after its last call the reference grades C)"])
    case .empty:
      return .unparsed(notes: ["judge: empty reply (the reference raises IndexError on it)"])
    case .ungraded:
      return .unparsed(
        notes: ["judge: no grade A/B/C at the start of the reply (after its last call the reference grades C)"])
    }
  }

  /// What `call_llm_extract` reads in one reply.
  public enum JudgeGrade: Sendable, Hashable {
    /// A grade and the extracted answer (`N/A` when none).
    case graded(grade: String, extracted: String)
    /// The reply holds the API-failure text.
    case apiFailure
    /// The stripped reply is empty.
    case empty
    /// The first line does not start with a grade.
    case ungraded
  }

  /// `call_llm_extract` on one reply: strip it, take its first line (`splitlines`), stripped, and match
  /// `^\s*([ABC])\b(.*)$`; the rest loses leading `\s|,:` characters, then leading literal `\t`, `\n`, `\r`
  /// escapes, and is stripped (`N/A` if empty). The reference's second pattern, a lone grade on the whole reply,
  /// can only match where the first already has.
  public static func judgeGrade(_ reply: String) -> JudgeGrade {
    let answer = PythonString.strip(reply)
    if answer.containsScalars("Failed to obtain answer via API") { return .apiFailure }
    guard let first = pythonLines(answer).first else { return .empty }
    var scalars = Substring(PythonString.strip(first)).unicodeScalars
    while let scalar = scalars.first, PythonString.isSpace(scalar) { scalars.removeFirst() }
    guard let grade = scalars.first, grade == "A" || grade == "B" || grade == "C" else { return .ungraded }
    scalars.removeFirst()
    if let next = scalars.first, isWordScalar(next) { return .ungraded }
    while let scalar = scalars.first, PythonString.isSpace(scalar) || scalar == "|" || scalar == "," || scalar == ":" {
      scalars.removeFirst()
    }
    while scalars.count >= 2, scalars.first == "\\",
      ["t", "n", "r"].contains(scalars[scalars.index(after: scalars.startIndex)])
    {
      scalars.removeFirst(2)
    }
    let extracted = PythonString.strip(String(scalars))
    return .graded(grade: String(grade), extracted: extracted.isEmpty ? "N/A" : extracted)
  }

  /// Python's `str.splitlines()`: lines split at `\n`, `\r`, `\r\n`, U+000B, U+000C, U+001C–001E, U+0085, U+2028
  /// and U+2029, without the breaks; an empty string has no lines.
  static func pythonLines(_ text: String) -> [String] {
    var lines: [String] = []
    var current = String.UnicodeScalarView()
    var previousWasReturn = false
    var hasOpenLine = false
    for scalar in text.unicodeScalars {
      if scalar == "\n", previousWasReturn {
        previousWasReturn = false
        continue
      }
      previousWasReturn = scalar == "\r"
      switch scalar.value {
      case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
        lines.append(String(current))
        current = String.UnicodeScalarView()
        hasOpenLine = false
      default:
        current.append(scalar)
        hasOpenLine = true
      }
    }
    if hasOpenLine { lines.append(String(current)) }
    return lines
  }

  /// Python's `\w` for `str` patterns: `_`, letters (categories L*) and characters with a numeric value.
  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "_" || scalar.properties.numericType != nil { return true }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
    default: return false
    }
  }
}
