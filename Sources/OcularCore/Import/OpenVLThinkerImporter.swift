import Foundation

/// Imports an OpenVLThinker JSON file (`uclanlp/OpenVLThinker: example_data/*.json`: `problem`, `problem_type`,
/// `options`, `answer` in `<answer>…</answer>`, `images`, `data_source`, plus the VLMEvalKit columns the validation
/// files carry) into a suite's data folder, mapping each row onto the target benchmark's source schema.
///
/// The files hold bare `NaN` tokens (written by pandas), which are read as missing values. Images are not shipped
/// with the files: they are looked up by their relative paths under an images folder and copied (or hard-linked)
/// into `images/`.
public struct OpenVLThinkerImporter: Sendable {
  /// How rows become records of a benchmark's schema.
  public enum Mapping: String, Sendable, CaseIterable {
    /// VLMEvalKit multiple choice: `question`, option columns `A`–`Z`, `answer` = the letter.
    case multipleChoice
    /// VLMEvalKit MathVista: the MathVista columns the rows carry, `question`, `question_type`, `answer`.
    case mathVista
    /// OneThinker grounding: `problem_id`, `problem`, `problem_type`, `data_type`, `path`, `solution`.
    case grounding
  }

  /// The mapping for each benchmark the importer supports.
  public static func mapping(forBenchmark id: String) -> Mapping? {
    switch id {
    case "mmmu", "mmbench", "mmstar", "ai2d": return .multipleChoice
    case "mathvista": return .mathVista
    case "refcoco", "refcoco_plus", "refcocog": return .grounding
    default: return nil
    }
  }

  /// The benchmarks the importer supports, in the paper's order.
  public static let supportedBenchmarks = [
    "mmmu", "mmbench", "mmstar", "mathvista", "ai2d", "refcoco", "refcoco_plus", "refcocog",
  ]

  /// The OpenVLThinker training fields, which are not columns of the benchmarks' source schemas.
  public static let trainingFields: Set<String> = [
    "problem", "problem_reserved_text", "problem_type", "options", "images", "data_type", "task_type", "data_source",
    "problem_id",
  ]

  /// The JSON (a list of objects) or JSONL file.
  public var source: String
  /// Where the suite data goes.
  public var destination: ImportDestination
  /// The folder the rows' image paths are relative to.
  public var imagesFolder: String
  /// A Boolean value that indicates whether images are hard-linked instead of copied.
  public var isLinking: Bool
  /// A Boolean value that indicates whether a row whose image is missing is skipped (and counted) rather than an
  /// error.
  public var isSkippingMissingImages: Bool
  /// The `problem_type` values to import; empty imports every row.
  public var problemTypes: Set<String>
  /// The `data_source` values to import; empty imports every row.
  public var dataSources: Set<String>
  /// The split of every imported sample, written on the manifest's file entry.
  public var split: String?

  /// Creates an importer.
  public init(
    source: String, destination: ImportDestination, imagesFolder: String, isLinking: Bool = false,
    isSkippingMissingImages: Bool = false, problemTypes: Set<String> = [], dataSources: Set<String> = [],
    split: String? = nil
  ) {
    self.source = source
    self.destination = destination
    self.imagesFolder = imagesFolder
    self.isLinking = isLinking
    self.isSkippingMissingImages = isSkippingMissingImages
    self.problemTypes = problemTypes
    self.dataSources = dataSources
    self.split = split
  }

