import Foundation

/// An error raised while importing full data into a suite's `data/` folder.
public enum ImportError: Error, CustomStringConvertible, Equatable, Sendable {
  /// Bad input at a place in the source file; `line` is 1-based, or nil for the file as a whole.
  case invalidSource(path: String, line: Int?, message: String)
  /// The target suite could not be opened, or the written data failed the suite's own checks.
  case suite(CoreError)
  /// The data folder exists and replacing it was not asked for.
  case dataFolderExists(path: String)
  /// A file operation failed.
  case io(path: String, reason: String)
  /// The source file's MD5 is none of VLMEvalKit's `DATASET_MD5` values for the benchmark.
  case checksumMismatch(path: String, md5: String, expected: [String])
  /// The importer has no mapping onto the target benchmark's schema.
  case unsupportedBenchmark(String, importer: String, supported: [String])
  /// An option is missing or contradicts another.
  case usage(String)

  public var description: String {
    switch self {
    case .invalidSource(let path, let line?, let message):
      return "\(path):\(line): \(message)"
    case .invalidSource(let path, nil, let message):
      return "\(path): \(message)"
    case .suite(let error):
      return error.description
    case .dataFolderExists(let path):
      return "\(path) already exists; pass --force to replace it"
    case .io(let path, let reason):
      return "\(path): \(reason)"
    case .checksumMismatch(let path, let md5, let expected):
      return "\(path): MD5 \(md5) is not VLMEvalKit's DATASET_MD5 (\(expected.joined(separator: ", ")))"
    case .unsupportedBenchmark(let id, let importer, let supported):
      return
        "ocular import \(importer) has no mapping for benchmark \"\(id)\" (supported: \(supported.joined(separator: ", ")))"
    case .usage(let message):
      return message
    }
  }
}

/// Where an import writes: a suite, found under a suites folder, and its data folder.
public struct ImportDestination: Sendable, Hashable {
  /// The suite id (the name of its folder under ``suitesFolder``).
  public var suite: String
  /// The folder holding one subfolder per suite; the suite's bundled `suite.json` is the manifest template.
  public var suitesFolder: String
  /// The data folder to write, or nil for `<suitesFolder>/<suite>/data`.
  public var dataFolderOverride: String?
  /// A Boolean value that indicates whether an existing data folder is replaced.
  public var isReplacing: Bool

  /// Creates a destination.
  public init(suite: String, suitesFolder: String = "benchmarks", dataFolder: String? = nil, isReplacing: Bool = false)
  {
    self.suite = suite
    self.suitesFolder = suitesFolder
    self.dataFolderOverride = dataFolder
    self.isReplacing = isReplacing
  }

  /// The suite's bundled folder.
  public var suiteFolder: String { (suitesFolder as NSString).appendingPathComponent(suite) }

  /// The data folder the import writes.
  public var dataFolder: String {
    dataFolderOverride ?? (suiteFolder as NSString).appendingPathComponent("data")
  }

  /// Opens the suite's bundled manifest, the template of the written one.
  func openTemplate() throws(ImportError) -> Suite {
    let manifest = (suiteFolder as NSString).appendingPathComponent(Suite.manifestFileName)
    guard FileManager.default.fileExists(atPath: manifest) else {
      throw .suite(.unknownSuite(suite, available: SuiteCatalog(root: suitesFolder).suiteFolders()))
    }
    do {
      return try Suite(exactFolder: suiteFolder)
    } catch {
      throw .suite(error)
    }
  }
}

/// What an import wrote.
public struct ImportSummary: Sendable, Hashable {
  /// The suite id.
  public var suite: String
  /// The benchmark id.
  public var benchmark: String
  /// The data folder written.
  public var dataFolder: String
  /// The number of samples written (and read back by the suite loader).
  public var samples: Int
  /// The number of image files written.
  public var images: Int
  /// The number of rows left out, by reason.
  public var skipped: [String: Int]
  /// Remarks worth printing (reused images, checksum matched, …).
  public var notes: [String]
}

/// Writes a suite's data folder in a staging folder beside it and renames it into place at the end, so a failed
/// import leaves nothing half-written and an existing data folder is replaced only on success.
final class SuiteDataWriter {
  /// The bundled suite whose manifest is the template.
  let template: Suite
  /// The destination.
  let destination: ImportDestination
  /// The staging folder, a hidden sibling of the data folder.
  let staging: String
  /// The staging folder's `images/`.
  let imagesFolder: String
  /// The folder images are written under, relative to the data folder.
  static let imageRoot = "images"
  /// The sample file's name.
  static let samplesFileName = "samples.jsonl"

