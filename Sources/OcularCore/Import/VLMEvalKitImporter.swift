import CSV
import Foundation

/// Imports a VLMEvalKit TSV (`<KEY>.tsv`, benchmarks.md §2.4) into a suite's data folder, streaming row by row.
///
/// Column names are lower-cased except the single upper-case option letters; every cell is kept as raw text, and
/// the cells pandas reads as NaN (its default NA strings, the empty cell among them) become `null`. The `image`
/// column (base64, a list literal of base64 strings, or the `index` of another row whose image is reused) is
/// decoded and written once under `images/`, named by `image_path` (or `<index>.png`, `<index>_<i>.png`) with the
/// extension of the real format; the manifest's image field then names the written file(s).
///
/// A meta-only TSV (VLMEvalKit's `meta_only`: no `image` column) names its images by `image_path` instead, a path or
/// a list literal of paths, relative to (or, absolute, inside) the auxiliary folder; the files are copied or
/// hard-linked into `images/` under the same relative names. The extra files a benchmark reads (RefSpatial's
/// `mask_path`) are resolved the same way, whichever kind of TSV names them.
public struct VLMEvalKitImporter: Sendable {
  /// The TSV file.
  public var source: String
  /// Where the suite data goes.
  public var destination: ImportDestination
  /// A Boolean value that indicates whether the file's MD5 must be one of the benchmark's `DATASET_MD5` values.
  public var isCheckingMD5: Bool
  /// The folder the rows' file paths are relative to (a meta-only TSV's images, RefSpatial's masks); nil for the
  /// TSV's own folder.
  public var auxiliaryFolder: String?
  /// A Boolean value that indicates whether files from the auxiliary folder are hard-linked rather than copied (a
  /// file on another file system is copied, and the summary says so).
  public var isLinking: Bool

