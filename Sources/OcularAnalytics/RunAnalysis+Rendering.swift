import Foundation
import OcularReports

extension RunAnalysis {
  // MARK: - Text

  /// The analysis as terminal tables: success over repeats, length/format/entropy, and the advantage equity tables.
  public func text() -> String {
    var output =
      "Run \(run) (\(model)): \(repeats) repeat\(repeats == 1 ? "" : "s"); advantages on reward = \(reward.rawValue), "
      + "tasks = \(taskKey.rawValue)\n"
    for note in notes { output += "note: \(note)\n" }
    output += "\nSuccess over repeats (a success is a score at the benchmark's threshold; see docs/analytics.md)\n"
    output += successTable().render()
    output += "\nLength, format and entropy (format: <think> = evaluation tags, <thinking> = training tags; "
    output += "entropy band [0.2, 0.6])\n"
    output += lengthTable().render()
    if !advantages.isEmpty {
      output += "\nAdvantages per task (share = the task's part of the total |A|; kurtosis is excess)\n"
      output += advantageTable().render()
    }
    return output
  }

  private var slices: [SliceAnalysis] { benchmarks + (groups.count > 1 || benchmarks.count > 1 ? groups : []) }

  private func successTable() -> TextTable {
    let isRepeated = repeats >= 2
    var header = ["suite", "group", "items", "success at"] + ks.map { "pass@\($0)" }
    if isRepeated {
      header +=
        ks.filter { $0 > 1 }.map { "maj@\($0)" } + ["all right", "all wrong", "items by successes 0…\(repeats)"]
    }
    var alignments: [TextTable.Alignment] = [.left, .left] + Array(repeating: .right, count: header.count - 2)
    if isRepeated { alignments[alignments.count - 1] = .left }
    var table = TextTable(header: header, alignments: alignments)
    for slice in slices {
      var row = [
        slice.metric == nil ? "[\(slice.title)]" : slice.name, slice.group, "\(slice.completeItems)",
        slice.successThreshold.map { "≥ \(Self.number($0, digits: 2))" } ?? "",
      ]
      row += ks.map { k in slice.passAtK.first { $0.k == k }.map { Self.percent($0.value) } ?? "–" }
      if isRepeated {
        row += ks.filter { $0 > 1 }.map { k in
          slice.majorityAtK.first { $0.k == k }.map { Self.percent($0.value) } ?? "–"
        }
        row += [
          slice.allCorrectShare.map(Self.percent) ?? "–", slice.allWrongShare.map(Self.percent) ?? "–",
          slice.successHistogram.map(String.init).joined(separator: " "),
        ]
      }
      table.append(row)
    }
    return table
  }

  private func lengthTable() -> TextTable {
    var table = TextTable(
      header: [
        "suite", "samples", "mean length", "format <think>", "format <thinking>", "reward overall", "rewarded",
        "entropy", "band",
      ],
      alignments: [.left, .right, .right, .right, .right, .right, .right, .right, .left])
    for slice in slices {
      table.append([
        slice.metric == nil ? "[\(slice.title)]" : slice.name, "\(slice.samples)",
        slice.meanLength.map { "\(Self.number($0, digits: 1)) \(slice.lengthUnit == "tokens" ? "tok" : "chr")" } ?? "–",
        slice.formatRateThink.map(Self.percent) ?? "–", slice.formatRateThinking.map(Self.percent) ?? "–",
        slice.meanRewardOverall.map { Self.number($0, digits: 3) } ?? "–", "\(slice.rewardSamples)",
        slice.meanTokenEntropy.map { Self.number($0, digits: 3) } ?? "–",
        slice.entropyBand.map(Self.bandLabel) ?? "no logprobs",
      ])
    }
    return table
  }

  private func advantageTable() -> TextTable {
    var table = TextTable(
      header: ["task", "method", "groups", "answers", "mean", "std", "skew", "kurtosis", "max |A|", "share"],
      alignments: [.left, .left] + Array(repeating: .right, count: 8))
    for task in advantages {
      for method in task.methods {
        table.append([
          task.title, Self.methodTitle(method.method), "\(task.items)", "\(task.samples)",
          Self.number(method.moments.mean, digits: 3), Self.number(method.moments.standardDeviation, digits: 3),
          method.moments.skewness.map { Self.number($0, digits: 3) } ?? "n/a",
          method.moments.excessKurtosis.map { Self.number($0, digits: 3) } ?? "n/a",
          Self.number(method.moments.maximumMagnitude, digits: 3), Self.percent(method.share),
        ])
      }
    }
    return table
  }

  static func methodTitle(_ method: String) -> String {
    switch method {
    case "grpo": return "GRPO"
    case "grpo_unbiased": return "GRPO (unbiased std)"
    case "dr_grpo": return "Dr.GRPO"
    case "g2rpo": return "G²RPO"
    default: return method
    }
  }

  static func bandLabel(_ band: EntropyBand) -> String {
    switch band {
    case .below: return "below [0.2, 0.6]"
    case .within: return "within [0.2, 0.6]"
    case .above: return "above [0.2, 0.6]"
    }
  }

