import Foundation

/// Reads a file line by line in fixed-size chunks, so memory stays bounded by the longest line.
///
/// Lines end at `\n` only; a `\r` before it is dropped, and a UTF-8 byte-order mark at the start of the file is
/// skipped.
public final class LineReader {
  /// The longest line accepted, in bytes.
  public static let maximumLineLength = 64 << 20

  private let handle: FileHandle
  private var buffer: [UInt8] = []
  private var start = 0
  private var isExhausted = false
  private var isFirstLine = true
  /// The number of the line last returned (1-based).
  public private(set) var lineNumber = 0

  /// Opens a file for reading.
  public init(path: String) throws(CoreError) {
    // Opening a FIFO would block until a writer comes; a directory would read as empty. Refuse both up front.
    var status = stat()
    if stat(path, &status) == 0 {
      switch status.st_mode & S_IFMT {
      case S_IFREG: break
      case S_IFDIR: throw .unreadable(path: path, reason: "a directory, not a file")
      default: throw .unreadable(path: path, reason: "not a regular file")
      }
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw .unreadable(path: path, reason: "no such file or not readable")
    }
    self.handle = handle
  }

  deinit {
    try? handle.close()
  }

  /// Returns the next line's bytes without its line end, or nil at the end of the file.
  public func next() throws(LineError) -> ArraySlice<UInt8>? {
    var scanned = start  // Bytes before this index hold no newline: a long line is scanned once, not per refill.
    while true {
      if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
        let line = trimmed(buffer[start..<newline])
        start = newline + 1
        lineNumber += 1
        return line
      }
      scanned = buffer.count
      if buffer.count - start > Self.maximumLineLength { throw .tooLong(line: lineNumber + 1) }
      if isExhausted {
        guard start < buffer.count else { return nil }
        let line = trimmed(buffer[start...])
        start = buffer.count
        lineNumber += 1
        return line
      }
      scanned -= refill()
    }
  }

  /// Reads the next chunk; returns how many bytes before the old position were dropped.
  @discardableResult
  private func refill() -> Int {
    let dropped = start
    if start > 0 {
      buffer.removeSubrange(0..<start)
      start = 0
    }
    let chunk = (try? handle.read(upToCount: 1 << 20)) ?? nil
    guard let chunk, !chunk.isEmpty else {
      isExhausted = true
      return dropped
    }
    buffer.append(contentsOf: chunk)
    return dropped
  }

  private func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var line = line
    if isFirstLine {
      isFirstLine = false
      if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
    }
    if line.last == 0x0D { line = line.dropLast() }
    return line
  }

  /// Why a line could not be read.
  public enum LineError: Error, Equatable {
    /// A line longer than ``LineReader/maximumLineLength``.
    case tooLong(line: Int)
  }
}
