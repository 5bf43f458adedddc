/// The named scoring profile a run is scored under: which reading of the reference code decides each sample.
///
/// The raw values are the names a user types after `--scoring-profile`. A benchmark a profile does not define keeps
/// the default rule and says so (``ScoringProfile/note(definedBy:)``).
public enum ScoringProfile: String, Sendable, Hashable, Codable, CaseIterable {
  /// The reference item by item; where a published defect zeroes or crashes a whole benchmark, its evident intent,
  /// noted on every affected sample. The default.
  case vlmevalkit
  /// Bit-exact with ms-vlmeval 0.0.20's dataset-level `evaluate()`, defects included.
  case published
  /// The references' evident bugs fixed (docs/benchmarks.md lists each one).
  case corrected
  /// lmms-eval 0.7.3's scoring, for the benchmarks it implements.
  case lmmsEval = "lmms-eval"

  /// The profile runs are scored under when none is named.
  public static let `default` = ScoringProfile.vlmevalkit

  /// The names a user may type, in the order they are listed.
  public static var names: [String] { allCases.map(\.rawValue) }

  /// Reads a profile name as typed on the command line.
  ///
  /// - Throws: ``CoreError/unknownScoringProfile(_:available:)`` naming the closest profile when the name is not one.
  public init(parsing name: String) throws(CoreError) {
    guard let profile = ScoringProfile(rawValue: name) else {
      throw CoreError.unknownScoringProfile(name, available: Self.names)
    }
    self = profile
  }

  /// The suite note of a benchmark this profile does not define, or nil when it defines it.
  ///
  /// - Parameter isDefined: Whether the benchmark has a rule of its own under this profile.
  public func note(definedBy isDefined: Bool) -> String? {
    guard !isDefined else { return nil }
    switch self {
    case .lmmsEval: return "not defined by lmms-eval; default kept"
    case .vlmevalkit, .published, .corrected: return "not defined by profile \(rawValue); default kept"
    }
  }
}
