/// VLMEvalKit's `Point2DParser` (`vlmeval/dataset/utils/spatial_bench/tools/utils.py`, ms-vlmeval 0.0.20): the
/// 2-D points of a model's answer, as RefSpatial and RoboSpatial read them (benchmarks.md §3.11–3.12).
///
/// The structured step strips one Markdown fence and reads `json.loads`, else a Python literal: a list (or one
/// dict) of dicts whose `point_2d` (or, when that is falsy, `point`) holds 2 numbers, scaled by magnitude
/// (m ≤ 1.5 normalised, m ≤ 1000 on the 0–1000 grid, else pixels). When it yields nothing, the text step reads every
/// `(x, y)` (normalised if m ≤ 1.5, else pixels) and every `(x0, y0, x1, y1)` box, which stands for each pixel of
/// the rounded box. Points stay normalised here; ``pixel(_:size:)`` is the reference's `output='pixel'` step.
public enum Point2DParser {
  /// One run of points, in the reference's order.
  public enum Group: Sendable, Hashable {
    /// One point in normalised coordinates (either may be NaN or infinite).
    case point(x: Double, y: Double)
    /// Every pixel (x, y) with `x0 ≤ x < x1` and `y0 ≤ y < y1`, row by row: a box of the text step. The bounds are
    /// integers held as doubles (a box can be larger than any array; its points are counted, never listed).
    case box(x0: Double, y0: Double, x1: Double, y1: Double)

    /// The number of points in the run.
    public var count: Double {
      switch self {
      case .point: return 1
      case .box(let x0, let y0, let x1, let y1): return (x1 - x0) * (y1 - y0)
      }
    }
  }

  /// The step that produced the points.
  public enum Step: String, Sendable, Hashable {
    /// JSON or a Python literal.
    case structured
    /// The `(x, y)` / `(x0, y0, x1, y1)` text fallback.
    case text
  }

  /// The points read from an answer.
  public struct Points: Sendable, Hashable {
    /// The runs of points.
    public var groups: [Group]
    /// The step that produced them.
    public var step: Step
    /// The image width the parse assumed (the reference's `w`).
    public var width: Double
    /// The image height the parse assumed.
    public var height: Double

    /// The number of points.
    public var count: Double { groups.reduce(0) { $0 + $1.count } }

    /// The first point, normalised (`output='norm'`, `pts[0]`), as RoboSpatial tests it.
    public var first: (x: Double, y: Double)? {
      switch groups.first {
      case .point(let x, let y)?: return (x, y)
      case .box(let x0, let y0, _, _)?: return (x0 / width, y0 / height)
      case nil: return nil
      }
    }

