// The ASCII fast paths of the scorers must agree with their general, scalar-by-scalar paths (which the golden tests
// tie to the Python references) on every input. Each test draws many seeded random inputs from the characters that
// matter to that scorer and compares the two paths, so a fast path can never silently diverge.
import Testing

@testable import OcularCore

/// SplitMix64: a small seeded generator, so every run draws the same inputs.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }

  /// A string of `0...maxPieces` pieces drawn from `pieces`.
  mutating func text(from pieces: [String], maxPieces: Int) -> String {
    let count = Int.random(in: 0...maxPieces, using: &self)
    return (0..<count).map { _ in pieces.randomElement(using: &self)! }.joined()
  }
}

/// Python's ASCII whitespace, every kind of it.
private let asciiSpaces = [" ", " ", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{1F}"]
private let asciiLetters = ["a", "b", "c", "e", "x", "A", "B", "C", "E", "X", "Z", "z"]
private let asciiPunctuation = [
  ".", ",", ":", ";", "!", "?", "(", ")", "[", "]", "{", "}", "*", "#", "-", "'", "_", "%",
]

@Suite("ASCII fast paths agree with the general paths")
struct ASCIIFastPathTests {
  @Test func levenshteinOnBytesMatchesScalars() {
    var generator = SeededGenerator(state: 1)
    let pieces = ["a", "b", "c", "ab", "ba", "abc", " ", "x", "Y"]
    for round in 0..<4000 {
      // Long strings now and then, for the row-buffer path (beyond 64 bytes).
      let limit = round % 10 == 0 ? 60 : 25
      let lhs = generator.text(from: pieces, maxPieces: limit)
      let rhs = generator.text(from: pieces, maxPieces: limit)
      let fast = Array(lhs.utf8).withUnsafeBufferPointer { left in
        Array(rhs.utf8).withUnsafeBufferPointer { right in ASCIIBytes.levenshtein(left, right) }
      }
      #expect(fast == ANLS.levenshtein(lhs, rhs), "\(lhs.debugDescription) vs \(rhs.debugDescription)")
    }
  }

  @Test func anlsDistanceMatchesGeneralPath() {
    var generator = SeededGenerator(state: 2)
    let pieces = asciiSpaces + asciiLetters + asciiPunctuation + ["total", "Revenue", "1", "2024"]
    for _ in 0..<5000 {
      let gold = generator.text(from: pieces, maxPieces: 30)
      let prediction = generator.text(from: pieces, maxPieces: 30)
      let fast = ANLS.asciiNormalizedDistance(gold: gold, prediction: prediction)
      #expect(fast != nil)
      #expect(
        fast == ANLS.generalNormalizedDistance(gold: gold, prediction: prediction),
        "\(gold.debugDescription) vs \(prediction.debugDescription)")
    }
  }

  @Test func anlsScoreMatchesGeneralPath() {
    var generator = SeededGenerator(state: 3)
    let pieces = asciiSpaces + asciiLetters + ["total ", "revenue", "Invoice Date", "2024"]
    for _ in 0..<2000 {
      let prediction = generator.text(from: pieces, maxPieces: 12)
      let golds = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
        generator.text(from: pieces, maxPieces: 12)
      }
      let fast = ANLS.asciiSmallestDistance(prediction: prediction, golds: golds)
      let general = golds.map { ANLS.generalNormalizedDistance(gold: $0, prediction: prediction) }.min()
      #expect(fast != nil && fast == general, "\(prediction.debugDescription) vs \(golds)")
    }
  }

  @Test func anlsFallsBackOnNonASCII() {
    #expect(ANLS.asciiNormalizedDistance(gold: "straße", prediction: "strasse") == nil)
    #expect(ANLS.asciiSmallestDistance(prediction: "abc", golds: ["abc", "ΟΔΟΣ"]) == nil)
    #expect(ANLS.asciiSmallestDistance(prediction: "abc", golds: []) == nil)
    // The general path still decides: U+00A0 splits in Python, and `upper` of ß is two scalars.
    #expect(ANLS.normalizedDistance(gold: "a\u{A0}b", prediction: "a b") == 0)
    #expect(ANLS.normalizedDistance(gold: "ß", prediction: "s") == 0.5)
  }

  @Test func floatParsingMatchesPython() {
    var generator = SeededGenerator(state: 4)
    let pieces = [
      "0", "1", "2", "5", "7", "9", "00", "123", ".", ".", "-", "+", "e", "E", "_", "%", " ", "\t", "\n", "x",
      "inf", "INF", "nan", "NaN", "infinity", "i", "n",
    ]
    var decided = 0
    for _ in 0..<20000 {
      let text = generator.text(from: pieces, maxPieces: 8)
      let general = RelaxedAccuracy.toFloat(text)
      let fast = Array(text.utf8).withUnsafeBufferPointer { RelaxedAccuracy.asciiToFloat($0) }
      switch fast {
      case .undecided:
        continue
      case .notANumber:
        #expect(general == nil, "\(text.debugDescription)")
      case .number(let value):
        #expect(
          general.map { $0.bitPattern == value.bitPattern || ($0.isNaN && value.isNaN) } == true,
          "\(text.debugDescription): \(value) vs \(String(describing: general))")
      }
      decided += 1
    }
    #expect(decided > 10000)
  }

  @Test func decimalsParseToTheCorrectlyRoundedDouble() {
    var generator = SeededGenerator(state: 5)
    for _ in 0..<20000 {
      let digits = (0..<Int.random(in: 1...15, using: &generator)).map { _ in
        String(Int.random(in: 0...9, using: &generator))
      }
      var text = digits.joined()
      let point = Int.random(in: 0...digits.count, using: &generator)
      text.insert(".", at: text.index(text.startIndex, offsetBy: point))
      let fast = Array(text.utf8).withUnsafeBufferPointer { RelaxedAccuracy.asciiFloat($0) }
      let expected = Double(text.hasPrefix(".") ? "0" + text : text)
      #expect(fast == expected.map { .number($0) }, "\(text)")
    }
  }

  @Test func relaxedHitMatchesGeneralPath() {
    var generator = SeededGenerator(state: 6)
    let pieces = [
      "0", "1", "2", "5", "9", "42", "100", ".", ".5", "-", "+", "e", "E", "_", "%", "%", " ", "\n", "Sales",
      "sales", "The value is ", "inf", "nan", "x", "0.0",
    ]
    var decided = 0
    for _ in 0..<20000 {
      let prediction = generator.text(from: pieces, maxPieces: 5)
      let golds = (0..<Int.random(in: 0...2, using: &generator)).map { _ in
        generator.text(from: pieces, maxPieces: 4)
      }
      let stripped = PythonString.strip(prediction)
      let general = golds.contains { RelaxedAccuracy.isCorrect(target: $0, prediction: stripped) }
      guard let fast = RelaxedAccuracy.asciiHit(prediction: prediction, golds: golds) else { continue }
      decided += 1
      #expect(fast == general, "\(prediction.debugDescription) vs \(golds)")
    }
    #expect(decided > 10000)
    #expect(RelaxedAccuracy.asciiHit(prediction: "５", golds: ["5"]) == nil)
    #expect(RelaxedAccuracy.score(prediction: "５", golds: ["5"]) == 1)
  }

  @Test func optionLetterMatchesGeneralPath() {
    var generator = SeededGenerator(state: 7)
    let pieces =
      asciiSpaces + asciiPunctuation + [
        "A", "B", "C", "D", "E", "Z", "a", "AB", "the answer is ", "Answer", "Cannot determine the answer",
        "I can't process this file.", "Failed to obtain answer via API", "option", "<answer>", "</answer>",
      ]
    for _ in 0..<20000 {
      let answer = generator.text(from: pieces, maxPieces: 14)
      let choices = (0..<Int.random(in: 0...5, using: &generator)).map { index in
        (letter: ["A", "B", "C", "D", "E"][index], text: "option \(index)")
      }
      let fast = OptionInference.asciiLetter(in: answer, choices: choices)
      #expect(fast != nil)
      #expect(
        fast.flatMap { $0 } == OptionInference.generalLetter(in: answer, choices: choices),
        "\(answer.debugDescription)")
    }
    // Longer or non-ASCII letters and non-ASCII answers take the general path.
    #expect(OptionInference.asciiLetter(in: "AA", choices: [(letter: "AA", text: "x")]) == nil)
    #expect(OptionInference.asciiLetter(in: "A\u{3000}B", choices: [(letter: "A", text: "x")]) == nil)
    #expect(OptionInference.letter(in: "(A)\u{3000}is it", choices: [(letter: "A", text: "x")]) == "A")
  }

  @Test func optionTextMatchesGeneralPath() {
    var generator = SeededGenerator(state: 8)
    let words = ["red", "Red", "blue", "BLUE", "car", "a", " ", "\n", ".", "x"]
    for _ in 0..<20000 {
      let choices = (0..<Int.random(in: 0...4, using: &generator)).map { index in
        (letter: ["A", "B", "C", "D"][index], text: generator.text(from: words, maxPieces: 3))
      }
      let answer = generator.text(from: words, maxPieces: 8)
      let fast = OptionInference.asciiText(in: answer, choices: choices)
      #expect(fast != nil)
      #expect(
        fast.flatMap { $0 } == OptionInference.generalText(in: answer, choices: choices),
        "\(answer.debugDescription) in \(choices.map(\.text))")
    }
    #expect(OptionInference.asciiText(in: "straße", choices: [(letter: "A", text: "STRASSE")]) == nil)
    #expect(OptionInference.asciiText(in: "red", choices: [(letter: "A", text: "Ｒed")]) == nil)
  }

  @Test func ocrbenchHitMatchesGeneralPath() {
    var generator = SeededGenerator(state: 9)
    let pieces = asciiSpaces + ["x", "X", "y", "2", "+", "=", "^", "{", "}", "(", ")", "ab", "Total", "total "]
    for round in 0..<20000 {
      let category = round % 2 == 0 ? OCRBench.hmerCategory : OCRBench.categories[round % 9]
      let prediction = generator.text(from: pieces, maxPieces: 14)
      let golds = (0..<Int.random(in: 0...2, using: &generator)).map { _ in
        generator.text(from: pieces, maxPieces: 5)
      }
      let fast = OCRBench.asciiIsHit(prediction: prediction, golds: golds, category: category)
      #expect(fast != nil)
      #expect(
        fast == OCRBench.generalIsHit(prediction: prediction, golds: golds, category: category),
        "\(prediction.debugDescription) vs \(golds), \(category)")
    }
    #expect(OCRBench.asciiIsHit(prediction: "İ", golds: ["i"], category: "Regular Text Recognition") == nil)
  }

  @Test func byteSearchIsScalarSearch() {
    var generator = SeededGenerator(state: 10)
    let pieces = ["a", "b", "ab", "é", "e\u{301}", "\u{301}", ">", "Σ", "😀", "\u{1F3FB}", " ", "\r\n", "\n"]
    for _ in 0..<20000 {
      let haystack = generator.text(from: pieces, maxPieces: 10)
      let needle = generator.text(from: pieces, maxPieces: 3)
      #expect(
        haystack.containsScalars(needle) == haystack.generalContainsScalars(needle),
        "\(needle.debugDescription) in \(haystack.debugDescription)")
    }
  }

  @Test func byteRangeSearchIsScalarRangeSearch() {
    var generator = SeededGenerator(state: 11)
    let pieces = ["a", "b", "ab", "é", "e\u{301}", "\u{301}", ">", "Σ", "😀", "\u{1F3FB}", " ", "\r\n", "\n"]
    var found = 0
    for _ in 0..<20000 {
      let haystack = generator.text(from: pieces, maxPieces: 10)
      let needle = generator.text(from: pieces, maxPieces: 2)
      // From the start, and again from just after the first match (as `scalarRanges` does).
      let fast = haystack.scalarRange(of: needle)
      #expect(
        fast == haystack.generalScalarRange(of: needle), "\(needle.debugDescription) in \(haystack.debugDescription)")
      guard let fast else { continue }
      found += 1
      #expect(
        haystack.scalarRange(of: needle, from: fast.upperBound)
          == haystack.generalScalarRange(of: needle, from: fast.upperBound))
      #expect(String(haystack.unicodeScalars[fast]) == needle)
    }
    #expect(found > 2000)
  }
}
