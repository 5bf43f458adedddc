/// EASI's multiple-choice letter matcher, `can_match_option` (VLMEvalKit ms-vlmeval 0.0.20,
/// `vlmeval/dataset/utils/spatial_bench/matching_func.py`), which EmbSpatial scores with (benchmarks.md §3.10).
///
/// Each of the reference's regular expressions is matched here by hand over Unicode scalars with Python `re`
/// semantics: `\s` is `str.isspace`, `\b` uses Python's Unicode word characters, leftmost matches, the same
/// backtracking order, and `re.IGNORECASE` folding (where `İ`/`ı` match `i`, `ſ` matches `s`, and the Kelvin sign
/// matches `k`). Nothing is guessed: when no rule fires the result is nil (the reference's `False`).
public enum OptionMatching {
  /// The rule that found the letter, numbered as in benchmarks.md §3.10.
  public enum Rule: Int, Sendable, Hashable, CaseIterable {
    /// 1: an `<answer>` block that starts with a letter A–J.
    case answerBlock = 1
    /// 2: a letter just before `</answer>` or `</think>` in the tail window.
    case tailAnchor
    /// 3: the last lines after the last `</think>` (or `<think>`).
    case linesAfterThink
    /// 4: the last lines of the tail window.
    case linesOfTail
    /// 5: a concluding phrase (`final answer`, `the answer is`, `答案`, …) followed by a letter.
    case phrase
    /// 6: a unique stand-alone upper-case letter anywhere in the text.
    case uniqueLetter

    /// A short label for score notes.
    public var label: String {
      switch self {
      case .answerBlock: return "rule 1 (<answer> block)"
      case .tailAnchor: return "rule 2 (letter before </answer> or </think>)"
      case .linesAfterThink: return "rule 3 (last lines after </think>)"
      case .linesOfTail: return "rule 4 (last lines of the tail)"
      case .phrase: return "rule 5 (answer phrase)"
      case .uniqueLetter: return "rule 6 (unique stand-alone letter)"
      }
    }
  }

  /// A letter found in a response, with the rule that found it.
  public struct Match: Sendable, Hashable {
    /// The letter, upper-cased with Python's `str.upper`.
    public var letter: String
    /// The rule that decided.
    public var rule: Rule
  }

  /// The reference's zero-width characters (ZWSP, ZWNJ, ZWJ, BOM), removed before matching.
  static let zeroWidth: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0xFEFF]

  /// `can_match_option(text, choices)`: the option letter of a free-form response, or nil.
  ///
  /// - Parameters:
  ///   - text: The prediction.
  ///   - choices: The reference's optional `choices`; without them the letters are A–F.
  ///   - tailLines: How many trailing lines rules 3 and 4 scan.
  ///   - tailWindow: How many trailing characters rules 2 and 4 look at.
  public static func match(
    _ text: String, choices: [String]? = nil, tailLines: Int = 6, tailWindow: Int = 800
  ) -> Match? {
    var scalars: [Unicode.Scalar] = []
    for scalar in PythonString.strip(text).unicodeScalars where !zeroWidth.contains(scalar.value) {
      scalars.append(scalar)
    }
    return Matcher(text: scalars, letters: letterSet(choices: choices), tailLines: tailLines, tailWindow: tailWindow)
      .run()
  }

  /// The letter alone: `can_match_option(text)` with the default A–F.
  public static func letter(in text: String) -> String? {
    match(text)?.letter
  }

  /// The reference's dynamic letter set, lower-cased: A–F, or the choices' first letters within A–J.
  static func letterSet(choices: [String]?) -> Set<Unicode.Scalar> {
    let fallback = Set("abcdef".unicodeScalars)
    guard let choices, !choices.isEmpty else { return fallback }
    var firsts = Set<Unicode.Scalar>()
    for choice in choices where !choice.isEmpty {
      if let first = PythonString.upper(PythonString.strip(choice)).unicodeScalars.first { firsts.insert(first) }
    }
    let kept = "ABCDEFGHIJ".unicodeScalars.filter { firsts.contains($0) }
    return kept.isEmpty ? fallback : Set(kept.map { Unicode.Scalar($0.value + 32)! })
  }
}

