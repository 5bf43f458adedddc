/// A sum of doubles kept without rounding error, so that its value does not depend on the order of the terms.
///
/// The terms are kept as a short list of non-overlapping partial sums (Shewchuk's algorithm, the one Python's
/// `math.fsum` uses), and ``value`` is the exact sum rounded once, to nearest, ties to even. A summary computed while
/// samples complete, one recomputed from the store in id order, and one merged from shards therefore agree to the
/// last bit. For scores and other values in a bounded range the list holds one or two numbers.
///
/// Infinite and NaN terms make the value infinite or NaN, as plain addition would; so does an intermediate sum beyond
/// the range of `Double` (where `math.fsum` raises).
public struct ExactSum: Sendable {
  /// Non-overlapping partial sums, in increasing magnitude; their exact sum is the sum of the finite terms.
  private var partials: [Double] = []
  /// The plain sum of the terms that are not finite, or of partial sums that overflowed (0 when there are none).
  private var nonFinite = 0.0

  /// Creates an empty sum (value 0).
  public init() {}

  /// Creates the sum of some terms.
  public init(_ terms: some Sequence<Double>) {
    for term in terms { add(term) }
  }

  /// Adds a term.
  public mutating func add(_ term: Double) {
    guard term.isFinite else {
      nonFinite += term
      return
    }
    var x = term
    var kept = 0
    for index in partials.indices {
      var y = partials[index]
      if x.magnitude < y.magnitude { swap(&x, &y) }
      let high = x + y
      guard high.isFinite else {
        // Beyond the range of Double: the sum is infinite whatever else is added (but the opposite infinity).
        nonFinite += high
        partials.removeAll()
        return
      }
      let low = y - (high - x)
      if low != 0 {
        partials[kept] = low
        kept += 1
      }
      x = high
    }
    partials.removeSubrange(kept...)
    // A zero adds nothing: an empty list is the sum +0, as `math.fsum` gives for any terms summing to zero.
    if x != 0 { partials.append(x) }
  }

  /// The exact sum rounded to the nearest `Double` (ties to even).
  public var value: Double {
    guard nonFinite == 0 else { return nonFinite }
    guard var index = partials.indices.last else { return 0 }
    var high = partials[index]
    var low = 0.0
    // Add partials from the largest down until a rounding error appears: the result so far is then the rounded sum,
    // except that a tie (an error of exactly half an ulp) must be settled by the sign of what lies below.
    while index > 0 {
      let x = high
      index -= 1
      let y = partials[index]
      high = x + y
      low = y - (high - x)
      if low != 0 { break }
    }
    if index > 0, (low < 0 && partials[index - 1] < 0) || (low > 0 && partials[index - 1] > 0) {
      let doubled = low * 2
      let rounded = high + doubled
      if doubled == rounded - high { high = rounded }
    }
    return high
  }
}

extension ExactSum: Equatable {
  /// Two sums are equal when their values are: the partials that reach a value are not unique.
  public static func == (lhs: ExactSum, rhs: ExactSum) -> Bool {
    lhs.value.bitPattern == rhs.value.bitPattern || lhs.value == rhs.value
  }
}

extension ExactSum: Hashable {
  public func hash(into hasher: inout Hasher) {
    hasher.combine(value)
  }
}
