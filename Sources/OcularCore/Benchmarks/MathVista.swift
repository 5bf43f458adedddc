/// MathVista (Math VQA): `MathVista_MINI` (testmini) scored by VLMEvalKit's `post_check` prefetch and Ocular's
/// offline `rule-only` stand-in for the extraction judge (benchmarks.md §3.4).
///
/// The prefetch is the reference's, exactly (`vlmeval/dataset/utils/mathvista.py`, ms-vlmeval 0.0.20):
/// - `multi_choice`: `can_infer(prediction, {A: choice 1, …})`; any letter (or `Z`) is final, a hit when it
///   equals `answer_option`;
/// - `integer`/`float`: Python `int()`/`float()` of the whole prediction equal to the gold, exact, and non-zero
///   (a correct `0` is falsy, so the reference sends it to the judge);
/// - `text`/`list` free-form items never score (bug #1679: `res = str(None)`), unless the gold is the string
///   `None`; they are noted `reference_bug_1679`.
///
/// Where the reference would call its judge, `rule-only` takes, for integer and float items, the last match of
/// `[-+]?\d[\d,]*(\.\d+)?` in the prediction with commas removed, and runs `post_check` on it; multiple-choice
/// items get no substitute and stay `unparsed`. Each item reports the measure `prefetch` (1 when the reference's
/// prefetch succeeded), whose mean is the prefetch rate.
public struct MathVista: Benchmark {
  public let descriptor = BenchmarkDescriptor(
    id: "mathvista", title: "MathVista", group: .math, metric: "accuracy", family: .vlmevalkit, judgeMode: .ruleOnly,
    reference:
      "VLMEvalKit (ms-vlmeval 0.0.20) vlmeval/dataset/utils/mathvista.py: MathVista_auxeval prefetch, post_check, "
      + "MathVista_acc; judge replaced by rule-only (last number)")
  public var defaultPromptTemplate: String { "{question}" }
  public var requiredFields: [FieldRequirement] {
    [
      FieldRequirement("question", .string), FieldRequirement("answer", .text),
      FieldRequirement("question_type", .string), FieldRequirement("answer_type", .string),
      FieldRequirement("task", .string, isOptional: true),
    ]
  }
  public var measureNames: [String] { ["prefetch"] }

  /// The note on items scored 0 by bug #1679 (free-form `text`/`list` answers).
  public static let bug1679Note = "reference_bug_1679"

  /// Creates the benchmark.
  public init() {}

  /// The options: `choices` (a list literal or an array) mapped to `A`, `B`, … as `list_to_dict` does.
  public static func choices(of sample: Sample) -> [(letter: String, text: String)] {
    let items: [String]
    switch sample.record["choices"] {
    case .array(let values)?: items = values.compactMap(\.cellText)
    case .string(let cell)?:
      guard case .array(let values)? = PythonLiteral.parse(cell) else { return [] }
      items = values.compactMap(\.cellText)
    default: return []
    }
    return items.enumerated().compactMap { offset, text in
      guard offset < 26 else { return nil }
      return (String(UnicodeScalar(UInt8(ascii: "A") + UInt8(offset))), text)
    }
  }

  /// The skills an item counts in: the `skills` list literal (or array), else the cell itself.
  public static func skills(of sample: Sample) -> [String] {
    switch sample.record["skills"] {
    case .array(let values)?: return values.compactMap(\.cellText)
    case .string(let cell)?:
      if case .array(let values)? = PythonLiteral.parse(cell) { return values.compactMap(\.cellText) }
      return [cell]
    default: return []
    }
  }

  static func isMultipleChoice(_ sample: Sample) -> Bool {
    sample.text("question_type") == "multi_choice"
  }

  public func problem(in sample: Sample) -> String? {
    guard Self.isMultipleChoice(sample) else { return nil }
    let choices = Self.choices(of: sample)
    guard !choices.isEmpty else { return "a multi_choice record needs \"choices\" as a non-empty list literal" }
    guard let option = sample.text("answer_option"), choices.contains(where: { $0.letter == option }) else {
      return "answer_option \"\(sample.text("answer_option") ?? "")\" names no choice of the record"
    }
    return nil
  }