// MARK: - Character classes

extension OptionMatching {
  /// The scalar as `re.IGNORECASE` compares it: ASCII letters lower-cased, `İ` and `ı` as `i`, `ſ` as `s`, the
  /// Kelvin sign as `k` (the only non-ASCII scalars that match ASCII letters case-insensitively in Python 3.11).
  static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    switch scalar.value {
    case 0x41...0x5A: return Unicode.Scalar(scalar.value + 32)!
    case 0x130, 0x131: return "i"
    case 0x17F: return "s"
    case 0x212A: return "k"
    default: return scalar
    }
  }

  static func isSpace(_ scalar: Unicode.Scalar) -> Bool { PythonString.isSpace(scalar) }

  static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
    ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar)
  }

  /// `[A-Za-z]` under `re.IGNORECASE`.
  static func isLetterIgnoringCase(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(fold(scalar))
  }

  /// Python's `\w` for `str` patterns: alphanumeric (`str.isalnum`) or `_`.
  static func isWord(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "_" { return true }
    if scalar.isASCII {
      return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
    default: return scalar.properties.numericType != nil
    }
  }

  static func contains(_ set: String, _ scalar: Unicode.Scalar) -> Bool {
    set.unicodeScalars.contains(scalar)
  }

  /// `[\(\[\{（【]`.
  static let openBrackets = "([{（【"
  /// `[\)\]\}）】]`.
  static let closeBrackets = ")]}）】"
  /// The prefix class of `MD_SINGLE`.
  static let markdownPrefix = "*_`>（）[]【】()"
  /// The suffix class of `MD_SINGLE`.
  static let markdownSuffix = "*_`（）[]【】()"
  /// The punctuation after a labelled line's letter (`LINE_START_LABELED`).
  static let labelPunctuation = ".．:：)]】、-"
  /// `TOKEN_INLINE`'s prefix symbols.
  static let inlinePrefix = "*_`（[{("
  /// `TOKEN_INLINE`'s suffix symbols.
  static let inlineSuffix = "*_`）]})"
  /// `_PUNC_TIGHT`.
  static let tightPunctuation = ".,:;!?)]】》」』，。；、：）"
  /// The separators of `PHRASE_AFTER`.
  static let phraseSeparators = ":：>＝="
  /// The closing punctuation of `PHRASE_AFTER`.
  static let phraseEnders = ".)、。"

  /// Python's `str.splitlines()`: every line boundary Python knows, `\r\n` as one, no empty last line.
  static func splitLines(_ text: ArraySlice<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] {
    var lines: [ArraySlice<Unicode.Scalar>] = []
    var start = text.startIndex
    var index = text.startIndex
    while index < text.endIndex {
      switch text[index].value {
      case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
        lines.append(text[start..<index])
        index += 1
        start = index
      case 0x0D:
        lines.append(text[start..<index])
        index += 1
        if index < text.endIndex, text[index] == "\n" { index += 1 }
        start = index
      default:
        index += 1
      }
    }
    if start < text.endIndex { lines.append(text[start..<text.endIndex]) }
    return lines
  }

  /// Python's `str.strip()` on a slice.
  static func strip(_ text: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
    guard let first = text.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
    let last = text.lastIndex(where: { !isSpace($0) })!
    return text[first...last]
  }
}

// MARK: - The matcher

extension OptionMatching {
  /// One run of `can_match_option` over a prepared text.
  struct Matcher {
    /// The stripped text without zero-width characters.
    let text: [Unicode.Scalar]
    /// The allowed letters, lower-cased.
    let letters: Set<Unicode.Scalar>
    let tailLines: Int
    let tailWindow: Int

