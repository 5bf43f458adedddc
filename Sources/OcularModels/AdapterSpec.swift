import Foundation

/// A model named on the command line: `builtin:oracle`, `builtin:baseline` or `replay:FILE.jsonl`.
///
/// A built-in policy may simulate latency for testing: `builtin:oracle?latency_ms=20`.
public enum AdapterSpec: Sendable, Hashable, CustomStringConvertible {
  /// A built-in policy, with a simulated latency in milliseconds.
  case builtin(PolicyAdapter.Policy, latencyMilliseconds: Int)
  /// A replay file.
  case replay(path: String)

  /// Parses a spec.
  public init(parsing text: String) throws(ModelError) {
    if text.hasPrefix("builtin:") {
      let body = text.dropFirst("builtin:".count)
      let parts = body.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
      guard let policy = PolicyAdapter.Policy(rawValue: String(parts[0])) else { throw .invalidSpec(text) }
      var latency = 0
      if parts.count == 2 {
        let option = parts[1].split(separator: "=", maxSplits: 1)
        guard option.count == 2, option[0] == "latency_ms", let value = Int(option[1]), value >= 0 else {
          throw .invalidSpec(text)
        }
        latency = value
      }
      self = .builtin(policy, latencyMilliseconds: latency)
    } else if text.hasPrefix("replay:"), text.count > "replay:".count {
      let path = String(text.dropFirst("replay:".count))
      // Stored on the run, so a resume from another folder finds the same file.
      self = .replay(path: path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path)
    } else {
      throw .invalidSpec(text)
    }
  }

  public var description: String {
    switch self {
    case .builtin(let policy, let latency):
      return "builtin:\(policy.rawValue)" + (latency > 0 ? "?latency_ms=\(latency)" : "")
    case .replay(let path): return "replay:\(path)"
    }
  }

  /// Creates the adapter the spec names.
  public func makeAdapter() throws(ModelError) -> any ModelAdapter {
    switch self {
    case .builtin(let policy, let latency): return PolicyAdapter(policy: policy, latency: .milliseconds(latency))
    case .replay(let path): return try ReplayAdapter(path: path)
    }
  }
}
