/// The LLM-judge path of CharXiv reasoning (benchmarks.md §3.9): `auxeval` in `vlmeval/dataset/charxiv.py`
/// (ms-vlmeval 0.0.20, Apache-2.0).
///
/// The reference grades every item: the prompt is the record's own `grading_query` with each `{PREDICTION}`
/// replaced by the prediction (Python `str.replace`), and the reply must be a JSON object (`json.loads`, nothing
/// around it but whitespace) holding `score` and the extracted answer. Anything else scores 0 (a reply that is not
/// JSON is asked again, 10 calls in all). Version 0.0.20 requires the key `extract_answer`; the grading queries of
/// the newer TSV (after VLMEvalKit #1555) ask for `extracted_answer`, and Ocular accepts either key (the documented
/// deviation of §3.9, noted on the items it decides).
extension CharXivReasoning {
  /// `auxeval`'s calls: 10 at most while the reply is not JSON; temperature 0, max_tokens 256, seed 42, top_p 1.
  public func judgePolicy(for sample: Sample) -> JudgePolicy { .charXiv }

  /// The key 0.0.20 requires beside `score`.
  static let answerKey = "extract_answer"
  /// The key of the newer grading queries, which Ocular also accepts.
  static let newerAnswerKey = "extracted_answer"

  /// The grading query with the prediction substituted: the reference asks the judge about every item.
  public func judgePrompt(for extraction: Extraction, sample: Sample, ruleScore: SampleScore) -> String? {
    Self.gradingPrompt(for: sample, prediction: extraction.answer)
  }

  /// The judge's JSON verdict: its `score` (a number; `true`/`false` count as 1/0, as Python sums them), or 0 with
  /// status `unparsed` when the reply is not a JSON object with both keys or its score is not a number.
  public func score(
    _ extraction: Extraction, for sample: Sample, judgeOutput: String, options: ScoringOptions
  ) -> SampleScore {
    guard let value = PythonJSON.parse(judgeOutput) else {
      return .unparsed(
        notes: ["judge: reply is not JSON (json.loads fails; after 10 such replies the reference scores 0)"])
    }
    guard case .object(let members) = value else {
      return .unparsed(notes: ["judge: reply is not a JSON object (the reference scores 0)"])
    }
    guard let score = members["score"] else {
      return .unparsed(notes: ["judge: reply has no \"score\" (the reference scores 0)"])
    }
    var notes = ["judge: JSON verdict of the grading query"]
    let answer: PythonJSON.Value
    if let value = members[Self.answerKey] {
      answer = value
    } else if let value = members[Self.newerAnswerKey] {
      guard options.profile != .published else {
        return .unparsed(
          notes: [
            "published: answer key \"\(Self.newerAnswerKey)\" (VLMEvalKit #1555); 0.0.20 requires "
              + "\"\(Self.answerKey)\" and scores 0"
          ])
      }
      answer = value
      notes.append(
        "judge: answer key \"\(Self.newerAnswerKey)\" (VLMEvalKit #1555); 0.0.20 requires \"\(Self.answerKey)\" "
          + "and scores 0")
    } else {
      return .unparsed(
        notes: ["judge: reply has neither \"\(Self.answerKey)\" nor \"\(Self.newerAnswerKey)\" (scored 0)"])
    }
    let parsed = Self.text(of: answer)
    let number: Double
    switch score {
    case .number(let value) where value.isFinite: number = value
    case .bool(let flag): number = flag ? 1 : 0
    default:
      return SampleScore(
        value: 0, status: .unparsed, parsed: parsed,
        notes: ["judge: \"score\" is not a finite number (the reference's get_scores cannot sum it)"])
    }
    if number != 0, number != 1 { notes.append("judge: score \(number) is neither 0 nor 1; summed as given") }
    return SampleScore(value: number, parsed: parsed, notes: notes)
  }

  /// A JSON value as report text: strings verbatim, numbers as table cells, Booleans as Python prints them.
  static func text(of value: PythonJSON.Value) -> String? {
    switch value {
    case .string(let text): return text
    case .number(let number): return JSONValue.number(number).cellText
    case .bool(let flag): return flag ? "True" : "False"
    default: return nil
    }
  }
}
