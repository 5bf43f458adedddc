/// lmms-eval 0.7.3's MMMU rules (`tasks/mmmu/utils.py`, which copies the official MMMU `eval_utils.py`):
/// `parse_mmmu_multi_choice_response` for multiple-choice questions, `parse_open_response` for open ones, then
/// `eval_multi_choice` / `eval_open`, all over Python code points.
///
/// The one deviation: where the reference draws `random.choice` of the options (no letter found), the parser here
/// answers nil and the caller scores 0 as unparsed.
public enum LMMSEvalMMMU {
  /// One candidate answer `parse_open_response` keeps: lower-cased text, or a number rounded to two decimals.
  public enum OpenCandidate: Hashable, Sendable, CustomStringConvertible {
    /// A normalised text, matched by containment.
    case text(String)
    /// A number (`round(float(s), 2)`), matched by equality.
    case number(Double)

    /// The candidate as Python's `repr` shows a simple value: quoted text, or the float.
    public var description: String {
      switch self {
      case .text(let text): return text.debugDescription
      case .number(let number): return number.description
      }
    }
  }

  /// The punctuation `parse_mmmu_multi_choice_response` strips from both ends, one character after the other.
  static let strippedPunctuation: [Unicode.Scalar] = [",", ".", "!", "?", ";", ":", "'"]

  /// The phrases after which `get_key_subresponses` looks for the answer (`=` is added for the last line).
  static let keyIndicators = ["could be ", "so ", "is ", "thus ", "therefore ", "final ", "answer ", "result "]

  /// The key responses `get_key_subresponses` rejects as trivial.
  static let trivialKeyResponses: Set<String> = [":", ",", ".", "!", "?", ";", "'"]

  /// `parse_mmmu_multi_choice_response(response, all_choices, index2ans)` with the choices lettered A, B, … in
  /// option order (`get_multi_choice_info`); nil where the reference falls back to `random.choice`.
  public static func parseMultipleChoice(_ response: String, options: [String]) -> String? {
    var text = Array(response.unicodeScalars)
    for mark in strippedPunctuation {
      text = strip(text, mark)
    }
    let padded: [Unicode.Scalar] = [" "] + text + [" "]
    let letters = options.indices.map { String(Unicode.Scalar(UInt8(65 + $0))) }
    func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    var candidates = letters.filter { contains(padded, scalars("(\($0))")) }
    let hasBrackets = !candidates.isEmpty
    if candidates.isEmpty { candidates = letters.filter { contains(padded, scalars("\($0) ")) } }
    if candidates.isEmpty { candidates = letters.filter { contains(padded, scalars("\($0).")) } }
    var isIndexAnswer = true
    let lowered = scalars(PythonString.lower(String(String.UnicodeScalarView(padded))))
    if candidates.isEmpty, PythonString.split(String(String.UnicodeScalarView(padded))).count > 5 {
      candidates = zip(letters, options).filter { contains(lowered, scalars(PythonString.lower($0.1))) }.map(\.0)
      if !candidates.isEmpty { isIndexAnswer = false }
    }
    guard let first = candidates.first else { return nil }
    guard candidates.count > 1 else { return first }
    let starts = candidates.map { letter -> Int in
      if !isIndexAnswer {
        let option = options[letters.firstIndex(of: letter)!]
        return lastIndex(of: scalars(PythonString.lower(option)), in: lowered)
      }
      return lastIndex(of: scalars(hasBrackets ? "(\(letter))" : " \(letter) "), in: padded)
    }
    // np.argmax: the first of the largest.
    var best = 0
    for index in starts.indices where starts[index] > starts[best] { best = index }
    return candidates[best]
  }

  /// `parse_open_response(response)`: the key sub-responses and every number in them, normalised, without
  /// duplicates (in order of first appearance; the reference's `set` has no order).
  public static func parseOpen(_ response: String) -> [OpenCandidate] {
    let keys = keySubresponses(response)
    var pieces = keys
    for key in keys { pieces += extractNumbers(key) }
    var candidates: [OpenCandidate] = []
    for piece in pieces {
      for candidate in normalize(piece) where !candidates.contains(candidate) {
        candidates.append(candidate)
      }
    }
    return candidates
  }

