import OcularCore

/// A built-in model that answers by a fixed policy, in process.
public struct PolicyAdapter: ModelAdapter {
  /// The built-in policies.
  public enum Policy: String, Sendable, CaseIterable {
    /// Answers each sample's gold in the form its scorer expects: every suite scores 100.
    case oracle
    /// A deterministic chance-level policy: the first option, a centred box, a short fixed answer.
    case baseline
  }

  /// The policy.
  public let policy: Policy
  /// A simulated model latency per request, for exercising progress, interruption and resume.
  public let latency: Duration

  /// Creates a policy adapter.
  public init(policy: Policy, latency: Duration = .zero) {
    self.policy = policy
    self.latency = latency
  }

  public var description: AdapterDescription {
    // No declared convention: each answer is already in the form its reference reads.
    AdapterDescription(model: "builtin:\(policy.rawValue)", kind: "builtin", maxConcurrency: 64)
  }

  public func generate(_ request: Request) async throws -> Response {
    if latency > .zero { try await Task.sleep(for: latency) }
    switch policy {
    case .oracle: return Response(text: request.reference.oracle)
    case .baseline: return Response(text: request.reference.baseline)
    }
  }
}
