/// Average Normalized Levenshtein Similarity as VLMEvalKit computes it (`vqa_eval.py`: `anls_compute`,
/// `hit_calculate`; ms-vlmeval 0.0.20), quirks included (benchmarks.md §3.13).
public enum ANLS {
  /// The reference's threshold: a similarity below it scores 0; exactly 0.5 is kept.
  public static let threshold = 0.5

  /// `anls_compute(gt, pred)`: the normalized distance, computed on normalized text but divided by the longer
  /// *raw* upper-cased length.
  public static func normalizedDistance(gold: String, prediction: String) -> Double {
    let goldNormal = PythonString.split(PythonString.lower(PythonString.strip(gold))).joined(separator: " ")
    let predictionNormal = PythonString.split(PythonString.lower(PythonString.strip(prediction))).joined(
      separator: " ")
    let distance = levenshtein(goldNormal, predictionNormal)
    let length = max(
      PythonString.length(PythonString.upper(gold)), PythonString.length(PythonString.upper(prediction)))
    return length == 0 ? 0 : Double(distance) / Double(length)
  }

  /// The item score: 1 − the smallest distance over the golds, or 0 when that is below the threshold.
  public static func score(prediction: String, golds: [String]) -> Double {
    guard let best = golds.map({ normalizedDistance(gold: $0, prediction: prediction) }).min() else { return 0 }
    let similarity = 1 - best
    return similarity < threshold ? 0 : similarity
  }

  /// The Levenshtein distance between two strings, counted in Unicode scalars.
  public static func levenshtein(_ lhs: String, _ rhs: String) -> Int {
    let a = Array(lhs.unicodeScalars)
    let b = Array(rhs.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
