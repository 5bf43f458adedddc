import Crypto
import Foundation

/// Streams the samples of a suite, checking every record and image as it goes.
///
/// Memory stays bounded by the longest line and the id set: records are read one at a time, and image files
/// are read only as far as their header unless hashing is asked for.
public struct SampleReader: ~Copyable {
  /// The suite being read.
  public let suite: Suite
  /// A Boolean value that indicates whether image bytes are hashed (for the suite's content hash).
  public let isHashingImages: Bool

  private var fileIndex = 0
  private var samplesInFile = 0
  private var lines: LineReader?
  private var seenIDs: Set<String> = []
  private var hasher = SHA256()
  private var imageCache: [String: SampleImage] = [:]
  private let imageRoot: String
  private let folderPrefix: String

  /// Opens a suite for reading.
  public init(suite: Suite, isHashingImages: Bool = false) {
    self.suite = suite
    self.isHashingImages = isHashingImages
    self.imageRoot = suite.manifest.imageRoot ?? ""
    self.folderPrefix = suite.folder.hasSuffix("/") ? suite.folder : suite.folder + "/"
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys  // Key order must not vary between runs, or the hash would.
    if let manifest = try? encoder.encode(suite.manifest) { hasher.update(data: manifest) }
  }

  /// The SHA-256 of the manifest, every record line and every image, in hex; meaningful after the last sample.
  public func contentHash() -> String {
    let digest = hasher.finalize()
    return hexString(digest)
  }

  /// Returns the next sample, or nil after the last one.
  public mutating func next() throws(CoreError) -> Sample? {
    while fileIndex < suite.manifest.files.count {
      let entry = suite.manifest.files[fileIndex]
      let path = try resolve(entry.path, field: "files", location: nil)
      if lines == nil { lines = try LineReader(path: path.absolute) }
      let line: ArraySlice<UInt8>?
      do {
        line = try lines!.next()
      } catch {
        guard case .tooLong(let number) = error else { throw .unreadable(path: path.display, reason: "\(error)") }
        throw .invalidInput(
          path: path.display, line: number, message: "line longer than \(LineReader.maximumLineLength >> 20) MiB")
      }
      guard let line else {
        if lines!.lineNumber == 0 {
          throw .invalidInput(path: path.display, line: nil, message: "empty sample file")
        }
        if samplesInFile == 0 {
          throw .invalidInput(path: path.display, line: nil, message: "no samples (only blank lines)")
        }
        lines = nil
        fileIndex += 1
        samplesInFile = 0
        continue
      }
      let number = lines!.lineNumber
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      hasher.update(data: Data(line))
      hasher.update(data: Data([0x0A]))
      samplesInFile += 1
      return try sample(from: line, entry: entry, location: SourceLocation(path: path.display, line: number))
    }
    return nil
  }

  private mutating func sample(
    from line: ArraySlice<UInt8>, entry: SampleFileEntry, location: SourceLocation
  ) throws(CoreError) -> Sample {
    func fail(_ message: String) -> CoreError {
      .invalidInput(path: location.path, line: location.line, message: message)
    }
    guard String(validating: line, as: UTF8.self) != nil else { throw fail("invalid UTF-8") }
    let value: JSONValue
    do {
      value = try JSONValue.parse(Data(line))
    } catch {
      throw fail("invalid JSON")
    }
    guard case .object(let record) = value else { throw fail("a sample must be a JSON object, not \(value.typeName)") }

    var id: String
    if let idField = suite.manifest.idField {
      guard let raw = record[idField] else { throw fail("missing field \"\(idField)\"") }
      switch raw {
      case .string(let text) where !text.isEmpty: id = text
      case .number(let number) where number.rounded() == number && abs(number) < 1e15: id = String(Int64(number))
      default: throw fail("field \"\(idField)\" must be a non-empty string or an integer, not \(raw.typeName)")
      }
    } else {
      id = String(location.line)
    }
    var split = entry.split
    if let splitField = suite.manifest.splitField, split == nil {
      guard let value = record[splitField]?.cellText else { throw fail("missing field \"\(splitField)\"") }
      split = value
    }
    if let fileSplit = entry.split { id = "\(fileSplit)/\(id)" }
    guard seenIDs.insert(id).inserted else { throw fail("duplicate sample id \"\(id)\"") }

    let images = try images(of: record, location: location)
    var sample = Sample(id: id, split: split, record: record, images: images, location: location)
    for field in suite.benchmark.auxiliaryFileFields {
      guard let relative = record[field]?.stringValue else { throw fail("missing field \"\(field)\" (a path)") }
      try checkRelative(relative, field: field, location: location)
      let joined = imageRoot.isEmpty ? relative : (imageRoot as NSString).appendingPathComponent(relative)
      sample.auxiliaryFiles[field] = try resolve(joined, field: field, location: location).absolute
    }
    if let problem = suite.benchmark.validate(sample) { throw fail(problem) }
    let variables = suite.benchmark.promptVariables(for: sample)
    for name in suite.template.placeholders where variables[name] == nil && record[name] == nil {
      throw fail("prompt_template names field \"\(name)\", which the record lacks")
    }
    return sample
  }