    /// A short text of the points for reports: the first few, and the count.
    public var summary: String {
      func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
      }
      let shown = groups.prefix(3).map { group -> String in
        switch group {
        case .point(let x, let y): return "(\(number(x)), \(number(y)))"
        case .box(let x0, let y0, let x1, let y1):
          return "box px [\(number(x0)), \(number(y0)), \(number(x1)), \(number(y1)))"
        }
      }
      let more = groups.count > 3 ? ", …" : ""
      return "\(step.rawValue): \(number(count)) point(s) " + shown.joined(separator: ", ") + more
    }
  }

  /// The reference raised while parsing (`round()` of an infinite box corner, or a box too large for NumPy).
  public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The exception the reference raises.
    public var message: String
    public var description: String { message }
  }

  /// Parses an answer for an image of `width` × `height` pixels (a size of 0 counts as 1, as in the reference).
  ///
  /// - Parameter format: The model's declared point convention; nil guesses from magnitudes as the reference does.
  public static func parse(_ text: String, width: Int, height: Int, format: BoxFormat? = nil) -> Result<Points, Failure>
  {
    let w = width != 0 ? Double(width) : 1
    let h = height != 0 ? Double(height) : 1
    if let groups = structuredPoints(text, width: w, height: h, format: format) {
      return .success(Points(groups: groups, step: .structured, width: w, height: h))
    }
    return textPoints(text, width: w, height: h, format: format).map {
      Points(groups: $0, step: .text, width: w, height: h)
    }
  }

  /// A point in the model's declared convention, as a fraction of the width and height.
  static func normalised(x: Double, y: Double, format: BoxFormat, width: Double, height: Double) -> Group {
    switch format {
    case .norm1: return .point(x: x, y: y)
    case .norm1000: return .point(x: x / 1000, y: y / 1000)
    case .pixel: return .point(x: x / width, y: y / height)
    }
  }

  /// The reference's pixel step for one normalised coordinate: `np.clip(v * size, 0, size - 1)`, rounded half to
  /// even; nil for NaN (NumPy casts it to the minimum integer, which is out of range, so such a point misses).
  public static func pixel(_ value: Double, size: Double) -> Int? {
    let scaled = value * size
    guard !scaled.isNaN else { return nil }
    return Int(min(max(scaled, 0), size - 1).rounded(.toNearestOrEven))
  }

  // MARK: - Structured step

  /// `_strip_md_fence`: one leading ``` line (or run of backticks) and one trailing ``` removed.
  static func stripFence(_ text: String) -> String {
    let stripped = PythonString.strip(text)
    let fence = "```".unicodeScalars
    guard stripped.unicodeScalars.starts(with: fence) else { return stripped }
    var inner: String
    if let newline = stripped.unicodeScalars.firstIndex(of: "\n") {
      inner = String(stripped.unicodeScalars[stripped.unicodeScalars.index(after: newline)...])
    } else {
      inner = String(stripped.unicodeScalars.drop { $0 == "`" })
    }
    inner = PythonString.strip(inner)
    if inner.unicodeScalars.reversed().starts(with: fence.reversed()) {
      inner = String(inner.unicodeScalars.dropLast(3))
    }
    return PythonString.strip(inner)
  }

  /// A parsed value as `_json2pts` inspects it.
  indirect enum Value {
    case number(Double)
    /// An integer too large for a float (`float()` raises OverflowError).
    case hugeInteger
    case bool(Bool)
    case string(String)
    case list([Value])
    /// A Python tuple at the top level (not a list, so it yields no points).
    case tuple
    case dict([String: Value])
    case null

    init(_ value: PythonJSON.Value) {
      switch value {
      case .null: self = .null
      case .bool(let flag): self = .bool(flag)
      case .number(let number): self = .number(number)
      case .hugeInteger: self = .hugeInteger
      case .string(let text): self = .string(text)
      case .array(let items): self = .list(items.map(Value.init))
      case .object(let members): self = .dict(members.mapValues(Value.init))
      }
    }

    init(_ value: JSONValue) {
      switch value {
      case .null: self = .null
      case .bool(let flag): self = .bool(flag)
      case .number(let number): self = .number(number)
      case .string(let text): self = .string(text)
      case .array(let items): self = .list(items.map(Value.init))
      case .object(let members): self = .dict(members.mapValues(Value.init))
      }
    }

    /// Python truthiness.
    var isTruthy: Bool {
      switch self {
      case .number(let number): return number != 0
      case .hugeInteger: return true
      case .bool(let flag): return flag
      case .string(let text): return !text.isEmpty
      case .list(let items): return !items.isEmpty
      case .tuple: return true
      case .dict(let members): return !members.isEmpty
      case .null: return false
      }
    }

    /// Python's `float(v)`, or nil where it raises.
    var float: Double? {
      switch self {
      case .number(let number): return number
      case .bool(let flag): return flag ? 1 : 0
      case .string(let text): return Point2DParser.pythonFloat(text)
      default: return nil
      }
    }

    /// Whether a NaN number occurs anywhere (only the bare name `nan` gives one in a literal).
    var containsNaN: Bool {
      switch self {
      case .number(let number): return number.isNaN
      case .list(let items): return items.contains { $0.containsNaN }
      case .dict(let members): return members.values.contains { $0.containsNaN }
      default: return false
      }
    }
  }

  /// `ast.literal_eval`, as far as a point answer needs it: a top-level `( … )` is a tuple unless it wraps one
  /// value, and a bare `nan` is a name, which `literal_eval` rejects.
  static func literal(_ text: String) -> Value? {
    let scalars = text.unicodeScalars
    if scalars.first == "(" {
      guard PythonLiteral.parse(text) != nil else { return nil }
      guard scalars.last == ")" else { return .tuple }
      let inner = String(scalars.dropFirst().dropLast())
      // `(v)` is v itself; `(v,)`, `(a, b)` and `()` are tuples (the inner text alone does not parse).
      return literal(PythonString.strip(inner)) ?? .tuple
    }
    guard let value = PythonLiteral.parse(text) else { return nil }
    let converted = Value(value)
    return converted.containsNaN ? nil : converted
  }

  /// `_json2pts`: nil when it returns None (no parse, not a list, or no usable point).
  static func structuredPoints(_ text: String, width: Double, height: Double, format: BoxFormat? = nil) -> [Group]? {
    let source = PythonString.strip(stripFence(text))
    var object = PythonJSON.parse(source).map(Value.init)
    if object == nil || object.map({ if case .null = $0 { true } else { false } }) == true {
      object = literal(source)
    }
    guard var parsed = object else { return nil }
    if case .dict = parsed { parsed = .list([parsed]) }
    guard case .list(let items) = parsed else { return nil }
    var groups: [Group] = []
    for item in items {
      guard case .dict(let members) = item else { continue }
      let point = members["point_2d"].flatMap { $0.isTruthy ? $0 : nil } ?? members["point"]
      guard case .list(let pair)? = point, pair.count == 2, let x = pair[0].float, let y = pair[1].float else {
        continue
      }
      let magnitude = pythonMax(abs(x), abs(y))
      if let format {
        groups.append(normalised(x: x, y: y, format: format, width: width, height: height))
      } else if 0 <= magnitude && magnitude <= 1.5 {
        groups.append(.point(x: x, y: y))
      } else if 0 <= magnitude && magnitude <= 1000 {
        groups.append(.point(x: x / 1000, y: y / 1000))
      } else {
        groups.append(.point(x: x / width, y: y / height))
      }
    }
    return groups.isEmpty ? nil : groups
  }

  // MARK: - Text step

  /// `_text2pts`: every match of `\(([-+]?\d+\.?\d*(?:,\s*[-+]?\d+\.?\d*)*?)\)`, in order.
  static func textPoints(_ text: String, width: Double, height: Double, format: BoxFormat? = nil) -> Result<
    [Group], Failure
  > {
    var groups: [Group] = []
    for numbers in tupleMatches(text) {
      let magnitude = numbers.dropFirst().reduce(abs(numbers[0])) { pythonMax($0, abs($1)) }
      // A declared convention replaces the magnitude guess (which has no 0–1000 branch here).
      let isNormalised = format.map { $0 != .pixel } ?? (0 <= magnitude && magnitude <= 1.5)
      let scale = format == .norm1000 ? 1000.0 : 1.0
      if numbers.count == 2 {
        let (x, y) = (numbers[0] / scale, numbers[1] / scale)
        groups.append(isNormalised ? .point(x: x, y: y) : .point(x: x / width, y: y / height))
      } else if numbers.count == 4 {
        var (x0, y0, x1, y1) = (numbers[0] / scale, numbers[1] / scale, numbers[2] / scale, numbers[3] / scale)
        if isNormalised {
          x0 *= width
          y0 *= height
          x1 *= width
          y1 *= height
        }
        if x1 < x0 { swap(&x0, &x1) }
        if y1 < y0 { swap(&y0, &y1) }
        // `map(int, map(round, …))`: round() of an infinite float raises OverflowError.
        guard [x0, y0, x1, y1].allSatisfy(\.isFinite) else {
          return .failure(Failure(message: "OverflowError: cannot convert float infinity to integer"))
        }
        let (left, top, right, bottom) = (
          x0.rounded(.toNearestOrEven), y0.rounded(.toNearestOrEven), x1.rounded(.toNearestOrEven),
          y1.rounded(.toNearestOrEven)
        )
        let boxWidth = max(0, right - left)
        let boxHeight = max(0, bottom - top)
        guard boxWidth > 0 && boxHeight > 0 else { continue }
        // `np.ones((h_box, w_box))` cannot be allocated beyond the platform's maximum array size.
        guard boxWidth * boxHeight < 0x1p63 else {
          return .failure(Failure(message: "ValueError: array is too big (np.ones of the box's pixels)"))
        }
        groups.append(.box(x0: left, y0: top, x1: right, y1: bottom))
      }
    }
    return .success(groups)
  }

  /// The number tuples the reference regex finds: `(` then numbers separated by `,` and optional whitespace, then
  /// `)`, where a number is `[-+]?\d+\.?\d*` (`\d` any Unicode decimal digit, `\s` Python whitespace).
  static func tupleMatches(_ text: String) -> [[Double]] {
    let scalars = Array(text.unicodeScalars)
    var matches: [[Double]] = []
    var index = 0
    while index < scalars.count {
      guard scalars[index] == "(" else {
        index += 1
        continue
      }
      var position = index + 1
      var numbers: [Double] = []
      var isMatch = false
      while true {
        guard let (number, end) = readNumber(scalars, from: position) else { break }
        numbers.append(number)
        position = end
        guard position < scalars.count else { break }
        if scalars[position] == ")" {
          isMatch = true
          break
        }
        guard scalars[position] == "," else { break }
        position += 1
        while position < scalars.count, PythonString.isSpace(scalars[position]) { position += 1 }
      }
      if isMatch {
        matches.append(numbers)
        index = position + 1
      } else {
        index += 1
      }
    }
    return matches
  }

  /// Reads `[-+]?\d+\.?\d*` at `start`; returns Python's `float()` of it and the end position.
  private static func readNumber(_ scalars: [Unicode.Scalar], from start: Int) -> (Double, Int)? {
    var position = start
    var text = ""
    if position < scalars.count, scalars[position] == "-" || scalars[position] == "+" {
      text.unicodeScalars.append(scalars[position])
      position += 1
    }
    let digitsStart = position
    while position < scalars.count, let digit = asciiDigit(scalars[position]) {
      text.unicodeScalars.append(digit)
      position += 1
    }
    guard position > digitsStart else { return nil }
    if position < scalars.count, scalars[position] == "." {
      text.unicodeScalars.append(".")
      position += 1
      while position < scalars.count, let digit = asciiDigit(scalars[position]) {
        text.unicodeScalars.append(digit)
        position += 1
      }
    }
    guard let value = PythonString.float(text) else { return nil }
    return (value, position)
  }

  /// The ASCII digit of a Unicode decimal digit (category Nd, which `\d` and `float()` accept), or nil.
  static func asciiDigit(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
    guard scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue,
      value >= 0, value <= 9
    else { return nil }
    return Unicode.Scalar(UInt8(48 + Int(value)))
  }

  /// Python's `float(s)` for a string, with Unicode decimal digits read as their ASCII values.
  static func pythonFloat(_ text: String) -> Double? {
    var mapped = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      mapped.append(scalar.isASCII ? scalar : asciiDigit(scalar) ?? scalar)
    }
    return PythonString.float(String(mapped))
  }

  /// Python's `max(a, b)`: `b` only when `b > a` (so a NaN first argument wins).
  static func pythonMax(_ a: Double, _ b: Double) -> Double {
    b > a ? b : a
  }
}
