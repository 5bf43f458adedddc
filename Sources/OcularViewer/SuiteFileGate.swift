import Foundation
import OcularCore

/// Serves image files from one suite folder only: a relative path whose real location, symlinks resolved, stays
/// inside the folder's real path, and whose content is an image.
struct SuiteFileGate: Sendable {
  /// The most bytes an image may have to be served.
  static let maximumSize = 256 << 20

  /// An image file ready to send.
  struct ImageFile: Sendable {
    /// The bytes.
    var bytes: Data
    /// The MIME type read from the image's header.
    var contentType: String
  }

  /// The suite folder's real path.
  let folder: String

  /// Creates a gate over a folder, resolving it to its real path; nil when the folder does not exist.
  init?(folder: String) {
    guard let real = Self.realPath(folder) else { return nil }
    self.folder = real
  }

  /// Reads the image at a path relative to the folder, refusing anything that is not plainly inside it.
  func image(at relative: String) throws(ViewerAPIError) -> ImageFile {
    guard !relative.isEmpty else { throw .badRequest("the query needs a path=… relative to the suite folder") }
    guard !relative.hasPrefix("/") else {
      throw .badRequest("absolute paths are refused; give a path inside the suite")
    }
    guard !relative.contains("\0") else { throw .badRequest("the path holds a NUL byte") }
    let components = relative.split(separator: "/", omittingEmptySubsequences: false)
    guard !components.contains(where: { $0 == ".." }) else {
      throw .badRequest("paths with `..` are refused; give a path inside the suite")
    }
    let joined = folder + "/" + relative
    guard let real = Self.realPath(joined) else { throw .notFound("no file \(relative) in the suite folder") }
    guard real.hasPrefix(folder + "/") else {
      throw .forbidden("\(relative) resolves outside the suite folder; only files inside it are served")
    }
    var status = stat()
    guard stat(real, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
      throw .notFound("\(relative) is not a regular file")
    }
    guard Int(status.st_size) <= Self.maximumSize else { throw .forbidden("\(relative) is too large to serve") }
    guard let bytes = FileManager.default.contents(atPath: real) else {
      throw .notFound("\(relative) cannot be read")
    }
    guard let header = try? ImageHeader.read(Array(bytes.prefix(65_536)), fileSize: bytes.count) else {
      throw .forbidden("\(relative) is not an image; only images are served")
    }
    return ImageFile(bytes: bytes, contentType: header.format.mimeType)
  }

  /// The canonical absolute path of an existing file or folder, symlinks resolved (`realpath(3)`).
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
