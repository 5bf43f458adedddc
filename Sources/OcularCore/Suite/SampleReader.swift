import Foundation
import Synchronization

/// Streams the samples of a suite, checking every record and image as it goes.
///
/// Memory stays bounded by the longest line, a batch of records, the id set and a chunk of an image per checking
/// thread: records are read a batch at a time and checked on at least 8 threads (JSON, images, the benchmark's
/// validation; more threads than cores, so that reads from a cold disk overlap), then taken in reading order, where
/// the content hash and the duplicate-id check are kept. Image files are read only as far as their header unless
/// hashing is asked for, and hashed a chunk at a time.
///
/// A reader given the ``SuiteLedger`` of an earlier complete read of the same suite (the evaluation pass after the
/// check pass) trusts that read: it compares each line with the ledger's fingerprint, takes images from the ledger
/// and skips the checks already passed. A line that differs from the checked one is an error, since the run
/// recorded the suite's content as it was checked.
public struct SampleReader: ~Copyable {
  /// The suite being read.
  public let suite: Suite
  /// A Boolean value that indicates whether image bytes are hashed (for the suite's content hash).
  public let isHashingImages: Bool

  private var fileIndex = 0
  private var samplesInFile = 0
  /// The open sample file as shown in messages (made once per file: every line's location names it).
  private var fileDisplay: String?
  private var lines: LineReader?
  private var seenIDs: Set<String> = []
  private let hasher = Digest(.sha256)
  private var checkers: [RecordChecker]
  /// The threads that check batches, one per checker, started with the first batch worth sharing and ended with
  /// the reader.
  private var threads: WorkerThreads?
  private let batchSize: Int
  private let linesPerWorker: Int
  private var batch: [RawLine] = []
  private var checked: [CheckedLine] = []
  private var checkedIndex = 0
  /// An error met while reading a batch's lines, thrown once the lines before it were taken.
  private var readFailure: CoreError?
  private let trusted: SuiteLedger?
  private var trustedImageIndex = 0
  private var trustedLineIndex = 0
  /// What this reader learnt about every line and image it read, in order; a later reader of the same suite can
  /// trust it.
  public private(set) var ledger = SuiteLedger()

  /// Opens a suite for reading.
  ///
  /// - Parameters:
  ///   - isHashingImages: Whether image bytes are read whole and hashed (for the suite's content hash).
  ///   - ledger: The ``ledger`` of an earlier, complete read of the same suite; its checks are then trusted.
  public init(suite: Suite, isHashingImages: Bool = false, replaying ledger: SuiteLedger? = nil) {
    self.init(
      suite: suite, isHashingImages: isHashingImages, replaying: ledger,
      workers: min(max(ProcessInfo.processInfo.activeProcessorCount, 8), 16), batchSize: 512, linesPerWorker: 32)
  }

  /// Opens a suite for reading with a given number of checking threads, lines per batch, and fewest lines worth
  /// giving a thread.
  init(
    suite: Suite, isHashingImages: Bool, replaying ledger: SuiteLedger?, workers: Int, batchSize: Int,
    linesPerWorker: Int
  ) {
    self.suite = suite
    self.isHashingImages = isHashingImages
    self.trusted = ledger
    // The checkers share a budget of 8,192 cached images (about 2 MB), whatever their number.
    self.checkers = Array(
      repeating: RecordChecker(
        suite: suite, isHashingImages: isHashingImages, imageCacheLimit: 8192 / max(workers, 1)),
      count: max(workers, 1))
    self.batchSize = max(batchSize, 1)
    self.linesPerWorker = max(linesPerWorker, 1)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys  // Key order must not vary between runs, or the hash would.
    if let manifest = try? encoder.encode(suite.manifest) { hasher.update(manifest) }
  }

  /// The SHA-256 of the manifest, every record line and every image, in hex; meaningful after the last sample of a
  /// reader that trusts no ledger.
  public func contentHash() -> String {
    hexString(hasher.finalized())
  }

