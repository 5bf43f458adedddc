import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The first worksheet of an Office Open XML workbook (`.xlsx`, as pandas writes with openpyxl or xlsxwriter), read
/// into rows of cell texts.
///
/// The archive is opened with ZIPFoundation and each part parsed with Foundation's `XMLParser`. Cells hold shared
/// strings (rich-text runs joined, phonetic runs skipped), inline strings, formula strings, numbers (an integral
/// value written without its `.0`, as pandas reads an integer column), Booleans (`True`/`False`, as Python prints
/// them) or nothing; an error cell (`#N/A`) is empty. `_xHHHH_` escapes, which writers use for control characters,
/// are decoded. Cells are placed by their references (`A1`, `AB12`), so a row with gaps or a skipped row keeps every
/// value in its column.
struct XLSXSheet {
  /// One row of the sheet.
  struct Row {
    /// The row's number in the sheet (1-based, as a spreadsheet shows it).
    var number: Int
    /// The cells by column (0 = `A`); nil for an empty cell.
    var cells: [String?]
  }

  /// The rows that have at least one cell, in order.
  let rows: [Row]

  /// Reads the first worksheet of the workbook at `path`.
  init(path: String) throws(ModelError) {
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      throw .unreadable(path: path, reason: "not an .xlsx workbook (\(error))")
    }
    func part(_ name: String) throws(ModelError) -> Data? {
      guard let entry = archive[name] else { return nil }
      var data = Data()
      do {
        _ = try archive.extract(entry) { data.append($0) }
      } catch {
        throw .unreadable(path: path, reason: "cannot unpack \(name) (\(error))")
      }
      return data
    }
    let sharedStrings = try part("xl/sharedStrings.xml").map { data throws(ModelError) in
      try Self.parse(data, with: SharedStringsParser(), part: "xl/sharedStrings.xml", path: path).strings
    }
    let sheetName = try Self.firstSheetPart(
      workbook: part("xl/workbook.xml"), relations: part("xl/_rels/workbook.xml.rels"))
    guard let sheet = try part(sheetName) else {
      throw .unreadable(path: path, reason: "not an .xlsx workbook (no worksheet \(sheetName))")
    }
    let parser = try Self.parse(
      sheet, with: SheetParser(sharedStrings: sharedStrings ?? []), part: sheetName, path: path)
    if let failure = parser.failure {
      throw .unreadable(path: path, reason: "\(sheetName): \(failure)")
    }
    rows = parser.rows
  }

  /// The archive path of the workbook's first sheet, from `xl/workbook.xml` and its relationships; the usual
  /// `xl/worksheets/sheet1.xml` when they do not say.
  private static func firstSheetPart(workbook: Data?, relations: Data?) -> String {
    let fallback = "xl/worksheets/sheet1.xml"
    guard let workbook, let relations else { return fallback }
    let sheets = AttributeCollector(element: "sheet")
    let links = AttributeCollector(element: "Relationship")
    guard parse(workbook, sheets), parse(relations, links),
      let id = sheets.found.first?.first(where: { $0.key == "r:id" || $0.key.hasSuffix(":id") })?.value,
      let target = links.found.first(where: { $0["Id"] == id })?["Target"]
    else { return fallback }
    return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
  }

  private static func parse(_ data: Data, _ delegate: some XMLParserDelegate) -> Bool {
    let parser = XMLParser(data: data)
    parser.delegate = delegate
    return parser.parse()
  }

  private static func parse<Delegate: XMLParserDelegate>(
    _ data: Data, with delegate: Delegate, part: String, path: String
  ) throws(ModelError) -> Delegate {
    let parser = XMLParser(data: data)
    parser.delegate = delegate
    guard parser.parse() else {
      throw .unreadable(
        path: path,
        reason: "\(part): malformed XML at line \(parser.lineNumber) (\(parser.parserError.map { "\($0)" } ?? "?"))")
    }
    return delegate
  }

  /// An element name without its namespace prefix (`x:row` → `row`).
  static func localName(_ name: String) -> Substring {
    name.lastIndex(of: ":").map { name[name.index(after: $0)...] } ?? Substring(name)
  }

  /// Decodes the `_xHHHH_` escapes of an OOXML string (`_x000D_` is a carriage return).
  static func unescaped(_ text: String) -> String {
    guard text.contains("_x") else { return text }
    var scalars = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var position = 0
    while position < scalars.count {
      if scalars[position] == "_", position + 6 < scalars.count, scalars[position + 1] == "x",
        scalars[position + 6] == "_",
        let value = UInt32(String(String.UnicodeScalarView(scalars[(position + 2)..<(position + 6)])), radix: 16),
        let scalar = Unicode.Scalar(value)
      {
        out.append(scalar)
        position += 7
      } else {
        out.append(scalars[position])
        position += 1
      }
    }
    scalars.removeAll()
    return String(out)
  }

  /// The 0-based column of a cell reference (`A1` → 0, `AB12` → 27), or nil when it has no letters.
  static func column(ofReference reference: String) -> Int? {
    var column = 0
    var letters = 0
    for scalar in reference.unicodeScalars {
      guard ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) else { break }
      let upper = scalar.value >= 97 ? scalar.value - 32 : scalar.value
      column = column * 26 + Int(upper) - 64
      letters += 1
      guard column <= 1 << 20 else { return nil }
    }
    return letters > 0 ? column - 1 : nil
  }

  /// A number cell's text as pandas shows an integral value: `17` for `17` or `17.0`; other numbers as written.
  static func numberText(_ text: String) -> String {
    if let value = Double(text), value.isFinite, value.rounded() == value, abs(value) < 1e15 {
      return String(Int64(value))
    }
    return text
  }
}

