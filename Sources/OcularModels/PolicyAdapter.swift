import OcularCore

/// A built-in model that answers each sample by a reference policy, in process.
public struct PolicyAdapter: ModelAdapter {
  /// The policy.
  public let policy: ReferencePolicy
  /// A simulated model latency per request, for exercising progress, interruption and resume.
  public let latency: Duration

  /// Creates a policy adapter.
  public init(policy: ReferencePolicy, latency: Duration = .zero) {
    self.policy = policy
    self.latency = latency
  }

  public var description: AdapterDescription {
    // No declared convention: each answer is already in the form its reference reads.
    AdapterDescription(model: "builtin:\(policy.rawValue)", kind: "builtin", maxConcurrency: 64)
  }

  /// Refuses a request that comes without its sample: a reference policy answers from the sample itself.
  public func generate(_ request: Request) async throws -> Response {
    throw ModelError.adapterFailed(
      "builtin:\(policy.rawValue) answers only the samples of an evaluation (it reads their gold); it cannot answer "
        + "a request alone, such as a judge prompt")
  }

  public func generate(_ request: Request, for sample: Sample, of benchmark: any Benchmark) async throws -> Response {
    if latency > .zero { try await Task.sleep(for: latency) }
    return Response(text: policy.response(to: sample, of: benchmark))
  }
}
