import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import OcularCore
import Synchronization

/// A model behind an OpenAI-compatible chat-completions endpoint (`vllm serve`, SGLang, `transformers serve`, a
/// router in front of many).
///
/// Images are sent as base64 data URLs whose MIME type comes from the file's header. Requests that fail with 429,
/// a 5xx status, a timeout or a dropped connection are retried with exponential backoff and jitter (honouring
/// `Retry-After`); other failures are errors for that sample. Reasoning a server splits off the answer
/// (`reasoning_content` or `reasoning`) is put back as a `<think>` block, so a response reads the same as from a
/// model that writes its own. Fields some servers refuse (`mm_processor_kwargs`, `logprobs`) are dropped for the
/// adapter's lifetime after the first 400 or 422 that names them.
///
/// Create one with ``connect(baseURL:model:options:)``, which checks the model name against `GET /models`, and
/// call ``close()`` when done.
public struct OpenAIAdapter: ModelAdapter {
  /// Connection settings.
  public struct Options: Sendable, Hashable {
    /// The API key sent as a bearer token, if any.
    public var apiKey: String?
    /// The most requests in flight, and the most connections kept open to the server.
    public var maxConcurrency = 64
    /// Time allowed for one HTTP attempt.
    public var requestTimeout: Duration = .seconds(600)
    /// Time allowed for the start-up check, `GET /models`.
    public var startupTimeout: Duration = .seconds(10)
    /// Retries after the first attempt.
    public var maximumRetries = 5
    /// The first retry's delay before jitter; each next one doubles, up to `maximumBackoff`.
    public var initialBackoff: Duration = .milliseconds(500)
    /// The longest delay between attempts.
    public var maximumBackoff: Duration = .seconds(30)

    /// Creates options with the defaults.
    public init() {}
  }

  /// The API base URL, ending before `/chat/completions` (e.g. `http://127.0.0.1:8000/v1`).
  public let baseURL: URL
  /// The model name sent in each request.
  public let model: String
  /// The settings.
  public let options: Options
  /// What the start-up check found worth telling the user (such as a server without `GET /models`).
  public private(set) var startupNotes: [String] = []
  private let connection: Connection

  /// The start-up check's notes, shown to the user before the run is created.
  public func checkCoverage(of sampleIDs: [String: Set<String>]) -> [String] {
    startupNotes
  }

  /// Creates an adapter without checking the server; ``connect(baseURL:model:options:)`` checks it first.
  public init(baseURL: URL, model: String, options: Options = Options()) {
    self.baseURL = baseURL
    self.model = model
    self.options = options
    connection = Connection(baseURL: baseURL, options: options)
  }

  /// Creates an adapter after checking that the server answers and serves `model`.
  ///
  /// - Throws: ``ModelError/serverUnreachable(url:reason:)`` when `GET {baseURL}/models` gets no answer (connection
  ///   refused, no route, no answer within `startupTimeout`), and ``ModelError/modelNotServed(model:url:served:)``
  ///   when the server lists its models and `model` is not among them. A server without the endpoint (404 and
  ///   other statuses) is used unchecked, with a note in ``startupNotes``.
  public static func connect(
    baseURL: URL, model: String, options: Options = Options()
  ) async throws(ModelError) -> OpenAIAdapter {
    var adapter = OpenAIAdapter(baseURL: baseURL, model: model, options: options)
    do throws(ModelError) {
      adapter.startupNotes = try await adapter.checkServedModels()
    } catch {
      await adapter.close()
      throw error
    }
    return adapter
  }

  public var description: AdapterDescription {
    AdapterDescription(model: model, kind: "openai", maxConcurrency: options.maxConcurrency)
  }

  public func close() async {
    await connection.shutDown()
  }

