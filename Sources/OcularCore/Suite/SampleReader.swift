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
  private var filePath: ResolvedPath?
  private var lines: LineReader?
  private var seenIDs: Set<String> = []
  private var hasher = SHA256()
  private var imageCache: [String: SampleImage] = [:]
  private var directories: [String: String] = [:]
  private let imageRoot: String
  private let folderPrefix: String
  private var replayed: ImageLedger?
  private var replayIndex = 0
  /// What this reader learnt about every image it read, in order; a later reader of the same suite can replay it.
  public private(set) var ledger = ImageLedger()

  /// Opens a suite for reading.
  ///
  /// - Parameters:
  ///   - isHashingImages: Whether image bytes are read whole and hashed (for the suite's content hash).
  ///   - ledger: The ``ledger`` of an earlier, complete read of the same suite: its images are then taken from it
  ///     instead of being opened again. A ledger that does not fit (the suite changed) is ignored from that point.
  public init(suite: Suite, isHashingImages: Bool = false, replaying ledger: ImageLedger? = nil) {
    self.suite = suite
    self.isHashingImages = isHashingImages
    self.replayed = ledger
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
      if lines == nil {
        let path = try resolve(entry.path, field: "files", location: nil)
        lines = try LineReader(path: path.absolute)
        filePath = path
      }
      let path = filePath!
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
      if let image = replay(joined, relative: relative) {
        images.append(image)
        continue
      }
      let path = try resolve(joined, field: field, location: location)
      var image: SampleImage
      if let cached = imageCache[path.absolute] {
        image = cached
        image.relativePath = relative
      } else {
        image = try readImage(relative: relative, path: path, location: location)
        if imageCache.count >= 4096 { imageCache.removeAll(keepingCapacity: true) }
        imageCache[path.absolute] = image
      }
      if let hash = image.sha256 { hasher.update(data: Data(hash.utf8)) }
      if replayed == nil {
        ledger.record(image, joinedPath: joined, isDirect: path.isDirect)
      }
      images.append(image)
    }
    return images
  }

  /// The next image of the replayed ledger, if it is the one named; otherwise stops replaying.
  private mutating func replay(_ joined: String, relative: String) -> SampleImage? {
    guard let ledger = replayed else { return nil }
    guard replayIndex < ledger.entries.count, ledger.entries[replayIndex].joinedPath == joined,
      let absolute = ledger.entries[replayIndex].absolutePath ?? directPath(of: joined)
    else {
      replayed = nil
      return nil
    }
    let entry = ledger.entries[replayIndex]
    replayIndex += 1
    return SampleImage(
      relativePath: relative, absolutePath: absolute, format: entry.format, width: Int(entry.width),
      height: Int(entry.height), sha256: nil)
  }

  /// The absolute path of a file named relative to the suite folder when no symlink is involved in its last part:
  /// its folder's real path (looked up once per folder) joined with its name.
  private mutating func directPath(of joined: String) -> String? {
    let slash = joined.lastIndex(of: "/")
    let folderPart = slash.map { String(joined[..<$0]) } ?? ""
    let name = slash.map { String(joined[joined.index(after: $0)...]) } ?? joined
    guard !name.isEmpty, name != ".", name != ".." else { return nil }
    if let real = directories[folderPart] { return real.isEmpty ? nil : real + "/" + name }
    let absolute = folderPart.isEmpty ? suite.folder : (suite.folder as NSString).appendingPathComponent(folderPart)
    var real = ""
    if let resolved = realpath(absolute, nil) {
      real = String(cString: resolved)
      free(resolved)
    }
    if directories.count >= 4096 { directories.removeAll(keepingCapacity: true) }
    directories[folderPart] = real
    return real.isEmpty ? nil : real + "/" + name
  }

  private func readImage(relative: String, path: ResolvedPath, location: SourceLocation) throws(CoreError)
    -> SampleImage
  {
    func fail(_ message: String) -> CoreError {
      .invalidInput(path: location.path, line: location.line, message: "image \"\(relative)\": \(message)")
    }
    // O_NONBLOCK: a FIFO named as an image must not block the open; its kind is refused just below.
    let descriptor = open(path.absolute, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw fail(errno == ENOENT ? "no such file" : "cannot be opened for reading") }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw fail("cannot be read") }
    switch status.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw fail("a directory, not an image file")
    default: throw fail("not a regular file")
    }
    let size = Int(status.st_size)
    let bytes: [UInt8]
    let tail: [UInt8]
    var digest: String?
    if isHashingImages || size <= 1 << 16 {
      bytes = Self.read(descriptor, from: 0, count: size)
      tail = Array(bytes.suffix(32))
      if isHashingImages { digest = hexString(SHA256.hash(data: bytes)) }
    } else {
      bytes = Self.read(descriptor, from: 0, count: 1 << 16)
      tail = Self.read(descriptor, from: size - 32, count: 32)
    }
    var header: ImageHeader
    do {
      header = try ImageHeader.read(bytes, fileSize: size, tail: tail)
    } catch .truncated(.jpeg) where bytes.count < size {
      // A large metadata segment pushed the frame header past the first 64 KiB.
      let all = Self.read(descriptor, from: 0, count: size)
      do { header = try ImageHeader.read(all, fileSize: size, tail: tail) } catch { throw fail(error.description) }
    } catch {
      throw fail(error.description)
    }
    return SampleImage(
      relativePath: relative, absolutePath: path.absolute, format: header.format, width: header.width,
      height: header.height, sha256: digest)
  }

  /// Up to `count` bytes of a file from an offset (fewer if the file is shorter).
  private static func read(_ descriptor: Int32, from offset: Int, count: Int) -> [UInt8] {
    guard count > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      initialized = 0
      while initialized < count {
        let got = pread(descriptor, buffer.baseAddress! + initialized, count - initialized, off_t(offset + initialized))
        if got > 0 {
          initialized += got
        } else if got < 0 && errno == EINTR {
          continue
        } else {
          break
        }
      }
    }
  }

  private struct ResolvedPath {
    var absolute: String
    var display: String
    /// Whether `absolute` is the folder's cached real path joined with the name (no symlink in the last part).
    var isDirect = false
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
  private mutating func resolve(_ relative: String, field: String, location: SourceLocation?) throws(CoreError)
    -> ResolvedPath
  {
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
    // Fast path: the folder's real path is cached, and a name that is not a symlink needs one lstat.
    if let direct = directPath(of: relative), direct.hasPrefix(folderPrefix) {
      var status = stat()
      if lstat(direct, &status) == 0, status.st_mode & S_IFMT != S_IFLNK {
        return ResolvedPath(absolute: direct, display: display, isDirect: true)
      }
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

/// The images a complete read of a suite found, in reading order: enough to rebuild each ``SampleImage`` without
/// opening the file again (the evaluation pass after the validation pass).
public struct ImageLedger: Sendable {
  /// One image occurrence.
  struct Entry: Sendable {
    /// The path as joined to the image root, relative to the suite folder.
    var joinedPath: String
    /// The absolute path when it is not the folder's real path joined with the name (a symlinked file).
    var absolutePath: String?
    var format: ImageFormat
    var width: Int32
    var height: Int32
  }

  /// The images, in reading order.
  var entries: [Entry] = []

  /// Creates an empty ledger.
  public init() {}

  mutating func record(_ image: SampleImage, joinedPath: String, isDirect: Bool) {
    entries.append(
      Entry(
        joinedPath: joinedPath, absolutePath: isDirect ? nil : image.absolutePath, format: image.format,
        width: Int32(clamping: image.width), height: Int32(clamping: image.height)))
  }
}
