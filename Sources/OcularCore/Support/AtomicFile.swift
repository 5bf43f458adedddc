import Foundation

/// Writes files whole or not at all: a reader never sees half a report, and a failed write leaves the old file.
///
/// Foundation's `.atomic` option is not used: on Linux it leaves an empty `TemporaryDirectory.*` folder in `/tmp`
/// behind on every write.
public enum AtomicFile {
  /// Writes bytes to a path through a temporary file in the same folder, flushed to disk, then renamed over it.
  public static func write(_ data: Data, to path: String) throws(CoreError) {
    let folder = (path as NSString).deletingLastPathComponent
    let temporary =
      (folder.isEmpty ? "" : folder + "/")
      + ".\((path as NSString).lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
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
}
