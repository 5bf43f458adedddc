/// MathVision (Math VQA): `MathVision` (3040) or `MathVision_MINI` (304), scored by VLMEvalKit's `post_check`
/// prefetch and Ocular's offline `rule-only` stand-in for the extraction judge (benchmarks.md §3.6).
///
/// The prefetch is the reference's (`vlmeval/dataset/utils/mathv.py`, ms-vlmeval 0.0.20): with non-empty
/// `choices`, `can_infer(prediction, {A: choice 1, …})`, any letter final; without, the prediction itself when
/// `is_equal(prediction, answer)`. A prefetched item scores `is_equal(res, answer)`. Where the reference would call
/// its judge, `rule-only` takes the first available of: the content of the last `\boxed{…}`, the text after the
/// last "answer is", the stripped prediction; multiple-choice items read a letter from it with `can_infer`; then
/// `is_equal` decides. `is_equal` is ``MathEquivalence`` (no `eval`; a LaTeX approximation, flagged in notes).
public struct MathVision: Benchmark {
  public let descriptor = BenchmarkDescriptor(
    id: "mathvision", title: "MathVision", group: .math, metric: "accuracy", family: .vlmevalkit, judgeMode: .ruleOnly,
    reference: "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/utils/mathv.py: MATH_V_auxeval prefetch, post_check, "
      + "is_equal, MATH_V_acc; judge replaced by rule-only (boxed / answer is / prediction)")
  public var defaultPromptTemplate: String { "{question}" }
  public var requiredFields: [FieldRequirement] {
    [
      FieldRequirement("question", .string), FieldRequirement("answer", .text),
      FieldRequirement("choices", .answerList), FieldRequirement("category", .text, isOptional: true),
    ]
  }
  public var measureNames: [String] { ["prefetch"] }

  /// Creates the benchmark.
  public init() {}

  /// The options: `choices` (a list literal or an array; `[]` for free-form items) mapped to `A`, `B`, ….
  public static func choices(of sample: Sample) -> [(letter: String, text: String)] {
    MathVista.choices(of: sample)
  }

  /// Whether a string is a single upper-case letter A–Z.
  static func isOptionLetter(_ text: String) -> Bool {
    guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else { return false }
    return ("A"..."Z").contains(scalar)
  }

  public func problem(in sample: Sample) -> String? {
    switch sample.record["choices"] {
    case .array?: return nil
    case .string(let cell)?:
      guard case .array? = PythonLiteral.parse(cell) else {
        return "field \"choices\" must be a list literal (\"[]\" for a free-form item)"
      }
      return nil
    default: return "field \"choices\" must be a list literal (\"[]\" for a free-form item)"
    }
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    sample.text("category").map { [BreakdownKey("category", $0)] } ?? []
  }

  public func oracleResponse(for sample: Sample) -> String {
    thinkAnswer(sample.text("answer") ?? "", thinking: "The oracle reads the gold answer.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    Self.choices(of: sample).isEmpty ? "<answer>0</answer>" : "<answer>A</answer>"
  }

  public func defines(_ profile: ScoringProfile) -> Bool { profile != .lmmsEval }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    let prediction = extraction.answer
    let gold = sample.text("answer") ?? ""
    let isLocalAReproduced = options.profile != .corrected
    let choices = Self.choices(of: sample)
    if !choices.isEmpty {
      if let letter = OptionInference.infer(prediction, choices: choices) {
        return scoreLetter(
          letter, gold: gold, choices: choices, prefetch: true, notes: ["prefetch"],
          isLocalAReproduced: isLocalAReproduced)
      }
      let (text, rule) = Self.fallbackText(prediction)
      guard let letter = OptionInference.infer(text, choices: choices) else {
        // is_equal(False, answer) compares the string "false" with the gold.
        let verdict = MathEquivalence.compare("False", gold)
        return SampleScore(
          value: verdict.isEqual ? 1 : 0, status: verdict.isEqual ? .ok : .unparsed, measures: ["prefetch": 0],
          notes: ["rule-only (\(rule)): no option inferred"])
      }
      return scoreLetter(
        letter, gold: gold, choices: choices, prefetch: false, notes: ["rule-only (\(rule))"],
        isLocalAReproduced: isLocalAReproduced)
    }
    let prefetch = MathEquivalence.compare(prediction, gold, isLocalAReproduced: isLocalAReproduced)
    // The prefetch returns the prediction itself, which is falsy when empty.
    if prefetch.isEqual, !prediction.isEmpty {
      return SampleScore(
        value: 1, measures: ["prefetch": 1], parsed: prediction, notes: ["prefetch"] + prefetch.notes)
    }
    let (text, rule) = Self.fallbackText(prediction)
    let verdict = MathEquivalence.compare(text, gold, isLocalAReproduced: isLocalAReproduced)
    return SampleScore(
      value: verdict.isEqual ? 1 : 0, status: text.isEmpty ? .unparsed : .ok, measures: ["prefetch": 0],
      parsed: text, notes: ["rule-only (\(rule))"] + verdict.notes)
  }

  /// `post_check` on a letter: `can_infer` again, then `is_equal(letter, answer)`.
  func scoreLetter(
    _ letter: String, gold: String, choices: [(letter: String, text: String)], prefetch: Bool, notes: [String],
    isLocalAReproduced: Bool = true
  ) -> SampleScore {
    let final = OptionInference.infer(letter, choices: choices) ?? "False"
    let verdict = MathEquivalence.compare(final, gold, isLocalAReproduced: isLocalAReproduced)
    return SampleScore(
      value: verdict.isEqual ? 1 : 0, measures: ["prefetch": prefetch ? 1 : 0], parsed: letter,
      notes: notes + verdict.notes)
  }

  /// The `rule-only` text: the last `\boxed{…}` content, else the text after the last "answer is", else the
  /// stripped prediction; with the rule's name.
  public static func fallbackText(_ prediction: String) -> (text: String, rule: String) {
    if let boxed = lastBoxed(in: prediction) { return (PythonString.strip(boxed), "boxed") }
    if let marker = prediction.scalarRanges(of: "answer is").last {
      let rest = PythonString.strip(String(prediction.unicodeScalars[marker.upperBound...]))
      if !rest.isEmpty { return (rest, "answer is") }
    }
    return (PythonString.strip(prediction), "prediction")
  }

  /// The brace-balanced content of the last `\boxed{` that closes, if any.
  static func lastBoxed(in text: String) -> String? {
    guard let last = text.scalarRanges(of: "\\boxed{").last else { return nil }
    let piece = text.unicodeScalars[last.upperBound...]
    var depth = 1
    for index in piece.indices {
      switch piece[index] {
      case "{": depth += 1
      case "}":
        depth -= 1
        if depth == 0 { return String(piece[..<index]) }
      default: break
      }
    }
    return nil
  }
}

extension BenchmarkRegistry {
  /// MathVision (Math): `MathVision` / `MathVision_MINI`, prefetch + rule-only, `Overall` acc (§3.6).
  static let mathvision = MathVision()
}
