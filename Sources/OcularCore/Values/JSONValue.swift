import Foundation

/// A JSON value, as read from a sample record or written to the run store.
public enum JSONValue: Sendable, Hashable, Codable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else if let value = try? container.decode([String: JSONValue].self) {
      self = .object(value)
    } else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .number(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }

  /// The string payload, if this value is a string.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The numeric payload, if this value is a number.
  public var numberValue: Double? {
    if case .number(let value) = self { return value }
    return nil
  }

  /// The elements, if this value is an array.
  public var arrayValue: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// The members, if this value is an object.
  public var objectValue: [String: JSONValue]? {
    if case .object(let value) = self { return value }
    return nil
  }

  /// A Boolean value that indicates whether this is `null` or a NaN number (pandas writes missing cells as NaN).
  public var isMissing: Bool {
    switch self {
    case .null: return true
    case .number(let value): return value.isNaN
    default: return false
    }
  }

  /// The value as the text of a table cell: strings verbatim, integral numbers without a fraction.
  public var cellText: String? {
    switch self {
    case .string(let value): return value
    case .number(let value) where !value.isNaN:
      if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
      return String(value)
    case .bool(let value): return value ? "True" : "False"
    default: return nil
    }
  }

  /// A short name of the value's type, for error messages.
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a Boolean"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }
}

extension JSONValue {
  /// Decodes one JSON document.
  ///
  /// Accepts what Python's `json.loads` accepts, including the bare `NaN` and `Infinity` tokens that pandas
  /// writes. With `isLenient`, also JSON5 (comments, single quotes, trailing commas).
  public static func parse(_ data: Data, isLenient: Bool = false) throws -> JSONValue {
    if !isLenient {
      guard let text = String(validating: data, as: UTF8.self), let value = parse(text) else {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "invalid JSON"))
      }
      return value
    }
    let decoder = JSONDecoder()
    decoder.allowsJSON5 = true
    return try decoder.decode(JSONValue.self, from: data)
  }

  /// Decodes one JSON document from bytes a model produced, repairing text instead of refusing it.
  ///
  /// Bytes that are not UTF-8 are read as U+FFFD, one per maximal invalid sequence, as Python's
  /// `bytes.decode("utf-8", errors="replace")` does; a `\uD800`–`\uDFFF` escape without its pair is read as U+FFFD.
  /// The repairs made are returned so that the sample can say so. Returns nil where `json.loads` raises.
  public static func parseRepairing(_ bytes: some Collection<UInt8>) -> (value: JSONValue, repairs: TextRepairs)? {
    var repairs: TextRepairs = []
    let text: String
    if let valid = String(validating: bytes, as: UTF8.self) {
      text = valid
    } else {
      text = String(decoding: bytes, as: UTF8.self)
      repairs.insert(.invalidUTF8)
    }
    var repairedSurrogates = false
    guard let value = PythonJSON.parse(text, as: JSONValue.self, repairedSurrogates: &repairedSurrogates) else {
      return nil
    }
    if repairedSurrogates { repairs.insert(.loneSurrogates) }
    return (value, repairs)
  }

  /// Decodes one JSON document from text, with `json.loads`'s rules; nil where it raises.
  static func parse(_ text: String) -> JSONValue? {
    var repairedSurrogates = false
    return PythonJSON.parse(text, as: JSONValue.self, repairedSurrogates: &repairedSurrogates)
  }

  /// Encodes this value as compact JSON text with sorted keys (non-finite numbers as `NaN`/`Infinity`, as Python
  /// writes them).
  public func jsonText() -> String {
    var writer = JSONTextWriter()
    writer.write(self)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}

/// Writes JSON text by hand: Foundation's encoder costs more than the rest of a sample's handling.
public struct JSONTextWriter: Sendable {
  /// The UTF-8 text written so far.
  public private(set) var bytes: [UInt8] = []

  /// Creates an empty writer with room for `capacity` bytes.
  public init(capacity: Int = 512) {
    bytes.reserveCapacity(capacity)
  }

  /// Appends text as it is (punctuation, keys known to need no escaping).
  public mutating func raw(_ text: String) {
    bytes.append(contentsOf: text.utf8)
  }

  /// Appends a value; object keys are sorted.
  public mutating func write(_ value: JSONValue) {
    switch value {
    case .null: bytes.append(contentsOf: "null".utf8)
    case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    case .number(let number): writeNumber(number)
    case .string(let text): writeString(text)
    case .array(let items):
      bytes.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        write(item)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members):
      bytes.append(UInt8(ascii: "{"))
      for (index, key) in members.keys.sorted().enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        write(members[key]!)
      }
      bytes.append(UInt8(ascii: "}"))
    }
  }

  /// Appends a number (non-finite numbers as Python writes them).
  public mutating func writeNumber(_ number: Double) {
    if number.isNaN {
      bytes.append(contentsOf: "NaN".utf8)
    } else if number.isInfinite {
      bytes.append(contentsOf: (number > 0 ? "Infinity" : "-Infinity").utf8)
    } else if number.rounded() == number, abs(number) < 1e15 {
      bytes.append(contentsOf: String(Int64(number)).utf8)
    } else {
      bytes.append(contentsOf: "\(number)".utf8)
    }
  }

  /// Appends a string literal, escaped; runs that need no escape are copied whole.
  public mutating func writeString(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { utf8 in
      var run = 0
      for index in utf8.indices {
        let byte = utf8[index]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
        bytes.append(contentsOf: utf8[run..<index])
        run = index + 1
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
          let digits: StaticString = "0123456789abcdef"
          bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
          bytes.append(digits.utf8Start[Int(byte >> 4)])
          bytes.append(digits.utf8Start[Int(byte & 0x0F)])
        }
      }
      bytes.append(contentsOf: utf8[run...])
    }
    bytes.append(UInt8(ascii: "\""))
  }
}

/// What was repaired while reading text a model produced (see ``JSONValue/parseRepairing(_:)``).
public struct TextRepairs: OptionSet, Sendable, Hashable {
  public let rawValue: Int

  /// Creates a set of repairs from its raw value.
  public init(rawValue: Int) {
    self.rawValue = rawValue
  }

  /// Bytes that are not UTF-8 were read as U+FFFD.
  public static let invalidUTF8 = TextRepairs(rawValue: 1 << 0)
  /// Escapes of unpaired UTF-16 surrogates were read as U+FFFD.
  public static let loneSurrogates = TextRepairs(rawValue: 1 << 1)

  /// The notes stored with a sample whose answer was repaired, one per kind of repair.
  public var notes: [String] {
    var notes: [String] = []
    if contains(.invalidUTF8) { notes.append("the model's output was not valid UTF-8; invalid bytes read as U+FFFD") }
    if contains(.loneSurrogates) {
      notes.append("the model's output escaped unpaired UTF-16 surrogates (\\uD800-\\uDFFF); read as U+FFFD")
    }
    return notes
  }
}
