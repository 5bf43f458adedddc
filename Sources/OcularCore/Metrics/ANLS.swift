/// Average Normalized Levenshtein Similarity as VLMEvalKit computes it (`vqa_eval.py`: `anls_compute`,
/// `hit_calculate`; ms-vlmeval 0.0.20), quirks included (benchmarks.md §3.13).
public enum ANLS {
  /// The reference's threshold: a similarity below it scores 0; exactly 0.5 is kept.
  public static let threshold = 0.5

  /// `anls_compute(gt, pred)`: the normalized distance, computed on normalized text but divided by the longer
  /// *raw* upper-cased length.
  public static func normalizedDistance(gold: String, prediction: String) -> Double {
    asciiNormalizedDistance(gold: gold, prediction: prediction)
      ?? generalNormalizedDistance(gold: gold, prediction: prediction)
  }

  /// `anls_compute` on any text, scalar by scalar.
  static func generalNormalizedDistance(gold: String, prediction: String) -> Double {
    let goldNormal = PythonString.split(PythonString.lower(PythonString.strip(gold))).joined(separator: " ")
    let predictionNormal = PythonString.split(PythonString.lower(PythonString.strip(prediction))).joined(
      separator: " ")
    let distance = levenshtein(goldNormal, predictionNormal)
    let length = max(
      PythonString.length(PythonString.upper(gold)), PythonString.length(PythonString.upper(prediction)))
    return length == 0 ? 0 : Double(distance) / Double(length)
  }

  /// `anls_compute` on plain ASCII text, byte by byte; nil when either text is not plain ASCII.
  static func asciiNormalizedDistance(gold: String, prediction: String) -> Double? {
    ASCIIBytes.withASCII(prediction) { predictionBytes in
      withNormalized(predictionBytes) { predictionNormal in
        ASCIIBytes.withASCII(gold) { goldBytes in
          distance(gold: goldBytes, prediction: predictionBytes, normalPrediction: predictionNormal)
        }
      }
    }
  }

  /// The item score: 1 − the smallest distance over the golds, or 0 when that is below the threshold.
  public static func score(prediction: String, golds: [String]) -> Double {
    let smallest =
      asciiSmallestDistance(prediction: prediction, golds: golds)
      ?? golds.map { generalNormalizedDistance(gold: $0, prediction: prediction) }.min()
    guard let best = smallest else { return 0 }
    let similarity = 1 - best
    return similarity < threshold ? 0 : similarity
  }

  /// The smallest normalized distance over the golds, the prediction normalized once; nil when there are no golds
  /// or any text is not plain ASCII.
  static func asciiSmallestDistance(prediction: String, golds: [String]) -> Double? {
    guard !golds.isEmpty else { return nil }
    return ASCIIBytes.withASCII(prediction) { predictionBytes in
      withNormalized(predictionBytes) { predictionNormal -> Double? in
        var best = Double.infinity
        for gold in golds {
          let value = ASCIIBytes.withASCII(gold) { goldBytes in
            distance(gold: goldBytes, prediction: predictionBytes, normalPrediction: predictionNormal)
          }
          guard let value else { return nil }
          best = min(best, value)
        }
        return best
      }
    }
  }

  /// `anls_compute` on ASCII bytes, the prediction already normalized.
  private static func distance(
    gold: UnsafeBufferPointer<UInt8>, prediction: UnsafeBufferPointer<UInt8>,
    normalPrediction: UnsafeBufferPointer<UInt8>
  ) -> Double {
    let length = max(gold.count, prediction.count)
    guard length > 0 else { return 0 }
    let edits = withNormalized(gold) { ASCIIBytes.levenshtein($0, normalPrediction) }
    return Double(edits) / Double(length)
  }

  /// Calls `body` with `" ".join(text.strip().lower().split())` of ASCII bytes.
  private static func withNormalized<Result>(
    _ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Result
  ) -> Result {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, text.count)) { buffer in
      var count = 0
      var pendingSpace = false
      for byte in text {
        if ASCIIBytes.isSpace(byte) {
          pendingSpace = count > 0
        } else {
          if pendingSpace {
            buffer[count] = 0x20
            count += 1
            pendingSpace = false
          }
          buffer[count] = ASCIIBytes.lowered(byte)
          count += 1
        }
      }
      return body(UnsafeBufferPointer(rebasing: buffer[..<count]))
    }
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