    func run() -> Match? {
      let all = text[...]
      if let letter = answerBlock(all) { return Match(letter: letter, rule: .answerBlock) }
      // Python's `text[-0:]` and `lines[-0:]` are the whole sequence.
      let tail = tailWindow > 0 ? all.suffix(tailWindow) : all
      if let letter = tailAnchor(tail, tag: "answer") ?? tailAnchor(tail, tag: "think") {
        return Match(letter: letter, rule: .tailAnchor)
      }
      if let letter = pick(lastLines(afterThink(all))) {
        return Match(letter: letter, rule: .linesAfterThink)
      }
      if let letter = pick(lastLines(tail)) {
        return Match(letter: letter, rule: .linesOfTail)
      }
      if let letter = phrase(all) { return Match(letter: letter, rule: .phrase) }
      if let letter = uniqueLetter(all) { return Match(letter: letter, rule: .uniqueLetter) }
      return nil
    }

    /// `text.splitlines()[-tail_lines:]`.
    func lastLines(_ s: ArraySlice<Unicode.Scalar>) -> ArraySlice<ArraySlice<Unicode.Scalar>> {
      let lines = splitLines(s)
      return tailLines > 0 ? lines.suffix(tailLines) : lines[...]
    }

    // MARK: Small matchers; each returns the index after the match, or nil.

    func skipSpaces(_ s: ArraySlice<Unicode.Scalar>, _ index: Int) -> Int {
      var index = index
      while index < s.endIndex, isSpace(s[index]) { index += 1 }
      return index
    }

    func skip(_ s: ArraySlice<Unicode.Scalar>, _ index: Int, in set: String) -> Int {
      var index = index
      while index < s.endIndex, OptionMatching.contains(set, s[index]) { index += 1 }
      return index
    }

    /// A literal word under `re.IGNORECASE` (`word` is lower-case ASCII).
    func literalIgnoringCase(_ s: ArraySlice<Unicode.Scalar>, _ index: Int, _ word: String) -> Int? {
      var index = index
      for scalar in word.unicodeScalars {
        guard index < s.endIndex, fold(s[index]) == scalar else { return nil }
        index += 1
      }
      return index
    }

    /// A literal, compared exactly.
    func literal(_ s: ArraySlice<Unicode.Scalar>, _ index: Int, _ word: String) -> Int? {
      var index = index
      for scalar in word.unicodeScalars {
        guard index < s.endIndex, s[index] == scalar else { return nil }
        index += 1
      }
      return index
    }

    /// `<\s*/\s*answer\s*>` (IGNORECASE), the closing tag of `TAGGED_ANSWER_BLOCK`.
    func looseClosingAnswer(_ s: ArraySlice<Unicode.Scalar>, _ index: Int) -> Int? {
      guard index < s.endIndex, s[index] == "<" else { return nil }
      var p = skipSpaces(s, index + 1)
      guard p < s.endIndex, s[p] == "/" else { return nil }
      p = skipSpaces(s, p + 1)
      guard let end = literalIgnoringCase(s, p, "answer") else { return nil }
      p = skipSpaces(s, end)
      return p < s.endIndex && s[p] == ">" ? p + 1 : nil
    }

    /// `</\s*TAG\s*>` (IGNORECASE): `<` and `/` adjacent.
    func closingTag(_ s: ArraySlice<Unicode.Scalar>, _ index: Int, _ tag: String) -> Int? {
      guard let afterSlash = literal(s, index, "</") else { return nil }
      guard let end = literalIgnoringCase(s, skipSpaces(s, afterSlash), tag) else { return nil }
      let p = skipSpaces(s, end)
      return p < s.endIndex && s[p] == ">" ? p + 1 : nil
    }

    /// `<\s*think\s*>` (IGNORECASE).
    func openingThink(_ s: ArraySlice<Unicode.Scalar>, _ index: Int) -> Int? {
      guard index < s.endIndex, s[index] == "<" else { return nil }
      guard let end = literalIgnoringCase(s, skipSpaces(s, index + 1), "think") else { return nil }
      let p = skipSpaces(s, end)
      return p < s.endIndex && s[p] == ">" ? p + 1 : nil
    }

