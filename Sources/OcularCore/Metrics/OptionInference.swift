/// VLMEvalKit's multiple-choice answer inference, `can_infer` (`vlmeval/utils/matching_util.py`, ms-vlmeval 0.0.20).
///
/// The rule path of benchmarks.md §2.5: first the option-letter rule, then the option-text rule. It returns a
/// letter, `Z` for a refusal, or nil when nothing can be inferred (the reference's `False`).
public enum OptionInference {
  /// Refusal phrases that make the reference answer `Z`.
  static let refusals = [
    "Sorry, I can't help with images of people yet.",
    "I can't process this file.",
    "I'm sorry, but without the image provided",
    "Cannot determine the answer",
  ]

  /// `can_infer(answer, choices)`: the option rule, else the text rule.
  ///
  /// - Parameter choices: The options as (letter, text) pairs in letter order; missing options left out.
  public static func infer(_ answer: String, choices: [(letter: String, text: String)]) -> String? {
    letter(in: answer, choices: choices) ?? text(in: answer, choices: choices)
  }

  /// `can_infer_option`: a unique option letter among the last four tokens, `Z` for refusals.
  public static func letter(in answer: String, choices: [(letter: String, text: String)]) -> String? {
    if answer.containsScalars("Failed to obtain answer via API") { return nil }
    for refusal in refusals where answer.containsScalars(refusal) { return "Z" }
    var modified = String.UnicodeScalarView()
    for scalar in answer.unicodeScalars {
      switch scalar {
      case ".", "(", ")", "[", "]", ",", ":", ";", "!", "*", "#", "{", "}": modified.append(" ")
      default: modified.append(scalar)
      }
    }
    let tokens = PythonString.split(String(modified))
    let present = choices.filter { tokens.contains($0.letter) }
    if present.count == 1 {
      let letter = present[0].letter
      if let first = tokens.firstIndex(of: letter), first > tokens.count - 5 { return letter }
    } else if present.isEmpty, tokens.contains("Z") {
      return "Z"
    }
    return nil
  }

  /// `can_infer_text`: exactly one option text contained in the lower-cased answer, if the answer is short enough.
  public static func text(in answer: String, choices: [(letter: String, text: String)]) -> String? {
    let lowered = PythonString.lower(answer)
    let budget = 2 * choices.reduce(0) { $0 + PythonString.length($1.text) }
    if PythonString.length(lowered) > budget { return nil }
    let candidates = choices.filter { lowered.containsScalars(PythonString.lower($0.text)) }
    return candidates.count == 1 ? candidates[0].letter : nil
  }
}
