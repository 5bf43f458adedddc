import Foundation

/// A record line of a sample file, as read, before any check.
struct RawLine {
  /// The line's bytes, without its line end.
  var bytes: ArraySlice<UInt8>
  /// The sample file the line belongs to.
  var entry: SampleFileEntry
  /// Where the line is, for messages.
  var location: SourceLocation
}

/// A record line after the checks that need no other line: what ``SampleReader`` still has to do in reading order.
struct CheckedLine {
  /// The sample id, once it was established (the duplicate check comes right after it, in reading order).
  var id: String?
  /// The sample, when every check passed.
  var sample: Sample?
  /// The first check that failed.
  var failure: CoreError?
  /// For each image of the sample: whether its absolute path is direct (its folder's real path and its name).
  var isImageDirect: [Bool] = []
}

/// Checks record lines one at a time: JSON, id, images, auxiliary files, the benchmark's own validation and the
/// prompt template's fields.
///
/// A checker keeps caches (folders' real paths, recently read images) and nothing else, so several checkers can check
/// lines of one suite on several threads while the reader keeps what needs reading order (hashing, duplicate ids).
struct RecordChecker {
  let suite: Suite
  let isHashingImages: Bool
  private let imageRoot: String
  private let folderPrefix: String
  /// Whether the image root joins a name by a plain `root/name` (no slash to drop or collapse).
  private let isImageRootPlain: Bool
  private var imageCache: [String: SampleImage] = [:]
  /// The most images the cache holds before it starts afresh.
  private let imageCacheLimit: Int
  private var directories: [String: String] = [:]

  /// Creates a checker whose cache keeps up to `imageCacheLimit` recently read images (an image several records
  /// name is read once while it stays there).
  init(suite: Suite, isHashingImages: Bool, imageCacheLimit: Int = 4096) {
    self.suite = suite
    self.isHashingImages = isHashingImages
    self.imageCacheLimit = max(imageCacheLimit, 1)
    self.imageRoot = suite.manifest.imageRoot ?? ""
    self.folderPrefix = suite.folder.hasSuffix("/") ? suite.folder : suite.folder + "/"
    self.isImageRootPlain =
      !imageRoot.isEmpty && (imageRoot as NSString).appendingPathComponent("x") == imageRoot + "/x"
  }

  /// Runs every check of one line, in the order the reader reports failures.
  mutating func check(_ line: RawLine) -> CheckedLine {
    var checked = CheckedLine()
    let location = line.location
    func fail(_ message: String) -> CoreError {
      .invalidInput(path: location.path, line: location.line, message: message)
    }
    do throws(CoreError) {
      guard let text = String(validating: line.bytes, as: UTF8.self) else { throw fail("invalid UTF-8") }
      let record = try parse(text, location: location)
      let (id, split) = try identity(of: record, entry: line.entry, location: location)
      checked.id = id
      var images: [SampleImage] = []
      for relative in try imagePaths(of: record, location: location) {
        try checkRelative(relative, field: suite.manifest.imageField, location: location)
        let joined = joinedToImageRoot(relative)
        // The direct path is taken unverified: opening it refuses a symlink (O_NOFOLLOW), which saves an lstat; any
        // failure is redone the careful way, for its exact message.
        var path = try resolve(joined, field: suite.manifest.imageField, location: location, isVerifyingLink: false)
        var image: SampleImage
        if let cached = imageCache[path.absolute] {
          image = cached
          image.relativePath = relative
        } else {
          do {
            image = try readImage(relative: relative, path: path, location: location)
          } catch  where path.isUnverified {
            path = try resolve(joined, field: suite.manifest.imageField, location: location)
            image = try readImage(relative: relative, path: path, location: location)
          }
          if imageCache.count >= imageCacheLimit { imageCache.removeAll(keepingCapacity: true) }
          imageCache[path.absolute] = image
        }
        checked.isImageDirect.append(path.isDirect)
        images.append(image)
      }
      var sample = Sample(id: id, split: split, record: record, images: images, location: location)
      try addAuxiliaryFiles(to: &sample)
      if let problem = suite.benchmark.validate(sample) { throw fail(problem) }
      let variables = suite.benchmark.promptVariables(for: sample)
      for name in suite.template.placeholders where variables[name] == nil && record[name] == nil {
        throw fail("prompt_template names field \"\(name)\", which the record lacks")
      }
      checked.sample = sample
    } catch {
      checked.failure = error
    }
    return checked
  }

