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
    parse(text, as: Value.self, repairedSurrogates: &repairedSurrogates)
  }

  /// Parses a document straight into any value type the parser can build (``JSONValue`` for records, without an
  /// intermediate tree).
  static func parse<Output: PythonJSONBuildable>(
    _ text: String, as output: Output.Type, repairedSurrogates: inout Bool
  ) -> Output? {
    var text = text
    return text.withUTF8 { bytes -> Output? in
      var parser = Parser<Output>(bytes: bytes)
      parser.skipWhitespace()
      guard let value = parser.parseValue(depth: 0) else { return nil }
      parser.skipWhitespace()
      guard parser.index == parser.bytes.count else { return nil }
      repairedSurrogates = parser.repairedSurrogates
      return value
    }
  }

  private struct Parser<Value: PythonJSONBuildable> {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var repairedSurrogates = false

    mutating func skipWhitespace() {
      while index < bytes.count {
        switch bytes[index] {
        case 0x20, 0x09, 0x0A, 0x0D: index += 1
        default: return
        }
      }
    }

    /// Whether the bytes at the current index spell an ASCII literal.
    func hasPrefix(_ literal: StaticString) -> Bool {
      let count = literal.utf8CodeUnitCount
      guard index + count <= bytes.count else { return false }
      let start = literal.utf8Start
      for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
      return true
    }

    /// The literal `json.loads` accepts at this byte besides numbers and strings, if it is spelled out here.
    mutating func parseLiteral() -> Value? {
      let literal: StaticString
      let value: Value
      switch bytes[index] {
      case UInt8(ascii: "n"): (literal, value) = ("null", .jsonNull)
      case UInt8(ascii: "t"): (literal, value) = ("true", .jsonBool(true))
      case UInt8(ascii: "f"): (literal, value) = ("false", .jsonBool(false))
      case UInt8(ascii: "N"): (literal, value) = ("NaN", .jsonNumber(.nan))
      case UInt8(ascii: "I"): (literal, value) = ("Infinity", .jsonNumber(.infinity))
      case UInt8(ascii: "-"): (literal, value) = ("-Infinity", .jsonNumber(-.infinity))
      default: return nil
      }
      guard hasPrefix(literal) else { return nil }
      index += literal.utf8CodeUnitCount
      return value
    }

    mutating func parseValue(depth: Int) -> Value? {
      guard depth < 900, index < bytes.count else { return nil }
      switch bytes[index] {
      case UInt8(ascii: "{"): return parseObject(depth: depth)
      case UInt8(ascii: "["): return parseArray(depth: depth)
      case UInt8(ascii: "\""): return parseString().map(Value.jsonString)
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return parseNumber()
      default: return parseLiteral() ?? parseNumber()
      }
    }

    mutating func parseObject(depth: Int) -> Value? {
      index += 1
      var members: [String: Value] = [:]
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .jsonObject(members)
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
          return .jsonObject(members)
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
        return .jsonArray(items)
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
          return .jsonArray(items)
        } else {
          return nil
        }
      }
    }

    mutating func parseString() -> String? {
      index += 1
      let start = index
      // Most strings have no escape: find the closing quote and decode the bytes in one go.
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
          index += 1
          return String(decoding: bytes[start..<index - 1], as: UTF8.self)
        }
        if byte == UInt8(ascii: "\\") { break }
        if byte < 0x20 { return nil }
        index += 1
      }
      guard index < bytes.count else { return nil }
      // Escapes: decode as UTF-16 (so `\u` surrogate pairs join), copying the runs between escapes whole.
      var utf16: [UInt16] = []
      var hasSurrogateEscape = false
      utf16.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).utf16)
      var run = index
      while index < bytes.count {
        let byte = bytes[index]
        if byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
          if byte < 0x20 { return nil }
          index += 1
          continue
        }
        if run < index { utf16.append(contentsOf: String(decoding: bytes[run..<index], as: UTF8.self).utf16) }
        index += 1
        if byte == UInt8(ascii: "\"") {
          if hasSurrogateEscape, Self.hasLoneSurrogate(utf16) { repairedSurrogates = true }
          return String(decoding: utf16, as: UTF16.self)
        }
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
        run = index
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
      let digits = bytes[start..<index]
      if isInteger, digits.count <= 16 {
        // Up to 15 digits (and a sign) an integer is exact in a Double: no need for the decimal parser.
        var magnitude = 0
        for byte in digits where byte != UInt8(ascii: "-") {
          magnitude = magnitude * 10 + Int(byte - UInt8(ascii: "0"))
        }
        if digits.count <= 15 || digits.first == UInt8(ascii: "-") {
          return .jsonNumber(digits.first == UInt8(ascii: "-") ? -Double(magnitude) : Double(magnitude))
        }
      }
      let text = String(decoding: digits, as: UTF8.self)
      guard let value = Double(text) else { return nil }
      if isInteger, value.isInfinite { return .jsonHugeInteger }
      return .jsonNumber(value)
    }
  }
}

/// A value the JSON parser can build directly.
protocol PythonJSONBuildable {
  static var jsonNull: Self { get }
  static func jsonBool(_ flag: Bool) -> Self
  static func jsonNumber(_ number: Double) -> Self
  /// An integer literal too large for a Python float.
  static var jsonHugeInteger: Self { get }
  static func jsonString(_ text: String) -> Self
  static func jsonArray(_ items: [Self]) -> Self
  static func jsonObject(_ members: [String: Self]) -> Self
}

extension PythonJSON.Value: PythonJSONBuildable {
  static var jsonNull: Self { .null }
  static func jsonBool(_ flag: Bool) -> Self { .bool(flag) }
  static func jsonNumber(_ number: Double) -> Self { .number(number) }
  static var jsonHugeInteger: Self { .hugeInteger }
  static func jsonString(_ text: String) -> Self { .string(text) }
  static func jsonArray(_ items: [Self]) -> Self { .array(items) }
  static func jsonObject(_ members: [String: Self]) -> Self { .object(members) }
}

extension JSONValue: PythonJSONBuildable {
  static var jsonNull: Self { .null }
  static func jsonBool(_ flag: Bool) -> Self { .bool(flag) }
  static func jsonNumber(_ number: Double) -> Self { .number(number) }
  /// JSON values keep no Python integers: a huge one reads as infinity, as `float()` of it would.
  static var jsonHugeInteger: Self { .number(.infinity) }
  static func jsonString(_ text: String) -> Self { .string(text) }
  static func jsonArray(_ items: [Self]) -> Self { .array(items) }
  static func jsonObject(_ members: [String: Self]) -> Self { .object(members) }
}