  /// `get_key_subresponses`: per line of the lower-cased response, the shortest tail after an indicator; the whole
  /// response when no line has one.
  static func keySubresponses(_ response: String) -> [String] {
    let cleaned = PythonString.lower(
      String(String.UnicodeScalarView(strip(Array(PythonString.strip(response).unicodeScalars), "."))))
    // `re.split(r"\.\s(?=[A-Z])|\n", ...)` after lower(): no A–Z is left, so only newlines split.
    let lines = cleaned.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
      Array($0)
    }
    var indicators = keyIndicators.map { Array($0.unicodeScalars) }
    var keys: [String] = []
    for (index, line) in lines.enumerated() {
      if index == lines.count - 1 { indicators.append(["="]) }
      var shortest: String?
      for indicator in indicators where contains(line, indicator) {
        let position = lastIndex(of: indicator, in: line)
        let tail = PythonString.strip(String(String.UnicodeScalarView(line[(position + indicator.count)...])))
        if let current = shortest, !current.isEmpty {
          if PythonString.length(tail) < PythonString.length(current) { shortest = tail }
        } else {
          shortest = tail
        }
      }
      if let key = shortest, !key.isEmpty, !trivialKeyResponses.contains(PythonString.strip(key)) {
        keys.append(key)
      }
    }
    return keys.isEmpty ? [cleaned] : keys
  }

  /// `normalize_str(string)`: a number becomes `round(float, 2)`; other text is lower-cased, and a single character
  /// is padded with a space on either side (two candidates) to avoid trivial matches.
  public static func normalize(_ text: String) -> [OpenCandidate] {
    let stripped = PythonString.strip(text)
    if let number = PythonString.float(stripped.replacingOccurrences(of: ",", with: "")) {
      return [.number(TrainingReward.roundedToHundredths(number))]
    }
    let lowered = PythonString.lower(stripped)
    if PythonString.length(lowered) == 1 { return [.text(" " + lowered), .text(lowered + " ")] }
    return [.text(lowered)]
  }

  /// `eval_open(gold, candidates)` for a gold string: a text candidate is right when it contains a normalised gold
  /// text, a number when it equals a normalised gold number.
  public static func isOpenAnswerCorrect(gold: String, candidates: [OpenCandidate]) -> Bool {
    let golds = normalize(gold)
    for candidate in candidates {
      switch candidate {
      case .text(let text):
        let haystack = Array(text.unicodeScalars)
        for case .text(let answer) in golds where contains(haystack, Array(answer.unicodeScalars)) { return true }
      case .number(let number):
        for case .number(let answer) in golds where answer == number { return true }
      }
    }
    return false
  }

  /// `extract_numbers(string)`: the matches of the comma, scientific and simple number patterns, in that order.
  public static func extractNumbers(_ text: String) -> [String] {
    let scalars = Array(text.unicodeScalars)
    let pattern = NumberPattern(scalars)
    return [pattern.commas, pattern.scientific, pattern.simple].flatMap { pattern.findAll($0) }
  }

  /// Python's `s.strip(mark)` for one character.
  static func strip(_ scalars: [Unicode.Scalar], _ mark: Unicode.Scalar) -> [Unicode.Scalar] {
    guard let first = scalars.firstIndex(where: { $0 != mark }) else { return [] }
    let last = scalars.lastIndex(where: { $0 != mark })!
    return Array(scalars[first...last])
  }

  /// Python's `needle in haystack` over code points (an empty needle is in every string).
  static func contains(_ haystack: [Unicode.Scalar], _ needle: [Unicode.Scalar]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    guard !needle.isEmpty else { return true }
    for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)] == needle[...] {
      return true
    }
    return false
  }

  /// Python's `haystack.rfind(needle)`: the last start, `len(haystack)` for an empty needle, -1 when absent.
  static func lastIndex(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int {
    guard needle.count <= haystack.count else { return -1 }
    var start = haystack.count - needle.count
    while start >= 0 {
      if haystack[start..<(start + needle.count)] == needle[...] { return start }
      start -= 1
    }
    return -1
  }
}

/// The three patterns of `extract_numbers`, matched with Python `re` semantics (Unicode `\d` and `\b`, greedy
/// quantifiers, backtracking) by continuation-passing matchers over code points.
struct NumberPattern {
  /// A matcher: from a position, calls the continuation with each end it can reach (greedy first) until one
  /// succeeds.
  typealias Matcher = (Int, (Int) -> Bool) -> Bool

