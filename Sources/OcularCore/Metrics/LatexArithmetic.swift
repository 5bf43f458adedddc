import Foundation

/// An approximation of the LaTeX test of VLMEvalKit's `is_equal` (`vlmeval/dataset/utils/mathv.py`,
/// ms-vlmeval 0.0.20): `eval(str(latex2sympy(s)))`, with `latex2sympy` from latex2sympy2_extended 1.11.0.
///
/// The reference parses the LaTeX into an unevaluated sympy expression, prints it, and runs Python's `eval` on the
/// printed text in a namespace without `sqrt`, `pi` or any symbol. Ocular reproduces the parts that decide
/// numbers, read from that library's code and checked against it:
/// - normalisation: the content of `\boxed{…}`; `\left`/`\right` dropped; `$`, `\$`, quotes, `\!` (which joins
///   `2\!3` into 23) and `\displaystyle` removed; `\dfrac`/`\tfrac`/`\cfrac` read as `\frac`; `{,}` as `,`;
///   `\,`, `\;`, `\:` and `\ ` separate like a space;
/// - numbers: `1,000` (groups of three digits) is 1000, `0,5xx` with a leading zero is a decimal, a decimal is a
///   sympy `Float` printed with 15 significant digits, leading zeros are dropped (`05` is 5);
/// - `\frac{a}{b}` and `a/b`, `a \div b`, `a:b` of two integers are exact rationals; `+ - * \cdot \times`, `^`
///   (left-associative: `2^{3}^{2}` is 64; `2^10` takes the whole number), `\sqrt[n]{x}` as `x^(1/n)`,
///   `^\circ` ignored, `\text{5}` as the number it names;
/// - juxtaposition multiplies, except that an integer followed by a positive rational adds (the mixed-number rule:
///   `2\frac{1}{2}` is 5/2, and so `2(3)` is 5);
/// - what Python cannot evaluate makes the test fail (``Outcome/raises``): a square root (printed `sqrt(…)`,
///   even `\sqrt{4}`), `\pi`, `\infty`, any letter or symbol, `\%`, `!`, `|x|`, sets and intervals (commas),
///   equations, a division by zero, and a trailing `.` or `°`, which the parser rejects.
///
/// Anything else (other commands, subscripts, other Unicode characters) is ``Outcome/unsupported(_:)``: the
/// reference might read it, Ocular does not, and ``MathEquivalence`` flags the item.
public enum LatexArithmetic {
  /// The result of evaluating a string.
  public enum Outcome: Sendable, Hashable {
    /// The reference's `eval(str(latex2sympy(s)))` gives this number.
    case value(Double)
    /// The reference raises (a parse error, or a name or a division by zero in the printed expression).
    case raises
    /// Ocular does not read this construct (the reason says which).
    case unsupported(String)
  }