    func isAllowedLetterIgnoringCase(_ scalar: Unicode.Scalar) -> Bool { letters.contains(fold(scalar)) }

    func upper(_ scalar: Unicode.Scalar) -> String { PythonString.upper(String(scalar)) }

    // MARK: Rule 1

    /// `TAGGED_ANSWER_BLOCK.search`: `<answer…>`, then a letter A–J as the first non-space, then any closing tag.
    func answerBlock(_ s: ArraySlice<Unicode.Scalar>) -> String? {
      var lastClosing: Int?
      for index in s.indices.reversed() where looseClosingAnswer(s, index) != nil {
        lastClosing = index
        break
      }
      guard let lastClosing else { return nil }
      for start in s.indices where s[start] == "<" {
        guard let end = literalIgnoringCase(s, skipSpaces(s, start + 1), "answer") else { continue }
        guard end == s.endIndex || !isWord(s[end]) else { continue }
        guard let close = s[end...].firstIndex(of: ">") else { continue }
        let letter = skipSpaces(s, close + 1)
        guard letter < s.endIndex, ("a"..."j").contains(fold(s[letter])) else { continue }
        if lastClosing >= letter + 1 { return upper(s[letter]) }
      }
      return nil
    }

    // MARK: Rule 2

    /// `PAT_ANS` / `PAT_THINK`: `(?<![A-Za-z])[(\[{（【]?\s*([letters])\s*[)\]}）】]?\s*</\s*TAG\s*>`.
    func tailAnchor(_ s: ArraySlice<Unicode.Scalar>, tag: String) -> String? {
      for start in s.indices {
        if start > s.startIndex, isLetterIgnoringCase(s[start - 1]) { continue }
        var p = start
        if OptionMatching.contains(openBrackets, s[p]) { p += 1 }
        p = skipSpaces(s, p)
        guard p < s.endIndex, isAllowedLetterIgnoringCase(s[p]) else { continue }
        let letter = p
        p = skipSpaces(s, letter + 1)
        if p < s.endIndex, OptionMatching.contains(closeBrackets, s[p]) { p += 1 }
        p = skipSpaces(s, p)
        if closingTag(s, p, tag) != nil { return upper(s[letter]) }
      }
      return nil
    }

    // MARK: Rules 3 and 4

    /// The text after the last `</think>`, else after the last `<think>`, stripped; else the whole text.
    func afterThink(_ s: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
      var lastEnd: Int?
      for index in s.indices { if let end = closingTag(s, index, "think") { lastEnd = end } }
      if lastEnd == nil {
        for index in s.indices { if let end = openingThink(s, index) { lastEnd = end } }
      }
      guard let lastEnd else { return s }
      return OptionMatching.strip(s[lastEnd...])
    }

    /// `_pick_from_lines`: the non-empty stripped lines bottom-up; the first line that yields a letter wins.
    func pick(_ lines: ArraySlice<ArraySlice<Unicode.Scalar>>) -> String? {
      for raw in lines.reversed() {
        let line = OptionMatching.strip(raw)
        if line.isEmpty || isOptionLine(line) { continue }
        if let letter = markdownSingle(line) ?? labelledLine(line) { return letter }
        let tokens = Set(inlineTokens(line))
        if tokens.count == 1 { return tokens.first! }
      }
      return nil
    }