  public func generate(_ request: Request) async throws -> Response {
    let wanted = OptionalFields.wanted(by: request.parameters)
    var body: ByteBuffer?
    var bodyFields: OptionalFields = []
    var attempt = 0
    while true {
      try Task.checkCancellation()
      let fields = wanted.subtracting(connection.refusedFields)
      if body == nil || fields != bodyFields {
        body = try ChatRequestBody.make(for: request, model: model, including: fields)
        bodyFields = fields
      }
      let outcome: Attempt
      do {
        let answer = try await connection.client.get().execute(
          connection.completionsRequest(body: body!), timeout: options.requestTimeout,
          maximumBodyBytes: Self.maximumResponseBytes)
        outcome = Self.interpret(
          status: answer.status, retryAfter: answer.headers.first(name: "Retry-After"), body: answer.body,
          sentFields: fields)
      } catch {
        if Task.isCancelled { throw CancellationError() }
        outcome = .retryable(reason: "HTTP request failed: \(Self.describe(error))", delay: nil)
      }
      switch outcome {
      case .success(var response):
        response.notes = wanted.subtracting(fields).refusalNotes + response.notes
        return response
      case .refused(let named):
        // Not an attempt of its own: the same request goes again at once without the fields the server named.
        connection.refuse(named)
      case .failure(let reason):
        throw ModelError.adapterFailed(reason)
      case .retryable(let reason, let serverDelay):
        guard attempt < options.maximumRetries else {
          throw ModelError.adapterFailed("\(reason) (after \(attempt + 1) attempts)")
        }
        try await Task.sleep(for: serverDelay ?? backoff(attempt: attempt))
        attempt += 1
      }
    }
  }

  /// The largest response body read (a chat completion with per-token logprobs of 8,192 tokens is ≈ 1 MB).
  static let maximumResponseBytes = 64 << 20

  /// The delay before retry `attempt` (0-based): exponential, capped, with full jitter in its upper half.
  func backoff(attempt: Int) -> Duration {
    let exponential = options.initialBackoff * (1 << min(attempt, 20))
    let capped = min(exponential, options.maximumBackoff)
    let fraction = Double.random(in: 0.5...1.0)
    return capped * fraction
  }

  /// Asks `GET {baseURL}/models` which models the server serves; returns notes for the user.
  func checkServedModels() async throws(ModelError) -> [String] {
    let url = connection.modelsURL
    let status: Int
    let body: ByteBuffer
    do {
      let answer = try await connection.client.get().execute(
        connection.modelsRequest(), timeout: options.startupTimeout, maximumBodyBytes: Self.maximumResponseBytes)
      status = answer.status
      body = answer.body
    } catch {
      throw .serverUnreachable(url: url, reason: Self.describe(error, timeout: options.startupTimeout))
    }
    guard status == 200 else {
      return ["GET \(url) answered HTTP \(status); the model name \"\(model)\" was not checked"]
    }
    guard case let (.object(object), _)? = JSONValue.parseRepairing(body.readableBytesView),
      case .array(let entries)? = object["data"]
    else {
      return ["GET \(url) answered without a model list; the model name \"\(model)\" was not checked"]
    }
    let served = entries.compactMap { $0.objectValue?["id"]?.stringValue }
    guard served.contains(model) else {
      throw .modelNotServed(model: model, url: baseURL.absoluteString, served: served)
    }
    return []
  }
}

extension OpenAIAdapter {
  /// What one HTTP attempt came to.
  enum Attempt {
    case success(Response)
    case failure(String)
    case retryable(reason: String, delay: Duration?)
    /// The server refused fields the request carried; send it again without them.
    case refused(OptionalFields)
  }