  /// Evaluates a string as the reference's LaTeX branch would.
  public static func evaluate(_ source: String) -> Outcome {
    do throws(Failure) {
      let text = try normalize(source)
      let tokens = tokenize(text)
      guard !tokens.isEmpty else { return .raises }
      // A letter prints as a name Python does not know, whatever surrounds it.
      if tokens.contains(.symbol) { return .raises }
      for case .unknown(let reason) in tokens { return .unsupported(reason) }
      if case .open("{")? = tokens.first, matchingClose(tokens, from: 0) == tokens.count - 1 {
        // A whole-input brace group is a set (`{5}`), which Python cannot subtract.
        return .raises
      }
      var parser = Parser(tokens: tokens)
      let value = try parser.parseExpression()
      guard parser.isAtEnd else { throw parser.failureAtCurrent() }
      let number = value.number
      guard number.isFinite else { return .unsupported("non-finite value") }
      return .value(number)
    } catch {
      return error.outcome
    }
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

  // MARK: - Normalisation (latex2sympy2_extended `normalize_latex`, basic_latex and boxed)

  static func normalize(_ source: String) throws(Failure) -> String {
    var text = source
    let boxes = text.scalarRanges(of: "\\boxed") + text.scalarRanges(of: "\\fbox")
    if boxes.count > 1 { throw .unsupported("several boxed answers") }
    if let box = boxes.first {
      var rest = text.unicodeScalars[box.upperBound...]
      while let first = rest.first, PythonString.isSpace(first) { rest = rest.dropFirst() }
      guard rest.first == "{" else { throw .unsupported("boxed without braces") }
      var depth = 0
      var end: String.Index?
      for index in rest.indices {
        if rest[index] == "{" { depth += 1 }
        if rest[index] == "}" {
          depth -= 1
          if depth == 0 {
            end = index
            break
          }
        }
      }
      guard let end else { throw .unsupported("unclosed boxed") }
      text = PythonString.strip(String(rest[rest.index(after: rest.startIndex)..<end]))
    }
    for command in ["\\mleft", "\\mright", "\\left", "\\right"] {
      var pieces = text.components(separatedBy: command)
      for index in pieces.indices.dropFirst() {
        let piece = pieces[index]
        let delimiters = ["\\{", "\\}", "\\|", "{", "}", "|", "[", "]", "(", ")"]
        guard delimiters.contains(where: { piece.hasPrefix($0) }) else { throw .unsupported(command) }
      }
      text = pieces.joined()
      pieces = []
    }
    text = removeBangSpacing(text)
    text = removeEmptyText(text)
    for (target, replacement) in [
      ("\\displaystyle", ""), ("\\$", ""), ("$", ""), ("\\mathrm{th}", ""),
      ("\\mathrm", "\\text"), ("\\mathit", "\\text"), ("\\mathbf", "\\text"), ("\\textnormal", "\\text"),
      ("\\textbf", "\\text"), ("\\textit", "\\text"), ("\\textrm", "\\text"),
      ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\cfrac", "\\frac"), ("{,}", ","), ("{.", "{0."),
      ("\n", " "), ("\t", " "),
    ] {
      text = text.replacingOccurrences(of: target, with: replacement)
    }
    // Quotes not preceded by a backslash are removed; a backslash before a space is a space.
    var scalars = String.UnicodeScalarView()
    var previous: Unicode.Scalar?
    for scalar in text.unicodeScalars {
      if (scalar == "'" || scalar == "\"") && previous != "\\" {
        previous = scalar
        continue
      }
      if scalar == " ", previous == "\\" {
        scalars.removeLast()
      }
      scalars.append(scalar)
      previous = scalar
    }
    text = String(scalars)
    // A space then a point starts a decimal (` .5` is ` 0.5`).
    text = text.replacingOccurrences(of: " .", with: " 0.")
    return text
  }

  /// Removes `\text{}` with only whitespace inside.
  static func removeEmptyText(_ text: String) -> String {
    var result = text
    while let range = result.scalarRange(of: "\\text") {
      var rest = result.unicodeScalars[range.upperBound...]
      while let first = rest.first, PythonString.isSpace(first) { rest = rest.dropFirst() }
      guard rest.first == "{" else { break }
      rest = rest.dropFirst()
      while let first = rest.first, PythonString.isSpace(first) { rest = rest.dropFirst() }
      guard rest.first == "}" else { break }
      result = String(result.unicodeScalars[..<range.lowerBound]) + String(rest.dropFirst())
    }
    return result
  }

  /// Removes `\!` and the whitespace after it.
  static func removeBangSpacing(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
      if scalars[index] == "\\", index + 1 < scalars.count, scalars[index + 1] == "!" {
        index += 2
        while index < scalars.count, PythonString.isSpace(scalars[index]) { index += 1 }
        continue
      }
      result.append(scalars[index])
      index += 1
    }
    return String(result)
  }

  // MARK: - Tokens

  enum Token: Equatable {
    /// A number literal, as the lexer reads it.
    case number(String)
    /// `+`, `-`, `*`, `/`, `:`, `^`, `\cdot`, `\times`, `\div`.
    case op(String)
    /// `(`, `[` or `{`.
    case open(String)
    /// `)`, `]` or `}`.
    case close(String)
    /// A command such as `\frac`.
    case command(String)
    /// A letter or symbol: a sympy `Symbol`, whose printed name Python cannot evaluate.
    case symbol
    /// A construct the reference rejects or cannot evaluate (`,`, `!`, `|`, `=`, `°`, …).
    case poison
    /// A construct Ocular does not read.
    case unknown(String)
  }

  /// Commands whose printed form is a name Python does not know (or that the parser rejects).
  static let poisonCommands: Set<String> = [
    "pi", "infty", "%", "mod", "bmod", "sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "lg",
    "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "alpha", "beta", "gamma", "delta", "epsilon",
    "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma",
    "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "approx", "overline", "angle", "triangle",
    "pm", "mp", "neq", "leq", "geq", "le", "ge", "in", "cup", "cap", "emptyset", "varnothing", "degree",
    "ldots", "cdots", "dots", "prime", "infinity",
  ]

  static func tokenize(_ text: String) -> [Token] {
    let scalars = Array(text.unicodeScalars)
    var tokens: [Token] = []
    var index = 0
    func isDigit(_ position: Int) -> Bool {
      position < scalars.count && ("0"..."9").contains(scalars[position])
    }
    while index < scalars.count {
      let scalar = scalars[index]
      if PythonString.isSpace(scalar) {
        index += 1
        continue
      }
      if isDigit(index) || (scalar == "." && isDigit(index + 1)) {
        var end = index
        while isDigit(end) { end += 1 }
        // Thousands groups: a comma and exactly three digits not followed by another digit.
        while end < scalars.count, scalars[end] == ",", isDigit(end + 1), isDigit(end + 2), isDigit(end + 3),
          !isDigit(end + 4)
        {
          end += 4
        }
        if end < scalars.count, scalars[end] == ".", isDigit(end + 1) {
          end += 1
          while isDigit(end) { end += 1 }
        }
        tokens.append(.number(String(String.UnicodeScalarView(scalars[index..<end]))))
        index = end
        continue
      }
      if scalar.properties.isAlphabetic, scalar.isASCII || scalar == "π" {
        tokens.append(.symbol)
        index += 1
        continue
      }
      switch scalar {
      case "+", "-", "*", "/", ":", "^":
        tokens.append(.op(String(scalar)))
      case "\u{2212}":
        tokens.append(.op("-"))
      case "\u{00D7}":
        tokens.append(.op("\\times"))
      case "(", "[", "{":
        tokens.append(.open(String(scalar)))
      case ")", "]", "}":
        tokens.append(.close(String(scalar)))
      case ",", "!", "|", "=", "<", ">", ".", "\u{00B0}", ";", "&", "~", "?", "#", "@":
        tokens.append(.poison)
      case "_":
        // A subscript, which latex2sympy reads in ways Ocular does not follow (`1_000` is 1).
        tokens.append(.unknown("subscript _"))
      case "\\":
        var end = index + 1
        while end < scalars.count, scalars[end].properties.isAlphabetic, scalars[end].isASCII { end += 1 }
        if end == index + 1 {
          // A backslash and one non-letter: `\%`, `\{`, `\,`, `\;`, ….
          guard end < scalars.count else {
            tokens.append(.unknown("trailing backslash"))
            break
          }
          let symbol = scalars[end]
          switch symbol {
          case "%", "|", "{", "}": tokens.append(.poison)
          case ",", ";", ":", " ": break  // spacing commands separate like a space
          default: tokens.append(.unknown("\\\(symbol)"))
          }
          index = end + 1
          continue
        }
        let name = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
        switch name {
        case "cdot", "times", "div": tokens.append(.op("\\" + name))
        case "frac", "sqrt", "text", "circ": tokens.append(.command(name))
        default: tokens.append(poisonCommands.contains(name) ? .poison : .unknown("\\\(name)"))
        }
        index = end
        continue
      default:
        tokens.append(.unknown("character U+\(String(scalar.value, radix: 16, uppercase: true))"))
      }
      index += 1
    }
    return tokens
  }

  /// The index of the token closing the group opened at `start`, if any.
  static func matchingClose(_ tokens: [Token], from start: Int) -> Int? {
    var depth = 0
    for index in start..<tokens.count {
      switch tokens[index] {
      case .open: depth += 1
      case .close:
        depth -= 1
        if depth == 0 { return index }
      default: break
      }
    }
    return nil
  }

  // MARK: - Values

  /// A sympy value as far as its printed form matters: an exact `Integer` or `Rational`, a `Float`, or an
  /// unevaluated numeric expression (`Mul`, `Add`, `Pow`) whose printed text Python evaluates to `number`.
  enum Value {
    case integer(Int)
    case rational(Int, Int)
    case float(Double)
    case expression(Double)

    var number: Double {
      switch self {
      case .integer(let value): return Double(value)
      case .rational(let p, let q): return Double(p) / Double(q)
      case .float(let value), .expression(let value): return value
      }
    }

    /// sympy's `Rational(p, q)`, reduced; an `Integer` when the denominator divides.
    static func exact(_ p: Int, _ q: Int) throws(Failure) -> Value {
      guard q != 0 else { throw .raises }
      guard p != Int.min, q != Int.min else { throw .unsupported("integer overflow") }
      var p = p
      var q = q
      if q < 0 {
        p = -p
        q = -q
      }
      var a = abs(p)
      var b = q
      while b != 0 { (a, b) = (b, a % b) }
      let divisor = max(a, 1)
      return q / divisor == 1 ? .integer(p / divisor) : .rational(p / divisor, q / divisor)
    }
  }

  /// A number literal: commas and a leading-zero comma rule as `convert_number`, a decimal as a 15-digit `Float`.
  static func number(_ literal: String) throws(Failure) -> Value {
    var text = literal
    if text.contains(","), text.hasPrefix("0") {
      text = text.replacingOccurrences(of: ",", with: ".")
      guard text.filter({ $0 == "." }).count == 1 else { throw .unsupported("number \(literal)") }
    }
    text = text.replacingOccurrences(of: ",", with: "")
    if text.contains(".") {
      guard let value = Double(text.hasPrefix(".") ? "0" + text : text) else {
        throw .unsupported("number \(literal)")
      }
      return .float(sympyFloat(value))
    }
    let digits = text.drop { $0 == "0" }
    guard let value = Int(digits.isEmpty ? "0" : String(digits)) else { throw .unsupported("integer beyond 64 bits") }
    return .integer(value)
  }

  /// The value Python reads back from a sympy `Float` printed with 15 significant digits.
  static func sympyFloat(_ value: Double) -> Double {
    Double(String(format: "%.14e", value)) ?? value
  }

  static func negate(_ value: Value) throws(Failure) -> Value {
    switch value {
    case .integer(let v):
      guard v != Int.min else { throw .unsupported("integer overflow") }
      return .integer(-v)
    case .rational(let p, let q): return .rational(-p, q)
    case .float(let v): return .float(-v)
    case .expression(let v): return .expression(-v)
    }
  }

  static func divide(_ left: Value, _ right: Value) throws(Failure) -> Value {
    if case .integer(let a) = left, case .integer(let b) = right { return try Value.exact(a, b) }
    guard right.number != 0 else { throw .raises }
    return .expression(left.number / right.number)
  }

  /// Juxtaposition (`convert_postfix_list`): an integer then a positive rational add; otherwise multiply.
  static func juxtapose(_ left: Value, _ right: Value) throws(Failure) -> Value {
    if case .integer(let whole) = left {
      var fraction: (Int, Int)?
      switch right {
      case .integer(let p): fraction = (p, 1)
      case .rational(let p, let q): fraction = (p, q)
      default: fraction = nil
      }
      if let (p, q) = fraction, p > 0 {
        let scaled = whole.multipliedReportingOverflow(by: q)
        guard !scaled.overflow else { throw .unsupported("integer overflow") }
        let numerator =
          whole < 0
          ? scaled.partialValue.subtractingReportingOverflow(p) : scaled.partialValue.addingReportingOverflow(p)
        guard !numerator.overflow else { throw .unsupported("integer overflow") }
        return try Value.exact(numerator.partialValue, q)
      }
    }
    return .expression(left.number * right.number)
  }

  static func power(_ base: Value, _ exponent: Value) throws(Failure) -> Value {
    if case .rational(let p, let q) = exponent, abs(p) == 1, q == 2 {
      // sympy prints a square root as `sqrt(…)`, a name Python does not know.
      throw .raises
    }
    let x = base.number
    let y = exponent.number
    if x == 0, y < 0 { throw .raises }
    if x < 0, y.rounded(.towardZero) != y { throw .unsupported("complex result") }
    let result = pow(x, y)
    if case .integer = base, case .integer = exponent, y >= 0, abs(result) >= 9.2e18 {
      throw .unsupported("integer beyond 64 bits")
    }
    return .expression(result)
  }

  // MARK: - Parser (the subset of latex2sympy's PS.g4 grammar Ocular reads)

  /// The most nested groups and signs read; deeper input is ``Outcome/unsupported(_:)`` (the reference's recursive
  /// Python parser would hit its recursion limit), and the stack stays bounded whatever a model answers.
  static let maximumNesting = 200

  struct Parser {
    let tokens: [Token]
    var position = 0
    var nesting = 0

    var isAtEnd: Bool { position >= tokens.count }

    var current: Token? { position < tokens.count ? tokens[position] : nil }

    func failureAtCurrent() -> Failure {
      guard let current else { return .raises }
      switch current {
      case .poison, .symbol, .close: return .raises
      default: return .unsupported("unexpected token")
      }
    }

    mutating func expect(_ token: Token) throws(Failure) {
      guard current == token else { throw failureAtCurrent() }
      position += 1
    }

    /// `additive`: terms joined by `+` and `-`.
    mutating func parseExpression() throws(Failure) -> Value {
      nesting += 1
      defer { nesting -= 1 }
      guard nesting <= LatexArithmetic.maximumNesting else {
        throw .unsupported("nested deeper than \(LatexArithmetic.maximumNesting) levels")
      }
      var value = try parseProduct()
      while case .op(let op)? = current, op == "+" || op == "-" {
        position += 1
        let right = try parseProduct()
        value = .expression(op == "+" ? value.number + right.number : value.number - right.number)
      }
      return value
    }

    /// `mp`: unary terms joined by `* \cdot \times` and `/ \div :`, left-associative.
    mutating func parseProduct() throws(Failure) -> Value {
      var value = try parseUnary()
      while case .op(let op)? = current, ["*", "\\cdot", "\\times", "/", "\\div", ":"].contains(op) {
        position += 1
        let right = try parseUnary()
        if ["*", "\\cdot", "\\times"].contains(op) {
          value = .expression(value.number * right.number)
        } else {
          value = try LatexArithmetic.divide(value, right)
        }
      }
      return value
    }

    /// `unary`: a sign applies to the whole juxtaposition that follows it.
    mutating func parseUnary() throws(Failure) -> Value {
      if case .op(let op)? = current, op == "+" || op == "-" {
        position += 1
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= LatexArithmetic.maximumNesting else {
          throw .unsupported("nested deeper than \(LatexArithmetic.maximumNesting) levels")
        }
        let operand = try parseUnary()
        return op == "+" ? operand : try LatexArithmetic.negate(operand)
      }
      var items = [try parsePower()]
      while startsAtom() { items.append(try parsePower()) }
      var value = items.removeLast()
      while let left = items.popLast() { value = try LatexArithmetic.juxtapose(left, value) }
      return value
    }

    func startsAtom() -> Bool {
      switch current {
      case .number?, .open?, .command?, .symbol?, .poison?: return true
      default: return false
      }
    }

    /// `exp`: an atom with `^` exponents, left-associative; `^\circ` is ignored.
    mutating func parsePower() throws(Failure) -> Value {
      var value = try parseAtom()
      while case .op("^")? = current {
        position += 1
        switch current {
        case .command("circ")?:
          // `^\circ` (the degree mark) leaves the base.
          position += 1
          continue
        case .open("{")?:
          if position + 2 < tokens.count, tokens[position + 1] == .command("circ"), tokens[position + 2] == .close("}")
          {
            position += 3
            continue
          }
          position += 1
          let exponent = try parseExpression()
          try expect(.close("}"))
          value = try LatexArithmetic.power(value, exponent)
        case .number(let literal)?:
          position += 1
          value = try LatexArithmetic.power(value, try LatexArithmetic.number(literal))
        case .symbol?, .poison?, .op?, .close?, nil:
          throw .raises
        default:
          throw .unsupported("exponent")
        }
      }
      return value
    }

    mutating func parseAtom() throws(Failure) -> Value {
      guard let token = current else { throw .raises }
      switch token {
      case .number(let literal):
        position += 1
        return try LatexArithmetic.number(literal)
      case .open(let bracket):
        position += 1
        let value = try parseExpression()
        let closing = bracket == "(" ? ")" : bracket == "[" ? "]" : "}"
        try expect(.close(closing))
        return value
      case .command("frac"):
        position += 1
        // `\frac12` without braces is a parse error of the reference.
        guard current == .open("{") else { throw .raises }
        let numerator = try parseBraced()
        let denominator = try parseBraced()
        return try LatexArithmetic.divide(numerator, denominator)
      case .command("sqrt"):
        position += 1
        var index: Value?
        if case .open("[")? = current {
          position += 1
          index = try parseExpression()
          try expect(.close("]"))
        }
        let radicand = try parseBraced()
        guard let index else { throw .raises }
        guard case .integer(let n) = index else { throw .unsupported("root index") }
        return try LatexArithmetic.power(radicand, try Value.exact(1, n))
      case .command("text"):
        position += 1
        return try parseText()
      case .symbol, .poison, .close, .command("circ"):
        throw .raises
      default:
        throw .unsupported("unexpected token")
      }
    }

    mutating func parseBraced() throws(Failure) -> Value {
      try expect(.open("{"))
      let value = try parseExpression()
      try expect(.close("}"))
      return value
    }

    /// `\text{…}`: a number names a symbol that prints as that number; anything else is a symbol.
    mutating func parseText() throws(Failure) -> Value {
      try expect(.open("{"))
      guard case .number(let literal)? = current, position + 1 < tokens.count,
        tokens[position + 1] == .close("}")
      else { throw .raises }
      position += 2
      guard !literal.contains(","), !(literal.hasPrefix("0") && literal.count > 1 && !literal.hasPrefix("0.")) else {
        throw .unsupported("\\text number")
      }
      return .expression(try LatexArithmetic.number(literal).number)
    }
  }
}
