/// The prediction lmms-eval 0.7.3 scores: the raw response with its reasoning blocks removed, then stripped.
///
/// This is `lmms_eval.api.reasoning.strip_reasoning_tags` with the command line's default tag pairs (`<think>` and
/// `<analysis>`), followed by the `.strip()` of `ConfigurableTask.process_results`. lmms-eval reads no
/// `<answer>` tags and no `\boxed{}`: what is left of the response is the answer.
public enum LMMSEvalPrediction {
  /// The reasoning tag pairs the lmms-eval command line strips by default.
  public static let defaultTagPairs: [(start: String, end: String)] = [
    ("<think>", "</think>"), ("<analysis>", "</analysis>"),
  ]

  /// The prediction lmms-eval scores for a raw response.
  public static func prediction(from response: String) -> String {
    PythonString.strip(stripReasoningTags(response, tagPairs: defaultTagPairs))
  }

  /// `strip_reasoning_tags(text, tag_pairs)`: every complete block of each pair is removed (case-sensitive, code
  /// point by code point); when a closing tag remains without its opening tag, only the text after the last
  /// closing tag is kept; an unclosed opening tag stays. The result is stripped.
  public static func stripReasoningTags(_ text: String, tagPairs: [(start: String, end: String)]) -> String {
    var result = Array(text.unicodeScalars)
    for (startTag, endTag) in tagPairs {
      let start = Array(startTag.unicodeScalars)
      let end = Array(endTag.unicodeScalars)
      while let open = find(start, in: result, from: 0), find(end, in: result, from: 0) != nil {
        guard let close = find(end, in: result, from: open) else { break }
        result.removeSubrange(open..<(close + end.count))
      }
      if find(start, in: result, from: 0) == nil, let last = findLast(end, in: result) {
        result = Array(result[(last + end.count)...])
      }
    }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: result)
    return PythonString.strip(String(view))
  }

  /// Python's `str.find(needle, from)` over code points.
  private static func find(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from: Int) -> Int? {
    guard needle.count <= haystack.count - from else { return nil }
    var index = from
    while index + needle.count <= haystack.count {
      if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
      index += 1
    }
    return nil
  }

  /// Python's `str.rfind(needle)` over code points.
  private static func findLast(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    var index = haystack.count - needle.count
    while index >= 0 {
      if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
      index -= 1
    }
    return nil
  }
}
