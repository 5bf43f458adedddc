import Foundation

/// The problem types of OpenVLThinkerV2's multitask training reward that Ocular can reproduce (benchmarks.md §7).
///
/// `math` (graded by `math_verify`) and `open-ended` are deliberately absent: `math_verify` cannot be reproduced
/// rule for rule, and open-ended answers always score 0 in the release, so such items stay unmapped.
public enum TrainingProblemType: String, Sendable, Hashable, Codable, CaseIterable {
  /// Letter answers, graded by `mathruler.grade_answer` (letter equality).
  case multipleChoice = "multiple choice"
  /// Number answers: equal after `round(·, 2)`, commas removed.
  case numerical
  /// Continuous number answers, graded by mean relative accuracy (MRA).
  case regression
  /// Text answers, graded by clip(1 − word error rate).
  case ocr = "OCR"
  /// `{"boxes": [x1, y1, x2, y2]}` answers, graded by continuous IoU.
  case spatialGrounding = "spatial grounding"
}

/// What the training reward needs to grade one sample: its problem type and gold answers.
public struct TrainingProblem: Sendable, Hashable {
  /// The problem type.
  public var type: TrainingProblemType
  /// The gold answers; the accuracy is the best over them (the training data has one).
  public var golds: [String]

  /// Creates a problem.
  public init(type: TrainingProblemType, golds: [String]) {
    self.type = type
    self.golds = golds
  }
}

/// One sample's multitask training reward (`multitask_reward.py: compute_score`, benchmarks.md §7).
public struct TrainingReward: Sendable, Hashable, Codable {
  /// 1 when the response is `<thinking>…</thinking><answer>…</answer>` (the training tag set), else 0.
  public var format: Double
  /// 1 when the response is `<think>…</think><answer>…</answer>` (the evaluation prompt's tag set), else 0.
  public var formatThink: Double
  /// 0.5 when the answer has the type's structure and the format holds, else 0.
  public var structure: Double
  /// The accuracy of the answer for its problem type, in [0, 1].
  public var accuracy: Double

  /// The reward the trainer sums: 0.9·accuracy + 0.1·format + structure, at most 1.5.
  public var overall: Double { 0.9 * accuracy + Self.formatWeight * format + structure }

  /// The weight of the format term (`format_weight`).
  public static let formatWeight = 0.1

  /// The key prefix of the reward measures stored beside a sample's benchmark measures.
  public static let measurePrefix = "reward."

  /// Creates a reward from its parts.
  public init(format: Double, formatThink: Double, structure: Double, accuracy: Double) {
    self.format = format
    self.formatThink = formatThink
    self.structure = structure
    self.accuracy = accuracy
  }

  /// Grades a response against a problem as the training reward does.
  public init(response: String, problem: TrainingProblem) {
    let text = Self.preprocess(response)
    let format = Self.isFormatted(text, thinkTag: "thinking")
    let answer = Self.answerContent(of: text)
    let golds = problem.golds.map(Self.preprocess)
    let accuracy = golds.map { Self.accuracy(answer: answer, gold: $0, type: problem.type) }.max() ?? 0
    var structure = 0.0
    if format {
      switch problem.type {
      case .spatialGrounding: structure = BoxIoU.parseBox(answer) == nil ? 0 : 0.5
      default: structure = 0.5
      }
    }
    self.init(
      format: format ? 1 : 0, formatThink: Self.isFormatted(text, thinkTag: "think") ? 1 : 0, structure: structure,
      accuracy: accuracy)
  }

  /// The stored form: `reward.format`, `reward.format_think`, `reward.structure`, `reward.accuracy`, `reward.overall`.
  public var measures: [String: Double] {
    [
      "reward.format": format, "reward.format_think": formatThink, "reward.structure": structure,
      "reward.accuracy": accuracy, "reward.overall": overall,
    ]
  }

  /// The reward measures of one answered sample, or none when its benchmark item has no clean problem type.
  public static func measures(response: String, benchmark: any Benchmark, sample: Sample) -> [String: Double] {
    guard let problem = problem(for: benchmark, sample: sample) else { return [:] }
    return TrainingReward(response: response, problem: problem).measures
  }

  /// A sample's measures without the reward keys: what benchmark aggregators read.
  public static func removingRewardMeasures(_ measures: [String: Double]) -> [String: Double] {
    measures.filter { !$0.key.hasPrefix(measurePrefix) }
  }

  // MARK: - Preprocessing and format