  /// The record of a line's text: a JSON object.
  func parse(_ text: String, location: SourceLocation) throws(CoreError) -> [String: JSONValue] {
    guard let value = JSONValue.parse(text) else {
      throw .invalidInput(path: location.path, line: location.line, message: "invalid JSON")
    }
    guard case .object(let record) = value else {
      throw .invalidInput(
        path: location.path, line: location.line, message: "a sample must be a JSON object, not \(value.typeName)")
    }
    return record
  }

  /// A record's sample id (prefixed with its file's split) and split.
  func identity(of record: [String: JSONValue], entry: SampleFileEntry, location: SourceLocation) throws(CoreError)
    -> (id: String, split: String?)
  {
    func fail(_ message: String) -> CoreError {
      .invalidInput(path: location.path, line: location.line, message: message)
    }
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
    return (id, split)
  }

  /// The image paths a record names, as written (relative to the image root).
  func imagePaths(of record: [String: JSONValue], location: SourceLocation) throws(CoreError) -> [String] {
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
    return paths
  }

  /// A record's path joined to the suite's image root.
  func joinedToImageRoot(_ relative: String) -> String {
    if imageRoot.isEmpty { return relative }
    // The common case needs no Foundation path handling: a plain root and a plain name, no slash doubled or trailing.
    if isImageRootPlain, let first = relative.utf8.first, first != UInt8(ascii: "/"),
      relative.utf8.last != UInt8(ascii: "/")
    {
      return imageRoot + "/" + relative
    }
    return (imageRoot as NSString).appendingPathComponent(relative)
  }

  /// Whether a relative path has a `..` component.
  static func hasParentComponent(_ path: String) -> Bool {
    var dots = 0
    var isComponentDots = true
    for byte in path.utf8 {
      if byte == UInt8(ascii: "/") {
        if isComponentDots && dots == 2 { return true }
        dots = 0
        isComponentDots = true
      } else if byte == UInt8(ascii: ".") {
        dots += 1
      } else {
        isComponentDots = false
      }
    }
    return isComponentDots && dots == 2
  }

  /// Resolves the extra files the benchmark reads (RefSpatial's masks) into the sample.
  mutating func addAuxiliaryFiles(to sample: inout Sample) throws(CoreError) {
    let location = sample.location
    for field in suite.benchmark.auxiliaryFileFields {
      guard let relative = sample.record[field]?.stringValue else {
        throw .invalidInput(
          path: location.path, line: location.line, message: "missing field \"\(field)\" (a path)")
      }
      try checkRelative(relative, field: field, location: location)
      sample.auxiliaryFiles[field] = try resolve(joinedToImageRoot(relative), field: field, location: location).absolute
    }
  }