  public func breakdown(for sample: Sample) -> [BreakdownKey] {
    var keys: [BreakdownKey] = []
    if let task = sample.text("task") { keys.append(BreakdownKey("task", task)) }
    var seen: Set<String> = []
    for skill in Self.skills(of: sample) where seen.insert(skill).inserted {
      keys.append(BreakdownKey("skill", skill))
    }
    return keys
  }

  public func oracleResponse(for sample: Sample) -> String {
    let answer = Self.isMultipleChoice(sample) ? sample.text("answer_option") ?? "" : sample.text("answer") ?? ""
    return thinkAnswer(answer, thinking: "The oracle reads the gold answer.")
  }

  public func baselineResponse(for sample: Sample) -> String {
    Self.isMultipleChoice(sample) ? "<answer>A</answer>" : "<answer>0</answer>"
  }

  public func defines(_ profile: ScoringProfile) -> Bool { profile != .lmmsEval }

  public func score(_ extraction: Extraction, for sample: Sample, options: ScoringOptions) -> SampleScore {
    let prediction = extraction.answer
    let answer = sample.text("answer") ?? ""
    if Self.isMultipleChoice(sample) {
      let choices = Self.choices(of: sample)
      guard let letter = OptionInference.infer(prediction, choices: choices) else {
        return SampleScore(
          value: 0, status: .unparsed, measures: ["prefetch": 0],
          notes: ["rule-only: no option inferred; a judge would decide (no offline substitute)"])
      }
      // post_check(prefetch=False) runs can_infer again on the prefetched letter.
      let final = OptionInference.infer(letter, choices: choices) ?? letter
      return SampleScore(
        value: final == sample.text("answer_option") ? 1 : 0, measures: ["prefetch": 1], parsed: letter,
        notes: ["prefetch"])
    }
    switch sample.text("answer_type") {
    case "integer":
      return scoreNumber(
        prediction, gold: answer, isZeroPrefetched: options.profile == .corrected,
        parse: { Self.pythonInt($0).map(Number.integer) })
    case "float":
      return scoreNumber(
        prediction, gold: answer, isZeroPrefetched: options.profile == .corrected,
        parse: { Self.pythonFloat($0).map(Number.float) })
    default:
      if options.profile == .corrected {
        // The evident intent of post_check: `res = str(response)`, compared with `str(answer)`.
        let hit = prediction.unicodeScalars.elementsEqual(answer.unicodeScalars)
        return SampleScore(
          value: hit ? 1 : 0, measures: ["prefetch": hit ? 1 : 0], parsed: prediction,
          notes: ["corrected: text/list answers compared as str(prediction) == str(answer) (bug #1679 fixed)"])
      }
      // Bug #1679: post_check compares str(None) with str(answer).
      let hit = answer.unicodeScalars.elementsEqual("None".unicodeScalars)
      return SampleScore(
        value: hit ? 1 : 0, measures: ["prefetch": hit ? 1 : 0], parsed: hit ? "None" : nil,
        notes: [Self.bug1679Note])
    }
  }

  /// A Python `int` (kept as its canonical decimal text, so any size compares exactly) or `float`.
  enum Number: Equatable {
    case integer(String)
    case float(Double)

    var isZero: Bool {
      switch self {
      case .integer(let text): return text == "0"
      case .float(let value): return value == 0
      }
    }

    var text: String {
      switch self {
      case .integer(let text): return text
      case .float(let value): return "\(value)"
      }
    }
  }

