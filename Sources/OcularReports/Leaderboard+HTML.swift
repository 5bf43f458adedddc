import Foundation
import OcularCore
import OcularStore

extension Leaderboard {
  /// Escapes text for HTML and SVG content and attribute values; control characters (invalid in XML) become `␣`.
  public static func htmlEscaped(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&#39;"
      case "\n", "\t": output.unicodeScalars.append(scalar)
      default:
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE
          || scalar.value == 0xFFFF
        {
          output += "␣"
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    return output
  }

  /// A fragment id made of letters, digits, `-` and `_` only.
  static func anchor(_ benchmark: String) -> String {
    "worst-"
      + String(
        benchmark.unicodeScalars.map { scalar in
          CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || scalar == "-" || scalar == "_"
            ? Character(scalar) : "_"
        })
  }

  /// The colours of the runs' bars, in order.
  static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]

  /// A number for SVG coordinates (two decimals, no exponent).
  private static func coordinate(_ value: Double) -> String {
    String(format: "%.2f", value)
  }

  /// The leaderboard as one self-contained HTML file: a bar chart of per-benchmark scores (with 95% intervals when
  /// computed), a chart of relative gains over the baseline, the table, and per benchmark its lowest-scoring
  /// samples. Every string that comes from a model or a data file is escaped; the file loads nothing.
  public func html(title: String = "Ocular leaderboard") -> String {
    var body = "<h1>\(Self.htmlEscaped(title))</h1>\n"
    body +=
      "<p>Scores in percent; benchmarks grouped as in the OpenVLThinkerV2 paper. Whiskers: 95% bootstrap "
      + "intervals. Each benchmark name links to its lowest-scoring samples.</p>\n"
    body += legend()
    body += "<h2>Scores per benchmark</h2>\n" + scoreChart()
    if baselineRow != nil, rows.count > 1 {
      body += "<h2>Relative improvement over the baseline</h2>\n" + gainChart()
    }
    body += "<h2>Table</h2>\n" + htmlTable(gains: false)
    if let baselineRow, rows.count > 1 {
      body +=
        "<h3>Relative improvement over run \(baselineRow.run.id) (\(Self.htmlEscaped(baselineRow.run.modelName))),"
        + " (run − baseline) / baseline</h3>\n" + htmlTable(gains: true)
    }
    let notes = self.notes()
    if !notes.isEmpty {
      body += "<ul class=\"notes\">\n" + notes.map { "<li>\(Self.htmlEscaped($0))</li>\n" }.joined() + "</ul>\n"
    }
    body += "<h2>Lowest-scoring samples</h2>\n" + worstSections()
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
      <title>\(Self.htmlEscaped(title))</title>
      <style>
      body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
      table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
      th, td { border: 1px solid #ccc; padding: 3px 6px; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; }
      th.group, td.avg { background: #f3f3f3; font-weight: bold; }
      .legend span { display: inline-block; margin-right: 16px; font-size: 13px; }
      .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
      .notes { font-size: 13px; color: #444; }
      .scroll { overflow-x: auto; }
      pre { white-space: pre-wrap; word-break: break-word; margin: 0; font-size: 12px; }
      svg text { font-size: 11px; fill: #222; }
      svg a text { fill: #1a5fb4; }
      </style>
      </head>
      <body>
      \(body)</body>
      </html>

      """
  }

  private func legend() -> String {
    var html = "<p class=\"legend\">"
    for (index, row) in rows.enumerated() {
      let colour = Self.palette[index % Self.palette.count]
      html +=
        "<span><i style=\"background:\(colour)\"></i>run \(row.run.id): "
        + "\(Self.htmlEscaped(row.run.modelName))\(row.run.id == baseline ? " (baseline)" : "")</span>"
    }
    return html + "</p>\n"
  }

  /// The x positions of the benchmark slots: a gap between groups.
  private func slots(width slot: Double, left: Double) -> [(column: Column, x: Double)] {
    var result: [(Column, Double)] = []
    var x = left
    for group in groups {
      for column in group.columns {
        result.append((column, x))
        x += slot
      }
      x += 14
    }
    return result
  }

  private func groupLabels(
    _ positions: [(column: Column, x: Double)], slot: Double, y: Double, top: Double, bottom: Double
  ) -> String {
    var svg = ""
    for group in groups {
      let xs = positions.filter { position in group.columns.contains(position.column) }.map(\.x)
      guard let first = xs.first, let last = xs.last else { continue }
      let center = (first + last + slot) / 2
      svg +=
        "<text x=\"\(Self.coordinate(center))\" y=\"\(Self.coordinate(y))\" text-anchor=\"middle\" "
        + "font-weight=\"bold\">\(Self.htmlEscaped(group.title))</text>\n"
      svg +=
        "<line x1=\"\(Self.coordinate(last + slot + 7))\" y1=\"\(Self.coordinate(top))\" "
        + "x2=\"\(Self.coordinate(last + slot + 7))\" y2=\"\(Self.coordinate(bottom))\" stroke=\"#ddd\"/>\n"
    }
    return svg
  }

  private func benchmarkLabel(_ column: Column, x: Double, y: Double) -> String {
    "<a href=\"#\(Self.anchor(column.benchmark))\"><text transform=\"rotate(-40 \(Self.coordinate(x)) "
      + "\(Self.coordinate(y)))\" x=\"\(Self.coordinate(x))\" y=\"\(Self.coordinate(y))\" text-anchor=\"end\">"
      + "\(Self.htmlEscaped(column.title))</text></a>\n"
  }

  /// Grouped bars of every run's score per benchmark, 0–100, with bootstrap whiskers.
  func scoreChart() -> String {
    let bar = max(4, min(14, 56 / Double(max(rows.count, 1))))
    let slot = bar * Double(max(rows.count, 1)) + 10
    let left = 44.0
    let top = 16.0
    let height = 220.0
    let positions = slots(width: slot, left: left)
    let width = (positions.last?.x ?? left) + slot + 24
    let total = top + height + 110
    func y(_ value: Double) -> Double { top + height * (1 - min(max(value, 0), 100) / 100) }
    var svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.coordinate(width))\" "
      + "height=\"\(Self.coordinate(total))\" role=\"img\" aria-label=\"Scores per benchmark\">\n"
    for tick in stride(from: 0.0, through: 100, by: 25) {
      svg +=
        "<line x1=\"\(Self.coordinate(left - 4))\" y1=\"\(Self.coordinate(y(tick)))\" x2=\"\(Self.coordinate(width - 16))\" "
        + "y2=\"\(Self.coordinate(y(tick)))\" stroke=\"#e5e5e5\"/>\n"
      svg +=
        "<text x=\"\(Self.coordinate(left - 8))\" y=\"\(Self.coordinate(y(tick) + 4))\" text-anchor=\"end\">"
        + "\(Int(tick))</text>\n"
    }
    for (column, x) in positions {
      for (index, row) in rows.enumerated() {
        let barX = x + 5 + Double(index) * bar
        let colour = Self.palette[index % Self.palette.count]
        guard let cell = row.cells[column.benchmark], let score = cell.score else {
          svg +=
            "<text x=\"\(Self.coordinate(barX + bar / 2))\" y=\"\(Self.coordinate(y(0) - 3))\" "
            + "text-anchor=\"middle\" fill=\"#999\">–</text>\n"
          continue
        }
        var tip = "run \(row.run.id) (\(row.run.modelName)), \(column.title): \(formatScore(score))"
        if let estimate = cell.statistics?.estimate, let lower = estimate.lower, let upper = estimate.upper {
          tip += " (95% CI \(formatScore(lower))–\(formatScore(upper)), n = \(estimate.count))"
        }
        svg +=
          "<rect x=\"\(Self.coordinate(barX))\" y=\"\(Self.coordinate(y(score)))\" width=\"\(Self.coordinate(bar - 1))\" "
          + "height=\"\(Self.coordinate(y(0) - y(score)))\" fill=\"\(colour)\"><title>\(Self.htmlEscaped(tip))</title></rect>\n"
        if let estimate = cell.statistics?.estimate, let lower = estimate.lower, let upper = estimate.upper {
          let center = barX + (bar - 1) / 2
          svg +=
            "<path d=\"M\(Self.coordinate(center)) \(Self.coordinate(y(lower)))V\(Self.coordinate(y(upper)))"
            + "M\(Self.coordinate(center - 2)) \(Self.coordinate(y(lower)))h4M\(Self.coordinate(center - 2)) "
            + "\(Self.coordinate(y(upper)))h4\" stroke=\"#333\" stroke-width=\"1\" fill=\"none\"/>\n"
        }
      }
      svg += benchmarkLabel(column, x: x + slot / 2 + 4, y: y(0) + 14)
    }
    svg +=
      "<line x1=\"\(Self.coordinate(left - 4))\" y1=\"\(Self.coordinate(y(0)))\" x2=\"\(Self.coordinate(width - 16))\" "
      + "y2=\"\(Self.coordinate(y(0)))\" stroke=\"#555\"/>\n"
    svg += groupLabels(positions, slot: slot, y: total - 8, top: top, bottom: y(0))
    return svg + "</svg>\n"
  }

  /// Bars of each non-baseline run's relative gain over the baseline per benchmark, around a zero line.
  func gainChart() -> String {
    let others = rows.enumerated().filter { $0.element.run.id != baseline }
    let bar = max(4, min(14, 56 / Double(max(others.count, 1))))
    let slot = bar * Double(max(others.count, 1)) + 10
    let left = 72.0
    let top = 16.0
    let height = 200.0
    let positions = slots(width: slot, left: left)
    let width = (positions.last?.x ?? left) + slot + 24
    let total = top + height + 110
    var largest = 5.0
    for (_, row) in others {
      for column in columns {
        if let gain = gain(row, benchmark: column.benchmark) { largest = max(largest, abs(gain)) }
      }
    }
    let limit = (largest / 5).rounded(.up) * 5
    func y(_ value: Double) -> Double { top + height * (1 - (min(max(value, -limit), limit) + limit) / (2 * limit)) }
    var svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.coordinate(width))\" "
      + "height=\"\(Self.coordinate(total))\" role=\"img\" aria-label=\"Relative improvement per benchmark\">\n"
    for tick in [-limit, -limit / 2, 0, limit / 2, limit] {
      svg +=
        "<line x1=\"\(Self.coordinate(left - 4))\" y1=\"\(Self.coordinate(y(tick)))\" x2=\"\(Self.coordinate(width - 16))\" "
        + "y2=\"\(Self.coordinate(y(tick)))\" stroke=\"\(tick == 0 ? "#555" : "#e5e5e5")\"/>\n"
      svg +=
        "<text x=\"\(Self.coordinate(left - 8))\" y=\"\(Self.coordinate(y(tick) + 4))\" text-anchor=\"end\">"
        + "\(Self.percentGain(tick))</text>\n"
    }
    for (column, x) in positions {
      for (slotIndex, (index, row)) in others.enumerated() {
        let barX = x + 5 + Double(slotIndex) * bar
        let colour = Self.palette[index % Self.palette.count]
        guard let gain = gain(row, benchmark: column.benchmark) else {
          svg +=
            "<text x=\"\(Self.coordinate(barX + bar / 2))\" y=\"\(Self.coordinate(y(0) - 3))\" "
            + "text-anchor=\"middle\" fill=\"#999\">–</text>\n"
          continue
        }
        let tip = "run \(row.run.id) (\(row.run.modelName)), \(column.title): \(Self.percentGain(gain))"
        svg +=
          "<rect x=\"\(Self.coordinate(barX))\" y=\"\(Self.coordinate(min(y(gain), y(0))))\" "
          + "width=\"\(Self.coordinate(bar - 1))\" height=\"\(Self.coordinate(abs(y(0) - y(gain))))\" fill=\"\(colour)\">"
          + "<title>\(Self.htmlEscaped(tip))</title></rect>\n"
      }
      svg += benchmarkLabel(column, x: x + slot / 2 + 4, y: top + height + 14)
    }
    svg += groupLabels(positions, slot: slot, y: total - 8, top: top, bottom: top + height)
    return svg + "</svg>\n"
  }

  private func htmlTable(gains: Bool) -> String {
    var html =
      "<div class=\"scroll\"><table>\n<tr><th rowspan=\"2\">Model</th><th rowspan=\"2\">Run</th><th rowspan=\"2\">Date</th>"
      + "<th rowspan=\"2\">Profile</th>"
    for group in groups {
      html += "<th class=\"group\" colspan=\"\(group.columns.count + 1)\">\(Self.htmlEscaped(group.title))</th>"
    }
    html += "<th class=\"group\" rowspan=\"2\">Overall</th></tr>\n<tr>"
    for group in groups {
      for column in group.columns {
        html += "<th><a href=\"#\(Self.anchor(column.benchmark))\">\(Self.htmlEscaped(column.title))</a></th>"
      }
      html += "<th class=\"group\">avg</th>"
    }
    html += "</tr>\n"
    for row in rows where !gains || row.run.id != baseline {
      html +=
        "<tr><td>\(Self.htmlEscaped(row.run.modelName))\(row.run.id == baseline ? " (baseline)" : "")</td>"
        + "<td class=\"num\">\(row.run.id)</td><td>\(Self.htmlEscaped(Self.date(row.run.createdAt)))</td>"
        + "<td>\(Self.htmlEscaped(Self.profile(row.run)))</td>"
      for group in groups {
        for column in group.columns {
          let text =
            gains
            ? Self.percentGain(gain(row, benchmark: column.benchmark)) : Self.marked(row.cells[column.benchmark])
          var tip = ""
          if !gains, let estimate = row.cells[column.benchmark]?.statistics?.estimate {
            tip = "n = \(estimate.count)"
            if let se = estimate.standardError { tip += ", SE \(formatScore(se))" }
            if let lower = estimate.lower, let upper = estimate.upper {
              tip += ", 95% CI \(formatScore(lower))–\(formatScore(upper))"
            }
          }
          html +=
            "<td class=\"num\"\(tip.isEmpty ? "" : " title=\"\(Self.htmlEscaped(tip))\"")>"
            + "\(Self.htmlEscaped(text))</td>"
        }
        let average = gains ? Self.percentGain(gain(row, group: group.id)) : Self.score(row.groupAverages[group.id])
        html += "<td class=\"num avg\">\(Self.htmlEscaped(average))</td>"
      }
      let overall = gains ? Self.percentGain(overallGain(row)) : Self.score(row.overall)
      html += "<td class=\"num avg\">\(Self.htmlEscaped(overall))</td></tr>\n"
    }
    return html + "</table></div>\n"
  }

  private func worstSections() -> String {
    var html = ""
    for column in columns {
      html += "<section id=\"\(Self.anchor(column.benchmark))\">\n<h3>\(Self.htmlEscaped(column.title))</h3>\n"
      var any = false
      for row in rows {
        guard let cell = row.cells[column.benchmark] else { continue }
        any = true
        html +=
          "<h4>run \(row.run.id) (\(Self.htmlEscaped(row.run.modelName))), suite "
          + "\(Self.htmlEscaped(cell.suite)): \(Self.htmlEscaped(Self.marked(cell)))</h4>\n"
        let below = cell.worst.filter { $0.status != .ok || $0.score < 1 }
        guard !below.isEmpty else {
          html += cell.worst.isEmpty ? "<p>No stored samples.</p>\n" : "<p>Every sample scored full marks.</p>\n"
          continue
        }
        html +=
          "<table>\n<tr><th>sample</th><th>repeat</th><th>status</th><th>score</th><th>parsed</th>"
          + "<th>extracted answer</th></tr>\n"
        for sample in below {
          let answer = sample.status == .error ? "error: " + (sample.errorReason ?? "") : sample.extracted ?? ""
          func clip(_ text: String) -> String { text.count > 400 ? String(text.prefix(399)) + "…" : text }
          let clipped = clip(answer)
          html +=
            "<tr><td>\(Self.htmlEscaped(sample.key.sampleID))</td><td class=\"num\">\(sample.key.repeatIndex)</td>"
            + "<td>\(Self.htmlEscaped(sample.status.rawValue))</td><td class=\"num\">\(formatScore(sample.score * 100))</td>"
            + "<td><pre>\(Self.htmlEscaped(clip(sample.parsed ?? "")))</pre></td><td><pre>\(Self.htmlEscaped(clipped))</pre></td></tr>\n"
        }
        html += "</table>\n"
      }
      if !any { html += "<p>No run evaluated this benchmark.</p>\n" }
      html += "</section>\n"
    }
    return html
  }
}
