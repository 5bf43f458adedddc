/// String operations with Python 3 semantics, which the reference scorers rely on.
///
/// Swift's `Character` and Foundation's whitespace set differ from Python's `str` in ways that change scores:
/// Python counts Unicode scalars, strips its own `isspace` set and applies full case mapping.
public enum PythonString {
  /// Returns whether a scalar is whitespace under Python's `str.isspace`.
  public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
      0x3000:
      return true
    default:
      return false
    }
  }

  /// Python's `s.strip()`.
  public static func strip(_ text: some StringProtocol) -> String {
    // Sliced on the scalar view of a substring: the bytes are copied once, and no boundary moves to a Character's.
    let scalars = Substring(text).unicodeScalars
    guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !isSpace($0) })!
    return String(scalars[first...last])
  }

  /// Python's `s.split()` with no separator: runs of whitespace split, empty pieces dropped.
  public static func split(_ text: some StringProtocol) -> [String] {
    var pieces: [String] = []
    let scalars = Substring(text).unicodeScalars
    var start: Substring.UnicodeScalarView.Index?
    var index = scalars.startIndex
    while index < scalars.endIndex {
      if isSpace(scalars[index]) {
        if let pieceStart = start {
          pieces.append(String(scalars[pieceStart..<index]))
          start = nil
        }
      } else if start == nil {
        start = index
      }
      index = scalars.index(after: index)
    }
    if let pieceStart = start { pieces.append(String(scalars[pieceStart...])) }
    return pieces
  }

  /// Python's `s.lower()`: full case mapping, with the Greek final sigma (Σ at the end of a word becomes ς).
  public static func lower(_ text: some StringProtocol) -> String {
    // Σ is U+03A3, UTF-8 CE A3; without it Swift's full case mapping is Python's.
    guard text.utf8.contains(0xCE), text.unicodeScalars.contains("\u{03A3}") else {
      return String(text).lowercased()
    }
    let scalars = Array(text.unicodeScalars)
    var output = ""
    for (index, scalar) in scalars.enumerated() {
      guard scalar == "\u{03A3}" else {
        output += String(scalar).lowercased()
        continue
      }
      output += isFinalSigma(at: index, in: scalars) ? "\u{03C2}" : "\u{03C3}"
    }
    return output
  }

  /// Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorables), none after.
  private static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
    var before = index - 1
    while before >= 0, scalars[before].properties.isCaseIgnorable { before -= 1 }
    guard before >= 0, scalars[before].properties.isCased else { return false }
    var after = index + 1
    while after < scalars.count, scalars[after].properties.isCaseIgnorable { after += 1 }
    return after >= scalars.count || !scalars[after].properties.isCased
  }

  /// Python's `s.upper()` (full case mapping, so `ß` becomes `SS`).
  public static func upper(_ text: some StringProtocol) -> String {
    String(text).uppercased()
  }

  /// Python's `len(s)`: the number of Unicode scalars.
  public static func length(_ text: some StringProtocol) -> Int {
    text.unicodeScalars.count
  }

  /// Replaces every Unicode decimal digit (full-width, Arabic-Indic, …) by its ASCII digit, as Python's
  /// `int()` and `float()` read them.
  static func asciiDigits(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
    var output = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if !scalar.isASCII, scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue {
        output.append(Unicode.Scalar(UInt8(48 + Int(value))))
      } else {
        output.append(scalar)
      }
    }
    return String(output)
  }

  /// Python's `float(s)`: surrounding whitespace, a sign, `_` between digits, exponents, `inf` and `nan`.
  public static func float(_ text: some StringProtocol) -> Double? {
    let stripped = asciiDigits(strip(text))
    guard !stripped.isEmpty else { return nil }
    let lowered = stripped.lowercased()
    var body = Substring(lowered)
    var sign = 1.0
    if body.first == "+" || body.first == "-" {
      if body.first == "-" { sign = -1 }
      body = body.dropFirst()
    }
    if body == "inf" || body == "infinity" { return sign * .infinity }
    if body == "nan" { return .nan }
    guard isValidUnderscores(body) else { return nil }
    let cleaned = String(body.filter { $0 != "_" })
    // Python accepts "1.", ".5", "1e5", "1.e5"; reject hex, "0x", and anything Swift would read beyond that.
    var sawDigit = false
    var sawDot = false
    var sawExponent = false
    var previous: Character = " "
    for character in cleaned {
      switch character {
      case "0"..."9":
        sawDigit = true
      case ".":
        if sawDot || sawExponent { return nil }
        sawDot = true
      case "e":
        if sawExponent || !sawDigit { return nil }
        sawExponent = true
      case "+", "-":
        if previous != "e" { return nil }
      default:
        return nil
      }
      previous = character
    }
    guard sawDigit, previous != "e", previous != "+", previous != "-" else { return nil }
    guard let value = Double(cleaned.hasPrefix(".") ? "0" + cleaned : cleaned) else { return nil }
    return sign * value
  }

  /// Python's `int(s)` for base 10: surrounding whitespace, a sign, digits and `_` between digits.
  public static func int(_ text: some StringProtocol) -> Int? {
    let stripped = asciiDigits(strip(text))
    var body = Substring(stripped)
    var isNegative = false
    if body.first == "+" || body.first == "-" {
      isNegative = body.first == "-"
      body = body.dropFirst()
    }
    guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }),
      isValidUnderscores(body)
    else { return nil }
    guard let value = Int(String(body.filter { $0 != "_" })) else { return nil }
    return isNegative ? -value : value
  }

  private static func isValidUnderscores(_ body: Substring) -> Bool {
    guard body.contains("_") else { return true }
    let characters = Array(body)
    for (index, character) in characters.enumerated() where character == "_" {
      guard index > 0, index < characters.count - 1,
        characters[index - 1].isASCII, characters[index - 1].isNumber,
        characters[index + 1].isASCII, characters[index + 1].isNumber
      else { return false }
    }
    return true
  }
}