  /// Reads one attempt's answer: its status, `Retry-After` header and body, given the optional fields it carried.
  static func interpret(status: Int, retryAfter: String?, body: ByteBuffer, sentFields: OptionalFields) -> Attempt {
    if status == 429 || (500...599).contains(status) {
      let delay = retryAfter.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.map {
        Duration.milliseconds(Int(max(0, min($0, 300)) * 1000))
      }
      return .retryable(reason: "HTTP \(status)", delay: delay)
    }
    guard (200...299).contains(status) else {
      let text = String(decoding: body.readableBytesView.prefix(4096), as: UTF8.self)
      if status == 400 || status == 422 {
        let named = sentFields.named(in: text)
        if !named.isEmpty { return .refused(named) }
      }
      return .failure("HTTP \(status): \(text.prefix(300))")
    }
    guard case let (parsed, repairs)? = JSONValue.parseRepairing(body.readableBytesView),
      case .object(let object) = parsed
    else { return .failure("response body is not a JSON object") }
    guard case .array(let choices)? = object["choices"], case .object(let choice)? = choices.first,
      case .object(let message)? = choice["message"]
    else { return .failure("response has no choices[0].message") }
    var text: String
    switch message["content"] {
    case .string(let value)?: text = value
    case .array(let parts)?:
      text = parts.compactMap { part -> String? in
        guard case .object(let fields) = part else { return nil }
        return fields["text"]?.stringValue
      }.joined()
    case .null?, nil: text = ""
    default: return .failure("choices[0].message.content is neither text nor parts")
    }
    var notes = repairs.notes
    // vLLM's reasoning parsers and `transformers serve` move the think block out of `content`; put it back in the
    // shape a model that writes its own produces, so extraction (and the score) does not depend on the server.
    for key in ["reasoning_content", "reasoning"] {
      guard case .string(let reasoning)? = message[key], !reasoning.isEmpty else { continue }
      text = "<think>" + reasoning + "</think>" + text
      notes.append("the server returned the reasoning apart (\(key)); stored as <think>…</think> before the answer")
      break
    }
    var usage: TokenUsage?
    if case .object(let counts)? = object["usage"] {
      usage = TokenUsage(
        promptTokens: counts["prompt_tokens"]?.numberValue.map { Int($0) },
        completionTokens: counts["completion_tokens"]?.numberValue.map { Int($0) })
    }
    var logprobs: [Double]?
    if case .object(let probabilities)? = choice["logprobs"], case .array(let tokens)? = probabilities["content"] {
      logprobs = tokens.compactMap { token in token.objectValue?["logprob"]?.numberValue }
    }
    return .success(Response(text: text, usage: usage, tokenLogprobs: logprobs, notes: notes))
  }

  /// One line saying why a request got no HTTP answer, in the operating system's words where it has them.
  static func describe(_ error: any Error, timeout: Duration? = nil) -> String {
    switch error {
    case let error as HTTP1ClientError:
      if error == .timedOut {
        return timeout.map { "no answer within \($0.components.seconds) s" } ?? "timed out"
      }
      return error.description
    case let error as NIOSSLError:
      return "TLS: \(error)"
    case let error as IOError:
      return String(cString: strerror(error.errnoCode)).lowercased()
    case let error as NIOConnectionError:
      if let first = error.connectionErrors.first { return describe(first.error, timeout: timeout) }
      if let dns = error.dnsAError ?? error.dnsAAAAError { return "cannot resolve \(error.host): \(dns)" }
      return "cannot connect to \(error.host):\(error.port)"
    case let error as ChannelError:
      if case .connectTimeout = error {
        return timeout.map { "no answer within \($0.components.seconds) s" } ?? "connection timed out"
      }
      return String(describing: error)
    default:
      return String(describing: error)
    }
  }
}

/// Request fields a server may refuse, sent until it does.
struct OptionalFields: OptionSet, Sendable, Hashable {
  let rawValue: UInt8

  /// `mm_processor_kwargs`: vLLM's per-request processor settings (OCRBench's `min_pixels`).
  static let processorSettings = OptionalFields(rawValue: 1 << 0)
  /// `logprobs: true`: the generated tokens' log-probabilities.
  static let logprobs = OptionalFields(rawValue: 1 << 1)

