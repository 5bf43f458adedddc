/// A parser for the Python literals that VLMEvalKit stores in TSV cells (`"['a', \"b's\"]"`, `"{'x': 1}"`).
///
/// The reference `eval`s such cells; Ocular parses the literal subset instead and never evaluates code.
public enum PythonLiteral {
  /// Parses a literal: strings, numbers, `True`/`False`/`None`, lists, tuples and dicts; nil if it is not one.
  public static func parse(_ text: String) -> JSONValue? {
    var parser = Parser(scalars: Array(text.unicodeScalars))
    parser.skipSpace()
    guard let value = parser.parseValue() else { return nil }
    parser.skipSpace()
    return parser.isAtEnd ? value : nil
  }

  /// The strings of a list-literal cell, or the cell itself as a one-element list when it is not a list.
  ///
  /// This is VLMEvalKit's reading of an `answer` cell: `eval` it if it is a list literal, else keep the string.
  public static func stringList(_ cell: String) -> [String] {
    simpleStringList(cell) ?? fullStringList(cell)
  }

  /// ``stringList(_:)`` through the full literal parser.
  static func fullStringList(_ cell: String) -> [String] {
    // Only a list counts (`istype(cell, list)`); a tuple literal stays one string.
    if PythonString.strip(cell).hasPrefix("["), case .array(let items)? = parse(cell) {
      let strings = items.compactMap { item -> String? in
        if case .string(let value) = item { return value }
        return item.cellText
      }
      if strings.count == items.count { return strings }
    }
    return [cell]
  }

  /// The common case of ``stringList(_:)`` read straight from the bytes: `['a', "b"]` with ASCII spacing, plain
  /// quoted items and no backslash. Anything else (escapes, prefixes, numbers, nesting) returns nil for the full
  /// parser.
  static func simpleStringList(_ cell: String) -> [String]? {
    var cell = cell
    return cell.withUTF8 { utf8 -> [String]? in
      func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
      var index = 0
      func skipSpace() { while index < utf8.count, isSpace(utf8[index]) { index += 1 } }
      skipSpace()
      guard index < utf8.count, utf8[index] == UInt8(ascii: "[") else { return nil }
      index += 1
      var items: [String] = []
      while true {
        skipSpace()
        guard index < utf8.count else { return nil }
        if utf8[index] == UInt8(ascii: "]"), items.isEmpty { break }
        let quote = utf8[index]
        guard quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        index = start
        while index < utf8.count, utf8[index] != quote {
          if utf8[index] == UInt8(ascii: "\\") || utf8[index] == 0x0A || utf8[index] == 0x0D { return nil }
          index += 1
        }
        guard index < utf8.count else { return nil }
        items.append(String(decoding: utf8[start..<index], as: UTF8.self))
        index += 1
        skipSpace()
        guard index < utf8.count else { return nil }
        if utf8[index] == UInt8(ascii: "]") { break }
        guard utf8[index] == UInt8(ascii: ",") else { return nil }
        index += 1
        skipSpace()
        if index < utf8.count, utf8[index] == UInt8(ascii: "]") { break }  // A trailing comma.
      }
      index += 1
      skipSpace()
      return index == utf8.count ? items : nil
    }
  }

  /// The most nested brackets read: CPython's tokenizer raises "too many nested parentheses" past 200 (`MAXLEVEL`),
  /// so `ast.literal_eval` does too; the bound also keeps a hostile answer from overflowing the stack.
  static let maximumNesting = 200

  private struct Parser {
    let scalars: [Unicode.Scalar]
    var position = 0
    var nesting = 0

    var isAtEnd: Bool { position >= scalars.count }

    mutating func skipSpace() {
      while position < scalars.count, PythonString.isSpace(scalars[position]) { position += 1 }
    }

    mutating func parseValue() -> JSONValue? {
      skipSpace()
      guard position < scalars.count else { return nil }
      switch scalars[position] {
      case "[": return parseSequence(close: "]")
      case "(": return parseSequence(close: ")")
      case "{": return parseDict()
      case "'", "\"": return parseString().map(JSONValue.string)
      default: return parseAtom()
      }
    }

