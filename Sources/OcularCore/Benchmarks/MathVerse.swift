/// MathVerse (Math VQA): `MathVerse_MINI` (testmini, all problem versions), scored offline by the `rule-only` rule
/// of benchmarks.md §3.5.
///
/// The reference (`vlmeval/dataset/utils/mathverse.py`, ms-vlmeval 0.0.20) has a judge extract an answer, accepts it
/// when `str(extract).strip() == str(answer).strip()` (`post_check_score`), and asks the judge to score the rest.
/// `rule-only` takes the E1 prediction as the extract and keeps only the strip-equality test.
///
/// `MathVerse_acc` reports one row per `problem_version` with per-subject and per-subfield values (from the
/// `metadata` dict literal) and no cross-version number. Ocular's headline is the micro mean over all rows
/// *[inferred: the paper's choice is unknown]*; the breakdown gives every version, subject and subfield, and the
/// reference's table cells as `problem_version/subject` and `problem_version/subfield`.
public struct MathVerse: Benchmark {
  public let descriptor = BenchmarkDescriptor(
    id: "mathverse", title: "MathVerse", group: .math, metric: "accuracy", family: .vlmevalkit, judgeMode: .ruleOnly,
    reference: "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/utils/mathverse.py: post_check_score (strip equality), "
      + "MathVerse_acc; judges replaced by rule-only (extract = prediction)")
  public var defaultPromptTemplate: String { "{question}" }
  public var requiredFields: [FieldRequirement] {
    [
      FieldRequirement("question", .string), FieldRequirement("answer", .text),
      FieldRequirement("problem_version", .string), FieldRequirement("metadata", .text),
    ]
  }

  /// Creates the benchmark.
  public init() {}

  /// The `subject` and `subfield` of the `metadata` cell: read as `MathVerse_acc` does (single quotes replaced by
  /// double quotes, then `json.loads`), else as a Python dict literal; nil if neither gives both keys.
  public static func metadata(of sample: Sample) -> (subject: String, subfield: String)? {
    var members: [String: String] = [:]
    switch sample.record["metadata"] {
    case .object(let object)?:
      for (key, value) in object { members[key] = value.cellText }
    case .string(let cell)?:
      if case .object(let object)? = PythonJSON.parse(cell.replacingOccurrences(of: "'", with: "\"")) {
        for (key, value) in object {
          if case .string(let text) = value { members[key] = text }
          if case .number(let number) = value { members[key] = JSONValue.number(number).cellText }
        }
      } else if case .object(let object)? = PythonLiteral.parse(cell) {
        for (key, value) in object { members[key] = value.cellText }
      }
    default: break
    }
    guard let subject = members["subject"], let subfield = members["subfield"] else { return nil }
    return (subject, subfield)
  }

  public func problem(in sample: Sample) -> String? {
    Self.metadata(of: sample) == nil
      ? "field \"metadata\" must be a dict literal with \"subject\" and \"subfield\"" : nil
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    var keys: [BreakdownKey] = []
    let version = sample.text("problem_version")
    if let version { keys.append(BreakdownKey("problem_version", version)) }
    if let (subject, subfield) = Self.metadata(of: sample) {
      keys.append(BreakdownKey("subject", subject))
      keys.append(BreakdownKey("subfield", subfield))
      if let version {
        keys.append(BreakdownKey("problem_version/subject", "\(version) / \(subject)"))
        keys.append(BreakdownKey("problem_version/subfield", "\(version) / \(subfield)"))
      }
    }
    return keys
  }

  public func oracleResponse(for sample: Sample) -> String {
    thinkAnswer(sample.text("answer") ?? "", thinking: "The oracle reads the gold answer.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    MathVision.isOptionLetter(PythonString.strip(sample.text("answer") ?? ""))
      ? "<answer>A</answer>" : "<answer>0</answer>"
  }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    let extract = PythonString.strip(extraction.answer)
    let gold = PythonString.strip(sample.text("answer") ?? "")
    // Python compares code points, not Swift's canonically equivalent characters.
    let isEqual = extract.unicodeScalars.elementsEqual(gold.unicodeScalars)
    return SampleScore(
      value: isEqual ? 1 : 0, parsed: extract,
      notes: [isEqual ? "post_check_score: strip-equal" : "rule-only: not strip-equal (no judge)"])
  }
}

extension BenchmarkRegistry {
  /// MathVerse (Math): `MathVerse_MINI`, rule-only strip equality, micro mean over all versions (§3.5).
  static let mathverse = MathVerse()
}
