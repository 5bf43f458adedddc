/// VLMEvalKit's multiple-choice answer inference, `can_infer` (`vlmeval/utils/matching_util.py`, ms-vlmeval 0.0.20).
///
/// The rule path of benchmarks.md §2.5: first the option-letter rule, then the option-text rule. It returns a
/// letter, `Z` for a refusal, or nil when nothing can be inferred (the reference's `False`).
public enum OptionInference {
  /// Refusal phrases that make the reference answer `Z`.
  static let refusals = [
    "Sorry, I can't help with images of people yet.",
    "I can't process this file.",
    "I'm sorry, but without the image provided",
    "Cannot determine the answer",
  ]

  /// `can_infer(answer, choices)`: the option rule, else the text rule.
  ///
  /// - Parameter choices: The options as (letter, text) pairs in letter order; missing options left out.
  public static func infer(_ answer: String, choices: [(letter: String, text: String)]) -> String? {
    letter(in: answer, choices: choices) ?? text(in: answer, choices: choices)
  }

  /// `can_infer_option`: a unique option letter among the last four tokens, `Z` for refusals.
  public static func letter(in answer: String, choices: [(letter: String, text: String)]) -> String? {
    if let fast = asciiLetter(in: answer, choices: choices) { return fast }
    return generalLetter(in: answer, choices: choices)
  }

  /// `can_infer_option` on any text, scalar by scalar.
  static func generalLetter(in answer: String, choices: [(letter: String, text: String)]) -> String? {
    if answer.containsScalars("Failed to obtain answer via API") { return nil }
    for refusal in refusals where answer.containsScalars(refusal) { return "Z" }
    var modified = String.UnicodeScalarView()
    for scalar in answer.unicodeScalars {
      switch scalar {
      case ".", "(", ")", "[", "]", ",", ":", ";", "!", "*", "#", "{", "}": modified.append(" ")
      default: modified.append(scalar)
      }
    }
    let tokens = PythonString.split(String(modified))
    let present = choices.filter { tokens.contains($0.letter) }
    if present.count == 1 {
      let letter = present[0].letter
      if let first = tokens.firstIndex(of: letter), first > tokens.count - 5 { return letter }
    } else if present.isEmpty, tokens.contains("Z") {
      return "Z"
    }
    return nil
  }

  /// `can_infer_text`: exactly one option text contained in the lower-cased answer, if the answer is short enough.
  public static func text(in answer: String, choices: [(letter: String, text: String)]) -> String? {
    if let fast = asciiText(in: answer, choices: choices) { return fast }
    return generalText(in: answer, choices: choices)
  }

  /// `can_infer_text` on any text, scalar by scalar.
  static func generalText(in answer: String, choices: [(letter: String, text: String)]) -> String? {
    let lowered = PythonString.lower(answer)
    let budget = 2 * choices.reduce(0) { $0 + PythonString.length($1.text) }
    if PythonString.length(lowered) > budget { return nil }
    let candidates = choices.filter { lowered.containsScalars(PythonString.lower($0.text)) }
    return candidates.count == 1 ? candidates[0].letter : nil
  }

  /// The scorer's refusal check and separators as bytes.
  private static let apiFailure = Array("Failed to obtain answer via API".utf8)
  private static let refusalBytes = refusals.map { Array($0.utf8) }

  /// Whether a byte is one of the punctuation marks `can_infer_option` turns into spaces.
  @inline(__always)
  private static func isSeparator(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
      UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "!"), UInt8(ascii: "*"),
      UInt8(ascii: "#"), UInt8(ascii: "{"), UInt8(ascii: "}"):
      return true
    default:
      return ASCIIBytes.isSpace(byte)
    }
  }

  /// The single ASCII byte of each option letter, or nil when some letter is longer or not ASCII.
  private static func letterBytes(_ choices: [(letter: String, text: String)]) -> [UInt8]? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(choices.count)
    for choice in choices {
      let utf8 = choice.letter.utf8
      guard utf8.count == 1, let byte = utf8.first, byte < 0x80 else { return nil }
      bytes.append(byte)
    }
    return bytes
  }

  /// `can_infer_option` on a plain ASCII answer with one-byte option letters, tokenising without building strings;
  /// `.none` when the fast path does not apply.
  static func asciiLetter(in answer: String, choices: [(letter: String, text: String)]) -> String?? {
    guard let letters = letterBytes(choices) else { return nil }
    return ASCIIBytes.withASCII(answer) { bytes -> String?? in
      if apiFailure.withUnsafeBufferPointer({ ASCIIBytes.contains(bytes, $0) }) { return .some(nil) }
      for refusal in refusalBytes where refusal.withUnsafeBufferPointer({ ASCIIBytes.contains(bytes, $0) }) {
        return "Z"
      }
      return withUnsafeTemporaryAllocation(of: Int.self, capacity: 128) { firstToken -> String?? in
        // The index of the first one-byte token of each byte value, -1 when there is none.
        firstToken.initialize(repeating: -1)
        var tokens = 0
        var tokenLength = 0
        var tokenByte: UInt8 = 0
        for byte in bytes {
          if isSeparator(byte) {
            if tokenLength > 0 {
              if tokenLength == 1, firstToken[Int(tokenByte)] < 0 { firstToken[Int(tokenByte)] = tokens }
              tokens += 1
              tokenLength = 0
            }
          } else {
            if tokenLength == 0 { tokenByte = byte }
            tokenLength += 1
          }
        }
        if tokenLength > 0 {
          if tokenLength == 1, firstToken[Int(tokenByte)] < 0 { firstToken[Int(tokenByte)] = tokens }
          tokens += 1
        }
        var present = 0
        var presentIndex = 0
        for (index, letter) in letters.enumerated() where firstToken[Int(letter)] >= 0 {
          present += 1
          presentIndex = index
        }
        if present == 1 {
          if firstToken[Int(letters[presentIndex])] > tokens - 5 { return .some(choices[presentIndex].letter) }
        } else if present == 0, firstToken[Int(UInt8(ascii: "Z"))] >= 0 {
          return "Z"
        }
        return .some(nil)
      }
    }
  }

  /// `can_infer_text` on a plain ASCII answer and option texts, byte by byte; `.none` when any is not plain ASCII.
  static func asciiText(in answer: String, choices: [(letter: String, text: String)]) -> String?? {
    ASCIIBytes.withASCII(answer) { bytes -> String?? in
      var budget = 0
      for choice in choices {
        guard ASCIIBytes.withASCII(choice.text, { $0.count }) != nil else { return nil }
        budget += choice.text.utf8.count
      }
      if bytes.count > 2 * budget { return .some(nil) }
      return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count + 2 * budget + 1) { buffer in
        let loweredAnswer = UnsafeMutableBufferPointer(rebasing: buffer[..<bytes.count])
        for (index, byte) in bytes.enumerated() { loweredAnswer[index] = ASCIIBytes.lowered(byte) }
        let scratch = UnsafeMutableBufferPointer(rebasing: buffer[bytes.count...])
        var candidates = 0
        var candidate = 0
        for (index, choice) in choices.enumerated() {
          let found = ASCIIBytes.withASCII(choice.text) { text -> Bool? in
            for (offset, byte) in text.enumerated() { scratch[offset] = ASCIIBytes.lowered(byte) }
            return ASCIIBytes.contains(
              UnsafeBufferPointer(loweredAnswer), UnsafeBufferPointer(rebasing: scratch[..<text.count]))
          }
          if found == true {
            candidates += 1
            candidate = index
          }
        }
        return .some(candidates == 1 ? choices[candidate].letter : nil)
      }
    }
  }
}
