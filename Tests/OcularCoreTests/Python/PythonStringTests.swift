// Reference: CPython 3.11 `str.strip`, `str.split`, `str.lower`/`upper`, `len`, `float`, `int` (benchmarks.md §0,
// "Python semantics"). Expected values were checked with python3 (e.g. `float('\xa07\u3000') == 7.0`,
// `'ΟΔΟΣ'.lower() == 'οδος'`, `len('İ'.lower()) == 2`).
import Testing

@testable import OcularCore

@Suite("PythonString")
struct PythonStringTests {
  @Test func whitespaceSetIsPythons() {
    for value: UInt32 in [
      0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680, 0x2000,
      0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    ] {
      #expect(PythonString.isSpace(Unicode.Scalar(value)!), "U+\(String(value, radix: 16))")
    }
    // Not whitespace in Python: ZWSP, BOM, U+180E (no longer a space), NUL, "x".
    for value: UInt32 in [0x200B, 0xFEFF, 0x180E, 0x00, 0x78, 0x2060] {
      #expect(!PythonString.isSpace(Unicode.Scalar(value)!), "U+\(String(value, radix: 16))")
    }
  }

  @Test func stripUsesPythonWhitespace() {
    #expect(scalars(PythonString.strip("\u{A0}\u{3000}\u{85}\u{1C} x y \u{1F}\u{2029}")) == scalars("x y"))
    #expect(PythonString.strip("\u{A0}\u{3000}") == "")
    #expect(PythonString.strip("") == "")
    #expect(scalars(PythonString.strip("\u{200B}x\u{200B}")) == scalars("\u{200B}x\u{200B}"))
    // CRLF is a single Character in Swift but two whitespace scalars for Python.
    #expect(PythonString.strip("\r\nx\r\n") == "x")
  }

  @Test func splitUsesPythonWhitespace() {
    #expect(PythonString.split("a\u{A0}b\u{3000}c\u{85}d\u{1C}e") == ["a", "b", "c", "d", "e"])
    #expect(PythonString.split("  a \t\n b  ") == ["a", "b"])
    #expect(PythonString.split("") == [])
    #expect(PythonString.split(" \u{3000} ") == [])
    // Python works on code points: a combining mark after a space starts a piece of its own, although the space and
    // the mark form one Character.
    #expect(PythonString.split("a \u{301}b\r\nc").map(scalars) == [scalars("a"), scalars("\u{301}b"), scalars("c")])
    #expect(scalars(PythonString.strip(" \u{301}x\u{301} ")) == scalars("\u{301}x\u{301}"))
    #expect(scalars(PythonString.strip(Substring("e\u{301} é ").dropFirst(2))) == scalars("é"))
    #expect(PythonString.split("a\u{200B}b") == ["a\u{200B}b"])
  }

  @Test func caseMappingIsFull() {
    #expect(PythonString.upper("ß") == "SS")
    #expect(PythonString.upper("\u{FB01}le") == "FILE")
    #expect(PythonString.length(PythonString.lower("\u{130}")) == 2)  // İ → i + U+0307
    #expect(PythonString.lower("ABC") == "abc")
  }

  @Test func finalSigmaLowercasesLikePython() {
    // Python: 'ΟΔΟΣ'.lower() == 'οδος' (final ς), 'ΣΑ'.lower() == 'σα'.
    #expect(scalars(PythonString.lower("\u{39F}\u{394}\u{39F}\u{3A3}")) == scalars("\u{3BF}\u{3B4}\u{3BF}\u{3C2}"))
    #expect(scalars(PythonString.lower("\u{3A3}\u{391}")) == scalars("\u{3C3}\u{3B1}"))
  }

  @Test func lengthCountsScalars() {
    #expect(PythonString.length("cafe\u{301}") == 5)
    #expect(PythonString.length("caf\u{E9}") == 4)
    #expect(PythonString.length("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}") == 5)
    #expect(PythonString.length("\r\n") == 2)
    #expect(PythonString.length("") == 0)
  }

  @Test(arguments: [
    (" 1_000.5 ", 1000.5), ("1e5", 100000), ("12.", 12), (".5", 0.5), ("-.5", -0.5), ("+1.5E-3", 0.0015),
    ("\u{A0}7\u{3000}", 7), ("1_0e1_0", 1e11), ("0", 0), ("-0.0", -0.0), ("1.e2", 100), ("00012", 12),
  ])
  func floatAccepts(_ text: String, _ expected: Double) {
    #expect(PythonString.float(text) == expected, "\(text.debugDescription)")
  }

  @Test func floatAcceptsInfinitiesAndNaN() {
    #expect(PythonString.float("-inf") == -.infinity)
    #expect(PythonString.float("inf") == .infinity)
    #expect(PythonString.float(" +Infinity ") == .infinity)
    #expect(PythonString.float("iNF") == .infinity)
    #expect(PythonString.float("nan")?.isNaN == true)
    #expect(PythonString.float("-NaN")?.isNaN == true)
    #expect(PythonString.float("1e400") == .infinity)
  }

  @Test(arguments: [
    "1,000", "$5", "5%", "1__0", "0x10", "", "   ", "1_", "_1", "1e", "e5", ".", "1.5.2", "--1", "1e5.5", "1_.5",
    "1._5", "infinite", "nan1", "1 2", "+", "0b1", "1d", "1f", "inf_",
  ])
  func floatRejects(_ text: String) {
    #expect(
      PythonString.float(text) == nil, "\(text.debugDescription) → \(String(describing: PythonString.float(text)))")
  }

  /// Python's `float` also reads other Unicode decimal digits: `float('１２') == 12.0` (full-width digits).
  @Test func floatAcceptsUnicodeDecimalDigits() {
    #expect(PythonString.float("\u{FF11}\u{FF12}") == 12)
  }

  @Test(arguments: [(" -42 ", -42), ("1_000", 1000), ("+7", 7), ("007", 7), ("\u{3000}5\u{A0}", 5)])
  func intAccepts(_ text: String, _ expected: Int) {
    #expect(PythonString.int(text) == expected, "\(text.debugDescription)")
  }

  @Test(arguments: ["1.0", "0x10", "", "1e3", "12_", "_1", "1__0", "1 2", "--1", "+", "inf", "1.", "５a"])
  func intRejects(_ text: String) {
    #expect(PythonString.int(text) == nil, "\(text.debugDescription)")
  }
}