  /// Deletes whitespace around every `<`, `>` and `/` (`re.sub(r"\s*(<|>|/)\s*", r"\1", text)`).
  public static func preprocess(_ text: String) -> String {
    // Without a marker there is nothing to delete (most gold answers and short responses).
    guard text.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "/") })
    else { return text }
    if text.utf8.allSatisfy({ $0 < 0x80 }) { return preprocessASCII(text) }
    let scalars = Array(text.unicodeScalars)
    var output = String.UnicodeScalarView()
    var pending = String.UnicodeScalarView()
    var isAfterMarker = false
    for scalar in scalars {
      if PythonString.isSpace(scalar) {
        if !isAfterMarker { pending.append(scalar) }
        continue
      }
      if scalar == "<" || scalar == ">" || scalar == "/" {
        pending.removeAll()
        output.append(scalar)
        isAfterMarker = true
      } else {
        output.append(contentsOf: pending)
        pending.removeAll()
        output.append(scalar)
        isAfterMarker = false
      }
    }
    output.append(contentsOf: pending)
    return String(output)
  }

  /// ``preprocess(_:)`` for ASCII text, on bytes.
  private static func preprocessASCII(_ text: String) -> String {
    var output: [UInt8] = []
    output.reserveCapacity(text.utf8.count)
    var pendingStart = -1  // Where the whitespace run not yet written began in `output`.
    var isAfterMarker = false
    for byte in text.utf8 {
      let isSpace = (0x09...0x0D).contains(byte) || (0x1C...0x20).contains(byte)
      if isSpace {
        if !isAfterMarker {
          if pendingStart < 0 { pendingStart = output.count }
          output.append(byte)
        }
        continue
      }
      if byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") {
        if pendingStart >= 0 { output.removeSubrange(pendingStart...) }
        isAfterMarker = true
      } else {
        isAfterMarker = false
      }
      pendingStart = -1
      output.append(byte)
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Whether the whole text matches `\A\s*<TAG>.*?</TAG>\s*<answer>.*?</answer>\s*\Z` (DOTALL), with TAG the think
  /// tag (`thinking` in training, `think` in the evaluation prompt).
  public static func isFormatted(_ text: String, thinkTag: String) -> Bool {
    guard text.utf8.contains(UInt8(ascii: "<")) else { return false }
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
      // ASCII: bytes are scalars, and the match runs on the string's own storage.
      var text = text
      return text.withUTF8 { matchesFormat($0, thinkTag: thinkTag) }
    }
    return text.unicodeScalars.map(\.value).withUnsafeBufferPointer { matchesFormat($0, thinkTag: thinkTag) }
  }

  /// ``isFormatted(_:thinkTag:)`` on a text's scalar values.
  private static func matchesFormat<Unit: FixedWidthInteger>(_ units: UnsafeBufferPointer<Unit>, thinkTag: String)
    -> Bool
  {
    // The tags are read through their scalar views: small strings, so no array is allocated per call.
    let open = "<\(thinkTag)>"
    let close = "</\(thinkTag)>"
    let answerOpen = "<answer>"
    let answerClose = "</answer>"
    func isSpace(_ unit: Unit) -> Bool { Unicode.Scalar(UInt32(unit)).map(PythonString.isSpace) ?? false }
    var start = 0
    var end = units.count
    while start < end, isSpace(units[start]) { start += 1 }
    while end > start, isSpace(units[end - 1]) { end -= 1 }
    func matches(_ pattern: String, at index: Int) -> Bool {
      guard index >= 0 else { return false }
      var offset = index
      for scalar in pattern.unicodeScalars {
        guard offset < end, UInt32(units[offset]) == scalar.value else { return false }
        offset += 1
      }
      return true
    }
    let closeCount = close.unicodeScalars.count
    let answerOpenCount = answerOpen.unicodeScalars.count
    let answerCloseCount = answerClose.unicodeScalars.count
    guard matches(open, at: start), matches(answerClose, at: end - answerCloseCount) else { return false }
    let lastAnswerStart = end - answerCloseCount - answerOpenCount
    var index = start + open.unicodeScalars.count
    // Backtracking over `.*?` admits any `</TAG>` that is followed, after whitespace, by `<answer>` opening a pair
    // that the final `</answer>` closes.
    while index <= lastAnswerStart {
      if matches(close, at: index) {
        var next = index + closeCount
        while next < end, isSpace(units[next]) { next += 1 }
        if next <= lastAnswerStart, matches(answerOpen, at: next) { return true }
      }
      index += 1
    }
    return false
  }

  /// The first `<answer>…</answer>` content, stripped, or else the whole text stripped.
  public static func answerContent(of text: String) -> String {
    guard let open = text.scalarRange(of: "<answer>"),
      let close = text.scalarRange(of: "</answer>", from: open.upperBound)
    else { return PythonString.strip(text) }
    return PythonString.strip(text.scalarSlice(open.upperBound..<close.lowerBound))
  }

  // MARK: - Accuracy

  /// The accuracy of an answer against one gold for a problem type; anything that would raise in Python gives 0.
  public static func accuracy(answer: String, gold: String, type: TrainingProblemType) -> Double {
    switch type {
    case .multipleChoice:
      return choiceKey(answer) == choiceKey(gold) && !choiceKey(gold).isEmpty ? 1 : 0
    case .numerical:
      guard let predicted = number(answer), let expected = number(gold) else { return 0 }
      return roundedToHundredths(predicted) == roundedToHundredths(expected) ? 1 : 0
    case .regression:
      guard let predicted = number(answer), let expected = number(gold) else { return 0 }
      return meanRelativeAccuracy(predicted: predicted, gold: expected)
    case .ocr:
      guard let rate = wordErrorRate(reference: gold, hypothesis: answer) else { return 0 }
      return min(1, max(0, 1 - rate))
    case .spatialGrounding:
      guard let predicted = BoxIoU.parseBox(answer), let expected = BoxIoU.parseBox(gold) else { return 0 }
      return BoxIoU.iou(predicted, expected)
    }
  }

  /// The comparison key of a multiple-choice answer: stripped, lower-cased, without inner whitespace (for letter
  /// answers this is what `mathruler.grade_answer`'s normalisation amounts to).
  static func choiceKey(_ text: String) -> String {
    String(String.UnicodeScalarView(PythonString.lower(text).unicodeScalars.filter { !PythonString.isSpace($0) }))
  }

  /// `float(text.replace(",", ""))`, or nil where Python raises.
  static func number(_ text: String) -> Double? {
    PythonString.float(text.replacingOccurrences(of: ",", with: ""))
  }

  /// Python's `round(x, 2)`: the correctly rounded two-decimal value (half to even on the exact binary value).
  static func roundedToHundredths(_ value: Double) -> Double {
    guard value.isFinite else { return value }
    return Double(String(format: "%.2f", value)) ?? value
  }

  /// MRA: the mean over θ ∈ {0.50, 0.55, …, 0.95} of 1[|p − g| / (|g| + 1e-8) < 1 − θ].
  public static func meanRelativeAccuracy(predicted: Double, gold: Double) -> Double {
    let relative = abs(predicted - gold) / (abs(gold) + 1e-8)
    let thresholds = (0..<10).map { 0.5 + 0.05 * Double($0) }
    return Double(thresholds.filter { relative < 1 - $0 }.count) / Double(thresholds.count)
  }

  /// Word-level Levenshtein distance over the number of reference words (words split as Python's `split()`), or
  /// nil for an empty reference, on which the reference library raises.
  public static func wordErrorRate(reference: String, hypothesis: String) -> Double? {
    if let rate = asciiWordErrorRate(reference: reference, hypothesis: hypothesis) { return rate }
    return generalWordErrorRate(reference: reference, hypothesis: hypothesis)
  }

  /// ``wordErrorRate(reference:hypothesis:)`` on the bytes of two ASCII texts, words compared in place; `.none` when
  /// a text is not ASCII.
  static func asciiWordErrorRate(reference: String, hypothesis: String) -> Double?? {
    var reference = reference
    var hypothesis = hypothesis
    return reference.withUTF8 { gold -> Double?? in
      hypothesis.withUTF8 { answer -> Double?? in
        guard gold.allSatisfy({ $0 < 0x80 }), answer.allSatisfy({ $0 < 0x80 }) else { return .none }
        // Python's ASCII whitespace: \t \n \v \f \r, the separators 0x1C–0x1F, and space.
        func words(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
          var ranges: [Range<Int>] = []
          var start = -1
          for index in 0..<bytes.count {
            let byte = bytes[index]
            if (0x09...0x0D).contains(byte) || (0x1C...0x20).contains(byte) {
              if start >= 0 { ranges.append(start..<index) }
              start = -1
            } else if start < 0 {
              start = index
            }
          }
          if start >= 0 { ranges.append(start..<bytes.count) }
          return ranges
        }
        let goldWords = words(gold)
        let answerWords = words(answer)
        guard !goldWords.isEmpty else { return .some(nil) }
        func same(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
          left.count == right.count
            && memcmp(gold.baseAddress! + left.lowerBound, answer.baseAddress! + right.lowerBound, left.count) == 0
        }
        var previous = Array(0...answerWords.count)
        var current = previous
        for (row, goldWord) in goldWords.enumerated() {
          current[0] = row + 1
          for (column, word) in answerWords.enumerated() {
            current[column + 1] = min(
              previous[column + 1] + 1, current[column] + 1, previous[column] + (same(goldWord, word) ? 0 : 1))
          }
          swap(&previous, &current)
        }
        return .some(Double(previous[answerWords.count]) / Double(goldWords.count))
      }
    }
  }

  /// ``wordErrorRate(reference:hypothesis:)`` on Unicode scalars.
  static func generalWordErrorRate(reference: String, hypothesis: String) -> Double? {
    let gold = PythonString.split(reference)
    let words = PythonString.split(hypothesis)
    guard !gold.isEmpty else { return nil }
    var previous = Array(0...words.count)
    for (row, goldWord) in gold.enumerated() {
      var current = [row + 1] + Array(repeating: 0, count: words.count)
      for (column, word) in words.enumerated() {
        current[column + 1] = min(
          previous[column + 1] + 1, current[column] + 1, previous[column] + (goldWord == word ? 0 : 1))
      }
      previous = current
    }
    return Double(previous[words.count]) / Double(gold.count)
  }

  // MARK: - Problem types of the benchmarks

  /// The training problem type and golds of a benchmark item, where it maps cleanly; nil otherwise.
  ///
  /// Multiple choice: every MCQ suite (MMMU's lettered questions, MMBench, MMStar, AI2D, EmbSpatial) and the
  /// lettered items of MathVista, MathVision and MathVerse. Numerical: MathVista's integer and float items, the
  /// number golds of MathVision, MathVerse, ChartQA and CharXiv. OCR: DocVQA, InfoVQA, OCRBench. Spatial grounding:
  /// RefCOCO, RefCOCO+, RefCOCOg. Everything else (symbolic math, text answers of charts, RefSpatial and
  /// RoboSpatial points and yes/no answers, MMMU open questions) is unmapped.
  public static func problem(for benchmark: any Benchmark, sample: Sample) -> TrainingProblem? {
    switch benchmark.id {
    case "mmbench", "mmstar", "ai2d":
      return letterProblem(sample.text("answer"))
    case "mmmu":
      return MMMU.isOpen(sample) ? nil : letterProblem(sample.text("answer"))
    case "embspatial":
      return letterProblem(EmbSpatial.goldLetter(of: sample))
    case "mathvista":
      if MathVista.isMultipleChoice(sample) { return letterProblem(sample.text("answer_option")) }
      switch sample.text("answer_type") {
      case "integer", "float": return numericalProblem([sample.text("answer") ?? ""])
      default: return nil
      }
    case "mathvision", "mathverse":
      let gold = PythonString.strip(sample.text("answer") ?? "")
      return MathVision.isOptionLetter(gold) ? letterProblem(gold) : numericalProblem([gold])
    case "chartqa":
      return numericalProblem(ChartQA.golds(of: sample))
    case "charxiv":
      return CharXivReasoning.gold(of: sample).flatMap { numericalProblem([$0]) }
    case "docvqa", "infovqa":
      let golds = ANLSBenchmark.golds(of: sample)
      return golds.isEmpty ? nil : TrainingProblem(type: .ocr, golds: golds)
    case "ocrbench":
      guard let golds = OCRBench.golds(of: sample), !golds.isEmpty else { return nil }
      return TrainingProblem(type: .ocr, golds: golds)
    case "refcoco", "refcoco_plus", "refcocog":
      guard let solution = sample.text("solution") else { return nil }
      return TrainingProblem(type: .spatialGrounding, golds: [AnswerExtractor.onethinker.extract(solution).answer])
    default:
      return nil
    }
  }

  private static func letterProblem(_ gold: String?) -> TrainingProblem? {
    guard let gold = gold.map(PythonString.strip), gold.unicodeScalars.count == 1,
      let scalar = gold.unicodeScalars.first, ("A"..."Z").contains(scalar)
    else { return nil }
    return TrainingProblem(type: .multipleChoice, golds: [gold])
  }

  private static func numericalProblem(_ golds: [String]) -> TrainingProblem? {
    guard !golds.isEmpty, golds.allSatisfy({ number($0)?.isFinite == true }) else { return nil }
    return TrainingProblem(type: .numerical, golds: golds)
  }
}
