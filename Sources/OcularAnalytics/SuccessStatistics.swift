import OcularCore

/// Pass and majority statistics over repeated answers to one item, as pure functions.
public enum SuccessStatistics {
  /// The unbiased pass@k estimator for an item answered n times with c successes: 1 − C(n−c, k)/C(n, k).
  ///
  /// Computed in the numerically stable product form 1 − Π_{i=n−c+1}^{n} (1 − k/i); it is 1 when n − c < k.
  /// Requires 1 ≤ k ≤ n and 0 ≤ c ≤ n.
  public static func passAtK(n: Int, c: Int, k: Int) -> Double {
    precondition(k >= 1 && k <= n && c >= 0 && c <= n, "pass@k needs 1 ≤ k ≤ n and 0 ≤ c ≤ n")
    if n - c < k { return 1 }
    var product = 1.0
    for i in (n - c + 1)..<(n + 1) {
      product *= 1 - Double(k) / Double(i)
    }
    return 1 - product
  }

  /// One repeat's vote for majority voting: its normalized answer (nil when it gave none) and whether it succeeded.
  public struct Vote: Sendable, Hashable {
    /// The normalized answer, or nil for a repeat without an answer (an error).
    public var answer: String?
    /// A Boolean value that indicates whether this repeat's answer succeeded.
    public var isSuccess: Bool

    /// Creates a vote.
    public init(answer: String?, isSuccess: Bool) {
      self.answer = answer
      self.isSuccess = isSuccess
    }
  }

  /// maj@k for one item: whether the most frequent answer among the first k repeats succeeds.
  ///
  /// Repeats without an answer do not vote. Ties go to the answer that appeared first (lowest repeat index), and
  /// the winner's success is that of its first occurrence. No vote at all is a failure.
  public static func isMajorityCorrect(_ votes: [Vote], k: Int) -> Bool {
    var counts: [String: Int] = [:]
    var first: [String: Int] = [:]
    for (index, vote) in votes.prefix(k).enumerated() {
      guard let answer = vote.answer else { continue }
      counts[answer, default: 0] += 1
      if first[answer] == nil { first[answer] = index }
    }
    let winner = counts.max { lhs, rhs in
      lhs.value != rhs.value ? lhs.value < rhs.value : first[lhs.key]! > first[rhs.key]!
    }
    guard let winner else { return false }
    return votes[first[winner.key]!].isSuccess
  }

  /// The normalized form of an answer for voting: lower-cased (Python `lower`), whitespace runs collapsed to one
  /// space, stripped.
  public static func normalizedAnswer(_ text: String) -> String {
    PythonString.split(PythonString.lower(text)).joined(separator: " ")
  }

  /// The k values reported for n repeats: 1, 2, 4, … up to n, and n itself.
  public static func reportedKs(repeats n: Int) -> [Int] {
    guard n >= 1 else { return [] }
    var ks: [Int] = []
    var k = 1
    while k < n {
      ks.append(k)
      k *= 2
    }
    ks.append(n)
    return ks
  }

  /// The score at or above which one answer counts as a success, for a benchmark metric (scores on 0–1).
  ///
  /// Binary metrics need full marks (1). ANLS (DocVQA, InfoVQA) succeeds at ≥ 0.5, the reference's own τ; RefSpatial's
  /// point-in-mask fraction at ≥ 0.5 (most predicted points inside the mask). Grounding's stored score is already
  /// 1 iff IoU ≥ 0.5.
  public static func successThreshold(metric: String) -> Double {
    switch metric {
    case "anls", "point_in_mask": return 0.5
    default: return 1
    }
  }

  /// Whether a score counts as a success under a metric's threshold (with a 1e-9 tolerance for rounding).
  public static func isSuccess(score: Double, metric: String) -> Bool {
    score >= successThreshold(metric: metric) - 1e-9
  }
}
