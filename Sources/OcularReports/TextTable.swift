/// A plain-text table with aligned columns, for terminals.
public struct TextTable: Sendable {
  /// How a column's cells align.
  public enum Alignment: Sendable {
    case left, right
  }

  /// The header cells.
  public var header: [String]
  /// The alignment per column.
  public var alignments: [Alignment]
  /// The body rows.
  public var rows: [[String]] = []

  /// Creates an empty table.
  public init(header: [String], alignments: [Alignment]) {
    self.header = header
    self.alignments = alignments
  }

  /// Appends a row.
  public mutating func append(_ row: [String]) {
    rows.append(row)
  }

  /// The table as lines of text, with a rule under the header.
  public func render() -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in
      all.map { column < $0.count ? Self.width(of: Self.sanitize($0[column])) : 0 }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.indices.map { column in
        let cell = Self.sanitize(cells[column])
        let padding = String(repeating: " ", count: max(0, widths[column] - Self.width(of: cell)))
        return alignments[column] == .right ? padding + cell : cell + padding
      }.joined(separator: "  ").replacingTrailingSpaces()
    }
    var lines = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
    lines += rows.map(line)
    return lines.joined(separator: "\n") + "\n"
  }

  /// Replaces control characters so a cell cannot move the cursor or break the layout.
  public static func sanitize(_ text: String) -> String {
    sanitize(text, keepingLineBreaks: false)
  }

  /// Replaces control characters (C0 but, optionally, line feed and tab; DEL; C1, which includes the 8-bit CSI) with
  /// `␣`, so that text a model wrote cannot clear, repaint or retitle the user's terminal.
  public static func sanitize(_ text: String, keepingLineBreaks: Bool) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var output = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isControl(scalar), !(keepingLineBreaks && (scalar == "\n" || scalar == "\t")) {
        output.append("␣")
      } else {
        output.append(scalar)
      }
    }
    return String(output)
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }

  private static func width(of text: String) -> Int {
    text.count
  }
}

extension String {
  fileprivate func replacingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}

/// Formats a percentage with two decimals, or a dash when absent.
public func formatScore(_ value: Double?) -> String {
  guard let value, value.isFinite else { return "-" }
  let scaled = (value * 100).rounded() / 100
  var text = String(scaled)
  if let dot = text.firstIndex(of: ".") {
    let decimals = text.distance(from: dot, to: text.endIndex) - 1
    if decimals < 2 { text += String(repeating: "0", count: 2 - decimals) }
  } else {
    text += ".00"
  }
  return text
}

/// Formats seconds with one decimal.
public func formatSeconds(_ value: Double) -> String {
  let tenths = (value * 10).rounded() / 10
  return String(tenths)
}
