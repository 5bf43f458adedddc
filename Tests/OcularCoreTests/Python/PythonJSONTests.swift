// Reference: CPython 3.11 `json.loads` (C scanner), which OneThinker `eval_bench.py: accuracy_only` parses answers
// with (commit 4448451e6e519e17c9e72d2b67f94a45612f2323). Expected values were checked with python3.
import Testing

@testable import OcularCore

@Suite("PythonJSON")
struct PythonJSONTests {
  @Test func nonFiniteLiterals() {
    guard case .number(let nan)? = PythonJSON.parse("NaN") else {
      Issue.record("NaN not parsed")
      return
    }
    #expect(nan.isNaN)
    #expect(PythonJSON.parse("Infinity") == .number(.infinity))
    #expect(PythonJSON.parse("-Infinity") == .number(-.infinity))
    #expect(
      PythonJSON.parse("[NaN, -Infinity]").map { if case .array(let a) = $0 { return a.count } else { return 0 } } == 2)
    // Lower-case and signed spellings are not JSON for Python either.
    #expect(PythonJSON.parse("nan") == nil)
    #expect(PythonJSON.parse("+Infinity") == nil)
    #expect(PythonJSON.parse("infinity") == nil)
  }

  @Test func duplicateKeysLastWins() {
    #expect(PythonJSON.parse(#"{"a": 1, "b": 2, "a": 3}"#) == .object(["a": .number(3), "b": .number(2)]))
  }

  @Test func hugeIntegerAndFloatOverflow() {
    #expect(PythonJSON.parse("1" + String(repeating: "0", count: 400)) == .hugeInteger)
    #expect(PythonJSON.parse("-1" + String(repeating: "0", count: 400)) == .hugeInteger)
    // 1e400 is a float literal: Python gives inf.
    #expect(PythonJSON.parse("1e400") == .number(.infinity))
    // A 300-digit integer still fits a float.
    #expect(PythonJSON.parse("1" + String(repeating: "0", count: 300)) == .number(1e300))
  }

  @Test func numbers() {
    #expect(PythonJSON.parse("-0") == .number(0))
    #expect(PythonJSON.parse("1E2") == .number(100))
    #expect(PythonJSON.parse("1.5e-3") == .number(0.0015))
    #expect(PythonJSON.parse("0.1") == .number(0.1))
    for bad in ["01", ".5", "1.", "+1", "-", "1e", "0x10", "1_000"] {
      #expect(PythonJSON.parse(bad) == nil, "\(bad)")
    }
  }

  @Test func stringEscapes() {
    #expect(PythonJSON.parse(#""a\n\t\"\\\/\b\f\r\u00e9""#) == .string("a\n\t\"\\/\u{8}\u{C}\r\u{E9}"))
    #expect(PythonJSON.parse(#""\ud83d\ude00""#) == .string("\u{1F600}"))
    #expect(PythonJSON.parse(#""\u00E9""#) == .string("\u{E9}"))
    #expect(PythonJSON.parse("\"caf\u{E9} \u{1F600}\"") == .string("caf\u{E9} \u{1F600}"))
    // Invalid: unknown escape, raw control character, short \u.
    #expect(PythonJSON.parse(#""\x41""#) == nil)
    #expect(PythonJSON.parse("\"a\tb\"") == nil)
    #expect(PythonJSON.parse(#""\u12""#) == nil)
    #expect(PythonJSON.parse(#""unterminated"#) == nil)
  }

  /// The C scanner requires four hex digits: `json.loads('"\\u+123"')` raises "Invalid \uXXXX escape".
  @Test func signedUnicodeEscapeIsRejected() {
    #expect(PythonJSON.parse(#""\u+123""#) == nil)
    #expect(PythonJSON.parse(#""\u-123""#) == nil)
  }

  @Test func whitespaceAndTrailingGarbage() {
    #expect(PythonJSON.parse(" {\"a\": 1} \n") == .object(["a": .number(1)]))
    #expect(PythonJSON.parse("\r\n\t[1]\t") == .array([.number(1)]))
    for bad in [
      "{} x", "[1]]", "1 2", "{\"boxes\": [1, 2, 3, 4]}.", "", "  ", "\u{A0}[1]", "[1,]", "{\"a\":1,}",
      "{'a': 1}", "True", "[1", "{\"a\" 1}", "{1: 2}",
    ] {
      #expect(PythonJSON.parse(bad) == nil, "\(bad.debugDescription)")
    }
  }

  @Test func nestedStructures() {
    #expect(
      PythonJSON.parse(#"{"boxes": [[1, 2], {"k": null}], "t": true, "f": false}"#)
        == .object([
          "boxes": .array([.array([.number(1), .number(2)]), .object(["k": .null])]), "t": .bool(true),
          "f": .bool(false),
        ]))
  }

  /// Integers of up to 15 digits skip the decimal parser; every length must read as `float(text)` does.
  @Test func integersOfEveryLengthReadAsTheDecimalParserReadsThem() {
    var generator = SeededGenerator(state: 21)
    for _ in 0..<20_000 {
      let length = Int.random(in: 1...20, using: &generator)
      var digits = String(Int.random(in: 1...9, using: &generator))
      for _ in 1..<length { digits += String(Int.random(in: 0...9, using: &generator)) }
      for text in [digits, "-" + digits, "0", "-0"] {
        #expect(PythonJSON.parse(text) == .number(Double(text)!), "\(text)")
      }
    }
    #expect(
      PythonJSON.parse("-0").map { if case .number(let zero) = $0 { zero.sign == .minus } else { false } } == true)
  }

  /// Records parse straight into `JSONValue`; the result must be the general tree converted.
  @Test func jsonValuesAreTheGeneralTreeConverted() {
    func converted(_ value: PythonJSON.Value) -> JSONValue {
      switch value {
      case .null: .null
      case .bool(let flag): .bool(flag)
      case .number(let number): .number(number)
      case .hugeInteger: .number(.infinity)
      case .string(let text): .string(text)
      case .array(let items): .array(items.map(converted))
      case .object(let members): .object(members.mapValues(converted))
      }
    }
    var generator = SeededGenerator(state: 22)
    let pieces = [
      "{", "}", "[", "]", ",", ":", " ", "\"a\"", "\"b\\n\"", "\"\\ud83d\\ude00\"", "1", "-2.5e3", "null", "true",
      "false", "NaN", "-Infinity", "Infinity", "1" + String(repeating: "0", count: 400), "-", "0", "é",
    ]
    var parsed = 0
    for _ in 0..<20_000 {
      let text = generator.text(from: pieces, maxPieces: 8)
      let general = PythonJSON.parse(text)
      let direct = JSONValue.parse(text)
      parsed += general == nil ? 0 : 1
      // NaN is never equal to itself; compare the written form.
      #expect(direct?.jsonText() == general.map(converted)?.jsonText(), "\(text)")
    }
    #expect(parsed > 1_000)
  }
}