  static func percent(_ fraction: Double) -> String {
    String(format: "%.1f%%", fraction * 100)
  }

  static func number(_ value: Double, digits: Int) -> String {
    let text = String(format: "%.\(digits)f", value)
    // Avoid "-0.000".
    return text.allSatisfy { "-0.".contains($0) } ? String(text.drop { $0 == "-" }) : text
  }

  // MARK: - JSON

  /// The analysis as JSON with sorted keys and snake_case names.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  // MARK: - HTML

  /// The analysis as one self-contained HTML page.
  public func html() -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>Ocular training-signal analytics: run \(run)</title>
    <style>
    body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
    table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
    th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
    th:first-child, td:first-child { text-align: left; }
    .histograms { display: flex; flex-wrap: wrap; gap: 1em; }
    figure { margin: 0; }
    figcaption { font-size: 0.85em; }
    .below, .above { color: #b22; }
    .within { color: #272; }
    </style>
    </head>
    <body>
    \(htmlSection())
    </body>
    </html>

    """
  }

  /// The analysis as an HTML section (tables and inline-SVG histograms) for embedding in a report.
  public func htmlSection() -> String {
    let escape = Leaderboard.htmlEscaped
    var html = "<section class=\"analytics\">\n"
    html += "<h1>Training-signal analytics: run \(run) (\(escape(model)))</h1>\n"
    html +=
      "<p>\(repeats) repeat\(repeats == 1 ? "" : "s") per item; advantages on reward = \(reward.rawValue), "
      + "tasks = \(taskKey.rawValue).</p>\n"
    for note in notes { html += "<p class=\"note\">Note: \(escape(note))</p>\n" }
    html += "<h2>Success over repeats</h2>\n" + Self.htmlTable(successTable())
    if repeats >= 2 {
      html += "<h3>Items by number of successful repeats</h3>\n<div class=\"histograms\">\n"
      for slice in slices where !slice.successHistogram.isEmpty {
        html += Self.svgHistogram(
          counts: slice.successHistogram, labels: (0...repeats).map { "\($0)" },
          caption: "\(slice.title): items with c of \(repeats) repeats right", colour: "#4e79a7")
      }
      html += "</div>\n"
    }
    html += "<h2>Length, format and entropy</h2>\n" + Self.htmlTable(lengthTable(), bandColumn: 8)
    if !advantages.isEmpty {
      html += "<h2>Advantages per task</h2>\n" + Self.htmlTable(advantageTable())
      let edges = Self.advantageBinEdges
      let labels = (0..<(edges.count - 1)).map { Self.number(edges[$0], digits: 1) }
      html += "<h3>Advantage distributions (bins of 0.5 from −3.5 to 3.5)</h3>\n<div class=\"histograms\">\n"
      for task in advantages {
        for method in task.methods where method.method == "grpo" || method.method == "g2rpo" {
          html += Self.svgHistogram(
            counts: method.histogram, labels: labels,
            caption: "\(task.title): \(Self.methodTitle(method.method))",
            colour: method.method == "g2rpo" ? "#59a14f" : "#f28e2b")
        }
      }
      html += "</div>\n"
    }
    html += "</section>\n"
    return html
  }

  private static func htmlTable(_ table: TextTable, bandColumn: Int? = nil) -> String {
    let escape = Leaderboard.htmlEscaped
    var html = "<table>\n<tr>" + table.header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
    for row in table.rows {
      html += "<tr>"
      for (column, cell) in row.enumerated() {
        if column == bandColumn, let band = cell.split(separator: " ").first,
          ["below", "within", "above"].contains(band)
        {
          html += "<td class=\"\(band)\">\(escape(cell))</td>"
        } else {
          html += "<td>\(escape(cell))</td>"
        }
      }
      html += "</tr>\n"
    }
    return html + "</table>\n"
  }

  /// A bar chart of counts as inline SVG.
  static func svgHistogram(counts: [Int], labels: [String], caption: String, colour: String) -> String {
    let escape = Leaderboard.htmlEscaped
    let barWidth = 22.0
    let height = 100.0
    let width = barWidth * Double(counts.count) + 10
    let maximum = Double(max(counts.max() ?? 0, 1))
    var svg =
      "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height + 30))\" "
      + "role=\"img\" aria-label=\"\(escape(caption))\">\n"
    for (index, count) in counts.enumerated() {
      let barHeight = height * Double(count) / maximum
      let x = 5 + barWidth * Double(index)
      svg +=
        "<rect x=\"\(number(x + 2, digits: 2))\" y=\"\(number(height - barHeight + 5, digits: 2))\" "
        + "width=\"\(number(barWidth - 4, digits: 2))\" height=\"\(number(barHeight, digits: 2))\" fill=\"\(colour)\">"
        + "<title>\(escape(labels[index])): \(count)</title></rect>\n"
      svg +=
        "<text x=\"\(number(x + barWidth / 2, digits: 2))\" y=\"\(Int(height + 20))\" font-size=\"9\" "
        + "text-anchor=\"middle\">\(escape(labels[index]))</text>\n"
    }
    svg += "</svg><figcaption>\(escape(caption))</figcaption></figure>\n"
    return svg
  }
}
