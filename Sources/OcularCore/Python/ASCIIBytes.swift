/// Byte-level building blocks for the ASCII fast paths of the Python-semantics scorers.
///
/// Each scorer first tries its fast path on the UTF-8 bytes of plain ASCII input and falls back to its general,
/// scalar-by-scalar code for anything else; on ASCII, Python's `lower`, `isspace`, `len` and `in` are these byte
/// operations exactly.
enum ASCIIBytes {
  /// Returns whether a byte is whitespace under Python's `str.isspace` (the ASCII part of that set).
  @inline(__always)
  static func isSpace(_ byte: UInt8) -> Bool {
    byte &- 0x09 < 5 || byte &- 0x1C < 5
  }

  /// Python's `lower()` of one ASCII byte.
  @inline(__always)
  static func lowered(_ byte: UInt8) -> UInt8 {
    byte &- 0x41 < 26 ? byte | 0x20 : byte
  }

  /// Returns whether every byte is below 0x80.
  @inline(__always)
  static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var union: UInt8 = 0
    for byte in bytes { union |= byte }
    return union < 0x80
  }

  /// Calls `body` with the UTF-8 bytes of `text` when they are contiguous and plain ASCII; nil otherwise.
  @inline(__always)
  static func withASCII<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result?) -> Result? {
    text.utf8.withContiguousStorageIfAvailable { bytes in isASCII(bytes) ? body(bytes) : nil } ?? nil
  }

  /// The range left by Python's `strip()` on ASCII bytes.
  @inline(__always)
  static func stripped(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
    var lower = 0
    var upper = bytes.count
    while lower < upper, isSpace(bytes[lower]) { lower += 1 }
    while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
    return lower..<upper
  }

  /// Whether `needle` occurs in `haystack` as a run of bytes; an empty needle always does.
  ///
  /// On valid UTF-8 this is Python's `needle in haystack`: UTF-8 is self-synchronising, so a byte match is a match
  /// of whole scalars.
  static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
    needle.isEmpty || firstOffset(of: needle, in: haystack, from: 0) != nil
  }

  /// The offset of the first occurrence of a non-empty byte string at or after `from`, or nil.
  static func firstOffset(
    of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int
  ) -> Int? {
    let count = needle.count
    guard count > 0, from >= 0, count <= haystack.count, let base = haystack.baseAddress,
      let pattern = needle.baseAddress
    else { return nil }
    let first = pattern[0]
    let lastStart = haystack.count - count
    var start = from
    while start <= lastStart {
      if base[start] == first {
        var offset = 1
        while offset < count, base[start + offset] == pattern[offset] { offset += 1 }
        if offset == count { return start }
      }
      start += 1
    }
    return nil
  }

  /// The Levenshtein distance between two ASCII byte strings (insertions, deletions and substitutions cost 1).
  ///
  /// Myers' bit-parallel algorithm when the shorter string fits in 64 bits, otherwise the dynamic programme with a
  /// single reused row.
  static func levenshtein(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Int {
    let (pattern, text) = lhs.count <= rhs.count ? (lhs, rhs) : (rhs, lhs)
    if pattern.isEmpty { return text.count }
    if pattern.count <= 64 { return bitParallelDistance(pattern: pattern, text: text) }
    return withUnsafeTemporaryAllocation(of: Int.self, capacity: pattern.count + 1) { row in
      for index in 0...pattern.count { row[index] = index }
      for (j, byte) in text.enumerated() {
        var diagonal = row[0]
        row[0] = j + 1
        for i in 1...pattern.count {
          let above = row[i]
          row[i] = Swift.min(above + 1, row[i - 1] + 1, diagonal + (pattern[i - 1] == byte ? 0 : 1))
          diagonal = above
        }
      }
      return row[pattern.count]
    }
  }

  /// Myers (1999) / Hyyrö (2001) global edit distance for a pattern of 1 to 64 ASCII bytes.
  private static func bitParallelDistance(pattern: UnsafeBufferPointer<UInt8>, text: UnsafeBufferPointer<UInt8>)
    -> Int
  {
    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 128) { masks in
      masks.initialize(repeating: 0)
      for (index, byte) in pattern.enumerated() { masks[Int(byte & 0x7F)] |= 1 << UInt64(index) }
      let last: UInt64 = 1 << UInt64(pattern.count - 1)
      var positive: UInt64 = ~0
      var negative: UInt64 = 0
      var score = pattern.count
      for byte in text {
        let equal = masks[Int(byte & 0x7F)]
        let vertical = equal | negative
        let horizontal = (((equal & positive) &+ positive) ^ positive) | equal
        var horizontalPositive = negative | ~(horizontal | positive)
        var horizontalNegative = positive & horizontal
        if horizontalPositive & last != 0 {
          score += 1
        } else if horizontalNegative & last != 0 {
          score -= 1
        }
        horizontalPositive = (horizontalPositive << 1) | 1
        horizontalNegative <<= 1
        positive = horizontalNegative | ~(vertical | horizontalPositive)
        negative = horizontalPositive & vertical
      }
      return score
    }
  }
}
