/// A policy that answers a sample from what the harness knows of it: the gold, or a fixed chance-level guess.
///
/// The built-in models (`builtin:oracle`, `builtin:baseline`) answer by these policies; a request sent to any other
/// model carries nothing of the gold.
public enum ReferencePolicy: String, Sendable, Hashable, CaseIterable {
  /// Answers each sample's gold in the form its scorer expects: every suite scores 100.
  case oracle
  /// A deterministic chance-level policy: the first option, a centred box, a short fixed answer.
  case baseline

  /// The policy's response to a sample of a benchmark.
  public func response(to sample: Sample, of benchmark: any Benchmark) -> String {
    switch self {
    case .oracle: benchmark.oracleResponse(for: sample)
    case .baseline: benchmark.baselineResponse(for: sample)
    }
  }
}