    /// `OPTION_LINE_PREFIX.search`: `^[*_>\-\s]*(option|选项)\s+[A-J]\s*[:：]` (IGNORECASE).
    func isOptionLine(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
      var p = s.startIndex
      while p < s.endIndex, isSpace(s[p]) || OptionMatching.contains("*_>-", s[p]) { p += 1 }
      guard let word = literalIgnoringCase(s, p, "option") ?? literal(s, p, "选项") else { return false }
      guard word < s.endIndex, isSpace(s[word]) else { return false }
      p = skipSpaces(s, word)
      guard p < s.endIndex, ("a"..."j").contains(fold(s[p])) else { return false }
      p = skipSpaces(s, p + 1)
      return p < s.endIndex && (s[p] == ":" || s[p] == "：")
    }

    /// `MD_SINGLE.fullmatch`: a line that is one letter A–F (either case) with markdown or brackets around it.
    func markdownSingle(_ s: ArraySlice<Unicode.Scalar>) -> String? {
      var p = skipSpaces(s, s.startIndex)
      p = skip(s, p, in: markdownPrefix)
      p = skipSpaces(s, p)
      guard p < s.endIndex, ("a"..."f").contains(s[p]) || ("A"..."F").contains(s[p]) else { return nil }
      let letter = p
      p = skipSpaces(s, p + 1)
      p = skip(s, p, in: markdownSuffix)
      p = skipSpaces(s, p)
      return p == s.endIndex ? upper(s[letter]) : nil
    }

    /// `LINE_START_LABELED.match`: `^\s*([A-F])\s*[.．:：)\]】、-]\s+` (IGNORECASE).
    func labelledLine(_ s: ArraySlice<Unicode.Scalar>) -> String? {
      let letter = skipSpaces(s, s.startIndex)
      guard letter < s.endIndex, ("a"..."f").contains(fold(s[letter])) else { return nil }
      let p = skipSpaces(s, letter + 1)
      guard p < s.endIndex, OptionMatching.contains(labelPunctuation, s[p]) else { return nil }
      guard p + 1 < s.endIndex, isSpace(s[p + 1]) else { return nil }
      return upper(s[letter])
    }

    /// `TOKEN_INLINE.findall`: stand-alone upper-case letters A–F, in order.
    func inlineTokens(_ s: ArraySlice<Unicode.Scalar>) -> [String] {
      func lookahead(_ index: Int) -> Bool {
        index == s.endIndex || isSpace(s[index]) || OptionMatching.contains(tightPunctuation, s[index])
      }
      func attempt(_ start: Int) -> (end: Int, letter: String)? {
        if start > s.startIndex, isASCIILetter(s[start - 1]) { return nil }
        var p = skip(s, start, in: inlinePrefix)
        p = skipSpaces(s, p)
        guard p < s.endIndex, ("A"..."F").contains(s[p]) else { return nil }
        let letter = String(s[p])
        let spacesEnd = skipSpaces(s, p + 1)
        let suffixEnd = skip(s, spacesEnd, in: inlineSuffix)
        for end in stride(from: suffixEnd, through: spacesEnd, by: -1) where lookahead(end) { return (end, letter) }
        return spacesEnd > p + 1 ? (spacesEnd - 1, letter) : nil
      }
      var tokens: [String] = []
      var start = s.startIndex
      while start < s.endIndex {
        if let found = attempt(start) {
          tokens.append(found.letter)
          start = max(found.end, start + 1)
        } else if start == s.startIndex || !isASCIILetter(s[start - 1]) {
          // Every start inside the run of prefix characters and spaces that begins here reaches the same place and
          // fails the same way: go on from the run's end, which keeps a long run of brackets linear, not quadratic.
          start = max(skipSpaces(s, skip(s, start, in: inlinePrefix)), start + 1)
        } else {
          start += 1
        }
      }
      return tokens
    }

    // MARK: Rule 5