    mutating func parseSequence(close: Unicode.Scalar) -> JSONValue? {
      position += 1
      nesting += 1
      defer { nesting -= 1 }
      guard nesting <= PythonLiteral.maximumNesting else { return nil }
      var items: [JSONValue] = []
      while true {
        skipSpace()
        guard position < scalars.count else { return nil }
        if scalars[position] == close {
          position += 1
          return .array(items)
        }
        guard let item = parseValue() else { return nil }
        items.append(item)
        skipSpace()
        guard position < scalars.count else { return nil }
        if scalars[position] == "," {
          position += 1
        } else if scalars[position] != close {
          return nil
        }
      }
    }

    mutating func parseDict() -> JSONValue? {
      position += 1
      nesting += 1
      defer { nesting -= 1 }
      guard nesting <= PythonLiteral.maximumNesting else { return nil }
      var members: [String: JSONValue] = [:]
      while true {
        skipSpace()
        guard position < scalars.count else { return nil }
        if scalars[position] == "}" {
          position += 1
          return .object(members)
        }
        guard let key = parseValue(), let keyText = key.cellText else { return nil }
        skipSpace()
        guard position < scalars.count, scalars[position] == ":" else { return nil }
        position += 1
        guard let value = parseValue() else { return nil }
        members[keyText] = value
        skipSpace()
        guard position < scalars.count else { return nil }
        if scalars[position] == "," {
          position += 1
        } else if scalars[position] != "}" {
          return nil
        }
      }
    }

    mutating func parseString() -> String? {
      let quote = scalars[position]
      position += 1
      var result = String.UnicodeScalarView()
      while position < scalars.count {
        let scalar = scalars[position]
        position += 1
        if scalar == quote { return String(result) }
        if scalar == "\n" { return nil }
        guard scalar == "\\" else {
          result.append(scalar)
          continue
        }
        guard position < scalars.count else { return nil }
        let escaped = scalars[position]
        position += 1
        switch escaped {
        case "n": result.append("\n")
        case "t": result.append("\t")
        case "r": result.append("\r")
        case "\\", "'", "\"": result.append(escaped)
        case "\n": break
        case "x": guard let value = readHex(2) else { return nil }; result.append(value)
        case "u": guard let value = readHex(4) else { return nil }; result.append(value)
        case "U": guard let value = readHex(8) else { return nil }; result.append(value)
        case "0"..."7":
          // Up to three octal digits.
          var value = escaped.value - 48
          for _ in 0..<2 {
            guard position < scalars.count, ("0"..."7").contains(scalars[position]) else { break }
            value = value * 8 + scalars[position].value - 48
            position += 1
          }
          guard let scalar = Unicode.Scalar(value) else { return nil }
          result.append(scalar)
        default:
          result.append("\\")
          result.append(escaped)
        }
      }
      return nil
    }

    mutating func readHex(_ count: Int) -> Unicode.Scalar? {
      guard position + count <= scalars.count else { return nil }
      let digits = String(String.UnicodeScalarView(scalars[position..<position + count]))
      position += count
      guard digits.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit }) else { return nil }
      return UInt32(digits, radix: 16).flatMap(Unicode.Scalar.init)
    }

    mutating func parseAtom() -> JSONValue? {
      let start = position
      while position < scalars.count {
        let scalar = scalars[position]
        if scalar == "," || scalar == "]" || scalar == ")" || scalar == "}" || scalar == ":"
          || PythonString.isSpace(scalar)
        {
          break
        }
        position += 1
      }
      let token = String(String.UnicodeScalarView(scalars[start..<position]))
      switch token {
      case "True": return .bool(true)
      case "False": return .bool(false)
      case "None": return .null
      case "nan": return .number(.nan)
      default:
        if let value = PythonString.int(token) { return .number(Double(value)) }
        if token.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" }) { return nil }
        return PythonString.float(token).map(JSONValue.number)
      }
    }
  }
}