  private mutating func images(of record: [String: JSONValue], location: SourceLocation) throws(CoreError)
    -> [SampleImage]
  {
    let field = suite.manifest.imageField
    func fail(_ message: String) -> CoreError {
      .invalidInput(path: location.path, line: location.line, message: message)
    }
    let paths: [String]
    switch record[field] {
    case nil, .null?:
      throw fail("missing field \"\(field)\"")
    case .string(let text)?:
      if text.hasPrefix("["), case .array(let items)? = PythonLiteral.parse(text) {
        paths = try items.map { item throws(CoreError) in
          guard let path = item.stringValue else { throw fail("field \"\(field)\" must list strings") }
          return path
        }
      } else {
        paths = [text]
      }
    case .array(let items)?:
      paths = try items.map { item throws(CoreError) in
        guard let path = item.stringValue else { throw fail("field \"\(field)\" must list strings") }
        return path
      }
    case let other?:
      throw fail("field \"\(field)\" must be a path or a list of paths, not \(other.typeName)")
    }
    guard !paths.isEmpty else { throw fail("field \"\(field)\" names no image") }
    var images: [SampleImage] = []
    for relative in paths {
      try checkRelative(relative, field: field, location: location)
      let joined = imageRoot.isEmpty ? relative : (imageRoot as NSString).appendingPathComponent(relative)
      let path = try resolve(joined, field: field, location: location)
      if let cached = imageCache[path.absolute] {
        images.append(
          SampleImage(
            relativePath: relative, absolutePath: cached.absolutePath, format: cached.format, width: cached.width,
            height: cached.height, sha256: cached.sha256))
        if let hash = cached.sha256 { hasher.update(data: Data(hash.utf8)) }
        continue
      }
      let image = try readImage(relative: relative, path: path, location: location)
      if imageCache.count >= 4096 { imageCache.removeAll(keepingCapacity: true) }
      imageCache[path.absolute] = image
      if let hash = image.sha256 { hasher.update(data: Data(hash.utf8)) }
      images.append(image)
    }
    return images
  }