  private let output: FileHandle
  private var buffer: [UInt8] = []
  private var origins: [Int] = []
  private var isFinished = false
  /// The number of image files written so far.
  private(set) var imageCount = 0
  /// The number of files copied because hard-linking them failed across file systems.
  private(set) var linkFallbacks = 0

  /// The number of records written so far.
  var recordCount: Int { origins.count }

  /// Checks the destination and creates the staging folder.
  init(template: Suite, destination: ImportDestination) throws(ImportError) {
    self.template = template
    self.destination = destination
    let fileManager = FileManager.default
    let target = destination.dataFolder
    let resolvedTarget = URL(fileURLWithPath: target).standardizedFileURL.resolvingSymlinksInPath().path
    guard !(template.folder + "/").hasPrefix(resolvedTarget + "/") else {
      throw .usage("refusing to write the data folder \(target) over the suite folder \(template.displayFolder)")
    }
    if fileManager.fileExists(atPath: target), !destination.isReplacing { throw .dataFolderExists(path: target) }
    let parent = (target as NSString).deletingLastPathComponent
    let name = (target as NSString).lastPathComponent
    do {
      try fileManager.createDirectory(atPath: parent.isEmpty ? "." : parent, withIntermediateDirectories: true)
    } catch {
      throw .io(path: parent, reason: "cannot create folder: \(error.localizedDescription)")
    }
    staging = ((parent.isEmpty ? "." : parent) as NSString)
      .appendingPathComponent(".\(name).importing-\(UUID().uuidString.prefix(8))")
    imagesFolder = (staging as NSString).appendingPathComponent(Self.imageRoot)
    do {
      try fileManager.createDirectory(atPath: imagesFolder, withIntermediateDirectories: true)
    } catch {
      throw .io(path: staging, reason: "cannot create folder: \(error.localizedDescription)")
    }
    let samples = (staging as NSString).appendingPathComponent(Self.samplesFileName)
    guard fileManager.createFile(atPath: samples, contents: nil), let handle = FileHandle(forWritingAtPath: samples)
    else {
      try? fileManager.removeItem(atPath: staging)
      throw .io(path: samples, reason: "cannot create file")
    }
    output = handle
  }

  deinit {
    if !isFinished { discard() }
  }

  /// Removes the staging folder.
  func discard() {
    isFinished = true
    try? output.close()
    try? FileManager.default.removeItem(atPath: staging)
  }

  /// Appends one record, its fields in order, remembering the source line it came from.
  func write(_ fields: [(String, JSONValue)], origin: Int) throws(ImportError) {
    JSONText.appendObject(fields, to: &buffer)
    buffer.append(0x0A)
    origins.append(origin)
    if buffer.count >= 1 << 20 { try flush() }
  }