  /// The text searched.
  let scalars: [Unicode.Scalar]

  /// Creates the patterns over a text.
  init(_ scalars: [Unicode.Scalar]) {
    self.scalars = scalars
  }

  /// Python's `\d` in a `str` pattern: a Unicode decimal digit.
  static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.numericType == .decimal
  }

  /// Python's `\w` in a `str` pattern: `str.isalnum()` or `_`.
  static func isWord(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "_" || scalar.properties.numericType != nil { return true }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
    default: return false
    }
  }

  /// One character satisfying a test.
  func character(_ test: @escaping (Unicode.Scalar) -> Bool) -> Matcher {
    let scalars = scalars
    return { index, next in index < scalars.count && test(scalars[index]) && next(index + 1) }
  }

  /// One given character.
  func literal(_ scalar: Unicode.Scalar) -> Matcher { character { $0 == scalar } }

  /// `\d`.
  var digit: Matcher { character(Self.isDigit) }

  /// `\b`.
  var boundary: Matcher {
    let scalars = scalars
    return { index, next in
      let before = index > 0 && Self.isWord(scalars[index - 1])
      let after = index < scalars.count && Self.isWord(scalars[index])
      return before != after && next(index)
    }
  }

  /// Matchers one after the other.
  func sequence(_ parts: Matcher...) -> Matcher {
    let end: Matcher = { index, next in next(index) }
    return parts.reversed().reduce(end) { rest, part in
      { index, next in part(index) { middle in rest(middle, next) } }
    }
  }

  /// `a|b`.
  func either(_ first: @escaping Matcher, _ second: @escaping Matcher) -> Matcher {
    { index, next in first(index, next) || second(index, next) }
  }

  /// `a{min,max}`, greedy (`max` nil: unbounded).
  func repeated(_ part: @escaping Matcher, min: Int, max: Int?) -> Matcher {
    func attempt(_ count: Int, _ index: Int, _ next: (Int) -> Bool) -> Bool {
      if max.map({ count < $0 }) ?? true,
        part(index, { end in end != index && attempt(count + 1, end, next) })
      {
        return true
      }
      return count >= min && next(index)
    }
    return { index, next in attempt(0, index, next) }
  }

  /// `(?!a)`.
  func notFollowedBy(_ part: @escaping Matcher) -> Matcher {
    { index, next in !part(index, { _ in true }) && next(index) }
  }

  /// `-?\b\d{1,3}(?:,\d{3})+\b`.
  var commas: Matcher {
    sequence(
      repeated(literal("-"), min: 0, max: 1), boundary, repeated(digit, min: 1, max: 3),
      repeated(sequence(literal(","), repeated(digit, min: 3, max: 3)), min: 1, max: nil), boundary)
  }

  /// `[eE][+-]?\d+`.
  var exponent: Matcher {
    sequence(
      character { $0 == "e" || $0 == "E" }, repeated(character { $0 == "+" || $0 == "-" }, min: 0, max: 1),
      repeated(digit, min: 1, max: nil))
  }

  /// `-?\d+(?:\.\d+)?[eE][+-]?\d+`.
  var scientific: Matcher {
    sequence(
      repeated(literal("-"), min: 0, max: 1), repeated(digit, min: 1, max: nil),
      repeated(sequence(literal("."), repeated(digit, min: 1, max: nil)), min: 0, max: 1), exponent)
  }

  /// `-?(?:\d+\.\d+|\.\d+|\d+\b)(?![eE][+-]?\d+)(?![,\d])`.
  var simple: Matcher {
    let digits = repeated(digit, min: 1, max: nil)
    let body = either(
      sequence(digits, literal("."), digits), either(sequence(literal("."), digits), sequence(digits, boundary)))
    return sequence(
      repeated(literal("-"), min: 0, max: 1), body, notFollowedBy(exponent),
      notFollowedBy(character { $0 == "," || Self.isDigit($0) }))
  }

  /// `re.findall`: the non-overlapping matches, left to right.
  func findAll(_ pattern: Matcher) -> [String] {
    var matches: [String] = []
    var index = 0
    while index <= scalars.count {
      var end: Int?
      _ = pattern(index) { found in
        end = found
        return true
      }
      if let end, end > index {
        matches.append(String(String.UnicodeScalarView(scalars[index..<end])))
        index = end
      } else {
        index += 1
      }
    }
    return matches
  }
}
