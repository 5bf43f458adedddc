import Foundation

/// A number as Python's `eval` produces it from an arithmetic expression: an `int` or a `float`.
public enum PythonNumber: Sendable, Hashable {
  /// A Python `int` that fits in 64 bits (`True` and `False` read as 1 and 0).
  case int(Int)
  /// A Python `float`.
  case float(Double)

  /// The value as a float, as Python converts an `int` in mixed arithmetic.
  public var doubleValue: Double {
    switch self {
    case .int(let value): return Double(value)
    case .float(let value): return value
    }
  }
}

/// A safe evaluator of Python arithmetic expressions, the first numeric test of VLMEvalKit's `is_equal`
/// (`vlmeval/dataset/utils/mathv.py`, ms-vlmeval 0.0.20), which calls Python's `eval` on both strings.
///
/// It never executes code: it reads number literals (decimal, `0x`/`0o`/`0b`, floats with exponents, `_` between
/// digits; leading zeros rejected as Python does), parentheses, the unary `+ - ~`, `**` (right-associative, binding
/// tighter than a unary minus on its left), `* / // %`, `+ -`, `<< >>`, `&`, `^` (XOR on integers, not power) and
/// `|`, with Python's precedence, integer/float rules, floor division and modulo signs, and its errors
/// (`ZeroDivisionError`, `TypeError` for bit operations on floats, `OverflowError` for a float power).
///
/// What Python might evaluate to a number but Ocular does not read is reported as ``Outcome/unsupported(_:)``:
/// calls (`abs(-3)`), attribute access, subscripts, comparisons and Boolean keywords, complex literals (`2j`),
/// and integers beyond 64 bits. Everything else Python would reject (names, strings, tuples, lists, syntax
/// errors) is ``Outcome/raises``.
public enum PythonArithmetic {
  /// The result of evaluating a string.
  public enum Outcome: Sendable, Hashable {
    /// The expression evaluates to this number.
    case value(PythonNumber)
    /// Python's `eval` raises, or yields something that is not a number.
    case raises
    /// Python might yield a number, but Ocular does not evaluate this construct (the reason says which).
    case unsupported(String)
  }

  /// Evaluates a string as Python's `eval` would, for arithmetic only.
  public static func evaluate(_ source: String) -> Outcome {
    let tokens: [Token]
    switch tokenize(source) {
    case .success(let list): tokens = list
    case .failure(let failure): return failure.outcome
    }
    var parser = Parser(tokens: tokens)
    do throws(Failure) {
      let value = try parser.parseExpression()
      guard parser.isAtEnd else { throw Failure.raises }
      return .value(value)
    } catch {
      return error.outcome
    }
  }

  /// `abs(a - b) < 1e-6` for two Python numbers, as `is_equal` tests them (integers compared exactly).
  public static func isClose(_ a: PythonNumber, _ b: PythonNumber) -> Bool {
    if case .int(let x) = a, case .int(let y) = b { return x == y }
    return abs(a.doubleValue - b.doubleValue) < 1e-6
  }

  // MARK: - Errors

  enum Failure: Error {
    case raises
    case unsupported(String)

    var outcome: Outcome {
      switch self {
      case .raises: return .raises
      case .unsupported(let reason): return .unsupported(reason)
      }
    }
  }

  // MARK: - Tokens

  enum Token: Equatable {
    case number(PythonNumber)
    case op(String)
    case open
    case close
    case comma
  }

  static let keywords: Set<String> = [
    "and", "or", "not", "if", "else", "in", "is", "lambda", "for", "await", "yield",
  ]

  static let operators = ["**", "//", "<<", ">>", "+", "-", "*", "/", "%", "~", "&", "|", "^", "@"]
  static let comparisons = ["==", "!=", "<=", ">=", "<", ">", ":="]

