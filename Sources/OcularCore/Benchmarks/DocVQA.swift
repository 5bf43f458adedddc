/// A VQA benchmark scored by VLMEvalKit's ANLS (DocVQA, InfoVQA; benchmarks.md §3.13, §3.15).
public struct ANLSBenchmark: Benchmark {
  public let descriptor: BenchmarkDescriptor
  public var defaultPromptTemplate: String { "{question}\nAnswer the question using a single word or phrase." }
  public var requiredFields: [FieldRequirement] {
    [FieldRequirement("question", .string), FieldRequirement("answer", .answerList, isNaNAccepted: true)]
  }

  /// The note on a sample whose gold cell pandas reads as NaN.
  public static let nanGoldNote = "gold is NaN in pandas; the reference reads it as the string \"nan\""

  /// Creates an ANLS benchmark.
  public init(id: String, title: String) {
    self.descriptor = BenchmarkDescriptor(
      id: id, title: title, group: .documents, metric: "anls", headlineMetric: "anls", family: .vlmevalkit,
      judgeMode: .none,
      reference: "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/utils/vqa_eval.py: anls_compute, hit_calculate")
  }

  /// The gold answers: a JSON array, or the cell's Python list literal, or the cell itself; a NaN cell is the
  /// string `nan`, as `ImageVQADataset.evaluate_heuristic`'s `str(x)` makes it.
  public static func golds(of sample: Sample) -> [String] {
    switch sample.record["answer"] {
    case let value? where value.isMissing: return ["nan"]
    case .array(let items)?: return items.compactMap(\.cellText)
    case let value?: return value.cellText.map(PythonLiteral.stringList) ?? []
    case nil: return []
    }
  }

  public func problem(in sample: Sample) -> String? {
    if sample.record["answer"]?.isMissing == true { return nil }
    // The common cell, `['a', 'b']`, read straight from its bytes: every element is a string.
    if case .string(let cell)? = sample.record["answer"], let golds = PythonLiteral.simpleStringList(cell) {
      return golds.isEmpty ? "field \"answer\" holds no answer" : nil
    }
    // The reference calls `.strip()` on every gold, so a non-string element in the list makes it fail.
    var elements: [JSONValue]?
    switch sample.record["answer"] {
    case .array(let items)?: elements = items
    case .string(let cell)? where PythonString.strip(cell).hasPrefix("["):
      if case .array(let items)? = PythonLiteral.parse(cell) { elements = items }
    default: break
    }
    if let elements, elements.contains(where: { $0.stringValue == nil }) {
      return "field \"answer\" lists a non-string answer (the reference fails on it)"
    }
    return Self.golds(of: sample).isEmpty ? "field \"answer\" holds no answer" : nil
  }

  public func oracleResponse(for sample: Sample) -> String {
    thinkAnswer(Self.golds(of: sample).first ?? "", thinking: "The oracle reads the gold answer.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    "<answer>unknown</answer>"
  }

  public func defines(_ profile: ScoringProfile) -> Bool { profile != .corrected }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    if options.profile == .lmmsEval {
      // lmms-eval's `anls(references, [prediction])`: the same formula on the stripped, reasoning-free response.
      let prediction = LMMSEvalPrediction.prediction(from: extraction.raw)
      return SampleScore(
        value: ANLS.score(prediction: prediction, golds: Self.golds(of: sample)), parsed: prediction,
        notes: ["lmms-eval: anls of the response without reasoning blocks"])
    }
    return SampleScore(
      value: ANLS.score(prediction: extraction.answer, golds: Self.golds(of: sample)),
      notes: sample.record["answer"]?.isMissing == true ? [Self.nanGoldNote] : [])
  }
}

extension BenchmarkRegistry {
  /// DocVQA (Documents): `DocVQA_VAL`, ANLS with τ = 0.5 (benchmarks.md §3.13).
  static let docvqa = ANLSBenchmark(id: "docvqa", title: "DocVQA")
}
