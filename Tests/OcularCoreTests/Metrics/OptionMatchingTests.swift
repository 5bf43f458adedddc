// Golden reference: VLMEvalKit, PyPI `ms-vlmeval==0.0.20`,
// `vlmeval/dataset/utils/spatial_bench/matching_func.py: can_match_option(text)` (default letters A–F), run by
// `scripts/golden/mcq_driver.py match` on 400 seeded random texts (`fuzz-cases --seed 20260311`) built from tokens
// that stress every rule. Golden files: Golden/can_match_option.cases.jsonl, can_match_option.golden.jsonl.
// The EmbSpatial cases (Benchmarks/EmbSpatialTests.swift) cover the same function on hand-written inputs.
import Foundation
import Testing

@testable import OcularCore

struct MatchCase: Decodable, Sendable, Identified {
  var id: String
  var text: String
}

struct MatchGolden: Decodable, Sendable, Identified {
  var id: String
  var letter: MatchResult
}

@Suite("OptionMatching: can_match_option of ms-vlmeval 0.0.20")
struct OptionMatchingTests {
  static func pairs() throws -> [(MatchCase, MatchGolden)] {
    try pairedGolden(
      cases: "can_match_option.cases.jsonl", golden: "can_match_option.golden.jsonl", MatchCase.self,
      MatchGolden.self)
  }

  /// All 400 cases in one test (one argument each would make a very long report).
  @Test func randomTextsMatchReference() throws {
    let pairs = try Self.pairs()
    #expect(pairs.count == 400)
    var mismatches: [String] = []
    for (input, golden) in pairs where OptionMatching.letter(in: input.text) != golden.letter.letter {
      mismatches.append("\(input.id): \(input.text.debugDescription)")
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) mismatches: \(mismatches.prefix(5))")
    // The set exercises letters from every branch, including the upper-cased dotted I of rule 1.
    let letters = Set(pairs.compactMap { $0.1.letter.letter })
    #expect(letters.isSuperset(of: ["A", "B", "C", "D", "E", "F", "J", "\u{130}"]))
  }

  @Test func pythonSemanticsOfTheHelpers() {
    let text = Array("a\r\nb\u{2028}c\u{0B}d\n".unicodeScalars)[...]
    #expect(OptionMatching.splitLines(text).map { String(String.UnicodeScalarView($0)) } == ["a", "b", "c", "d"])
    #expect(OptionMatching.fold("\u{130}") == "i" && OptionMatching.fold("\u{17F}") == "s")
    #expect(OptionMatching.fold("\u{212A}") == "k" && OptionMatching.fold("Q") == "q")
    #expect(OptionMatching.isWord("\u{4E2D}") && OptionMatching.isWord("\u{663}") && !OptionMatching.isWord("\u{3002}"))
  }

  @Test func choicesNarrowTheLetters() {
    #expect(OptionMatching.letterSet(choices: nil) == Set("abcdef".unicodeScalars))
    #expect(OptionMatching.letterSet(choices: ["a) x", " b", "G"]) == Set("abg".unicodeScalars))
    #expect(OptionMatching.letterSet(choices: ["1", "2"]) == Set("abcdef".unicodeScalars))
    #expect(OptionMatching.match("the answer is G", choices: ["A", "G"])?.letter == "G")
    #expect(OptionMatching.match("the answer is G")?.letter == nil)
  }
}