  static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "_" || scalar.properties.isXIDStart
  }

  static func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "_" || scalar.properties.isXIDContinue
  }

  static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

  /// The most nested parentheses `eval` reads (CPython's tokenizer `MAXLEVEL`).
  static let maximumNesting = 200
  /// The most nested unary operators and powers read. CPython's parser gives up near 3,000 (MemoryError, Python
  /// 3.11); Ocular stops earlier, which keeps a hostile answer from overflowing the stack.
  static let maximumOperatorNesting = 1000

  static func tokenize(_ source: String) -> Result<[Token], Failure> {
    let scalars = Array(source.unicodeScalars)
    var tokens: [Token] = []
    var index = 0
    var depth = 0
    var sawNewlineAtTop = false
    while index < scalars.count {
      let scalar = scalars[index]
      switch scalar {
      case " ", "\t", "\u{0C}":
        index += 1
        continue
      case "\n", "\r":
        // A line break inside brackets is whitespace; at the top level only a trailing one is allowed.
        if depth == 0 { sawNewlineAtTop = true }
        index += 1
        continue
      case "\\":
        // A line continuation; any other backslash is a syntax error.
        if index + 1 < scalars.count, scalars[index + 1] == "\n" || scalars[index + 1] == "\r" {
          index += 2
          continue
        }
        return .failure(.raises)
      case "#":
        while index < scalars.count, scalars[index] != "\n" && scalars[index] != "\r" { index += 1 }
        continue
      default:
        break
      }
      if sawNewlineAtTop { return .failure(.raises) }
      if isDigit(scalar) || (scalar == "." && index + 1 < scalars.count && isDigit(scalars[index + 1])) {
        switch readNumber(scalars, from: &index) {
        case .success(let number): tokens.append(.number(number))
        case .failure(let failure): return .failure(failure)
        }
        if index < scalars.count, isIdentifierContinue(scalars[index]) {
          // `1if …` reads as a keyword after a number; any other letter is an invalid literal.
          let word = identifier(scalars, from: index)
          return .failure(keywords.contains(word) ? .unsupported("keyword \(word)") : .raises)
        }
        continue
      }
      if isIdentifierStart(scalar) {
        let word = identifier(scalars, from: index)
        index += word.unicodeScalars.count
        if keywords.contains(word) { return .failure(.unsupported("keyword \(word)")) }
        if word == "True" || word == "False" {
          tokens.append(.number(.int(word == "True" ? 1 : 0)))
          continue
        }
        // A bare name is never a number (NameError, or a function or module object); a call, attribute or
        // subscript on it might be.
        var probe = index
        while probe < scalars.count, scalars[probe] == " " || scalars[probe] == "\t" { probe += 1 }
        if probe < scalars.count, ["(", ".", "["].contains(scalars[probe]) {
          return .failure(.unsupported("call or attribute \(word)"))
        }
        return .failure(.raises)
      }
      switch scalar {
      case "(":
        depth += 1
        // CPython's tokenizer: "too many nested parentheses" past 200 (`MAXLEVEL`).
        if depth > maximumNesting { return .failure(.raises) }
        tokens.append(.open)
        index += 1
        continue
      case ")":
        depth -= 1
        if depth < 0 { return .failure(.raises) }
        tokens.append(.close)
        index += 1
        continue
      case ",":
        tokens.append(.comma)
        index += 1
        continue
      case "[", ".":
        return .failure(.unsupported("subscript or attribute"))
      case "'", "\"", "{", "]", "}", ";", "`", "$", "?":
        return .failure(.raises)
      default:
        break
      }
      let rest = String(String.UnicodeScalarView(scalars[index..<min(index + 2, scalars.count)]))
      // Longest match first: `<<` is a shift, `<` a comparison.
      if let op = operators.first(where: { $0.count == 2 && rest.hasPrefix($0) }) {
        tokens.append(.op(op))
        index += 2
        continue
      }
      if let comparison = comparisons.first(where: { rest.hasPrefix($0) }) {
        return .failure(.unsupported("comparison \(comparison)"))
      }
      if let op = operators.first(where: { rest.hasPrefix($0) }) {
        tokens.append(.op(op))
        index += op.unicodeScalars.count
        continue
      }
      return .failure(.raises)
    }
    if depth != 0 { return .failure(.raises) }
    return .success(tokens)
  }

  static func identifier(_ scalars: [Unicode.Scalar], from start: Int) -> String {
    var end = start
    while end < scalars.count, isIdentifierContinue(scalars[end]) { end += 1 }
    return String(String.UnicodeScalarView(scalars[start..<end]))
  }

  /// Reads a Python number literal at `index` (a digit, or `.` then a digit).
  static func readNumber(_ scalars: [Unicode.Scalar], from index: inout Int) -> Result<PythonNumber, Failure> {
    func digits(radix: Int) -> String? {
      // One or more digits of the radix, single underscores between them.
      var text = ""
      var lastWasUnderscore = false
      while index < scalars.count {
        let scalar = scalars[index]
        if scalar == "_" {
          if lastWasUnderscore || text.isEmpty { return nil }
          lastWasUnderscore = true
        } else if scalar.isASCII, Int(String(scalar), radix: radix) != nil {
          text.unicodeScalars.append(scalar)
          lastWasUnderscore = false
        } else {
          break
        }
        index += 1
      }
      return lastWasUnderscore || text.isEmpty ? nil : text
    }

    let first = scalars[index]
    if first == "0", index + 1 < scalars.count {
      let radix: Int?
      switch scalars[index + 1] {
      case "x", "X": radix = 16
      case "o", "O": radix = 8
      case "b", "B": radix = 2
      default: radix = nil
      }
      if let radix {
        index += 2
        if index < scalars.count, scalars[index] == "_" { index += 1 }
        guard let text = digits(radix: radix) else { return .failure(.raises) }
        guard let value = Int(text, radix: radix) else { return .failure(.unsupported("integer beyond 64 bits")) }
        return .success(.int(value))
      }
    }

    var integerPart = ""
    if first != "." {
      guard let text = digits(radix: 10) else { return .failure(.raises) }
      integerPart = text
    }
    var fraction: String?
    if index < scalars.count, scalars[index] == "." {
      index += 1
      if index < scalars.count, isDigit(scalars[index]) {
        guard let text = digits(radix: 10) else { return .failure(.raises) }
        fraction = text
      } else if index < scalars.count, scalars[index] == "_" {
        return .failure(.raises)
      } else {
        fraction = ""
      }
    }
    var exponent: String?
    if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
      var probe = index + 1
      var sign = ""
      if probe < scalars.count, scalars[probe] == "+" || scalars[probe] == "-" {
        sign = String(scalars[probe])
        probe += 1
      }
      guard probe < scalars.count, isDigit(scalars[probe]) else { return .failure(.raises) }
      index = probe
      guard let text = digits(radix: 10) else { return .failure(.raises) }
      exponent = sign + text
    }
    if index < scalars.count, scalars[index] == "j" || scalars[index] == "J" {
      index += 1
      return .failure(.unsupported("complex literal"))
    }
    if fraction == nil, exponent == nil {
      // Decimal integer: no leading zeros unless every digit is zero.
      if integerPart.count > 1, integerPart.hasPrefix("0"), integerPart.contains(where: { $0 != "0" }) {
        return .failure(.raises)
      }
      guard let value = Int(integerPart) else { return .failure(.unsupported("integer beyond 64 bits")) }
      return .success(.int(value))
    }
    var text = integerPart.isEmpty ? "0" : integerPart
    if let fraction, !fraction.isEmpty { text += "." + fraction }
    if let exponent { text += "e" + exponent }
    guard let value = Double(text) else { return .failure(.raises) }
    return .success(.float(value))
  }

  // MARK: - Parser and Python semantics

  struct Parser {
    let tokens: [Token]
    var position = 0
    var operatorNesting = 0

    var isAtEnd: Bool { position >= tokens.count }

    func peekOp() -> String? {
      guard position < tokens.count, case .op(let op) = tokens[position] else { return nil }
      return op
    }

    mutating func parseExpression() throws(Failure) -> PythonNumber {
      try parseBinary(level: 0)
    }

    /// Binary levels from loosest to tightest: `|`, `^`, `&`, shifts, `+ -`, `* / // % @`.
    static let levels: [[String]] = [["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%", "@"]]

    mutating func parseBinary(level: Int) throws(Failure) -> PythonNumber {
      if level == Self.levels.count { return try parseUnary() }
      var left = try parseBinary(level: level + 1)
      while let op = peekOp(), Self.levels[level].contains(op) {
        position += 1
        let right = try parseBinary(level: level + 1)
        left = try PythonArithmetic.apply(op, left, right)
      }
      return left
    }

    mutating func parseUnary() throws(Failure) -> PythonNumber {
      if let op = peekOp(), op == "+" || op == "-" || op == "~" {
        position += 1
        operatorNesting += 1
        defer { operatorNesting -= 1 }
        guard operatorNesting <= PythonArithmetic.maximumOperatorNesting else { throw .raises }
        let operand = try parseUnary()
        return try PythonArithmetic.unary(op, operand)
      }
      return try parsePower()
    }

    mutating func parsePower() throws(Failure) -> PythonNumber {
      let base = try parseAtom()
      if peekOp() == "**" {
        position += 1
        operatorNesting += 1
        defer { operatorNesting -= 1 }
        guard operatorNesting <= PythonArithmetic.maximumOperatorNesting else { throw .raises }
        let exponent = try parseUnary()
        return try PythonArithmetic.power(base, exponent)
      }
      return base
    }

    mutating func parseAtom() throws(Failure) -> PythonNumber {
      guard position < tokens.count else { throw .raises }
      switch tokens[position] {
      case .number(let value):
        position += 1
        return value
      case .open:
        position += 1
        let value = try parseExpression()
        // `(1, 2)` is a tuple: subtracting it raises TypeError, like a syntax error here.
        guard position < tokens.count, tokens[position] == .close else { throw .raises }
        position += 1
        return value
      default:
        throw .raises
      }
    }
  }

  static func unary(_ op: String, _ operand: PythonNumber) throws(Failure) -> PythonNumber {
    switch (op, operand) {
    case ("+", _): return operand
    case ("-", .int(let value)):
      guard value != Int.min else { throw .unsupported("integer beyond 64 bits") }
      return .int(-value)
    case ("-", .float(let value)): return .float(-value)
    case ("~", .int(let value)): return .int(~value)
    default: throw .raises
    }
  }

  static func apply(_ op: String, _ left: PythonNumber, _ right: PythonNumber) throws(Failure) -> PythonNumber {
    if case .int(let a) = left, case .int(let b) = right {
      func checked(_ result: (partialValue: Int, overflow: Bool)) throws(Failure) -> PythonNumber {
        guard !result.overflow else { throw .unsupported("integer beyond 64 bits") }
        return .int(result.partialValue)
      }
      switch op {
      case "+": return try checked(a.addingReportingOverflow(b))
      case "-": return try checked(a.subtractingReportingOverflow(b))
      case "*": return try checked(a.multipliedReportingOverflow(by: b))
      case "/":
        guard b != 0 else { throw .raises }
        return .float(Double(a) / Double(b))
      case "//", "%":
        guard b != 0 else { throw .raises }
        guard !(a == Int.min && b == -1) else { throw .unsupported("integer beyond 64 bits") }
        var quotient = a / b
        var remainder = a % b
        if remainder != 0, (remainder < 0) != (b < 0) {
          quotient -= 1
          remainder += b
        }
        return .int(op == "//" ? quotient : remainder)
      case "&": return .int(a & b)
      case "|": return .int(a | b)
      case "^": return .int(a ^ b)
      case "<<":
        guard b >= 0 else { throw .raises }
        guard a == 0 || (b < 63 && (a << b) >> b == a) else {
          throw .unsupported("integer beyond 64 bits")
        }
        return .int(a << b)
      case ">>":
        guard b >= 0 else { throw .raises }
        return .int(b >= 64 ? (a < 0 ? -1 : 0) : a >> b)
      default: throw .raises
      }
    }
    let x = left.doubleValue
    let y = right.doubleValue
    switch op {
    case "+": return .float(x + y)
    case "-": return .float(x - y)
    case "*": return .float(x * y)
    case "/":
      guard y != 0 else { throw .raises }
      return .float(x / y)
    case "//", "%":
      guard y != 0 else { throw .raises }
      let (quotient, remainder) = floatDivmod(x, y)
      return .float(op == "//" ? quotient : remainder)
    default:
      // Bit operations and `@` on floats raise TypeError.
      throw .raises
    }
  }

  /// CPython's `float_divmod`: the floored quotient and the remainder with the divisor's sign.
  static func floatDivmod(_ x: Double, _ y: Double) -> (Double, Double) {
    var mod = fmod(x, y)
    var div = (x - mod) / y
    if mod != 0 {
      if (y < 0) != (mod < 0) {
        mod += y
        div -= 1
      }
    } else {
      mod = copysign(0, y)
    }
    var floorDiv: Double
    if div != 0 {
      floorDiv = floor(div)
      if div - floorDiv > 0.5 { floorDiv += 1 }
    } else {
      floorDiv = copysign(0, x / y)
    }
    return (floorDiv, mod)
  }

  static func power(_ base: PythonNumber, _ exponent: PythonNumber) throws(Failure) -> PythonNumber {
    if case .int(let a) = base, case .int(let b) = exponent, b >= 0 {
      var result = 1
      var factor = a
      var remaining = b
      while remaining > 0 {
        if remaining & 1 == 1 {
          let product = result.multipliedReportingOverflow(by: factor)
          guard !product.overflow else { throw .unsupported("integer beyond 64 bits") }
          result = product.partialValue
        }
        remaining >>= 1
        if remaining > 0 {
          let square = factor.multipliedReportingOverflow(by: factor)
          guard !square.overflow else { throw .unsupported("integer beyond 64 bits") }
          factor = square.partialValue
        }
      }
      return .int(result)
    }
    let x = base.doubleValue
    let y = exponent.doubleValue
    // CPython's float_pow special cases.
    if y == 0 { return .float(1) }
    if x.isNaN { return .float(x) }
    if y.isNaN { return .float(x == 1 ? 1 : y) }
    if x.isInfinite || y.isInfinite { return .float(pow(x, y)) }
    if x == 0, y < 0 { throw .raises }
    if x < 0, y.rounded(.towardZero) != y { throw .unsupported("complex result") }
    let result = pow(x, y)
    if result.isInfinite { throw .raises }
    return .float(result)
  }
}
