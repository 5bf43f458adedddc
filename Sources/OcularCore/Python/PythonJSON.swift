/// A JSON parser with the semantics of Python's `json.loads`, which the grounding reference parses answers with.
///
/// It differs from strict JSON where Python does: it accepts `NaN`, `Infinity` and `-Infinity`; the last of
/// duplicate keys wins; integers of any length parse (one too large for a float is kept as an overflow marker,
/// which Python's `float()` would reject).
public enum PythonJSON {
  /// A parsed value: JSON plus Python's integer overflow case.
  public indirect enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    /// An integer literal too large for a Python float.
    case hugeInteger
    case string(String)
    case array([Value])
    case object([String: Value])
  }

  /// Parses a document, or returns nil where `json.loads` raises.
  public static func parse(_ text: String) -> Value? {
    var repaired = false
    return parse(text, repairedSurrogates: &repaired)
  }

  /// Parses a document, or returns nil where `json.loads` raises; sets `repairedSurrogates` when a `\uD800`–`\uDFFF`
  /// escape without its pair was read as U+FFFD (Python keeps such a lone surrogate; a Swift string cannot).
  public static func parse(_ text: String, repairedSurrogates: inout Bool) -> Value? {
    var parser = Parser(bytes: Array(text.utf8))
    parser.skipWhitespace()
    guard let value = parser.parseValue(depth: 0) else { return nil }
    parser.skipWhitespace()
    guard parser.index == parser.bytes.count else { return nil }
    repairedSurrogates = parser.repairedSurrogates
    return value
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0
    var repairedSurrogates = false

    mutating func skipWhitespace() {
      while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    func hasPrefix(_ literal: String) -> Bool {
      let scalars = Array(literal.utf8)
      guard index + scalars.count <= bytes.count else { return false }
      return Array(bytes[index..<index + scalars.count]) == scalars
    }

    mutating func parseValue(depth: Int) -> Value? {
      guard depth < 900, index < bytes.count else { return nil }
      switch bytes[index] {
      case UInt8(ascii: "{"): return parseObject(depth: depth)
      case UInt8(ascii: "["): return parseArray(depth: depth)
      case UInt8(ascii: "\""): return parseString().map(Value.string)
      default:
        for (literal, value) in [
          ("null", Value.null), ("true", .bool(true)), ("false", .bool(false)), ("NaN", .number(.nan)),
          ("Infinity", .number(.infinity)), ("-Infinity", .number(-.infinity)),
        ] where hasPrefix(literal) {
          index += literal.utf8.count
          return value
        }
        return parseNumber()
      }
    }

    mutating func parseObject(depth: Int) -> Value? {
      index += 1
      var members: [String: Value] = [:]
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = parseString() else { return nil }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipWhitespace()
        guard let value = parseValue(depth: depth + 1) else { return nil }
        members[key] = value
        skipWhitespace()
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        } else {
          return nil
        }
      }
    }

    mutating func parseArray(depth: Int) -> Value? {
      index += 1
      var items: [Value] = []
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      while true {
        skipWhitespace()
        guard let value = parseValue(depth: depth + 1) else { return nil }
        items.append(value)
        skipWhitespace()
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(items)
        } else {
          return nil
        }
      }
    }

    mutating func parseString() -> String? {
      index += 1
      var utf16: [UInt16] = []
      var hasSurrogateEscape = false
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
          index += 1
          if hasSurrogateEscape, Self.hasLoneSurrogate(utf16) { repairedSurrogates = true }
          return String(decoding: utf16, as: UTF16.self)
        }
        if byte < 0x20 { return nil }
        if byte == UInt8(ascii: "\\") {
          index += 1
          guard index < bytes.count else { return nil }
          let escape = bytes[index]
          index += 1
          switch escape {
          case UInt8(ascii: "\""): utf16.append(0x22)
          case UInt8(ascii: "\\"): utf16.append(0x5C)
          case UInt8(ascii: "/"): utf16.append(0x2F)
          case UInt8(ascii: "b"): utf16.append(0x08)
          case UInt8(ascii: "f"): utf16.append(0x0C)
          case UInt8(ascii: "n"): utf16.append(0x0A)
          case UInt8(ascii: "r"): utf16.append(0x0D)
          case UInt8(ascii: "t"): utf16.append(0x09)
          case UInt8(ascii: "u"):
            guard index + 4 <= bytes.count,
              bytes[index..<index + 4].allSatisfy({ Unicode.Scalar($0).properties.isASCIIHexDigit }),
              let unit = UInt16(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
            else { return nil }
            index += 4
            if (0xD800...0xDFFF).contains(unit) { hasSurrogateEscape = true }
            utf16.append(unit)
          default: return nil
          }
          continue
        }
        // Copy the run of plain characters up to the next quote, backslash or control byte as UTF-16 (those are
        // ASCII, so the run never splits a UTF-8 sequence; one run at a time keeps a 10 MB answer fast).
        var end = index + 1
        while end < bytes.count, bytes[end] >= 0x20, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\")
        {
          end += 1
        }
        utf16.append(contentsOf: String(decoding: bytes[index..<end], as: UTF8.self).utf16)
        index = end
      }
      return nil
    }

    /// Whether UTF-16 code units hold a surrogate without its pair.
    static func hasLoneSurrogate(_ units: [UInt16]) -> Bool {
      var index = 0
      while index < units.count {
        let unit = units[index]
        if UTF16.isLeadSurrogate(unit) {
          guard index + 1 < units.count, UTF16.isTrailSurrogate(units[index + 1]) else { return true }
          index += 2
        } else if UTF16.isTrailSurrogate(unit) {
          return true
        } else {
          index += 1
        }
      }
      return false
    }

    mutating func parseNumber() -> Value? {
      let start = index
      if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
      if bytes[index] == UInt8(ascii: "0") {
        index += 1
      } else {
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
      }
      var isInteger = true
      if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."),
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 1])
      {
        isInteger = false
        index += 1
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
        var probe = index + 1
        if probe < bytes.count, bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-") { probe += 1 }
        if probe < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[probe]) {
          isInteger = false
          index = probe
          while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard let value = Double(text) else { return nil }
      if isInteger, value.isInfinite { return .hugeInteger }
      return .number(value)
    }
  }
}