  /// The absolute path of a file named relative to the suite folder when no symlink is involved in its last part:
  /// its folder's real path (looked up once per folder) joined with its name.
  mutating func directPath(of joined: String) -> String? {
    let bytes = joined.utf8
    let slash = bytes.lastIndex(of: UInt8(ascii: "/"))
    let folderPart = slash.map { String(joined[..<$0]) } ?? ""
    let name = slash.map { String(joined[bytes.index(after: $0)...]) } ?? joined
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

  func readImage(relative: String, path: ResolvedPath, location: SourceLocation) throws(CoreError) -> SampleImage {
    func fail(_ message: String) -> CoreError {
      .invalidInput(path: location.path, line: location.line, message: "image \"\(relative)\": \(message)")
    }
    // O_NONBLOCK: a FIFO named as an image must not block the open; its kind is refused just below.
    let descriptor = open(path.absolute, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (path.isUnverified ? O_NOFOLLOW : 0))
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
    if size <= 1 << 16 || (isHashingImages && size <= Self.hashChunkBytes) {
      bytes = Self.read(descriptor, from: 0, count: size)
      tail = Array(bytes.suffix(32))
      if isHashingImages { digest = bytes.withUnsafeBytes { Digest.sha256Hex($0) } }
    } else {
      bytes = Self.read(descriptor, from: 0, count: 1 << 16)
      tail = Self.read(descriptor, from: size - 32, count: 32)
      if isHashingImages {
        // Hashed a chunk at a time, so that a checking thread holds at most a chunk of a large image.
        digest = Self.streamedSHA256Hex(descriptor, size: size)
        guard digest != nil else { throw fail("cannot be read") }
      }
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

  /// The most bytes of an image held at once while hashing it; smaller images are read whole.
  static let hashChunkBytes = 1 << 20

  /// The SHA-256 in hex of a file's first `size` bytes, read a chunk at a time; nil if the file ends early or a read
  /// fails (it changed or vanished while being read).
  static func streamedSHA256Hex(_ descriptor: Int32, size: Int) -> String? {
    let digest = Digest(.sha256)
    var buffer = [UInt8](repeating: 0, count: hashChunkBytes)
    var offset = 0
    while offset < size {
      let wanted = min(hashChunkBytes, size - offset)
      let complete = buffer.withUnsafeMutableBytes { chunk in
        let part = UnsafeMutableRawBufferPointer(rebasing: chunk[..<wanted])
        guard fill(part, from: descriptor, at: offset) == wanted else { return false }
        digest.update(UnsafeRawBufferPointer(part))
        return true
      }
      guard complete else { return nil }
      offset += wanted
    }
    return hexString(digest.finalized())
  }

  /// Up to `count` bytes of a file from an offset (fewer if the file is shorter).
  private static func read(_ descriptor: Int32, from offset: Int, count: Int) -> [UInt8] {
    guard count > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      initialized = fill(UnsafeMutableRawBufferPointer(buffer), from: descriptor, at: offset)
    }
  }

  /// Reads from an offset of a file until `buffer` is full or the file ends; returns the bytes read.
  private static func fill(_ buffer: UnsafeMutableRawBufferPointer, from descriptor: Int32, at offset: Int) -> Int {
    var filled = 0
    while filled < buffer.count {
      let got = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled))
      if got > 0 {
        filled += got
      } else if got < 0 && errno == EINTR {
        continue
      } else {
        break
      }
    }
    return filled
  }

  /// A path inside the suite folder, resolved.
  struct ResolvedPath {
    var absolute: String
    /// The suite folder as shown to the user, and the path relative to it: ``display`` is made only when needed.
    var displayFolder: String
    var relative: String
    /// The path as shown to the user.
    var display: String { (displayFolder as NSString).appendingPathComponent(relative) }
    /// Whether `absolute` is the folder's cached real path joined with the name (no symlink in the last part).
    var isDirect = false
    /// Whether the last part was not checked for a symlink: the opener must refuse one (`O_NOFOLLOW`).
    var isUnverified = false
  }

  /// Refuses an empty or absolute path before it is joined to the image root.
  func checkRelative(_ relative: String, field: String, location: SourceLocation) throws(CoreError) {
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
  ///
  /// - Parameter isVerifyingLink: Whether a path inside a known folder is checked for being a symlink (`lstat`); when
  ///   not, the result says so and whoever opens it must refuse a symlink.
  mutating func resolve(
    _ relative: String, field: String, location: SourceLocation?, isVerifyingLink: Bool = true
  ) throws(CoreError) -> ResolvedPath {
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
    guard !Self.hasParentComponent(relative) else {
      throw fail("path \"\(Self.shown(relative))\" contains \"..\"; paths must stay inside the suite folder")
    }
    // Fast path: the folder's real path is cached, and a name that is not a symlink needs one lstat.
    if let direct = directPath(of: relative), direct.hasPrefix(folderPrefix) {
      if !isVerifyingLink {
        return ResolvedPath(
          absolute: direct, displayFolder: suite.displayFolder, relative: relative, isDirect: true, isUnverified: true)
      }
      var status = stat()
      if lstat(direct, &status) == 0, status.st_mode & S_IFMT != S_IFLNK {
        return ResolvedPath(
          absolute: direct, displayFolder: suite.displayFolder, relative: relative, isDirect: true)
      }
    }
    let joined = (suite.folder as NSString).appendingPathComponent(relative)
    guard let real = realpath(joined, nil) else { throw fail("path \"\(Self.shown(relative))\": no such file") }
    defer { free(real) }
    let resolved = String(cString: real)
    guard resolved.hasPrefix(folderPrefix) else {
      throw fail("path \"\(Self.shown(relative))\" resolves outside the suite folder (symlink)")
    }
    return ResolvedPath(absolute: resolved, displayFolder: suite.displayFolder, relative: relative)
  }
}
