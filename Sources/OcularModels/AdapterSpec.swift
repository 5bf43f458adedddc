/// A model named on the command line: `builtin:oracle`, `builtin:baseline` or `replay:FILE.jsonl`.
public enum AdapterSpec: Sendable, Hashable, CustomStringConvertible {
  /// A built-in policy.
  case builtin(PolicyAdapter.Policy)
  /// A replay file.
  case replay(path: String)

  /// Parses a spec.
  public init(parsing text: String) throws(ModelError) {
    if text.hasPrefix("builtin:") {
      guard let policy = PolicyAdapter.Policy(rawValue: String(text.dropFirst("builtin:".count))) else {
        throw .invalidSpec(text)
      }
      self = .builtin(policy)
    } else if text.hasPrefix("replay:"), text.count > "replay:".count {
      self = .replay(path: String(text.dropFirst("replay:".count)))
    } else {
      throw .invalidSpec(text)
    }
  }

  public var description: String {
    switch self {
    case .builtin(let policy): return "builtin:\(policy.rawValue)"
    case .replay(let path): return "replay:\(path)"
    }
  }

  /// Creates the adapter the spec names.
  public func makeAdapter() throws(ModelError) -> any ModelAdapter {
    switch self {
    case .builtin(let policy): return PolicyAdapter(policy: policy)
    case .replay(let path): return try ReplayAdapter(path: path)
    }
  }
}
