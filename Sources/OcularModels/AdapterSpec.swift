import Foundation
import OcularCore

/// A model named on the command line.
///
/// | spec | adapter |
/// |---|---|
/// | `builtin:oracle`, `builtin:baseline` | ``PolicyAdapter``; `?latency_ms=N` simulates latency for testing |
/// | `replay:FILE.jsonl`, `replay:FILE.xlsx` (`.tsv`, `.csv`), each optionally `#MODEL` | ``ReplayAdapter`` |
/// | `stdio:COMMAND ARGS` | ``StdioAdapter``, the command run with `/bin/sh -c` |
/// | `openai:http://host:port/v1#MODEL` | ``OpenAIAdapter`` |
public enum AdapterSpec: Sendable, Hashable, CustomStringConvertible {
  /// A built-in policy, with a simulated latency in milliseconds.
  case builtin(ReferencePolicy, latencyMilliseconds: Int)
  /// A replay file, with the model name given after `#`, if any.
  case replay(path: String, model: String? = nil)
  /// A process speaking `ocular/1` on stdin/stdout.
  case stdio(command: String)
  /// An OpenAI-compatible chat-completions endpoint.
  case openai(baseURL: URL, model: String)

  /// Settings the command line gives every adapter that uses them.
  public struct Settings: Sendable, Hashable {
    /// The most requests in flight the harness will send.
    public var concurrency = 16
    /// Time allowed for one request.
    public var requestTimeout: Duration = .seconds(600)
    /// Where a process adapter's standard error is appended.
    public var logPath: String?
    /// The environment variable holding the HTTP API key.
    public var apiKeyVariable = "OCULAR_API_KEY"

    /// Creates settings with the defaults.
    public init() {}
  }

  /// The extensions of replay files; `#MODEL` after one of them names the model.
  static let replayExtensions: Set<String> = ["jsonl", "xlsx", "tsv", "csv"]

  /// Parses a spec.
  public init(parsing text: String) throws(ModelError) {
    if text.hasPrefix("builtin:") {
      let body = text.dropFirst("builtin:".count)
      let parts = body.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
      guard let policy = ReferencePolicy(rawValue: String(parts[0])) else { throw .invalidSpec(text) }
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
      var path = String(text.dropFirst("replay:".count))
      var model: String?
      if let hash = path.lastIndex(of: "#"), hash != path.startIndex, path.index(after: hash) != path.endIndex,
        Self.replayExtensions.contains((String(path[..<hash]) as NSString).pathExtension.lowercased())
      {
        model = String(path[path.index(after: hash)...])
        path = String(path[..<hash])
      }
      // Stored on the run, so a resume from another folder finds the same file.
      self = .replay(
        path: path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path, model: model)
    } else if text.hasPrefix("stdio:") {
      let command = text.dropFirst("stdio:".count).trimmingCharacters(in: .whitespaces)
      guard !command.isEmpty else { throw .invalidSpec(text) }
      self = .stdio(command: command)
    } else if text.hasPrefix("openai:") {
      let body = text.dropFirst("openai:".count)
      guard let hash = body.lastIndex(of: "#"), let url = URL(string: String(body[..<hash])),
        let scheme = url.scheme, scheme == "http" || scheme == "https", url.host != nil,
        !body[body.index(after: hash)...].isEmpty
      else { throw .invalidSpec(text) }
      self = .openai(baseURL: url, model: String(body[body.index(after: hash)...]))
    } else {
      throw .invalidSpec(text)
    }
  }

  public var description: String {
    switch self {
    case .builtin(let policy, let latency):
      return "builtin:\(policy.rawValue)" + (latency > 0 ? "?latency_ms=\(latency)" : "")
    case .replay(let path, let model): return "replay:\(path)" + (model.map { "#\($0)" } ?? "")
    case .stdio(let command): return "stdio:\(command)"
    case .openai(let url, let model): return "openai:\(url.absoluteString)#\(model)"
    }
  }

  /// Creates the adapter the spec names; a process adapter is started and has said hello, and an HTTP server has
  /// answered `GET /models` listing the model (or has no such endpoint), when this returns.
  public func makeAdapter(settings: Settings = Settings()) async throws -> any ModelAdapter {
    switch self {
    case .builtin(let policy, let latency):
      return PolicyAdapter(policy: policy, latency: .milliseconds(latency))
    case .replay(let path, let model):
      return try ReplayAdapter(path: path, model: model)
    case .stdio(let command):
      var options = StdioAdapter.Options()
      options.requestTimeout = settings.requestTimeout
      options.logPath = settings.logPath
      return try await StdioAdapter.launch(command: command, options: options)
    case .openai(let url, let model):
      var options = OpenAIAdapter.Options()
      options.apiKey = ProcessInfo.processInfo.environment[settings.apiKeyVariable]
      options.maxConcurrency = settings.concurrency
      options.requestTimeout = settings.requestTimeout
      return try await OpenAIAdapter.connect(baseURL: url, model: model, options: options)
    }
  }
}