/// Collects the attributes of every element of one name.
private final class AttributeCollector: NSObject, XMLParserDelegate {
  let element: String
  var found: [[String: String]] = []

  init(element: String) {
    self.element = element
  }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    if XLSXSheet.localName(elementName) == element { found.append(attributes) }
  }
}

/// Reads `xl/sharedStrings.xml`: one string per `si`, its `t` texts joined, phonetic (`rPh`) runs skipped.
private final class SharedStringsParser: NSObject, XMLParserDelegate {
  var strings: [String] = []
  private var current: String?
  private var isInText = false
  private var phoneticDepth = 0

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    switch XLSXSheet.localName(elementName) {
    case "si": current = ""
    case "rPh": phoneticDepth += 1
    case "t": isInText = current != nil && phoneticDepth == 0
    default: break
    }
  }

  func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
    switch XLSXSheet.localName(elementName) {
    case "si":
      strings.append(XLSXSheet.unescaped(current ?? ""))
      current = nil
    case "rPh": phoneticDepth -= 1
    case "t": isInText = false
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if isInText { current? += string }
  }
}

/// Reads a worksheet's `sheetData` into rows.
private final class SheetParser: NSObject, XMLParserDelegate {
  let sharedStrings: [String]
  var rows: [XLSXSheet.Row] = []
  var failure: String?

  private var row: XLSXSheet.Row?
  private var lastRowNumber = 0
  private var column = -1
  private var cellType = "n"
  private var text = ""
  private var isCollecting = false
  private var hasValue = false
  private var isInInlineString = false
  private var phoneticDepth = 0

  init(sharedStrings: [String]) {
    self.sharedStrings = sharedStrings
  }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    switch XLSXSheet.localName(elementName) {
    case "row":
      let number = attributes["r"].flatMap { Int($0) } ?? lastRowNumber + 1
      lastRowNumber = number
      row = XLSXSheet.Row(number: number, cells: [])
      column = -1
    case "c":
      column = attributes["r"].flatMap(XLSXSheet.column(ofReference:)) ?? column + 1
      cellType = attributes["t"] ?? "n"
      text = ""
      hasValue = false
    case "v":
      isCollecting = true
      hasValue = true
    case "is":
      isInInlineString = true
      hasValue = true
    case "rPh":
      phoneticDepth += 1
    case "t":
      isCollecting = isInInlineString && phoneticDepth == 0
    default: break
    }
  }

  func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
    switch XLSXSheet.localName(elementName) {
    case "v", "t": isCollecting = false
    case "is": isInInlineString = false
    case "rPh": phoneticDepth -= 1
    case "c":
      guard hasValue, var current = row else { return }
      let value: String?
      switch cellType {
      case "s":
        guard let position = Int(text.trimmingCharacters(in: .whitespaces)), sharedStrings.indices.contains(position)
        else {
          failure = failure ?? "row \(current.number): shared string \"\(text)\" does not exist"
          return
        }
        value = sharedStrings[position]
      case "inlineStr", "str": value = XLSXSheet.unescaped(text)
      case "b": value = text == "1" ? "True" : "False"
      case "e": value = nil
      case "n": value = XLSXSheet.numberText(text)
      default: value = text
      }
      if current.cells.count <= column {
        current.cells.append(contentsOf: repeatElement(nil, count: column + 1 - current.cells.count))
      }
      current.cells[column] = value
      row = current
    case "row":
      if let row, !row.cells.isEmpty { rows.append(row) }
      row = nil
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if isCollecting { text += string }
  }
}