  /// Each field with its name in a request body.
  static let names: [(field: OptionalFields, name: String)] = [
    (.processorSettings, "mm_processor_kwargs"), (.logprobs, "logprobs"),
  ]

  /// The fields a request's parameters ask for.
  static func wanted(by parameters: GenerationParameters) -> OptionalFields {
    var fields: OptionalFields = []
    if parameters.minPixels != nil { fields.insert(.processorSettings) }
    if parameters.isAskingForLogprobs == true { fields.insert(.logprobs) }
    return fields
  }

  /// The fields of this set whose names appear in an error body.
  func named(in text: String) -> OptionalFields {
    var named: OptionalFields = []
    for (field, name) in Self.names where contains(field) && text.contains(name) { named.insert(field) }
    return named
  }

  /// The note stored with a sample for each field of this set, which the server refused.
  var refusalNotes: [String] {
    Self.names.filter { contains($0.field) }.map { "server refused \($0.name); sent without" }
  }
}

extension OpenAIAdapter {
  /// The HTTP client and what every request shares; shut down by ``OpenAIAdapter/close()`` or, failing that, when
  /// the last copy of the adapter goes away.
  final class Connection: Sendable {
    /// The client, with a pool of up to `maxConcurrency` connections, or why the base URL cannot have one.
    let client: Result<HTTP1Client, any Error>
    /// `{baseURL}/models`.
    let modelsURL: String
    /// The head of every chat-completions request, but for its `Content-Length`.
    private let completionsHead: HTTPRequestHead
    /// The start-up check's request.
    private let modelsHead: HTTPRequestHead
    private let refused = Atomic<UInt8>(0)
    private let isShutDown = Atomic<Bool>(false)

    init(baseURL: URL, options: Options, trustRootsPath: String? = nil) {
      let base =
        baseURL.absoluteString.hasSuffix("/") ? String(baseURL.absoluteString.dropLast()) : baseURL.absoluteString
      modelsURL = base + "/models"
      client = Result {
        try HTTP1Client(
          url: baseURL, maximumConnections: options.maxConcurrency, connectTimeout: .seconds(10),
          trustRootsPath: trustRootsPath)
      }
      let endpoint = try? client.get().endpoint
      let prefix = endpoint?.pathPrefix ?? ""
      var headers = HTTPHeaders()
      headers.add(name: "Host", value: endpoint?.hostHeader ?? "")
      headers.add(name: "User-Agent", value: "ocular")
      headers.add(name: "Accept", value: "application/json")
      if let apiKey = options.apiKey { headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
      modelsHead = HTTPRequestHead(version: .http1_1, method: .GET, uri: prefix + "/models", headers: headers)
      headers.add(name: "Content-Type", value: "application/json")
      completionsHead = HTTPRequestHead(
        version: .http1_1, method: .POST, uri: prefix + "/chat/completions", headers: headers)
    }

    /// The fields the server has refused so far.
    var refusedFields: OptionalFields { OptionalFields(rawValue: refused.load(ordering: .relaxed)) }

    /// Remembers that the server refuses `fields`.
    func refuse(_ fields: OptionalFields) {
      _ = refused.bitwiseOr(fields.rawValue, ordering: .relaxed)
    }

    /// A chat-completions request carrying `body`.
    func completionsRequest(body: ByteBuffer) -> HTTP1Request {
      var head = completionsHead
      head.headers.add(name: "Content-Length", value: String(body.readableBytes))
      return HTTP1Request(head: head, body: body)
    }

    /// The start-up check's request.
    func modelsRequest() -> HTTP1Request {
      HTTP1Request(head: modelsHead, body: nil)
    }

    /// Shuts the client down once, waiting for its connections to close.
    func shutDown() async {
      guard !isShutDown.exchange(true, ordering: .relaxed) else { return }
      if case .success(let client) = client { await client.shutDown() }
    }
  }
}