  /// Imports the file.
  public func run() throws(ImportError) -> ImportSummary {
    let template = try destination.openTemplate()
    let benchmark = template.benchmark
    guard let mapping = Self.mapping(forBenchmark: benchmark.id) else {
      throw .unsupportedBenchmark(benchmark.id, importer: "openvlthinker", supported: Self.supportedBenchmarks)
    }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: imagesFolder, isDirectory: &isFolder), isFolder.boolValue else {
      throw .io(path: imagesFolder, reason: "no such folder (--images-dir)")
    }
    let rows = try Self.readRows(source)
    let writer = try SuiteDataWriter(template: template, destination: destination)
    var skipped: [String: Int] = [:]
    for row in rows {
      func fail(_ message: String) -> ImportError {
        .invalidSource(path: source, line: row.line, message: message)
      }
      guard case .object(let fields) = row.value else {
        throw fail("a row must be a JSON object, not \(row.value.typeName)")
      }
      if !problemTypes.isEmpty, !problemTypes.contains(fields["problem_type"]?.stringValue ?? "") {
        skipped["not selected by --problem-type", default: 0] += 1
        continue
      }
      if !dataSources.isEmpty, !dataSources.contains(fields["data_source"]?.stringValue ?? "") {
        skipped["not selected by --data-source", default: 0] += 1
        continue
      }
      let paths: [String]
      switch fields["images"] ?? fields["path"] {
      case .string(let path)?: paths = [path]
      case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }): paths = items.compactMap(\.stringValue)
      default: throw fail("\"images\" must be a list of relative paths")
      }
      guard !paths.isEmpty else { throw fail("\"images\" names no image") }
      var names: [String] = []
      var isMissing = false
      for path in paths {
        guard let name = ImportPath.normalized(path) else {
          throw fail("image path \"\(path)\" must be relative and without \"..\"")
        }
        let file = (imagesFolder as NSString).appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: file) {
          if isSkippingMissingImages {
            isMissing = true
            break
          }
          throw fail("image \"\(path)\" not found in \(imagesFolder) (pass --skip-missing-images to skip such rows)")
        }
        names.append(name)
      }
      if isMissing {
        skipped["image missing", default: 0] += 1
        continue
      }
      let record: [(String, JSONValue)]
      do {
        record = try Self.record(
          from: fields, mapping: mapping, benchmark: benchmark.id, idField: template.manifest.idField,
          imageField: template.manifest.imageField, images: names)
      } catch {
        throw fail(error.message)
      }
      for name in names where !writer.hasImage(named: name) {
        let file = (imagesFolder as NSString).appendingPathComponent(name)
        do {
          _ = try ImportPath.header(ofFile: file)
        } catch {
          throw fail("image \"\(name)\": \(error)")
        }
        try writer.copyImage(from: file, named: name, isLinking: isLinking)
      }
      try writer.write(record, origin: row.line ?? 0)
    }
    var notes: [String] = []
    if !problemTypes.isEmpty || !dataSources.isEmpty {
      notes.append(
        "selected rows: "
          + (problemTypes.isEmpty ? "" : "problem_type in \(problemTypes.sorted())")
          + (problemTypes.isEmpty || dataSources.isEmpty ? "" : ", ")
          + (dataSources.isEmpty ? "" : "data_source in \(dataSources.sorted())"))
    }
    if writer.linkFallbacks > 0 {
      notes.append(
        "\(writer.linkFallbacks) image(s) were copied, not hard-linked: \(imagesFolder) is on another file system "
          + "than \(destination.dataFolder)")
    }
    let name = (source as NSString).lastPathComponent
    let origin = "OpenVLThinker \(name), mapped to the \(benchmark.id) schema by ocular import openvlthinker"
    let count: Int
    do {
      count = try writer.finish(source: origin, split: split, sourcePath: source)
    } catch .invalidSource(let path, nil, "no rows to import") {
      throw .invalidSource(path: path, line: nil, message: "no rows to import (skipped: \(Self.describe(skipped)))")
    }
    return ImportSummary(
      suite: template.name, benchmark: benchmark.id, dataFolder: destination.dataFolder, samples: count,
      images: writer.imageCount, skipped: skipped, notes: notes)
  }

  private static func describe(_ skipped: [String: Int]) -> String {
    skipped.isEmpty
      ? "none" : skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
  }

  // MARK: - Reading

  /// One row of the file and the line it starts on.
  struct Row {
    var value: JSONValue
    var line: Int?
  }

  /// Reads a JSON list of rows, or JSONL, accepting the bare `NaN` tokens pandas writes.
  static func readRows(_ path: String) throws(ImportError) -> [Row] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .io(path: path, reason: "cannot read: no such file or not readable")
    }
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
      throw .invalidSource(path: path, line: nil, message: "empty file")
    }
    if first == UInt8(ascii: "[") {
      let value: JSONValue
      do {
        value = try JSONValue.parse(Data(bytes), isLenient: true)
      } catch {
        throw .invalidSource(path: path, line: nil, message: "invalid JSON (\(describe(error)))")
      }
      guard case .array(let items) = value else {
        throw .invalidSource(path: path, line: nil, message: "expected a list of rows")
      }
      let lines = elementLines(bytes)
      return items.enumerated().map { Row(value: $1, line: lines.count == items.count ? lines[$0] : nil) }
    }
    var rows: [Row] = []
    for (offset, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
      guard line.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { continue }
      do {
        rows.append(Row(value: try JSONValue.parse(Data(line), isLenient: true), line: offset + 1))
      } catch {
        throw .invalidSource(path: path, line: offset + 1, message: "invalid JSON (\(describe(error)))")
      }
    }
    return rows
  }

  private static func describe(_ error: any Error) -> String {
    if let error = error as? DecodingError, case .dataCorrupted(let context) = error {
      return (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        ?? context.debugDescription
    }
    return "\(error)"
  }

  /// The 1-based line on which each element of a top-level JSON list starts.
  static func elementLines(_ bytes: [UInt8]) -> [Int] {
    var lines: [Int] = []
    var line = 1
    var depth = 0
    var isInString = false
    var isEscaped = false
    var isExpectingElement = false
    for byte in bytes {
      if byte == 0x0A { line += 1 }
      if isInString {
        if isEscaped {
          isEscaped = false
        } else if byte == UInt8(ascii: "\\") {
          isEscaped = true
        } else if byte == UInt8(ascii: "\"") {
          isInString = false
        }
        continue
      }
      if [0x20, 0x09, 0x0A, 0x0D].contains(byte) { continue }
      if depth == 1, isExpectingElement, byte != UInt8(ascii: "]") {
        lines.append(line)
        isExpectingElement = false
      }
      switch byte {
      case UInt8(ascii: "\""): isInString = true
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        if depth == 1 { isExpectingElement = true }
      case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
      case UInt8(ascii: ","): if depth == 1 { isExpectingElement = true }
      default: break
      }
    }
    return lines
  }

  // MARK: - Mapping

  /// Why a row cannot be mapped.
  struct RowProblem: Error {
    var message: String
  }

  /// Maps a row onto a benchmark's record; `images` are the image paths under the suite's `images/`.
  static func record(
    from row: [String: JSONValue], mapping: Mapping, benchmark: String, idField: String?, imageField: String,
    images: [String]
  ) throws(RowProblem) -> [(String, JSONValue)] {
    let imageValue: JSONValue = images.count == 1 ? .string(images[0]) : .array(images.map(JSONValue.string))
    switch mapping {
    case .multipleChoice:
      return try multipleChoiceRecord(
        row, benchmark: benchmark, idField: idField, imageField: imageField, image: imageValue)
    case .mathVista:
      return try mathVistaRecord(row, idField: idField, imageField: imageField, image: imageValue)
    case .grounding:
      guard images.count == 1 else { throw RowProblem(message: "a grounding row needs exactly one image") }
      return try groundingRecord(row, idField: idField, imageField: imageField, image: imageValue)
    }
  }

  /// VLMEvalKit multiple choice (MMMU, MMBench, MMStar, AI2D).
  static func multipleChoiceRecord(
    _ row: [String: JSONValue], benchmark: String, idField: String?, imageField: String, image: JSONValue
  ) throws(RowProblem) -> [(String, JSONValue)] {
    var fields = idFields(row, idField: idField)
    fields.append(("question", .string(try question(of: row))))
    let letters = (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { String(UnicodeScalar($0)) }
    var options: [String: JSONValue] = [:]
    for letter in letters { if let value = row[letter] { options[letter] = value.isMissing ? .null : value } }
    if !options.values.contains(where: { !$0.isMissing }) {
      for (letter, text) in try optionTexts(of: row) { options[letter] = .string(text) }
    }
    for letter in letters { if let value = options[letter] { fields.append((letter, value)) } }
    fields.append(("answer", .string(try untaggedAnswer(of: row))))
    fields += otherFields(row, excluding: Set(fields.map(\.0)).union(letters).union([imageField]))
    fields.append((imageField, image))
    return fields
  }

  /// VLMEvalKit MathVista: the columns the row carries; a multiple-choice answer becomes the choice text, as in
  /// `MathVista_MINI.tsv`, with the letter in `answer_option`.
  static func mathVistaRecord(
    _ row: [String: JSONValue], idField: String?, imageField: String, image: JSONValue
  ) throws(RowProblem) -> [(String, JSONValue)] {
    var fields = idFields(row, idField: idField)
    fields.append(("question", .string(try question(of: row))))
    let answer = try untaggedAnswer(of: row)
    var choices: [String]?
    if let cell = row["choices"], !cell.isMissing {
      guard let text = cell.stringValue, case .array(let items)? = PythonLiteral.parse(text),
        items.allSatisfy({ $0.cellText != nil })
      else { throw RowProblem(message: "\"choices\" must be a list literal of strings") }
      choices = items.compactMap(\.cellText)
    }
    let questionType: String
    if let given = row["question_type"]?.stringValue {
      questionType = given
    } else {
      questionType = (choices?.isEmpty ?? true) ? "free_form" : "multi_choice"
    }
    fields.append(("question_type", .string(questionType)))
    if questionType == "multi_choice" {
      guard let choices, !choices.isEmpty else { throw RowProblem(message: "a multi_choice row needs \"choices\"") }
      let option = row["answer_option"].flatMap { $0.isMissing ? nil : $0.cellText } ?? answer
      let scalars = Array(option.unicodeScalars)
      guard scalars.count == 1, ("A"..."Z").contains(scalars[0]), Int(scalars[0].value - 65) < choices.count else {
        throw RowProblem(message: "answer option \"\(option)\" names none of the \(choices.count) choices")
      }
      let text = choices[Int(scalars[0].value - 65)]
      guard answer == option || answer == text else {
        throw RowProblem(message: "answer \"\(answer)\" disagrees with answer_option \"\(option)\"")
      }
      fields.append(("answer", .string(text)))
      fields.append(("answer_option", .string(option)))
    } else {
      fields.append(("answer", .string(answer)))
    }
    fields += otherFields(row, excluding: Set(fields.map(\.0)).union([imageField]))
    fields.append((imageField, image))
    return fields
  }

  /// OneThinker grounding (RefCOCO, RefCOCO+, RefCOCOg): the `<answer>{"boxes": …}</answer>` answer is the
  /// `solution`, verbatim.
  static func groundingRecord(
    _ row: [String: JSONValue], idField: String?, imageField: String, image: JSONValue
  ) throws(RowProblem) -> [(String, JSONValue)] {
    var fields = idFields(row, idField: idField)
    fields.append(("problem", .string(try question(of: row))))
    fields.append(("problem_type", .string("spatial grounding")))
    fields.append(("data_type", .string("image")))
    fields.append((imageField, image))
    guard let solution = (row["solution"] ?? row["answer"])?.stringValue else {
      throw RowProblem(message: "missing \"answer\" (<answer>{\"boxes\": [x1, y1, x2, y2]}</answer>)")
    }
    fields.append(("solution", .string(solution)))
    return fields
  }

  /// The id field first: the row's own value, else its `problem_id`.
  private static func idFields(_ row: [String: JSONValue], idField: String?) -> [(String, JSONValue)] {
    guard let idField else { return [] }
    if let value = row[idField], !value.isMissing { return [(idField, value)] }
    if let value = row["problem_id"], !value.isMissing { return [(idField, value)] }
    return []
  }

  /// The remaining non-training fields, sorted by name, NaN written as `null`.
  private static func otherFields(_ row: [String: JSONValue], excluding: Set<String>) -> [(String, JSONValue)] {
    row.keys.sorted().filter { !excluding.contains($0) && !trainingFields.contains($0) }.map { key in
      let value = row[key]!
      return (key, value.isMissing ? .null : value)
    }
  }

  /// The question text: the VLMEvalKit `question` when present, else `problem_reserved_text`, else `problem`
  /// without its `<image>` tokens, stripped.
  static func question(of row: [String: JSONValue]) throws(RowProblem) -> String {
    if let text = row["question"]?.stringValue { return text }
    if let text = row["problem_reserved_text"]?.stringValue { return text }
    if let text = row["problem"]?.stringValue {
      return PythonString.strip(text.replacingOccurrences(of: "<image>", with: ""))
    }
    throw RowProblem(message: "missing \"problem\"")
  }

  /// The answer inside `<answer>…</answer>` (the first such block), stripped; the whole answer when untagged.
  static func untaggedAnswer(of row: [String: JSONValue]) throws(RowProblem) -> String {
    guard let value = row["answer"], !value.isMissing, let answer = value.cellText else {
      throw RowProblem(message: "missing \"answer\"")
    }
    guard let open = answer.scalarRange(of: "<answer>"),
      let close = answer.scalarRange(of: "</answer>", from: open.upperBound)
    else { return PythonString.strip(answer) }
    return PythonString.strip(answer.scalarSlice(open.upperBound..<close.lowerBound))
  }

  /// The option texts of `options` by letter: `"A. text"` and `"A) text"` lose their prefix; any other item keeps
  /// its text and takes the letter of its position.
  static func optionTexts(of row: [String: JSONValue]) throws(RowProblem) -> [(String, String)] {
    var items: [String] = []
    switch row["options"] {
    case nil, .null?: return []
    case .array(let values)?:
      for value in values {
        guard let text = value.cellText else { throw RowProblem(message: "\"options\" must list strings") }
        items.append(text)
      }
    case .string(let text)?:
      guard let list = VLMEvalKitImporter.listOrString(text), text.hasPrefix("[") else {
        throw RowProblem(message: "\"options\" must be a list of strings")
      }
      items = list
    case let other?:
      if other.isMissing { return [] }
      throw RowProblem(message: "\"options\" must be a list of strings, not \(other.typeName)")
    }
    guard items.count <= 26 else { throw RowProblem(message: "more than 26 options") }
    return items.enumerated().map { position, item in
      let letter = UnicodeScalar(UInt8(65 + position))
      let scalars = item.unicodeScalars
      if scalars.count >= 2, scalars.first == letter,
        [".", ")"].contains(scalars[scalars.index(after: scalars.startIndex)])
      {
        let rest = scalars.dropFirst(2).drop { $0 == " " }
        return (String(letter), String(String.UnicodeScalarView(rest)))
      }
      return (String(letter), item)
    }
  }
}
