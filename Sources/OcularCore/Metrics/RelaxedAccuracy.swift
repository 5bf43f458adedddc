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
    let stripped = PythonString.strip(prediction)
    return golds.contains { isCorrect(target: $0, prediction: stripped) } ? 1 : 0
  }
}