  func scoreNumber(
    _ prediction: String, gold: String, isZeroPrefetched: Bool = false, parse: (String) -> Number?
  ) -> SampleScore {
    let goldValue = parse(gold)
    if let value = parse(prediction), let goldValue, value == goldValue {
      if isZeroPrefetched && value.isZero {
        return SampleScore(
          value: 1, measures: ["prefetch": 1], parsed: value.text,
          notes: ["prefetch", "corrected: a correct 0 is prefetched (the reference treats it as falsy)"])
      }
      if !value.isZero {
        return SampleScore(value: 1, measures: ["prefetch": 1], parsed: value.text, notes: ["prefetch"])
      }
    }
    var notes: [String] = []
    if let value = parse(prediction), let goldValue, value == goldValue, value.isZero {
      notes.append("reference quirk: a correct 0 is falsy and not prefetched")
    }
    guard let number = Self.lastNumber(in: prediction) else {
      return SampleScore(
        value: 0, status: .unparsed, measures: ["prefetch": 0], notes: notes + ["rule-only: no number found"])
    }
    guard let value = parse(number) else {
      return SampleScore(
        value: 0, status: .unparsed, measures: ["prefetch": 0], parsed: number,
        notes: notes + ["rule-only: last number \(number) is not of the answer type"])
    }
    guard let goldValue else {
      return SampleScore(
        value: 0, measures: ["prefetch": 0], parsed: value.text, notes: notes + ["gold answer is not of its type"])
    }
    return SampleScore(
      value: value == goldValue ? 1 : 0, measures: ["prefetch": 0], parsed: value.text,
      notes: notes + ["rule-only: last number"])
  }

  // MARK: - Python number parsing

  /// Python's `int(s)`: canonical decimal text (sign, no leading zeros) or nil where Python raises `ValueError`.
  ///
  /// Like Python it strips whitespace and reads any Unicode decimal digits (`１２`, `٣`) and `_` between digits,
  /// and it keeps integers of any length.
  public static func pythonInt(_ text: String) -> String? {
    let stripped = asciiDigits(PythonString.strip(text))
    var body = Substring(stripped)
    var isNegative = false
    if let first = body.first, first == "+" || first == "-" {
      isNegative = first == "-"
      body = body.dropFirst()
    }
    guard let firstDigit = body.first, firstDigit.isASCII, firstDigit.isNumber, let last = body.last, last != "_"
    else { return nil }
    var digits = ""
    var previousWasUnderscore = false
    for character in body {
      if character == "_" {
        if previousWasUnderscore { return nil }
        previousWasUnderscore = true
        continue
      }
      guard character.isASCII, character.isNumber else { return nil }
      digits.append(character)
      previousWasUnderscore = false
    }
    let trimmed = digits.drop { $0 == "0" }
    if trimmed.isEmpty { return "0" }
    return (isNegative ? "-" : "") + trimmed
  }

  /// Python's `float(s)`, with Unicode decimal digits read as Python reads them.
  public static func pythonFloat(_ text: String) -> Double? {
    PythonString.float(asciiDigits(text))
  }

  /// Replaces every Unicode decimal digit with its ASCII digit, as CPython's
  /// `_PyUnicode_TransformDecimalAndSpaceToASCII` does before `int()` and `float()` parse.
  static func asciiDigits(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if !scalar.isASCII, scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue {
        scalars.append(UnicodeScalar(UInt8(ascii: "0") + UInt8(value)))
      } else {
        scalars.append(scalar)
      }
    }
    return String(scalars)
  }

  /// The `rule-only` substitute: the last match of `[-+]?\d[\d,]*(\.\d+)?` (Python's Unicode `\d`), commas removed.
  public static func lastNumber(in text: String) -> String? {
    let scalars = Array(text.unicodeScalars)
    func isDigit(_ index: Int) -> Bool {
      index < scalars.count && scalars[index].properties.numericType == .decimal
    }
    var last: String?
    var index = 0
    while index < scalars.count {
      var start = index
      if scalars[index] == "+" || scalars[index] == "-" {
        guard isDigit(index + 1) else {
          index += 1
          continue
        }
        start = index
      } else if !isDigit(index) {
        index += 1
        continue
      }
      var end = scalars[start] == "+" || scalars[start] == "-" ? start + 2 : start + 1
      while end < scalars.count, isDigit(end) || scalars[end] == "," { end += 1 }
      if end < scalars.count, scalars[end] == ".", isDigit(end + 1) {
        end += 2
        while isDigit(end) { end += 1 }
      }
      last = String(String.UnicodeScalarView(scalars[start..<end].filter { $0 != "," }))
      index = end
    }
    return last
  }
}

extension BenchmarkRegistry {
  /// MathVista (Math): `MathVista_MINI`, prefetch + rule-only, `Overall` acc (benchmarks.md §3.4).
  static let mathvista = MathVista()
}
