import Foundation

extension Suite {
  /// Finds one sample by its id, reading the sample files a line at a time and checking only the lines that can hold
  /// it, with the same checks as ``SampleReader`` (images, auxiliary files, the benchmark's validation).
  ///
  /// Memory stays bounded by the longest line whatever the suite's size: nothing is indexed or kept.
  ///
  /// - Parameter id: The sample id as stored (prefixed with its file's split, `val/12`, when the manifest names one).
  /// - Returns: The sample, or nil when no line of the suite has that id.
  /// - Throws: ``CoreError`` when a sample file cannot be read or the matching record fails a check.
  public func sample(withID id: String) throws(CoreError) -> Sample? {
    var checker = RecordChecker(suite: self, isHashingImages: false, imageCacheLimit: 8)
    for entry in manifest.files {
      var bareID = Substring(id)
      if let split = entry.split {
        guard id.hasPrefix(split + "/") else { continue }
        bareID = id.dropFirst(split.count + 1)
      }
      let path = try checker.resolve(entry.path, field: "files", location: nil)
      let lines = try LineReader(path: path.absolute)
      let needle = Array(bareID.utf8)
      let lineNumber = manifest.idField == nil ? Int(bareID) : nil
      if manifest.idField == nil && lineNumber == nil { continue }
      while true {
        let line: ArraySlice<UInt8>?
        do {
          line = try lines.next()
        } catch {
          throw .unreadable(path: path.display, reason: "\(error)")
        }
        guard let line else { break }
        if let lineNumber {
          guard lines.lineNumber == lineNumber else { continue }
        } else if !Self.contains(line, needle) {
          continue
        }
        let checked = checker.check(
          RawLine(bytes: line, entry: entry, location: SourceLocation(path: path.display, line: lines.lineNumber)))
        guard checked.id == id else {
          if lineNumber != nil { break }
          continue
        }
        if let failure = checked.failure { throw failure }
        return checked.sample
      }
    }
    return nil
  }

  /// Whether a line's bytes contain a needle (an id's text, before the line is parsed).
  private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
    guard let first = needle.first else { return true }
    guard needle.count <= haystack.count else { return false }
    return haystack.withUnsafeBufferPointer { line in
      needle.withUnsafeBufferPointer { wanted in
        let last = line.count - wanted.count
        var index = 0
        while index <= last {
          if line[index] == first {
            var matched = 1
            while matched < wanted.count, line[index + matched] == wanted[matched] { matched += 1 }
            if matched == wanted.count { return true }
          }
          index += 1
        }
        return false
      }
    }
  }
}
