import OcularCore

/// What an adapter says about itself: the stdio protocol's hello, or a built-in's equivalent.
public struct AdapterDescription: Sendable, Codable, Hashable {
  /// The model's name.
  public var model: String
  /// The adapter kind (`builtin`, `replay`, …).
  public var kind: String
  /// The model's box and point convention, if it declares one.
  public var boxFormat: BoxFormat?
  /// The most requests the adapter takes at once.
  public var maxConcurrency: Int

  /// Creates a description.
  public init(model: String, kind: String, boxFormat: BoxFormat? = nil, maxConcurrency: Int) {
    self.model = model
    self.kind = kind
    self.boxFormat = boxFormat
    self.maxConcurrency = maxConcurrency
  }

  private enum CodingKeys: String, CodingKey {
    case model, kind
    case boxFormat = "box_format"
    case maxConcurrency = "max_concurrency"
  }
}

/// A model the harness can ask for answers.
public protocol ModelAdapter: Sendable {
  /// What the adapter says about itself.
  var description: AdapterDescription { get }

  /// Answers one request.
  ///
  /// - Throws: ``ModelError`` when no answer can be had for this request; the run records it and goes on.
  func generate(_ request: Request) async throws -> Response

  /// Answers one request for a sample of a benchmark; only the built-in reference policies read the sample, every
  /// other model is sent the request alone (the default).
  ///
  /// - Throws: ``ModelError`` when no answer can be had for this request; the run records it and goes on.
  func generate(_ request: Request, for sample: Sample, of benchmark: any Benchmark) async throws -> Response

  /// Releases the model (an external process is asked to exit); called once after the last request.
  func close() async

  /// Checks, before a run is created, what the adapter can answer of the samples it will be asked for.
  ///
  /// A replay file knows in advance: it counts and names its predictions that match no sample and refuses a file
  /// that matches none. An HTTP adapter passes on what its start-up check found (a server that lists no models, so
  /// the model name went unchecked). Other adapters have nothing to check.
  ///
  /// - Parameter sampleIDs: The sample ids of each suite of the run.
  /// - Returns: Remarks to show the user.
  func checkCoverage(of sampleIDs: [String: Set<String>]) throws -> [String]
}

extension ModelAdapter {
  public func generate(_ request: Request, for sample: Sample, of benchmark: any Benchmark) async throws -> Response {
    try await generate(request)
  }

  public func close() async {}

  public func checkCoverage(of sampleIDs: [String: Set<String>]) throws -> [String] { [] }
}

/// An error of the model layer.
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A model spec that names no known adapter kind.
  case invalidSpec(String)
  /// A replay file line that is not a prediction.
  case invalidReplay(path: String, line: Int, message: String)
  /// A file that could not be read.
  case unreadable(path: String, reason: String)
  /// A request the replay file has no prediction for.
  case noPrediction
  /// A replay file none of whose predictions matches a sample of the run's suites.
  case replayMatchesNothing(path: String, detail: String)
  /// A VLMEvalKit prediction file (one dataset) replayed on other than exactly one suite.
  case replayNeedsOneSuite(path: String, suites: String)
  /// An external adapter failed this request (crash, hang, malformed line, adapter-reported error).
  case adapterFailed(String)
  /// An HTTP model server that did not answer the start-up check (`GET /models`).
  case serverUnreachable(url: String, reason: String)
  /// A model name the HTTP server does not list among the models it serves.
  case modelNotServed(model: String, url: String, served: [String])

  public var description: String {
    switch self {
    case .invalidSpec(let spec):
      let suggestion = Self.suggestion(for: spec).map { "did you mean \"\($0)\"? " } ?? ""
      return
        "invalid model spec \"\(spec)\" (\(suggestion)expected builtin:oracle, builtin:baseline, replay:FILE.jsonl, replay:FILE.xlsx, stdio:COMMAND or openai:http://HOST:PORT/v1#MODEL)"
    case .invalidReplay(let path, let line, let message):
      return "\(path):\(line): \(message)"
    case .unreadable(let path, let reason):
      return "\(path): cannot read: \(reason)"
    case .noPrediction:
      return "no prediction"
    case .replayMatchesNothing(let path, let detail):
      return "\(path) matches no sample: \(detail)"
    case .replayNeedsOneSuite(let path, let suites):
      return
        "\(path) holds the predictions of one dataset; name its suite with --suite (this run has: \(suites.isEmpty ? "none" : suites))"
    case .adapterFailed(let reason):
      return reason
    case .serverUnreachable(let url, let reason):
      return "cannot reach the model server: GET \(url): \(reason) (start the server, or correct the URL in --model)"
    case .modelNotServed(let model, let url, let served):
      let names = served.isEmpty ? "none" : served.joined(separator: ", ")
      return "model \"\(model)\" is not served at \(url); served: \(names) (name one of them after # in --model)"
    }
  }
}

extension ModelError {
  /// A likely intended spec for a mistyped one: a near adapter kind, or a near built-in policy.
  static func suggestion(for spec: String) -> String? {
    let kinds = ["builtin", "replay", "stdio", "openai"]
    guard let colon = spec.firstIndex(of: ":") else {
      return Spelling.closest(to: spec, among: ReferencePolicy.allCases.map(\.rawValue)).map { "builtin:" + $0 }
    }
    let kind = String(spec[..<colon])
    let body = String(spec[spec.index(after: colon)...])
    if !kinds.contains(kind) {
      return Spelling.closest(to: kind, among: kinds).map { $0 + ":" + body }
    }
    guard kind == "builtin" else { return nil }
    let name = String(body.prefix { $0 != "?" })
    let options = String(body.dropFirst(name.count))
    return Spelling.closest(to: name, among: ReferencePolicy.allCases.map(\.rawValue)).map {
      "builtin:" + $0 + options
    }
  }
}