    /// The ends of `PHRASE_AFTER`'s prefix alternatives at `start`, in the order the regex tries them.
    func phrasePrefixEnds(_ s: ArraySlice<Unicode.Scalar>, _ start: Int) -> [Int] {
      var ends: [Int] = []
      if let a = literalIgnoringCase(s, start, "final"),
        let b = literalIgnoringCase(s, skipSpaces(s, a), "answer")
      {
        ends.append(b)
      }
      if let a = literalIgnoringCase(s, start, "the"),
        let b = literalIgnoringCase(s, skipSpaces(s, a), "answer"),
        let c = literalIgnoringCase(s, skipSpaces(s, b), "is")
      {
        ends.append(c)
      }
      if let a = literalIgnoringCase(s, start, "answer") {
        if let b = literalIgnoringCase(s, skipSpaces(s, a), "is") { ends.append(b) }
        ends.append(a)
      }
      if let a = literalIgnoringCase(s, start, "correct"),
        let b = literalIgnoringCase(s, skipSpaces(s, a), "answer")
      {
        ends.append(b)
      }
      for word in ["答案", "最终答案", "结论", "所以", "因此"] {
        if let end = literal(s, start, word) { ends.append(end) }
      }
      if let a = literal(s, start, "我选") {
        if let b = literal(s, a, "择") { ends.append(b) }
        ends.append(a)
      }
      for word in ["选择", "选"] {
        if let end = literal(s, start, word) { ends.append(end) }
      }
      return ends
    }

    /// `PHRASE_AFTER.search` over the whole text: the first (leftmost) phrase followed by a letter.
    func phrase(_ s: ArraySlice<Unicode.Scalar>) -> String? {
      for start in s.indices {
        for prefixEnd in phrasePrefixEnds(s, start) {
          var p = skipSpaces(s, prefixEnd)
          if p < s.endIndex, OptionMatching.contains(phraseSeparators, s[p]) { p += 1 }
          p = skipSpaces(s, p)
          if p < s.endIndex, OptionMatching.contains(openBrackets, s[p]) { p += 1 }
          p = skipSpaces(s, p)
          guard p < s.endIndex, isAllowedLetterIgnoringCase(s[p]) else { continue }
          // `\s*[)\]}）】]?(?:\b|[.)、。])` fails only when a word character follows the letter directly.
          let next = p + 1
          if next < s.endIndex, isWord(s[next]) { continue }
          return upper(s[p])
        }
      }
      return nil
    }

    // MARK: Rule 6

    /// `TOKEN_UPPER_GLOBAL.findall` over the lines that are not `option X:` lines; the letter if it is unique.
    func uniqueLetter(_ s: ArraySlice<Unicode.Scalar>) -> String? {
      var cleaned: [Unicode.Scalar] = []
      var first = true
      for line in splitLines(s) where !isOptionLine(line) {
        if !first { cleaned.append("\n") }
        cleaned.append(contentsOf: line)
        first = false
      }
      let c = cleaned[...]
      func attempt(_ start: Int) -> (end: Int, letter: Unicode.Scalar)? {
        if start > c.startIndex, isASCIILetter(c[start - 1]) { return nil }
        var p = start
        if OptionMatching.contains(openBrackets, c[p]) { p += 1 }
        p = skipSpaces(c, p)
        guard p < c.endIndex, ("A"..."Z").contains(c[p]), letters.contains(fold(c[p])) else { return nil }
        let letter = c[p]
        let spacesEnd = skipSpaces(c, p + 1)
        if spacesEnd < c.endIndex, OptionMatching.contains(closeBrackets, c[spacesEnd]),
          spacesEnd + 1 == c.endIndex || !isASCIILetter(c[spacesEnd + 1])
        {
          return (spacesEnd + 1, letter)
        }
        if spacesEnd == c.endIndex || !isASCIILetter(c[spacesEnd]) { return (spacesEnd, letter) }
        return spacesEnd > p + 1 ? (spacesEnd - 1, letter) : nil
      }
      var tokens = Set<Unicode.Scalar>()
      var start = c.startIndex
      while start < c.endIndex {
        if let found = attempt(start) {
          tokens.insert(found.letter)
          start = max(found.end, start + 1)
        } else {
          start += 1
        }
      }
      return tokens.count == 1 ? String(tokens.first!) : nil
    }
  }
}