  /// Returns the next sample, or nil after the last one.
  public mutating func next() throws(CoreError) -> Sample? {
    if let trusted {
      guard let line = try nextLine() else {
        guard trustedLineIndex == trusted.fingerprints.count else {
          throw .invalidInput(
            path: fileDisplay ?? suite.displayFolder, line: nil,
            message: "records were removed after the suite was checked; run the command again")
        }
        return nil
      }
      return try trustedSample(line)
    }
    while checkedIndex == checked.count {
      if let readFailure {
        self.readFailure = nil
        throw readFailure
      }
      guard try readBatch() else { return nil }
      checkBatch()
    }
    let result = checked[checkedIndex]
    let line = batch[checkedIndex]
    checkedIndex += 1
    if let id = result.id, !seenIDs.insert(id).inserted {
      throw .invalidInput(
        path: line.location.path, line: line.location.line, message: "duplicate sample id \"\(id)\"")
    }
    if let failure = result.failure { throw failure }
    guard let sample = result.sample else { preconditionFailure("a checked line has neither a sample nor a failure") }
    hasher.update(line.bytes)
    withUnsafeBytes(of: UInt8(0x0A)) { hasher.update($0) }
    ledger.fingerprints.append(SuiteLedger.fingerprint(line.bytes))
    for (image, isDirect) in zip(sample.images, result.isImageDirect) {
      if var hash = image.sha256 { hash.withUTF8 { hasher.update(UnsafeRawBufferPointer($0)) } }
      ledger.record(image, isDirect: isDirect)
    }
    return sample
  }

  /// Reads up to a batch of record lines; false when every file is read.
  private mutating func readBatch() throws(CoreError) -> Bool {
    batch.removeAll(keepingCapacity: true)
    checked.removeAll(keepingCapacity: true)
    checkedIndex = 0
    do {
      while batch.count < batchSize, let line = try nextLine() { batch.append(line) }
    } catch {
      // Lines before the failure are checked and taken first, as a line-by-line read would.
      readFailure = error
    }
    return !batch.isEmpty || readFailure != nil
  }

  /// Checks the batch's lines, on several threads when it is large enough to be worth it.
  private mutating func checkBatch() {
    let count = batch.count
    let workers = min(checkers.count, max(count / linesPerWorker, 1))
    guard workers > 1 else {
      for line in batch { checked.append(checkers[0].check(line)) }
      return
    }
    // Threads take small runs of lines as they become free: lines differ in cost (images, lengths), and a thread
    // given a fixed half would wait for the other at the end of every batch. There are more threads than cores
    // (see WorkerThreads): on a cold page cache a thread waits for the disk on every image.
    if threads == nil { threads = WorkerThreads(count: checkers.count) }
    let threads = threads!
    let run = max(linesPerWorker / 4, 1)
    let nextLine = LineCounter()
    var results = [CheckedLine?](repeating: nil, count: count)
    batch.withUnsafeBufferPointer { lines in
      checkers.withUnsafeMutableBufferPointer { checkers in
        results.withUnsafeMutableBufferPointer { results in
          let shared = WorkerBuffers(lines: lines, checkers: checkers, results: results)
          threads.run { worker in
            guard worker < workers else { return }
            while true {
              let start = nextLine.value.add(run, ordering: .relaxed).oldValue
              guard start < count else { break }
              for index in start..<min(start + run, count) {
                shared.results[index] = shared.checkers[worker].check(shared.lines[index])
              }
            }
          }
        }
      }
    }
    checked = results.map { $0! }
  }

  /// The next non-blank line of the suite's sample files, or nil after the last file.
  private mutating func nextLine() throws(CoreError) -> RawLine? {
    while fileIndex < suite.manifest.files.count {
      let entry = suite.manifest.files[fileIndex]
      if lines == nil {
        let path = try checkers[0].resolve(entry.path, field: "files", location: nil)
        lines = try LineReader(path: path.absolute)
        fileDisplay = path.display
      }
      let display = fileDisplay!
      let line: ArraySlice<UInt8>?
      do {
        line = try lines!.next()
      } catch {
        guard case .tooLong(let number) = error else { throw .unreadable(path: display, reason: "\(error)") }
        throw .invalidInput(
          path: display, line: number, message: "line longer than \(LineReader.maximumLineLength >> 20) MiB")
      }
      guard let line else {
        if lines!.lineNumber == 0 {
          throw .invalidInput(path: display, line: nil, message: "empty sample file")
        }
        if samplesInFile == 0 {
          throw .invalidInput(path: display, line: nil, message: "no samples (only blank lines)")
        }
        lines = nil
        fileIndex += 1
        samplesInFile = 0
        continue
      }
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      samplesInFile += 1
      return RawLine(
        bytes: line, entry: entry, location: SourceLocation(path: display, line: lines!.lineNumber))
    }
    return nil
  }

