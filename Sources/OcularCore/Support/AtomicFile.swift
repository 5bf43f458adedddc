import Foundation

/// Writes files whole or not at all: a reader never sees half a report, and a failed write leaves the old file.
///
/// Foundation's `.atomic` option is not used: on Linux it leaves an empty `TemporaryDirectory.*` folder in `/tmp`
/// behind on every write.
public enum AtomicFile {
  /// Writes bytes to a path through a temporary file in the same folder, flushed to disk, then renamed over it.
  public static func write(_ data: Data, to path: String) throws(CoreError) {
    let temporary = temporaryPath(for: path)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw .unreadable(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
    }
    var failure: Int32 = 0
    data.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = errno
          return
        }
        offset += written
      }
    }
    if failure == 0, fsync(descriptor) != 0 { failure = errno }
    close(descriptor)
    if failure == 0, rename(temporary, path) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary)
      throw .unreadable(path: path, reason: "cannot write: \(String(cString: strerror(failure)))")
    }
  }

  /// Writes the text `produce` appends, in order, through a temporary file in the same folder, flushed to disk, then
  /// renamed over `path`; when `produce` throws, the temporary file is removed and `path` is left as it was.
  ///
  /// Memory stays bounded by a 64 KiB buffer whatever the size of the output.
  public static func write(to path: String, _ produce: (_ append: (String) -> Void) throws -> Void) throws {
    let temporary = temporaryPath(for: path)
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary)
    else {
      throw CoreError.unreadable(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
    }
    do {
      var buffer = ""
      var failure: (any Error)?
      try produce { text in
        guard failure == nil else { return }
        buffer += text
        if buffer.utf8.count >= 1 << 16 {
          do {
            try handle.write(contentsOf: Data(buffer.utf8))
          } catch {
            failure = error
          }
          buffer = ""
        }
      }
      if let failure { throw failure }
      try handle.write(contentsOf: Data(buffer.utf8))
      try handle.synchronize()
      try handle.close()
      guard rename(temporary, path) == 0 else {
        throw CoreError.unreadable(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
      }
    } catch {
      try? handle.close()
      unlink(temporary)
      if error is CoreError { throw error }
      if let error = error as? CocoaError {
        throw CoreError.unreadable(path: path, reason: "cannot write: \(error.localizedDescription)")
      }
      throw error
    }
  }

  /// A fresh temporary path beside `path`.
  private static func temporaryPath(for path: String) -> String {
    let folder = (path as NSString).deletingLastPathComponent
    return (folder.isEmpty ? "" : folder + "/")
      + ".\((path as NSString).lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
  }
}
