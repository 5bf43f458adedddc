/// ChartQA scored by VLMEvalKit's relaxed accuracy (benchmarks.md §3.8): `ChartQA_TEST`, the hit the maximum
/// over the golds, reported per `split` (`human`, `augmented`) with `Overall` the mean over all rows.
public struct ChartQA: Benchmark {
  public let descriptor = BenchmarkDescriptor(
    id: "chartqa", title: "ChartQA", group: .charts, metric: "relaxed_accuracy", headlineMetric: "relaxed_accuracy",
    family: .vlmevalkit, judgeMode: .none,
    reference: "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/utils/vqa_eval.py: process_line(relaxed_accuracy), "
      + "relaxed_correctness, hit_calculate")
  public var defaultPromptTemplate: String { "{question}\nAnswer the question using a single word or phrase." }
  public var requiredFields: [FieldRequirement] {
    [FieldRequirement("question", .string), FieldRequirement("answer", .answerList, isNaNAccepted: true)]
  }

  /// Creates the benchmark.
  public init() {}

  /// The gold answers, read as `process_line` reads the `answer` cell (the same reading as DocVQA's): a JSON
  /// array's strings, a *list* literal's elements (`istype(cell, list)`), else the cell itself.
  public static func golds(of sample: Sample) -> [String] {
    ANLSBenchmark.golds(of: sample)
  }

  public func problem(in sample: Sample) -> String? {
    Self.golds(of: sample).isEmpty ? "field \"answer\" holds no answer" : nil
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    (sample.split ?? sample.text("split")).map { [BreakdownKey("split", $0)] } ?? []
  }

  public func oracleResponse(for sample: Sample) -> String {
    let golds = Self.golds(of: sample)
    let answer = golds.first { RelaxedAccuracy.score(prediction: $0, golds: golds) == 1 } ?? golds.first ?? ""
    return thinkAnswer(answer, thinking: "The oracle reads the gold answer.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    "<answer>Yes</answer>"
  }

  public func defines(_ profile: ScoringProfile) -> Bool { profile != .corrected }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    if options.profile == .lmmsEval {
      // lmms-eval's `chartqa_process_results`: relaxed_correctness against `doc["answer"]`, one string (a list
      // literal cell is that literal text, never split); of a JSON array, its first element.
      let prediction = LMMSEvalPrediction.prediction(from: extraction.raw)
      let gold: String
      switch sample.record["answer"] {
      case .array(let items)?: gold = items.first?.cellText ?? ""
      case let value?: gold = value.cellText ?? ""
      case nil: gold = ""
      }
      return SampleScore(
        value: RelaxedAccuracy.score(prediction: prediction, golds: [gold]), parsed: prediction,
        notes: ["lmms-eval: relaxed_correctness of the response without reasoning blocks against the one gold cell"])
    }
    let golds = Self.golds(of: sample)
    let prediction = PythonString.strip(extraction.answer)
    let value = RelaxedAccuracy.score(prediction: prediction, golds: golds)
    var notes = sample.record["answer"]?.isMissing == true ? [ANLSBenchmark.nanGoldNote] : []
    if value == 0,
      golds.contains(where: { RelaxedAccuracy.isZeroGoldTextComparison(target: $0, prediction: prediction) })
    {
      notes.append("zero gold compared as text (reference quirk: 0 is falsy in relaxed_correctness)")
    }
    return SampleScore(value: value, parsed: prediction, notes: notes)
  }
}

extension BenchmarkRegistry {
  /// ChartQA (Charts): `ChartQA_TEST`, relaxed accuracy, `Overall` over all rows (benchmarks.md §3.8).
  static let chartqa = ChartQA()
}
