/// RoboSpatial (Spatial reasoning): VLMEvalKit's `RoboSpatialBench` on `RoboSpatialHome` (benchmarks.md §3.12).
///
/// Yes/no items are correct when the stripped, lower-cased answer starts with the gold word; polygon items when
/// the answer's first point lies inside the gold polygon by the reference's ray casting. Two published defects:
/// the ray casting lets every vertical edge toggle (reproduced: the `vlmevalkit` profile prints what the toolkit
/// computes; samples it decides differently from correct ray casting carry `reference_defect_ray_casting`), and
/// `evaluate()` parses through `log_hint`, which raises AttributeError so every polygon item scores wrong (not
/// reproduced, as in refscore's `evaluate_answer`; samples it would zero carry `reference_defect_log_hint`).
public struct RoboSpatialBenchmark: Benchmark {
  /// The categories the reference accepts; any other raises.
  public static let categories = ["compatibility", "configuration", "context"]
  /// The note on samples whose reference ray casting differs from the correct test.
  public static let rayCastingNote = "reference_defect_ray_casting"

  /// The gold answer of a sample.
  public enum Gold: Sendable, Hashable {
    /// `yes` or `no` (stripped, lower-cased).
    case word(String)
    /// A polygon in normalised coordinates, at least 3 points.
    case polygon([Vertex])
    /// A gold the reference cannot read as a polygon: every answer scores wrong.
    case unreadable(String)
  }

  /// A polygon vertex.
  public struct Vertex: Sendable, Hashable {
    /// The x coordinate.
    public var x: Double
    /// The y coordinate.
    public var y: Double
  }

  /// Creates the benchmark.
  public init() {}

  public let descriptor = BenchmarkDescriptor(
    id: "robospatial", title: "RoboSpatial", group: .spatial, metric: "robospatial_accuracy",
    headlineMetric: "accuracy", family: .vlmevalkit, judgeMode: .none,
    reference: "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/robospatialbench.py: RoboSpatialBench.build_prompt, "
      + "evaluate_answer, point_in_polygon (ray-casting defect reproduced; log_hint AttributeError not reproduced)")
  public var defaultPromptTemplate: String { "{prompt}" }
  public var requiredFields: [FieldRequirement] {
    [FieldRequirement("question", .text), FieldRequirement("answer", .text), FieldRequirement("category", .string)]
  }

  /// The gold of a sample, or nil where the reference raises on it (`float()` of a vertex coordinate fails).
  public static func gold(of sample: Sample) -> Gold? {
    let text = PythonString.strip(sample.text("answer") ?? "")
    let lowered = PythonString.lower(text)
    if lowered == "yes" || lowered == "no" { return .word(lowered) }
    guard let value = PythonLiteral.parse(text), !Point2DParser.Value(value).containsNaN else {
      return .unreadable("not a Python literal")
    }
    guard case .array(let items) = value, items.count >= 3 else {
      return .unreadable("not a list of at least 3 points")
    }
    var vertices: [Vertex] = []
    for item in items {
      guard case .array(let pair) = item, pair.count == 2 else { continue }
      guard let x = Point2DParser.Value(pair[0]).float, let y = Point2DParser.Value(pair[1]).float else {
        return nil
      }
      vertices.append(Vertex(x: x, y: y))
    }
    return vertices.count >= 3 ? .polygon(vertices) : .unreadable("fewer than 3 valid points")
  }

  /// The dataset prompt of `build_prompt`: for `context`, the question before `Your answer should`, stripped, a
  /// blank line and the point instruction; otherwise the question itself.
  public static func prompt(question: String, category: String) -> String {
    guard category == "context" else { return question }
    let main = question.scalarRange(of: "Your answer should").map { String(question.unicodeScalars[..<$0.lowerBound]) }
    return PythonString.strip(main ?? question) + "\n\n" + RefSpatialBenchmark.pointInstruction
  }

  public func problem(in sample: Sample) -> String? {
    guard let category = sample.text("category"), Self.categories.contains(category) else {
      return "field \"category\" must be compatibility, configuration or context (the reference asserts it)"
    }
    guard Self.gold(of: sample) != nil else {
      return "field \"answer\" holds a polygon vertex that is not a number (the reference raises on it)"
    }
    return sample.images.isEmpty ? "the sample has no image (its size scales pixel answers)" : nil
  }

  public func promptVariables(for sample: Sample) -> [String: String] {
    ["prompt": Self.prompt(question: sample.text("question") ?? "", category: sample.text("category") ?? "")]
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    var keys = sample.split.map { [BreakdownKey("split", $0)] } ?? []
    if let category = sample.text("category") { keys.append(BreakdownKey("category", category)) }
    return keys
  }

  public func oracleResponse(for sample: Sample) -> String {
    switch Self.gold(of: sample) {
    case .word(let word)?:
      return thinkAnswer(word, thinking: "The oracle reads the gold answer.")
    case .polygon(let polygon)?:
      guard let image = sample.images.first,
        let answer = Self.oracleAnswer(for: polygon, width: image.width, height: image.height)
      else { return baselineResponse(for: sample) }
      return thinkAnswer(answer, thinking: "The oracle points inside the gold polygon.")
    case .unreadable?, nil:
      return baselineResponse(for: sample)
    }
  }

