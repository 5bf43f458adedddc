/// An error raised by Ocular's domain layer: suite loading, validation and scoring.
public enum CoreError: Error, CustomStringConvertible, Equatable, Sendable {
  /// Bad input at a place in a file; `line` is 1-based, or nil for the file as a whole.
  case invalidInput(path: String, line: Int?, message: String)
  /// A suite name that no folder provides.
  case unknownSuite(String, available: [String])
  /// A suites folder that holds no suite.
  case noSuites(root: String)
  /// A benchmark id that no definition provides.
  case unknownBenchmark(String, path: String)
  /// A file or folder that could not be read.
  case unreadable(path: String, reason: String)
  /// A scoring profile name that no profile has.
  case unknownScoringProfile(String, available: [String])

  public var description: String {
    switch self {
    case .invalidInput(let path, let line?, let message):
      return "\(path):\(line): \(message)"
    case .invalidInput(let path, nil, let message):
      return "\(path): \(message)"
    case .unknownSuite(let name, let available):
      let list = available.isEmpty ? "none" : available.joined(separator: ", ")
      let suggestion = Spelling.closest(to: name, among: available).map { "did you mean \"\($0)\"? " } ?? ""
      return "unknown suite \"\(name)\" (\(suggestion)available: \(list))"
    case .noSuites(let root):
      return
        "\(root): no suite folders here; run from the Ocular repository root, or name the suites folder with "
        + "--suites-dir DIR (or OCULAR_SUITES_DIR)"
    case .unknownBenchmark(let id, let path):
      return "\(path): unknown benchmark \"\(id)\""
    case .unreadable(let path, let reason):
      return "\(path): cannot read: \(reason)"
    case .unknownScoringProfile(let name, let available):
      let suggestion = Spelling.closest(to: name, among: available).map { "did you mean \"\($0)\"? " } ?? ""
      return "unknown scoring profile \"\(name)\" (\(suggestion)available: \(available.joined(separator: ", ")))"
    }
  }
}