  private func readImage(relative: String, path: ResolvedPath, location: SourceLocation) throws(CoreError)
    -> SampleImage
  {
    func fail(_ message: String) -> CoreError {
      .invalidInput(path: location.path, line: location.line, message: "image \"\(relative)\": \(message)")
    }
    // A directory or a FIFO named as an image would fail late or block the open forever: check the kind first.
    var status = stat()
    guard stat(path.absolute, &status) == 0 else { throw fail("no such file") }
    switch status.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw fail("a directory, not an image file")
    default: throw fail("not a regular file")
    }
    guard let handle = FileHandle(forReadingAtPath: path.absolute) else { throw fail("cannot be opened for reading") }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
    try? handle.seek(toOffset: 0)
    let bytes: [UInt8]
    let tail: [UInt8]
    var digest: String?
    if isHashingImages || size <= 1 << 16 {
      let all = [UInt8]((try? handle.readToEnd()) ?? Data())
      bytes = all
      tail = Array(all.suffix(32))
      if isHashingImages { digest = hexString(SHA256.hash(data: all)) }
    } else {
      bytes = [UInt8]((try? handle.read(upToCount: 1 << 16)) ?? Data())
      try? handle.seek(toOffset: UInt64(size - 32))
      tail = [UInt8]((try? handle.readToEnd()) ?? Data())
    }
    var header: ImageHeader
    do {
      header = try ImageHeader.read(bytes, fileSize: size, tail: tail)
    } catch .truncated(.jpeg) where bytes.count < size {
      // A large metadata segment pushed the frame header past the first 64 KiB.
      let all = [UInt8](
        (try? {
          try handle.seek(toOffset: 0); return try handle.readToEnd()
        }()) ?? Data())
      do { header = try ImageHeader.read(all, fileSize: size, tail: tail) } catch { throw fail(error.description) }
    } catch {
      throw fail(error.description)
    }
    return SampleImage(
      relativePath: relative, absolutePath: path.absolute, format: header.format, width: header.width,
      height: header.height, sha256: digest)
  }

  private struct ResolvedPath {
    var absolute: String
    var display: String
  }

  /// Refuses an empty or absolute path before it is joined to the image root.
  private func checkRelative(_ relative: String, field: String, location: SourceLocation) throws(CoreError) {
    func fail(_ message: String) -> CoreError {
      .invalidInput(path: location.path, line: location.line, message: message)
    }
    guard !relative.isEmpty else { throw fail("field \"\(field)\" holds an empty path") }
    guard !relative.utf8.contains(0) else {
      // The C file APIs would stop at the NUL and open a different file than the one named.
      throw fail("path \"\(Self.shown(relative))\" holds a NUL character")
    }
    guard !relative.hasPrefix("/") else {
      throw fail("path \"\(Self.shown(relative))\" is absolute; paths must be relative to the suite folder")
    }
  }

  /// A path as error messages show it: control characters escaped, so a message stays on one line.
  static func shown(_ path: String) -> String {
    guard path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return path }
    var text = ""
    for scalar in path.unicodeScalars {
      if scalar.value < 0x20 || scalar.value == 0x7F {
        text +=
          "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
          + String(scalar.value, radix: 16)
      } else {
        text.unicodeScalars.append(scalar)
      }
    }
    return text
  }

  /// Resolves a path relative to the suite folder, refusing absolute paths, `..` and symlinks that escape.
  private func resolve(_ relative: String, field: String, location: SourceLocation?) throws(CoreError) -> ResolvedPath {
    let display = (suite.displayFolder as NSString).appendingPathComponent(relative)
    func fail(_ message: String) -> CoreError {
      if let location { return .invalidInput(path: location.path, line: location.line, message: message) }
      return .invalidInput(
        path: (suite.displayFolder as NSString).appendingPathComponent(Suite.manifestFileName), line: nil,
        message: message)
    }
    guard !relative.isEmpty else { throw fail("field \"\(field)\" holds an empty path") }
    guard !relative.hasPrefix("/") else {
      throw fail("path \"\(Self.shown(relative))\" is absolute; paths must be relative to the suite folder")
    }
    guard !relative.utf8.contains(0) else { throw fail("path \"\(Self.shown(relative))\" holds a NUL character") }
    guard !relative.split(separator: "/").contains("..") else {
      throw fail("path \"\(Self.shown(relative))\" contains \"..\"; paths must stay inside the suite folder")
    }
    let joined = (suite.folder as NSString).appendingPathComponent(relative)
    guard let real = realpath(joined, nil) else { throw fail("path \"\(Self.shown(relative))\": no such file") }
    defer { free(real) }
    let resolved = String(cString: real)
    guard resolved.hasPrefix(folderPrefix) else {
      throw fail("path \"\(Self.shown(relative))\" resolves outside the suite folder (symlink)")
    }
    return ResolvedPath(absolute: resolved, display: display)
  }
}

/// Lower-case hex of a digest's bytes.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var text: [UInt8] = []
  for byte in bytes {
    text.append(digits[Int(byte >> 4)])
    text.append(digits[Int(byte & 0x0F)])
  }
  return String(decoding: text, as: UTF8.self)
}
