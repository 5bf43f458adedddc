/// RefSpatial (Spatial reasoning): VLMEvalKit's `RefSpatialBench`, the fraction of the answer's points that fall
/// inside the target mask, averaged over samples (benchmarks.md §3.11).
///
/// Published defect, not reproduced: in ms-vlmeval 0.0.20 `RefSpatialBench.parse_prediction` first calls
/// `Point2DParser.log_hint`, which reads `cls.logger`, an attribute the class lacks; the AttributeError is caught
/// and every row scores 0, so the toolkit prints 0 for every model. Ocular scores what the parser intends and
/// marks each sample that the published code would have zeroed with the note `reference_defect_log_hint`.
public struct RefSpatialBenchmark: Benchmark {
  /// The instruction `RefSpatialBench.build_prompt` appends to the question, with no separator.
  public static let pointInstruction =
    "Output the point coordinates in JSON format.\nFor example:\n[\n  {\"point_2d\": [x, y], \"label\": \"point_1\"}\n]\n"
  /// The categories the reference reports beside `overall`.
  public static let categories = ["location", "placement", "unseen"]
  /// The note on samples the published `evaluate()` scores 0 through the `log_hint` defect.
  public static let logHintNote = "reference_defect_log_hint"

  private let masks = PointMaskCache(capacity: 32)

  /// Creates the benchmark.
  public init() {}

  public let descriptor = BenchmarkDescriptor(
    id: "refspatial", title: "RefSpatial", group: .spatial, metric: "point_in_mask", headlineMetric: "accuracy",
    family: .vlmevalkit, judgeMode: .none,
    reference:
      "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/refspatialbench.py: RefSpatialBench.build_prompt, evaluate; "
      + "utils/spatial_bench/tools/utils.py: Point2DParser (output='pixel'; log_hint AttributeError not reproduced)")
  public var defaultPromptTemplate: String {
    "{question}Output the point coordinates in JSON format.\nFor example:\n[\n  {{\"point_2d\": [x, y], \"label\": \"point_1\"}}\n]\n"
  }
  public var requiredFields: [FieldRequirement] {
    [FieldRequirement("question", .text), FieldRequirement("category", .text), FieldRequirement("mask_path", .string)]
  }
  public var auxiliaryFileFields: [String] { ["mask_path"] }

  /// The reference's category key, `str(category).lower()`, when it is one of the reported three.
  public static func category(of sample: Sample) -> String? {
    let key = PythonString.lower(sample.text("category") ?? "")
    return categories.contains(key) ? key : nil
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    var keys = sample.split.map { [BreakdownKey("split", $0)] } ?? []
    if let category = Self.category(of: sample) { keys.append(BreakdownKey("category", category)) }
    return keys
  }

  public func oracleResponse(for sample: Sample) -> String {
    guard let path = sample.auxiliaryFiles["mask_path"], case .success(let mask) = masks.mask(at: path),
      let answer = Self.oracleAnswer(for: mask)
    else { return baselineResponse(for: sample) }
    return thinkAnswer(answer, thinking: "The oracle points at the inside pixel nearest the mask's centroid.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    "<answer>[{\"point_2d\": [500, 500], \"label\": \"point_1\"}]</answer>"
  }

  /// The note on an item the `published` profile scores 0, as the published `evaluate()` does.
  public static let publishedLogHintNote =
    "published: evaluate() parses through log_hint, whose AttributeError scores every row 0"

  public func defines(_ profile: ScoringProfile) -> Bool { profile != .lmmsEval }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    guard let path = sample.auxiliaryFiles["mask_path"] else {
      return SampleScore(value: 0, status: .error, notes: ["mask_path was not resolved to a file"])
    }
    let mask: PointMask
    switch masks.mask(at: path) {
    case .success(let loaded): mask = loaded
    case .failure(let error): return SampleScore(value: 0, status: .error, notes: ["mask: \(error.message)"])
    }
    if options.profile == .published {
      // The published loop calls parse_prediction, whose first line raises: every row is ill-formed and scores 0.
      return .unparsed(notes: [Self.logHintNote, Self.publishedLogHintNote])
    }
    switch Point2DParser.parse(extraction.answer, width: mask.width, height: mask.height, format: options.boxFormat) {
    case .failure(let failure):
      return .unparsed(notes: ["point2d: the reference parser raises \(failure.message)"])
    case .success(let points):
      guard points.count > 0 else { return .unparsed(notes: ["point2d: no point found"]) }
      let value = mask.score(points)
      var notes = ["point2d:\(points.step.rawValue)"]
      if value > 0, options.profile != .corrected { notes.append(Self.logHintNote) }
      return SampleScore(value: value, parsed: points.summary, notes: notes)
    }
  }

  /// A JSON point answer inside the mask: the inside pixel nearest the centroid of the inside pixels, in 0–1000
  /// coordinates (or normalised, or pixels, whichever the parser maps back onto that pixel first).
  static func oracleAnswer(for mask: PointMask) -> String? {
    var sumX = 0.0
    var sumY = 0.0
    var count = 0.0
    for y in 0..<mask.height {
      for x in 0..<mask.width where mask.contains(x: x, y: y) {
        sumX += Double(x)
        sumY += Double(y)
        count += 1
      }
    }
    guard count > 0 else { return nil }
    let (centreX, centreY) = (sumX / count, sumY / count)
    var best = (x: 0, y: 0, distance: Double.infinity)
    for y in 0..<mask.height {
      for x in 0..<mask.width where mask.contains(x: x, y: y) {
        let distance = (Double(x) - centreX) * (Double(x) - centreX) + (Double(y) - centreY) * (Double(y) - centreY)
        if distance < best.distance { best = (x, y, distance) }
      }
    }
    let (width, height) = (Double(mask.width), Double(mask.height))
    let grid = (Double(best.x) * 1000 / width, Double(best.y) * 1000 / height)
    let candidates = [
      ((grid.0 * 10).rounded() / 10, (grid.1 * 10).rounded() / 10), grid,
      (Double(best.x) / width, Double(best.y) / height), (Double(best.x), Double(best.y)),
    ]
    for (x, y) in candidates {
      let answer = pointAnswer(x, y)
      if case .success(let points) = Point2DParser.parse(answer, width: mask.width, height: mask.height),
        mask.score(points) == 1
      {
        return answer
      }
    }
    return nil
  }

  /// `[{"point_2d": [x, y], "label": "point_1"}]`, the format the instruction asks for.
  static func pointAnswer(_ x: Double, _ y: Double) -> String {
    func number(_ value: Double) -> String {
      value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
    return "[{\"point_2d\": [\(number(x)), \(number(y))], \"label\": \"point_1\"}]"
  }
}

extension BenchmarkRegistry {
  /// RefSpatial (Spatial): EASI `RefSpatial`, mean fraction of points inside the mask (benchmarks.md §3.11).
  static let refspatial = RefSpatialBenchmark()
}
