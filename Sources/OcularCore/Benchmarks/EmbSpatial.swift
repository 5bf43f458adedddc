/// EmbSpatial (Spatial reasoning; benchmarks.md §3.10): the EASI `EmbSpatialBench` TSV scored by VLMEvalKit's
/// rule path (`compute_mcq_score` with judge `exact_matching`): `can_match_option` on the prediction and on the
/// stripped gold, equal after lower-casing. It does not use `can_infer`.
public struct EmbSpatial: Benchmark {
  public let descriptor = BenchmarkDescriptor(
    id: "embspatial", title: "EmbSpatial", group: .spatial, metric: "mcq_accuracy", family: .vlmevalkit,
    judgeMode: .exactMatching,
    reference: "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/embspatialbench.py: EmbSpatialBench; "
      + "utils/spatial_bench/cal_scores.py: compute_mcq_score, eval_mcq_score; "
      + "utils/spatial_bench/matching_func.py: can_match_option (exact_matching)")
  public var defaultPromptTemplate: String {
    "Question: {question}\nOptions:\n{options}\nGive me the answer letter directly. The best answer is:"
  }
  public var requiredFields: [FieldRequirement] {
    [
      FieldRequirement("question", .string), FieldRequirement("answer", .text),
      FieldRequirement("options", .answerList),
    ]
  }

  /// Creates the benchmark.
  public init() {}

  /// The option texts: a JSON array, or a cell holding a JSON list (`json.loads`) or else a Python list literal
  /// (`ast.literal_eval`), as `EmbSpatialBench.build_prompt` reads it; nil unless it is a list of strings.
  public static func options(of sample: Sample) -> [String]? {
    func strings(_ items: [JSONValue]) -> [String]? {
      let texts = items.compactMap(\.stringValue)
      return texts.count == items.count ? texts : nil
    }
    switch sample.record["options"] {
    case .array(let items)?:
      return strings(items)
    case .string(let cell)?:
      if let parsed = PythonJSON.parse(cell) {
        guard case .array(let items) = parsed else { return nil }
        let texts = items.compactMap { item -> String? in
          if case .string(let text) = item { return text }
          return nil
        }
        return texts.count == items.count ? texts : nil
      }
      if case .array(let items)? = PythonLiteral.parse(cell) { return strings(items) }
      return nil
    default:
      return nil
    }
  }

  /// The letter `can_match_option` reads in the stripped gold cell, if any.
  public static func goldLetter(of sample: Sample) -> String? {
    OptionMatching.letter(in: PythonString.strip(sample.text("answer") ?? ""))
  }

  public func problem(in sample: Sample) -> String? {
    guard let options = Self.options(of: sample) else {
      return "field \"options\" must be a list of strings (a JSON array, or a JSON or Python list literal)"
    }
    guard !options.isEmpty, options.count <= 26 else { return "field \"options\" must hold 1 to 26 options" }
    return nil
  }

  /// `{options}`: `A: text` lines joined by newlines, without a trailing newline.
  public func promptVariables(for sample: Sample) -> [String: String] {
    let options = Self.options(of: sample) ?? []
    let lines = options.enumerated().map { offset, text in
      "\(String(UnicodeScalar(UInt8(ascii: "A") + UInt8(offset)))): \(text)"
    }
    return ["options": lines.joined(separator: "\n")]
  }

  /// The split, if any, and the `data_source` (`mp3d`, `ai2thor`, `scannet`).
  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    var keys: [BreakdownKey] = []
    if let split = sample.split { keys.append(BreakdownKey("split", split)) }
    if let source = sample.text("data_source") { keys.append(BreakdownKey("data_source", source)) }
    return keys
  }

  public func oracleResponse(for sample: Sample) -> String {
    thinkAnswer(
      Self.goldLetter(of: sample) ?? PythonString.strip(sample.text("answer") ?? ""),
      thinking: "The oracle knows the gold option.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    thinkAnswer("A", thinking: "The first option is chosen by the baseline.")
  }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    let prediction = OptionMatching.match(extraction.answer)
    let gold = Self.goldLetter(of: sample)
    // `exact_match(str(pred), str(gt))`: a failed match is the string `False` on either side.
    let hit = PythonString.lower(prediction?.letter ?? "False") == PythonString.lower(gold ?? "False")
    var notes: [String] = []
    if let prediction { notes.append("can_match_option " + prediction.rule.label) }
    if gold == nil { notes.append("can_match_option reads no letter in the gold") }
    guard let prediction else {
      if hit { notes.append("reference quirk: both sides False count as a hit") }
      return SampleScore(value: hit ? 1 : 0, status: .unparsed, notes: notes)
    }
    return SampleScore(value: hit ? 1 : 0, parsed: prediction.letter, notes: notes)
  }
}

extension BenchmarkRegistry {
  /// EmbSpatial (Spatial reasoning): `EmbSpatialBench`, `can_match_option` accuracy (benchmarks.md §3.10).
  static let embspatial = EmbSpatial()
}