  /// A sample of a line an earlier read checked: parsed again, its images taken from the ledger.
  private mutating func trustedSample(_ line: RawLine) throws(CoreError) -> Sample {
    guard let ledger = trusted, trustedLineIndex < ledger.fingerprints.count,
      ledger.fingerprints[trustedLineIndex] == SuiteLedger.fingerprint(line.bytes)
    else { throw Self.changed(line.location) }
    trustedLineIndex += 1
    // The line is the one checked (its fingerprint matched), so it is valid UTF-8.
    let record = try checkers[0].parse(String(decoding: line.bytes, as: UTF8.self), location: line.location)
    let (id, split) = try checkers[0].identity(of: record, entry: line.entry, location: line.location)
    var images: [SampleImage] = []
    // The line is the one checked, so its image paths are too: the ledger gives what was found at each.
    for relative in try checkers[0].imagePaths(of: record, location: line.location) {
      guard trustedImageIndex < ledger.entries.count,
        let absolute = ledger.indirectPaths[trustedImageIndex]
          ?? checkers[0].directPath(of: checkers[0].joinedToImageRoot(relative))
      else { throw Self.changed(line.location) }
      let entry = ledger.entries[trustedImageIndex]
      trustedImageIndex += 1
      images.append(
        SampleImage(
          relativePath: relative, absolutePath: absolute, format: entry.format, width: Int(entry.width),
          height: Int(entry.height), sha256: nil))
    }
    var sample = Sample(id: id, split: split, record: record, images: images, location: line.location)
    try checkers[0].addAuxiliaryFiles(to: &sample)
    return sample
  }

  private static func changed(_ location: SourceLocation) -> CoreError {
    .invalidInput(
      path: location.path, line: location.line,
      message: "the record changed after the suite was checked; run the command again")
  }
}

/// The index of the next line a checking thread takes.
private final class LineCounter: Sendable {
  let value = Atomic<Int>(0)
}

/// The buffers a batch's checking threads share.
///
/// Safe to send because every thread touches only its own checker (`checkers[worker]`) and its own range of
/// `results`, reads `lines` only, and `WorkerThreads.run` returns after every thread has finished.
private struct WorkerBuffers: @unchecked Sendable {
  let lines: UnsafeBufferPointer<RawLine>
  let checkers: UnsafeMutableBufferPointer<RecordChecker>
  let results: UnsafeMutableBufferPointer<CheckedLine?>
}

/// What a complete read of a suite found, in reading order: a fingerprint of every record line, and each image's
/// format and size — enough for a later read of the same suite to trust the checks instead of repeating them (the
/// evaluation pass after the check pass).
///
/// It takes 20 bytes per record with one image, so that memory stays nearly flat in the size of a suite: a line whose
/// fingerprint matches names the same images, so paths are not kept, except the rare absolute path that is not the
/// image folder's real path joined with the name (a symlinked file).
public struct SuiteLedger: Sendable {
  /// One image occurrence.
  struct Entry: Sendable {
    var format: ImageFormat
    var width: Int32
    var height: Int32
  }

  /// The images, in reading order.
  var entries: [Entry] = []
  /// The absolute paths of images that are not direct (a symlinked file), by their index in ``entries``.
  var indirectPaths: [Int: String] = [:]
  /// A hash of each record line, in reading order (seeded per process: a ledger never leaves the process).
  var fingerprints: [Int] = []

  /// Creates an empty ledger.
  public init() {}

  mutating func record(_ image: SampleImage, isDirect: Bool) {
    if !isDirect { indirectPaths[entries.count] = image.absolutePath }
    entries.append(
      Entry(format: image.format, width: Int32(clamping: image.width), height: Int32(clamping: image.height)))
  }

  static func fingerprint(_ line: ArraySlice<UInt8>) -> Int {
    var hasher = Hasher()
    line.withUnsafeBytes { hasher.combine(bytes: $0) }
    return hasher.finalize()
  }
}