  /// The `pandas.read_csv` default NA strings: such a cell is NaN in the reference, so `null` here.
  public static let missingCells: Set<String> = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
    "NULL", "NaN", "None", "n/a", "nan", "null",
  ]

  /// A cell of at most this many characters in the `image` column is the index of another row.
  static let maximumReferenceLength = 64

  /// Creates an importer.
  public init(
    source: String, destination: ImportDestination, isCheckingMD5: Bool = false, auxiliaryFolder: String? = nil,
    isLinking: Bool = false
  ) {
    self.source = source
    self.destination = destination
    self.isCheckingMD5 = isCheckingMD5
    self.auxiliaryFolder = auxiliaryFolder
    self.isLinking = isLinking
  }

  /// The auxiliary folder used: the one given, else the TSV's folder.
  public var effectiveAuxiliaryFolder: String {
    if let auxiliaryFolder { return auxiliaryFolder }
    let folder = (source as NSString).deletingLastPathComponent
    return folder.isEmpty ? "." : folder
  }

  /// The column name VLMEvalKit uses: lower-cased, except a single upper-case letter A–Z.
  public static func columnName(_ header: String) -> String {
    let scalars = header.unicodeScalars
    if scalars.count == 1, let scalar = scalars.first, ("A"..."Z").contains(scalar) { return header }
    return PythonString.lower(header)
  }

  /// The MD5 of a file in lower-case hex, read in chunks.
  public static func md5(ofFile path: String) throws(ImportError) -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw .io(path: path, reason: "cannot read: no such file or not readable")
    }
    defer { try? handle.close() }
    let hasher = Digest(.md5)
    while true {
      let chunk: Data?
      do {
        chunk = try handle.read(upToCount: 1 << 22)
      } catch {
        throw .io(path: path, reason: "cannot read: \(error.localizedDescription)")
      }
      guard let chunk, !chunk.isEmpty else { break }
      hasher.update(chunk)
    }
    return hexString(hasher.finalized())
  }

  /// Imports the file; `progress` is called with the number of rows read every 1000 rows.
  public func run(progress: (Int) -> Void = { _ in }) throws(ImportError) -> ImportSummary {
    let template = try destination.openTemplate()
    let benchmark = template.benchmark
    guard FileManager.default.isReadableFile(atPath: source) else {
      throw .io(path: source, reason: "cannot read: no such file or not readable")
    }
    var notes: [String] = []
    var md5: String?
    if isCheckingMD5 {
      guard let known = DatasetChecksums.vlmevalkit[benchmark.id] else {
        throw .usage("no VLMEvalKit DATASET_MD5 is known for benchmark \(benchmark.id); drop --check-md5")
      }
      let digest = try Self.md5(ofFile: source)
      guard let match = known.first(where: { $0.md5 == digest }) else {
        throw .checksumMismatch(path: source, md5: digest, expected: known.map { "\($0.key) \($0.md5)" })
      }
      md5 = digest
      notes.append("MD5 \(digest) is DATASET_MD5 of \(match.key)")
    }
    let folder = try AuxiliaryFolder(path: effectiveAuxiliaryFolder)
    let writer = try SuiteDataWriter(template: template, destination: destination)
    var state = State(
      imageField: template.manifest.imageField, auxiliaryFields: benchmark.auxiliaryFileFields, folder: folder)
    try read(into: writer, state: &state, progress: progress)
    try state.resolvePending(writer: writer, source: source)

    if state.isMetaOnly {
      notes.append("meta-only TSV: images taken from \(folder.path) by image_path")
    }
    if writer.linkFallbacks > 0 {
      notes.append(
        "\(writer.linkFallbacks) file(s) were copied, not hard-linked: \(folder.path) is on another file system "
          + "than \(destination.dataFolder)")
    }
    if state.sharedImages > 0 {
      notes.append("\(state.sharedImages) image(s) reused by index reference or shared file name")
    }
    if state.conflictingNames > 0 {
      notes.append(
        "\(state.conflictingNames) row(s) named an image file already written with other bytes; the first file is "
          + "kept, as VLMEvalKit's dump_image does")
    }
    let name = (source as NSString).lastPathComponent
    let origin = "VLMEvalKit \(name)" + (md5.map { " (MD5 \($0))" } ?? "") + ", imported by ocular import vlmevalkit"
    let count = try writer.finish(source: origin, split: nil, sourcePath: source)
    return ImportSummary(
      suite: template.name, benchmark: benchmark.id, dataFolder: destination.dataFolder, samples: count,
      images: writer.imageCount, skipped: [:], notes: notes)
  }

  /// What the importer remembers across rows: the ids and the image files each row's id resolves to.
  private struct State {
    let imageField: String
    let auxiliaryFields: [String]
    /// The folder the rows' file paths are relative to.
    let folder: AuxiliaryFolder
    /// A Boolean value that indicates whether the TSV has no `image` column, so `image_path` names the files.
    var isMetaOnly = false
    /// The written image names of every row, by `index`; nil for a row whose image refers to another row.
    var imagesByIndex: [String: [String]?] = [:]
    /// Rows whose image refers to a row not yet read: record number → (source line, referenced index).
    var pending: [Int: (line: Int, index: String)] = [:]
    var sharedImages = 0
    var conflictingNames = 0

    init(imageField: String, auxiliaryFields: [String], folder: AuxiliaryFolder) {
      self.imageField = imageField
      self.auxiliaryFields = auxiliaryFields
      self.folder = folder
    }

    /// Fills the rows that referred to a later row, once every row is read.
    mutating func resolvePending(writer: SuiteDataWriter, source: String) throws(ImportError) {
      var changes: [Int: (String) -> String] = [:]
      for (record, reference) in pending {
        guard case .some(.some(let names)) = imagesByIndex[reference.index] else {
          throw .invalidSource(
            path: source, line: reference.line,
            message: "image \"\(reference.index)\" is neither base64 nor the index of a row with its own image")
        }
        sharedImages += names.count
        let replacement = JSONText.text(VLMEvalKitImporter.imageValue(names))
        let placeholder = JSONText.text(.string(VLMEvalKitImporter.pendingMarker))
        changes[record] = { line in line.replacingOccurrences(of: placeholder, with: replacement) }
      }
      try writer.rewrite(records: changes)
    }
  }

  /// The stand-in value of a row whose image refers to a later row, replaced once that row is read.
  static let pendingMarker = "\u{1}ocular-pending-image\u{1}"

  /// The image field's value: one name, or an array of names.
  static func imageValue(_ names: [String]) -> JSONValue {
    names.count == 1 ? .string(names[0]) : .array(names.map(JSONValue.string))
  }

  private func read(into writer: SuiteDataWriter, state: inout State, progress: (Int) -> Void) throws(ImportError) {
    guard let stream = InputStream(fileAtPath: source) else {
      throw .io(path: source, reason: "cannot read: no such file or not readable")
    }
    let reader: CSVReader
    do {
      reader = try CSVReader(stream: stream, hasHeaderRow: true, delimiter: "\t")
    } catch {
      throw .invalidSource(path: source, line: nil, message: "no header row (\(error))")
    }
    guard let header = reader.headerRow else {
      throw .invalidSource(path: source, line: nil, message: "no header row")
    }
    let columns = header.map(Self.columnName)
    var seen: Set<String> = []
    for column in columns where !seen.insert(column).inserted {
      throw .invalidSource(path: source, line: 1, message: "duplicate column \"\(column)\" (after lower-casing)")
    }
    guard let indexColumn = columns.firstIndex(of: "index") else {
      throw .invalidSource(path: source, line: 1, message: "no \"index\" column")
    }
    let imageColumn = columns.firstIndex(of: "image")
    let imagePathColumn = columns.firstIndex(of: "image_path")
    guard imageColumn != nil || imagePathColumn != nil else {
      throw .invalidSource(
        path: source, line: 1, message: "no \"image\" column (base64 images) or \"image_path\" column (meta-only)")
    }
    state.isMetaOnly = imageColumn == nil
    var line = 2 + header.reduce(0) { $0 + Self.newlines(in: $1) }
    var rows = 0
    while let row = reader.next() {
      let rowLine = line
      line += 1 + row.reduce(0) { $0 + Self.newlines(in: $1) }
      if row.count == 1, row[0].isEmpty { continue }
      func fail(_ message: String) -> ImportError {
        .invalidSource(path: source, line: rowLine, message: message)
      }
      guard row.count <= columns.count else {
        throw fail("\(row.count) cells, but the header names \(columns.count) columns")
      }
      let cells: [String?] = columns.indices.map { column in
        column < row.count && !Self.missingCells.contains(row[column]) ? row[column] : nil
      }
      guard let index = cells[indexColumn] else { throw fail("missing \"index\"") }
      guard state.imagesByIndex[index] == nil else { throw fail("duplicate index \"\(index)\"") }

      var imageValue: JSONValue
      if let imageColumn {
        guard let image = cells[imageColumn] else { throw fail("row \(index) has no image") }
        imageValue = try decodeImageCell(
          image, index: index, imagePath: imagePathColumn.flatMap { cells[$0] }, record: writer.recordCount + 1,
          line: rowLine, writer: writer, state: &state, fail: fail)
      } else {
        guard let paths = imagePathColumn.flatMap({ cells[$0] }) else { throw fail("row \(index) has no image_path") }
        let names = try copyFiles(
          paths, field: "image_path", isFirstOnly: false, folder: state.folder, writer: writer, fail: fail)
        state.imagesByIndex[index] = .some(names)
        imageValue = Self.imageValue(names)
      }

      var fields: [(String, JSONValue)] = []
      fields.reserveCapacity(columns.count)
      var hasImageField = false
      for (column, name) in columns.enumerated() where column != imageColumn {
        if name == state.imageField {
          fields.append((name, imageValue))
          hasImageField = true
        } else if name == "image_path" && state.isMetaOnly {
          fields.append((name, imageValue))
        } else if state.auxiliaryFields.contains(name) {
          guard let paths = cells[column] else { throw fail("missing \"\(name)\" (a path)") }
          let names = try copyFiles(
            paths, field: name, isFirstOnly: true, folder: state.folder, writer: writer, fail: fail)
          fields.append((name, .string(names[0])))
        } else {
          fields.append((name, cells[column].map(JSONValue.string) ?? .null))
        }
      }
      if !hasImageField { fields.append((state.imageField, imageValue)) }
      for field in state.auxiliaryFields where !fields.contains(where: { $0.0 == field }) {
        throw fail("missing \"\(field)\" (a path)")
      }
      try writer.write(fields, origin: rowLine)
      rows += 1
      if rows % 1000 == 0 { progress(rows) }
    }
    switch reader.error as? CSVError {
    case .unicodeDecoding?:
      throw .invalidSource(path: source, line: line, message: "invalid UTF-8")
    case .streamErrorHasOccurred(let error)?:
      throw .io(path: source, reason: "cannot read: \(error.localizedDescription)")
    default:
      // The reader reports `cannotReadFile` when it meets the end of a file stream; that is the normal end.
      break
    }
    progress(rows)
  }

  /// Decodes a base64 `image` cell (or resolves a reference to another row's image) and returns the image field's
  /// value; a reference to a row not read yet leaves a placeholder that ``State/resolvePending`` replaces.
  private func decodeImageCell(
    _ image: String, index: String, imagePath: String?, record: Int, line rowLine: Int, writer: SuiteDataWriter,
    state: inout State, fail: (String) -> ImportError
  ) throws(ImportError) -> JSONValue {
    var imageValue: JSONValue
    if image.utf8.count <= 4 * Self.maximumReferenceLength, PythonString.length(image) <= Self.maximumReferenceLength {
      switch state.imagesByIndex[image] {
      case .some(.some(let names)):
        imageValue = Self.imageValue(names)
        state.sharedImages += names.count
      case .some(.none):
        throw fail("image \"\(image)\" refers to row \(image), whose image is itself a reference")
      case .none:
        imageValue = .string(Self.pendingMarker)
        state.pending[record] = (rowLine, image)
      }
      state.imagesByIndex[index] = .some(nil)
    } else {
      let names = try writeImages(
        image, index: index, imagePath: imagePath, writer: writer, state: &state, fail: fail)
      state.imagesByIndex[index] = .some(names)
      imageValue = Self.imageValue(names)
    }
    return imageValue
  }

  /// Decodes a row's image cell and writes its files; returns their names under `images/`.
  private func writeImages(
    _ cell: String, index: String, imagePath: String?, writer: SuiteDataWriter, state: inout State,
    fail: (String) -> ImportError
  ) throws(ImportError) -> [String] {
    let images = Self.listOrString(cell)
    guard let images else { throw fail("image cell starts with \"[\" but is not a list of strings") }
    guard !images.isEmpty else { throw fail("image cell is an empty list") }
    var names: [String]
    if let imagePath {
      guard let paths = Self.listOrString(imagePath) else {
        throw fail("image_path starts with \"[\" but is not a list of strings")
      }
      guard paths.count == images.count else {
        throw fail("image_path names \(paths.count) file(s) for \(images.count) image(s)")
      }
      names = paths
    } else if images.count == 1 {
      names = ["\(index).png"]
    } else {
      names = images.indices.map { "\(index)_\($0).png" }
    }
    var written: [String] = []
    for (position, (base64, name)) in zip(images, names).enumerated() {
      let which = images.count == 1 ? "image" : "image \(position + 1)"
      guard let bytes = Data(base64Encoded: base64, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
        throw fail("\(which) of row \(index) is not valid base64")
      }
      let header: ImageHeader
      do {
        header = try ImportPath.header(of: bytes)
      } catch {
        throw fail("\(which) of row \(index): \(error)")
      }
      guard let relative = ImportPath.normalized(name) else {
        throw fail("image file name \"\(name)\" must be a relative path without \"..\"")
      }
      let final = ImportPath.name(relative, withExtensionOf: header.format)
      if writer.hasImage(named: final) {
        state.sharedImages += 1
        if writer.imageBytes(named: final) != bytes { state.conflictingNames += 1 }
      } else {
        try writer.writeImage(bytes, named: final)
      }
      written.append(final)
    }
    return written
  }

  /// Copies (or hard-links) the files a cell names (a path or a list literal of paths) from the auxiliary folder into
  /// `images/`, each once, after checking it is an image; returns their names there. With `isFirstOnly`, only the
  /// first path of a list is used, as RefSpatial's `_normalize_path` does for `mask_path`.
  private func copyFiles(
    _ cell: String, field: String, isFirstOnly: Bool, folder: AuxiliaryFolder, writer: SuiteDataWriter,
    fail: (String) -> ImportError
  ) throws(ImportError) -> [String] {
    guard var paths = Self.listOrString(cell) else {
      throw fail("\(field) starts with \"[\" but is not a list of strings")
    }
    guard !paths.isEmpty else { throw fail("\(field) is an empty list") }
    if isFirstOnly { paths = [paths[0]] }
    var names: [String] = []
    for path in paths {
      let file: AuxiliaryFolder.File
      switch folder.resolve(path, field: field) {
      case .success(let resolved): file = resolved
      case .failure(let failure): throw fail(failure.message)
      }
      if !writer.hasImage(named: file.name) {
        do {
          _ = try ImportPath.header(ofFile: file.realPath)
        } catch {
          throw fail("\(field) \"\(path)\": \(error)")
        }
        try writer.copyImage(from: file.realPath, named: file.name, isLinking: isLinking)
      }
      names.append(file.name)
    }
    return names
  }

  /// VLMEvalKit's `toliststr`: a cell starting with `[` and ending with `]` is a list literal, anything else one
  /// string; nil when the literal is not a list of strings.
  static func listOrString(_ cell: String) -> [String]? {
    guard cell.hasPrefix("["), cell.hasSuffix("]") else { return [cell] }
    guard case .array(let items)? = PythonLiteral.parse(cell) else { return nil }
    var strings: [String] = []
    for item in items {
      guard let text = item.cellText else { return nil }
      strings.append(text)
    }
    return strings
  }

  private static func newlines(in text: String) -> Int {
    var count = 0
    for byte in text.utf8 where byte == 0x0A { count += 1 }
    return count
  }
}

