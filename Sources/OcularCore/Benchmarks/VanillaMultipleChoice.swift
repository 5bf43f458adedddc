/// A multiple-choice benchmark scored by VLMEvalKit's vanilla rule path (`mcq_vanilla_eval` with judge
/// `exact_matching`, ms-vlmeval 0.0.20): `can_infer` on the prediction, hit when the letter equals the gold.
///
/// A prediction from which no letter can be inferred is `unparsed` (the reference's `Z`): never a guess.
public struct VanillaMultipleChoice: Benchmark {
  public let descriptor: BenchmarkDescriptor
  public var defaultPromptTemplate: String { "{hint}Question: {question}\n{options}" }
  public var requiredFields: [FieldRequirement] {
    [FieldRequirement("question", .string), FieldRequirement("answer", .letter, isNaNAccepted: true)]
  }

  /// The note on a sample whose gold cell pandas reads as NaN.
  public static let nanGoldNote = "gold is NaN in pandas; the reference's letter never equals it"

  /// Creates a vanilla multiple-choice benchmark.
  public init(id: String, title: String, group: BenchmarkGroup) {
    self.descriptor = BenchmarkDescriptor(
      id: id, title: title, group: group, metric: "mcq_accuracy", family: .vlmevalkit, judgeMode: .exactMatching,
      reference:
        "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/utils/multiple_choice.py: mcq_vanilla_eval, exact_matching")
  }

  /// The options of a record: the non-missing single-letter columns `A`–`Z`, in letter order.
  public static func choices(of sample: Sample) -> [(letter: String, text: String)] {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).compactMap { code in
      let letter = String(UnicodeScalar(code))
      guard let text = sample.text(letter) else { return nil }
      return (letter, text)
    }
  }

  public func problem(in sample: Sample) -> String? {
    let choices = Self.choices(of: sample)
    guard choices.count >= 2 else { return "a multiple-choice record needs at least two option columns (A, B, …)" }
    // A NaN gold (a TSV cell pandas reads as NaN) is loaded and scored by the reference: it never matches.
    if sample.record["answer"]?.isMissing == true { return nil }
    guard let gold = sample.text("answer"), choices.contains(where: { $0.letter == gold }) else {
      return "answer \"\(sample.text("answer") ?? "")\" names no option of the record"
    }
    return nil
  }

  public func promptVariables(for sample: Sample) -> [String: String] {
    var options = ""
    let choices = Self.choices(of: sample)
    if !choices.isEmpty {
      options =
        "Options:\n" + choices.map { "\($0.letter). \($0.text)\n" }.joined()
        + "Please select the correct answer from the options above. \n"
    }
    return ["options": options, "hint": sample.text("hint").map { "Hint: \($0)\n" } ?? ""]
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    var keys: [BreakdownKey] = []
    if let split = sample.split { keys.append(BreakdownKey("split", split)) }
    if let category = sample.text("category") { keys.append(BreakdownKey("category", category)) }
    if let category = sample.text("l2-category") { keys.append(BreakdownKey("l2-category", category)) }
    return keys
  }

  public func oracleResponse(for sample: Sample) -> String {
    thinkAnswer(sample.text("answer") ?? "", thinking: "The oracle knows the gold option.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    thinkAnswer(Self.choices(of: sample).first?.letter ?? "A", thinking: "The first option is chosen by the baseline.")
  }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    guard let letter = OptionInference.infer(extraction.answer, choices: Self.choices(of: sample)) else {
      return .unparsed(notes: sample.text("answer") == nil ? [Self.nanGoldNote] : [])
    }
    guard let gold = sample.text("answer") else {
      return SampleScore(value: 0, parsed: letter, notes: [Self.nanGoldNote])
    }
    return SampleScore(value: letter == gold ? 1 : 0, parsed: letter)
  }
}
