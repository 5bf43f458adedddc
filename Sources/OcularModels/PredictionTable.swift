import CSV
import Foundation

/// A VLMEvalKit prediction file, `{model}_{dataset}.xlsx` (or `.tsv`, `.csv` under `PRED_FORMAT`): the dataset's rows
/// plus a `prediction` column, keyed by `index`.
///
/// Column names are matched case-insensitively. When the file has a `thinking` column (VLMEvalKit's `SPLIT_THINK`
/// runs split the reasoning off), a non-empty thinking is put back as `<think>…</think>` before the prediction, so
/// the answer is extracted as from the whole response. An empty prediction cell is an empty response.
struct PredictionTable {
  /// One prediction.
  struct Row {
    /// Where it is: the spreadsheet row number (`.xlsx`) or the line the row starts on (`.tsv`, `.csv`).
    var location: Int
    /// The `index` cell as text.
    var index: String
    /// The response.
    var response: String
  }

  /// The rows, in file order.
  let rows: [Row]
  /// The word for a row's ``Row/location`` in messages: `row` or `line`.
  let locationWord: String

  /// The file extensions read as prediction tables.
  static let extensions: Set<String> = ["xlsx", "tsv", "csv"]

  /// Whether a path names a prediction table rather than a JSONL replay file.
  static func isTable(_ path: String) -> Bool {
    extensions.contains((path as NSString).pathExtension.lowercased())
  }

  /// Reads a prediction table; a row without an `index` is an error naming the file and row.
  init(path: String) throws(ModelError) {
    let raw: [(location: Int, cells: [String?])]
    if (path as NSString).pathExtension.lowercased() == "xlsx" {
      raw = try XLSXSheet(path: path).rows.map { ($0.number, $0.cells) }
      locationWord = "row"
    } else {
      raw = try Self.delimitedRows(path: path)
      locationWord = "line"
    }
    guard let header = raw.first else {
      throw .invalidReplay(path: path, line: 1, message: "empty file: no header row")
    }
    let names = header.cells.map { ($0 ?? "").lowercased() }
    guard let indexColumn = names.firstIndex(of: "index") else {
      throw .invalidReplay(path: path, line: header.location, message: "no \"index\" column in the header")
    }
    guard let predictionColumn = names.firstIndex(of: "prediction") else {
      throw .invalidReplay(
        path: path, line: header.location,
        message: "no \"prediction\" column in the header (is this a VLMEvalKit prediction file?)")
    }
    let thinkingColumn = names.firstIndex(of: "thinking")
    var rows: [Row] = []
    rows.reserveCapacity(raw.count - 1)
    for (location, cells) in raw.dropFirst() {
      func cell(_ column: Int) -> String? { column < cells.count ? cells[column] : nil }
      guard let index = cell(indexColumn), !index.isEmpty else {
        throw .invalidReplay(path: path, line: location, message: "missing \"index\"")
      }
      var response = cell(predictionColumn) ?? ""
      if let thinkingColumn, let thinking = cell(thinkingColumn), !thinking.isEmpty {
        response = "<think>" + thinking + "</think>" + response
      }
      rows.append(Row(location: location, index: index, response: response))
    }
    self.rows = rows
  }

  /// The rows of a `.tsv` or `.csv` file as pandas writes it (cells quoted as needed, quotes doubled), each with the
  /// line it starts on.
  private static func delimitedRows(path: String) throws(ModelError) -> [(location: Int, cells: [String?])] {
    guard let stream = InputStream(fileAtPath: path), FileManager.default.isReadableFile(atPath: path) else {
      throw .unreadable(path: path, reason: "no such file or not readable")
    }
    let delimiter: UnicodeScalar = (path as NSString).pathExtension.lowercased() == "tsv" ? "\t" : ","
    let reader: CSVReader
    do {
      reader = try CSVReader(stream: stream, hasHeaderRow: false, delimiter: delimiter)
    } catch {
      throw .invalidReplay(
        path: path, line: 1, message: "cannot read as \(delimiter == "\t" ? "TSV" : "CSV"): \(error)")
    }
    var rows: [(location: Int, cells: [String?])] = []
    var line = 1
    while let row = reader.next() {
      let location = line
      line += 1 + row.reduce(0) { count, cell in count + cell.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
      if row.count == 1, row[0].isEmpty { continue }
      rows.append((location, row.map { $0 }))
    }
    switch reader.error as? CSVError {
    case .unicodeDecoding?:
      throw .invalidReplay(path: path, line: line, message: "invalid UTF-8")
    case .streamErrorHasOccurred(let error)?:
      throw .unreadable(path: path, reason: error.localizedDescription)
    default:
      // The reader reports `cannotReadFile` when it meets the end of a file stream; that is the normal end.
      break
    }
    if let first = rows.first?.cells.first, let value = first, value.hasPrefix("\u{FEFF}") {
      rows[0].cells[0] = String(value.dropFirst())
    }
    return rows
  }

  /// The model name in a VLMEvalKit prediction file's name, `{model}_{dataset}.xlsx`: the stem without the longest
  /// `_{dataset}` suffix among the known dataset names; the whole stem when none matches.
  static func modelName(fromFileName path: String, datasets: [String]) -> String {
    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    let suffixes = datasets.map { "_" + $0 }.filter { stem.hasSuffix($0) && stem.count > $0.count }
    guard let longest = suffixes.max(by: { $0.count < $1.count }) else { return stem }
    return String(stem.dropLast(longest.count))
  }
}
