/// Relaxed accuracy as VLMEvalKit computes it for ChartQA (`vqa_eval.py`: `relaxed_correctness`,
/// `process_line(…, 'relaxed_accuracy')`, `hit_calculate`; ms-vlmeval 0.0.20), quirks included (benchmarks.md §3.8).
///
/// A numeric answer is correct within 5 % of the gold; anything else must equal the gold ignoring case. Only the
/// prediction is stripped, a zero gold is falsy and falls through to the text comparison, and the item's hit is
/// the maximum over its golds.
public enum RelaxedAccuracy {
  /// The largest relative change still counted correct; the comparison is inclusive.
  public static let maxRelativeChange = 0.05

  /// `_to_float(text)`: with a trailing `%` (every trailing `%` removed) the value divided by 100, otherwise
  /// Python's `float(text)`; nil where `float` raises.
  public static func toFloat(_ text: String) -> Double? {
    var scalars = Substring(text).unicodeScalars
    guard scalars.last == "%" else { return PythonString.float(text) }
    while scalars.last == "%" { scalars.removeLast() }
    return PythonString.float(String(scalars)).map { $0 / 100 }
  }

  /// `relaxed_correctness(target, prediction)`: the relative-change test when the prediction parses and the gold
  /// parses to a non-zero value (NaN counts as non-zero and never passes), otherwise case-insensitive equality.
  public static func isCorrect(target: String, prediction: String) -> Bool {
    if let predicted = toFloat(prediction), let gold = toFloat(target), gold != 0 {
      return abs(predicted - gold) / abs(gold) <= maxRelativeChange
    }
    return PythonString.lower(prediction).unicodeScalars.elementsEqual(PythonString.lower(target).unicodeScalars)
  }

  /// Whether a gold decides by the text comparison although the prediction is a number: the gold is zero
  /// (`0`, `0%`, `-0`), which Python treats as false.
  public static func isZeroGoldTextComparison(target: String, prediction: String) -> Bool {
    toFloat(prediction) != nil && toFloat(target) == 0
  }

  /// The item score: 1 when the stripped prediction is correct for any gold, else 0 (0 with no golds).
  public static func score(prediction: String, golds: [String]) -> Double {
    if let hit = asciiHit(prediction: prediction, golds: golds) { return hit ? 1 : 0 }
    let stripped = PythonString.strip(prediction)
    return golds.contains { isCorrect(target: $0, prediction: stripped) } ? 1 : 0
  }

  /// The item's hit computed on plain ASCII bytes, the prediction parsed once; nil when any text is not plain
  /// ASCII or a number needs the general parser (underscores, exponents, long mantissas).
  static func asciiHit(prediction: String, golds: [String]) -> Bool? {
    ASCIIBytes.withASCII(prediction) { raw -> Bool? in
      let prediction = UnsafeBufferPointer(rebasing: raw[ASCIIBytes.stripped(raw)])
      let predicted = asciiToFloat(prediction)
      if case .undecided = predicted { return nil }
      for gold in golds {
        let correct = ASCIIBytes.withASCII(gold) { target -> Bool? in
          if case .number(let value) = predicted {
            switch asciiToFloat(target) {
            case .undecided: return nil
            case .number(let reference) where reference != 0:
              return abs(value - reference) / abs(reference) <= maxRelativeChange
            default: break
            }
          }
          return target.count == prediction.count
            && zip(target, prediction).allSatisfy { ASCIIBytes.lowered($0) == ASCIIBytes.lowered($1) }
        }
        guard let correct else { return nil }
        if correct { return true }
      }
      return false
    }
  }

  /// The outcome of parsing a number on the fast path.
  enum ParsedNumber: Equatable {
    /// The text is this number.
    case number(Double)
    /// Python's `float` raises on the text.
    case notANumber
    /// The fast path cannot tell; the general parser decides.
    case undecided
  }

  /// `_to_float(text)` on ASCII bytes.
  static func asciiToFloat(_ text: UnsafeBufferPointer<UInt8>) -> ParsedNumber {
    var end = text.count
    guard end > 0, text[end - 1] == UInt8(ascii: "%") else { return asciiFloat(text) }
    while end > 0, text[end - 1] == UInt8(ascii: "%") { end -= 1 }
    let parsed = asciiFloat(UnsafeBufferPointer(rebasing: text[..<end]))
    if case .number(let value) = parsed { return .number(value / 100) }
    return parsed
  }

  /// Powers of ten that are exact doubles.
  private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
    (0..<exponent).reduce(1.0) { product, _ in product * 10 }
  }

  /// Python's `float(text)` on ASCII bytes: decided here for plain decimals (sign, digits, one point, `inf`,
  /// `nan`, anything else rejected), undecided for underscores, exponents and mantissas beyond 15 digits.
  static func asciiFloat(_ text: UnsafeBufferPointer<UInt8>) -> ParsedNumber {
    var range = ASCIIBytes.stripped(text)
    guard !range.isEmpty else { return .notANumber }
    var sign = 1.0
    let first = text[range.lowerBound]
    if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
      if first == UInt8(ascii: "-") { sign = -1 }
      range = range.dropFirst()
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var fractionDigits = 0
    var sawDot = false
    for index in range {
      let byte = text[index]
      if byte &- UInt8(ascii: "0") < 10 {
        mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
        digits += 1
        if sawDot { fractionDigits += 1 }
      } else if byte == UInt8(ascii: ".") {
        if sawDot { return .notANumber }
        sawDot = true
      } else if byte == UInt8(ascii: "_") || ASCIIBytes.lowered(byte) == UInt8(ascii: "e") {
        return .undecided
      } else {
        return isInfinityOrNaN(UnsafeBufferPointer(rebasing: text[range])) ? .undecided : .notANumber
      }
    }
    guard digits > 0 else { return .notANumber }
    guard digits <= 15 else { return .undecided }
    return .number(sign * (Double(mantissa) / exactPowersOfTen[fractionDigits]))
  }

  /// Whether the lower-cased bytes spell `inf`, `infinity` or `nan`.
  private static func isInfinityOrNaN(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
    guard body.count == 3 || body.count == 8 else { return false }
    let lowered = body.map(ASCIIBytes.lowered)
    return lowered.elementsEqual("inf".utf8) || lowered.elementsEqual("infinity".utf8)
      || lowered.elementsEqual("nan".utf8)
  }
}