/// VLMEvalKit's `DATASET_MD5` values in ms-vlmeval 0.0.20 (benchmarks.md §4), by Ocular benchmark id.
public enum DatasetChecksums {
  /// The dataset keys and MD5s each benchmark accepts.
  public static let vlmevalkit: [String: [(key: String, md5: String)]] = [
    "mmmu": [("MMMU_DEV_VAL", "585e8ad75e73f75dcad265dfd0417d64")],
    "mmbench": [("MMBench_DEV_EN", "b6caf1133a01c6bb705cf753bb527ed8")],
    "mmstar": [("MMStar", "e1ecd2140806c1b1bbf54b43372efb9e")],
    "mathvista": [("MathVista_MINI", "f199b98e178e5a2a20e7048f5dcb0464")],
    "mathverse": [("MathVerse_MINI", "5017caca32b7fa110c350a1bea861b65")],
    "mathvision": [
      ("MathVision", "93f6de14f7916e598aa1b7165589831e"), ("MathVision_MINI", "060fe4fa5d868987ce179307bd5f8a33"),
    ],
    "ai2d": [("AI2D_TEST", "0f593e0d1c7df9a3d69bf1f947e71975")],
    "chartqa": [("ChartQA_TEST", "c902e0aa9be5582a7aad6dcf52734b42")],
    "charxiv": [("CharXiv_reasoning_val", "98eeff269b40726982627b19338ccd45")],
    "embspatial": [("EmbSpatialBench", "a836cfd8fbe84bb42928ecef1e62ad32")],
    "refspatial": [("RefSpatial", "d8c6d38bab73922aae4c19b027bbe4e5")],
    "robospatial": [("RoboSpatialHome", "e2d01075ce470bf8e06d3a16c8fa10bc")],
    "docvqa": [("DocVQA_VAL", "d5ee77e1926ff10690d469c56b73eabf")],
    "ocrbench": [("OCRBench", "e953d98a987cc6e26ef717b61260b778")],
    "infovqa": [("InfoVQA_VAL", "2342e9c225222f0ef4dec545ebb126fe")],
  ]
}
