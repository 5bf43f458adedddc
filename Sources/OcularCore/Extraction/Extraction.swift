/// A model response taken apart: the raw text, its reasoning, and the answer the scorer receives.
public struct Extraction: Sendable, Hashable, Codable {
  /// The response, verbatim.
  public var raw: String
  /// The content of the first `<think>…</think>` or `<thinking>…</thinking>` block, if any.
  public var thinking: String?
  /// The text the scorer receives (the reference's `prediction`).
  public var answer: String
  /// A Boolean value that indicates whether an `<answer>…</answer>` pair was found.
  public var hasAnswerTag: Bool
  /// A Boolean value that indicates whether the answer pair taken lies inside the think block.
  public var isAnswerInThink: Bool

  /// Creates an extraction.
  public init(raw: String, thinking: String?, answer: String, hasAnswerTag: Bool, isAnswerInThink: Bool) {
    self.raw = raw
    self.thinking = thinking
    self.answer = answer
    self.hasAnswerTag = hasAnswerTag
    self.isAnswerInThink = isAnswerInThink
  }
}

/// How `\boxed{…}` in an extracted answer is treated (benchmarks.md §2.3 step 3).
public enum BoxedHandling: String, Sendable, Codable, CaseIterable {
  /// Take the brace-balanced content of the last `\boxed{…}`: the paper's stated protocol.
  case unwrap
  /// Leave `\boxed{…}` in place, as the published fork's defect does.
  case keep
}

/// The answer-extraction rules of the references.
public enum AnswerExtractor: Sendable, Hashable {
  /// VLMEvalKit's Qwen3-VL post-processing (E1): first answer pair on the raw text, else the raw text; then `\boxed`.
  case vlmevalkit(boxed: BoxedHandling)
  /// OneThinker's `extract_answer` (E2): first answer pair, stripped; else the whole response, stripped.
  case onethinker

  /// Takes a response apart.
  public func extract(_ response: String) -> Extraction {
    let think = Self.thinkBlock(in: response)
    let pair = Self.firstAnswerPair(in: response)
    let isInThink: Bool
    if let pair, let think {
      isInThink = pair.range.lowerBound >= think.range.lowerBound && pair.range.upperBound <= think.range.upperBound
    } else {
      isInThink = false
    }
    var answer: String
    switch self {
    case .vlmevalkit(let boxed):
      answer = pair.map { PythonString.strip($0.content) } ?? response
      if boxed == .unwrap { answer = Self.unwrapBoxed(answer) }
    case .onethinker:
      // `extract_answer(response) or response.strip()`: an empty answer pair falls back to the whole response.
      let content = pair.map { PythonString.strip($0.content) } ?? ""
      answer = content.isEmpty ? PythonString.strip(response) : content
    }
    return Extraction(
      raw: response, thinking: think.map { String($0.content) }, answer: answer, hasAnswerTag: pair != nil,
      isAnswerInThink: isInThink)
  }

  private struct Block {
    var range: Range<String.Index>
    var content: String
  }

  /// The first `<answer>…</answer>` pair (case-sensitive, spanning lines), as Python's `re.search` finds it.
  private static func firstAnswerPair(in text: String) -> Block? {
    guard let open = text.scalarRange(of: "<answer>"),
      let close = text.scalarRange(of: "</answer>", from: open.upperBound)
    else { return nil }
    return Block(
      range: open.lowerBound..<close.upperBound, content: text.scalarSlice(open.upperBound..<close.lowerBound))
  }

  /// The first complete `<think>` or `<thinking>` block.
  private static func thinkBlock(in text: String) -> Block? {
    var best: Block?
    for (openTag, closeTag) in [("<think>", "</think>"), ("<thinking>", "</thinking>")] {
      guard let open = text.scalarRange(of: openTag),
        let close = text.scalarRange(of: closeTag, from: open.upperBound)
      else { continue }
      if best.map({ open.lowerBound < $0.range.lowerBound }) ?? true {
        best = Block(
          range: open.lowerBound..<close.upperBound, content: text.scalarSlice(open.upperBound..<close.lowerBound))
      }
    }
    return best
  }

  /// Applies step 2 of E1: if `\boxed{` is followed by `}` on the same line somewhere, keep the brace-balanced
  /// content after the last `\boxed{` (or the rest of that piece when it never closes).
  static func unwrapBoxed(_ text: String) -> String {
    guard hasClosedBoxed(text) else { return text }
    guard let last = text.scalarRanges(of: "\\boxed{").last else { return text }
    let piece = text.unicodeScalars[last.upperBound...]
    // An empty last piece never enters the reference's loop: the text is returned unchanged.
    guard !piece.isEmpty else { return text }
    var depth = 1
    for index in piece.indices {
      switch piece[index] {
      case "{": depth += 1
      case "}":
        depth -= 1
        if depth == 0 { return String(piece[..<index]) }
      default: break
      }
    }
    return String(piece)
  }

  /// Whether `\\boxed\{(.*?)\}` (not DOTALL) matches: some `\boxed{` has a `}` after it before the next newline.
  private static func hasClosedBoxed(_ text: String) -> Bool {
    for occurrence in text.scalarRanges(of: "\\boxed{") {
      for scalar in text.unicodeScalars[occurrence.upperBound...] {
        if scalar == "}" { return true }
        if scalar == "\n" { break }
      }
    }
    return false
  }
}