  public func baselineResponse(for sample: Sample) -> String {
    if case .word? = Self.gold(of: sample) { return "<answer>yes</answer>" }
    return "<answer>[{\"point_2d\": [500, 500], \"label\": \"point_1\"}]</answer>"
  }

  /// The note on a pointing item the `published` profile scores 0, as the published `evaluate()` does.
  public static let publishedLogHintNote =
    "published: evaluate() parses through log_hint, whose AttributeError scores this pointing item 0"

  public func defines(_ profile: ScoringProfile) -> Bool { profile != .lmmsEval }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    let answer = PythonString.strip(extraction.answer)
    switch Self.gold(of: sample) {
    case .word(let word)?:
      guard !answer.isEmpty else { return .unparsed(notes: ["robospatial: empty answer"]) }
      let isCorrect = PythonString.lower(answer).unicodeScalars.starts(with: word.unicodeScalars)
      return SampleScore(
        value: isCorrect ? 1 : 0, parsed: String(answer.unicodeScalars.prefix(40)),
        notes: ["robospatial: starts with \(word)"])
    case .unreadable(let reason)?:
      return SampleScore(
        value: 0, notes: ["robospatial: gold polygon unreadable (\(reason)); the reference scores every answer wrong"])
    case nil:
      return SampleScore(value: 0, status: .error, notes: ["robospatial: the reference raises on this gold polygon"])
    case .polygon(let polygon)?:
      guard let image = sample.images.first else {
        return SampleScore(value: 0, status: .error, notes: ["robospatial: no image to size the answer"])
      }
      if options.profile == .published {
        // The published loop calls parse_prediction, whose first line raises: the row is ill-formed and wrong.
        return .unparsed(notes: [RefSpatialBenchmark.logHintNote, Self.publishedLogHintNote])
      }
      switch Point2DParser.parse(answer, width: image.width, height: image.height, format: options.boxFormat) {
      case .failure(let failure):
        return .unparsed(notes: ["point2d: the reference parser raises \(failure.message)"])
      case .success(let points):
        guard let first = points.first else { return .unparsed(notes: ["point2d: no point found"]) }
        let vertices = polygon.map { (x: $0.x, y: $0.y) }
        if options.profile == .corrected {
          let isInside = PointInPolygon.corrected(x: first.x, y: first.y, polygon: vertices)
          return SampleScore(
            value: isInside ? 1 : 0, parsed: "(\(first.x), \(first.y))",
            notes: ["point2d:\(points.step.rawValue)", "robospatial: first point in polygon (corrected ray casting)"])
        }
        let isInside = PointInPolygon.reference(x: first.x, y: first.y, polygon: vertices)
        var notes = ["point2d:\(points.step.rawValue)", "robospatial: first point in polygon (reference ray casting)"]
        if isInside != PointInPolygon.corrected(x: first.x, y: first.y, polygon: vertices) {
          notes.append(Self.rayCastingNote)
        }
        if isInside { notes.append(RefSpatialBenchmark.logHintNote) }
        return SampleScore(value: isInside ? 1 : 0, parsed: "(\(first.x), \(first.y))", notes: notes)
      }
    }
  }

  /// A JSON point answer whose first point the reference's ray casting puts inside the polygon: the vertex
  /// centroid or the first point of a grid, preferring points that are truly inside.
  static func oracleAnswer(for polygon: [Vertex], width: Int, height: Int) -> String? {
    let vertices = polygon.map { (x: $0.x, y: $0.y) }
    var candidates = [
      (
        vertices.reduce(0) { $0 + $1.x } / Double(vertices.count),
        vertices.reduce(0) { $0 + $1.y } / Double(vertices.count)
      )
    ]
    for steps in [10, 40, 100] {
      for j in 1..<steps {
        for i in 1..<steps { candidates.append((Double(i) / Double(steps), Double(j) / Double(steps))) }
      }
    }
    let accepted = candidates.filter { PointInPolygon.reference(x: $0.0, y: $0.1, polygon: vertices) }
    let preferred = accepted.filter { PointInPolygon.corrected(x: $0.0, y: $0.1, polygon: vertices) } + accepted
    for (x, y) in preferred.prefix(4) {
      for (px, py) in [((x * 1000 * 1000).rounded() / 1000, (y * 1000 * 1000).rounded() / 1000), (x, y)] {
        let answer = RefSpatialBenchmark.pointAnswer(px, py)
        if case .success(let points) = Point2DParser.parse(answer, width: width, height: height),
          let first = points.first, PointInPolygon.reference(x: first.x, y: first.y, polygon: vertices)
        {
          return answer
        }
      }
    }
    return nil
  }
}

extension BenchmarkRegistry {
  /// RoboSpatial (Spatial): EASI `RoboSpatialHome`, yes/no prefix and point in polygon (benchmarks.md §3.12).
  static let robospatial = RoboSpatialBenchmark()
}
