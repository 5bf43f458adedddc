/// Substring search over Unicode scalars, as Python's `str.find` does it.
///
/// Swift's `String` compares grapheme clusters, so `">"` followed by a combining mark would not match `">"`;
/// Python compares code points. Scorers that must agree with Python search with these.
extension String {
  /// The first range of `needle`'s scalars in `self`, starting at `from`.
  func scalarRange(of needle: String, from: String.Index? = nil) -> Range<String.Index>? {
    // Searched as UTF-8 bytes: a valid needle's bytes match only at scalar boundaries (UTF-8 is self-synchronising),
    // and byte offsets become indices in constant time.
    let start = from.map { utf8.distance(from: utf8.startIndex, to: $0) } ?? 0
    let found = utf8.withContiguousStorageIfAvailable { haystack -> Int?? in
      needle.utf8.withContiguousStorageIfAvailable { pattern -> Int? in
        ASCIIBytes.firstOffset(of: pattern, in: haystack, from: start)
      }
    }
    if let found = found ?? nil {
      guard let offset = found else { return nil }
      let lower = utf8.index(utf8.startIndex, offsetBy: offset)
      return lower..<utf8.index(lower, offsetBy: needle.utf8.count)
    }
    return generalScalarRange(of: needle, from: from)
  }

  /// ``scalarRange(of:from:)``, scalar by scalar.
  func generalScalarRange(of needle: String, from: String.Index? = nil) -> Range<String.Index>? {
    let haystack = unicodeScalars
    let pattern = Array(needle.unicodeScalars)
    guard let first = pattern.first else { return nil }
    var index = from ?? haystack.startIndex
    while index < haystack.endIndex {
      if haystack[index] == first {
        var probe = index
        var matched = true
        for scalar in pattern {
          guard probe < haystack.endIndex, haystack[probe] == scalar else {
            matched = false
            break
          }
          probe = haystack.index(after: probe)
        }
        if matched { return index..<probe }
      }
      index = haystack.index(after: index)
    }
    return nil
  }

  /// Every non-overlapping range of `needle`'s scalars in `self`.
  func scalarRanges(of needle: String) -> [Range<String.Index>] {
    var ranges: [Range<String.Index>] = []
    var from = startIndex
    while let found = scalarRange(of: needle, from: from) {
      ranges.append(found)
      from = found.upperBound
    }
    return ranges
  }

  /// Whether `self` contains `needle` as a run of scalars (Python's `needle in self`).
  ///
  /// Searched as UTF-8 bytes, which finds exactly the scalar matches (UTF-8 is self-synchronising).
  func containsScalars(_ needle: String) -> Bool {
    let found = utf8.withContiguousStorageIfAvailable { haystack in
      needle.utf8.withContiguousStorageIfAvailable { ASCIIBytes.contains(haystack, $0) }
    }
    return (found ?? nil) ?? generalContainsScalars(needle)
  }

  /// `containsScalars`, scalar by scalar.
  func generalContainsScalars(_ needle: String) -> Bool {
    needle.isEmpty || scalarRange(of: needle) != nil
  }

  /// The scalars between two indices as a string.
  func scalarSlice(_ range: Range<String.Index>) -> String {
    String(unicodeScalars[range])
  }
}