  private func flush() throws(ImportError) {
    guard !buffer.isEmpty else { return }
    do {
      try output.write(contentsOf: buffer)
    } catch {
      throw .io(
        path: destination.dataFolder, reason: "cannot write \(Self.samplesFileName): \(error.localizedDescription)")
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Whether an image file of this relative name (under `images/`) exists already.
  func hasImage(named name: String) -> Bool {
    FileManager.default.fileExists(atPath: (imagesFolder as NSString).appendingPathComponent(name))
  }

  /// The bytes of an image written earlier.
  func imageBytes(named name: String) -> Data? {
    FileManager.default.contents(atPath: (imagesFolder as NSString).appendingPathComponent(name))
  }

  /// Writes an image file under `images/`.
  func writeImage(_ bytes: Data, named name: String) throws(ImportError) {
    let path = try prepareImagePath(name)
    guard FileManager.default.createFile(atPath: path, contents: bytes) else {
      throw .io(path: path, reason: "cannot write image file")
    }
    imageCount += 1
  }

  /// Copies (or hard-links) a file to a relative name under `images/`; a link across file systems falls back to a
  /// copy, counted in ``linkFallbacks``.
  func copyImage(from source: String, named name: String, isLinking: Bool) throws(ImportError) {
    let path = try prepareImagePath(name)
    if isLinking {
      if link(source, path) == 0 {
        imageCount += 1
        return
      }
      guard errno == EXDEV else {
        let reason = String(cString: strerror(errno))
        throw .io(path: source, reason: "cannot hard-link to \(path): \(reason)")
      }
      linkFallbacks += 1
    }
    do {
      try FileManager.default.copyItem(atPath: source, toPath: path)
    } catch {
      throw .io(path: source, reason: "cannot copy to \(path): \(error.localizedDescription)")
    }
    imageCount += 1
  }

  private func prepareImagePath(_ name: String) throws(ImportError) -> String {
    let path = (imagesFolder as NSString).appendingPathComponent(name)
    let folder = (path as NSString).deletingLastPathComponent
    if folder != imagesFolder {
      do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      } catch {
        throw .io(path: folder, reason: "cannot create folder: \(error.localizedDescription)")
      }
    }
    return path
  }

  /// Rewrites chosen lines of the sample file (1-based record numbers) once every record is written.
  func rewrite(records: [Int: (String) -> String]) throws(ImportError) {
    guard !records.isEmpty else { return }
    try flush()
    let samples = (staging as NSString).appendingPathComponent(Self.samplesFileName)
    let rewritten = samples + ".tmp"
    guard FileManager.default.createFile(atPath: rewritten, contents: nil),
      let handle = FileHandle(forWritingAtPath: rewritten)
    else {
      throw .io(path: rewritten, reason: "cannot create file")
    }
    defer { try? handle.close() }
    let lines: LineReader
    do {
      lines = try LineReader(path: samples)
    } catch {
      throw .suite(error)
    }
    var out: [UInt8] = []
    do {
      while let line = try lines.next() {
        if let change = records[lines.lineNumber] {
          out.append(contentsOf: change(String(decoding: line, as: UTF8.self)).utf8)
        } else {
          out.append(contentsOf: line)
        }
        out.append(0x0A)
        if out.count >= 1 << 20 {
          try handle.write(contentsOf: out)
          out.removeAll(keepingCapacity: true)
        }
      }
      try handle.write(contentsOf: out)
      try output.close()
    } catch {
      throw .io(path: samples, reason: "cannot rewrite: \(error)")
    }
    guard rename(rewritten, samples) == 0 else {
      throw .io(path: samples, reason: "cannot rewrite: \(String(cString: strerror(errno)))")
    }
  }

  /// Writes the manifest, reads the whole suite back with the loader and renames the staging folder into place.
  ///
  /// - Parameters:
  ///   - source: The manifest's `source` text.
  ///   - split: The split of the whole sample file, if any.
  ///   - sourcePath: The imported file, for messages about records the benchmark rejects.
  /// - Returns: The number of samples the loader read.
  func finish(source: String, split: String?, sourcePath: String) throws(ImportError) -> Int {
    try flush()
    try? output.close()
    guard recordCount > 0 else { throw .invalidSource(path: sourcePath, line: nil, message: "no rows to import") }
    var manifest = template.manifest
    manifest.files = [SampleFileEntry(path: Self.samplesFileName, split: split)]
    manifest.imageRoot = Self.imageRoot
    manifest.source = source
    if let title = manifest.title, title.hasSuffix(" (sample)") {
      manifest.title = String(title.dropLast(" (sample)".count))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let manifestPath = (staging as NSString).appendingPathComponent(Suite.manifestFileName)
    do {
      try (encoder.encode(manifest) + Data([0x0A])).write(to: URL(fileURLWithPath: manifestPath))
    } catch {
      throw .io(path: manifestPath, reason: "cannot write: \(error.localizedDescription)")
    }

    var count = 0
    do {
      let suite = try Suite(exactFolder: staging, isFullData: true)
      var reader = SampleReader(suite: suite)
      while try reader.next() != nil { count += 1 }
    } catch {
      throw translate(error, sourcePath: sourcePath)
    }

    let fileManager = FileManager.default
    let target = destination.dataFolder
    var replaced: String?
    if fileManager.fileExists(atPath: target) {
      guard destination.isReplacing else { throw .dataFolderExists(path: target) }
      let old =
        (target as NSString).deletingLastPathComponent
        + "/.\((target as NSString).lastPathComponent).replaced-\(UUID().uuidString.prefix(8))"
      guard rename(target, old) == 0 else {
        throw .io(path: target, reason: "cannot move aside: \(String(cString: strerror(errno)))")
      }
      replaced = old
    }
    guard rename(staging, target) == 0 else {
      let reason = String(cString: strerror(errno))
      if let replaced { _ = rename(replaced, target) }
      throw .io(path: target, reason: "cannot rename \(staging) into place: \(reason)")
    }
    isFinished = true
    if let replaced { try? fileManager.removeItem(atPath: replaced) }
    return count
  }

  /// Turns a loader error about the staged files into one about the source row, or about the final data folder.
  private func translate(_ error: CoreError, sourcePath: String) -> ImportError {
    let samples = (staging as NSString).appendingPathComponent(Self.samplesFileName)
    if case .invalidInput(let path, let line?, let message) = error, path == samples, line >= 1,
      line <= origins.count
    {
      return .invalidSource(path: sourcePath, line: origins[line - 1], message: message)
    }
    func relocate(_ path: String) -> String {
      path.hasPrefix(staging) ? destination.dataFolder + path.dropFirst(staging.count) : path
    }
    switch error {
    case .invalidInput(let path, let line, let message):
      return .suite(.invalidInput(path: relocate(path), line: line, message: message))
    case .unreadable(let path, let reason):
      return .suite(.unreadable(path: relocate(path), reason: reason))
    case .unknownBenchmark(let id, let path):
      return .suite(.unknownBenchmark(id, path: relocate(path)))
    case .unknownSuite, .noSuites, .unknownScoringProfile:
      return .suite(error)
    }
  }
}

/// Compact JSON text with fields in a chosen order, as the sample files are written (Python's `json.dumps`
/// separators, non-ASCII kept as UTF-8).
enum JSONText {
  /// Appends an object whose fields are written in the given order.
  static func appendObject(_ fields: [(String, JSONValue)], to out: inout [UInt8]) {
    out.append(UInt8(ascii: "{"))
    for (offset, field) in fields.enumerated() {
      if offset > 0 { out.append(contentsOf: [UInt8(ascii: ","), 0x20]) }
      appendString(field.0, to: &out)
      out.append(contentsOf: [UInt8(ascii: ":"), 0x20])
      append(field.1, to: &out)
    }
    out.append(UInt8(ascii: "}"))
  }

  /// Appends a value; nested objects get sorted keys, and non-finite numbers become `null`.
  static func append(_ value: JSONValue, to out: inout [UInt8]) {
    switch value {
    case .null: out.append(contentsOf: Array("null".utf8))
    case .bool(let flag): out.append(contentsOf: Array((flag ? "true" : "false").utf8))
    case .number(let number):
      if !number.isFinite {
        out.append(contentsOf: Array("null".utf8))
      } else if number.rounded() == number, abs(number) < 1e15 {
        out.append(contentsOf: Array(String(Int64(number)).utf8))
      } else {
        out.append(contentsOf: Array("\(number)".utf8))
      }
    case .string(let text): appendString(text, to: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (offset, item) in items.enumerated() {
        if offset > 0 { out.append(contentsOf: [UInt8(ascii: ","), 0x20]) }
        append(item, to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      appendObject(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: &out)
    }
  }

  /// Appends a string literal.
  static func appendString(_ text: String, to out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
      case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 0..<0x20:
        out.append(contentsOf: Array("\\u00".utf8))
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0x0F)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  /// A value as JSON text.
  static func text(_ value: JSONValue) -> String {
    var out: [UInt8] = []
    append(value, to: &out)
    return String(decoding: out, as: UTF8.self)
  }
}

/// Checks on relative file names taken from source data.
enum ImportPath {
  /// The name with leading `./` and `/` removed, or nil when it is empty or has a `..` or empty component.
  static func normalized(_ name: String) -> String? {
    var text = Substring(name)
    while true {
      if text.hasPrefix("./") {
        text = text.dropFirst(2)
      } else if text.hasPrefix("/") {
        text = text.dropFirst()
      } else {
        break
      }
    }
    let components = text.split(separator: "/", omittingEmptySubsequences: false)
    guard !components.isEmpty,
      components.allSatisfy({ !$0.isEmpty && $0 != ".." && $0 != "." && !$0.contains("\u{0}") })
    else { return nil }
    return components.joined(separator: "/")
  }

  /// The file extension Ocular writes for an image format.
  static func fileExtension(of format: ImageFormat) -> String {
    format == .jpeg ? "jpg" : format.rawValue
  }

  /// The name with its extension replaced by the one of the image's real format.
  static func name(_ name: String, withExtensionOf format: ImageFormat) -> String {
    let last = (name as NSString).lastPathComponent
    var stem = name
    if let dot = last.lastIndex(of: "."), dot != last.startIndex {
      stem = String(name.dropLast(last.distance(from: dot, to: last.endIndex)))
    }
    return stem + "." + fileExtension(of: format)
  }

  /// The header of an image held in memory.
  static func header(of bytes: Data) throws(ImageHeader.Failure) -> ImageHeader {
    let array = [UInt8](bytes)
    return try ImageHeader.read(array, fileSize: array.count, tail: Array(array.suffix(32)))
  }

  /// The header of an image file.
  static func header(ofFile path: String) throws(ImageHeader.Failure) -> ImageHeader {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw .empty }
    defer { try? handle.close() }
    let all = [UInt8]((try? handle.readToEnd()) ?? Data())
    return try ImageHeader.read(all, fileSize: all.count, tail: Array(all.suffix(32)))
  }
}
