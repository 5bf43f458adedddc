import Foundation
import OcularCore

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A model behind an OpenAI-compatible chat-completions endpoint (`vllm serve`, SGLang, a router in front of many).
///
/// Images are sent as base64 data URLs whose MIME type comes from the file's header. Requests that fail with 429,
/// a 5xx status, a timeout or a dropped connection are retried with exponential backoff and jitter (honouring
/// `Retry-After`); other failures are errors for that sample.
public struct OpenAIAdapter: ModelAdapter {
  /// Connection settings.
  public struct Options: Sendable, Hashable {
    /// The API key sent as a bearer token, if any.
    public var apiKey: String?
    /// The most requests in flight.
    public var maxConcurrency = 64
    /// Time allowed for one HTTP attempt.
    public var requestTimeout: Duration = .seconds(600)
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
  private let session: URLSession

  /// Creates an adapter.
  public init(baseURL: URL, model: String, options: Options = Options()) {
    self.baseURL = baseURL
    self.model = model
    self.options = options
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = Double(options.requestTimeout.components.seconds)
    configuration.httpMaximumConnectionsPerHost = options.maxConcurrency
    session = URLSession(configuration: configuration)
  }

  public var description: AdapterDescription {
    AdapterDescription(model: model, kind: "openai", maxConcurrency: options.maxConcurrency)
  }

  public func generate(_ request: Request) async throws -> Response {
    let body = try Self.body(for: request, model: model)
    var urlRequest = URLRequest(url: baseURL.appendingPathComponent("chat/completions"))
    urlRequest.httpMethod = "POST"
    urlRequest.httpBody = body
    urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
    if let apiKey = options.apiKey { urlRequest.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
    var attempt = 0
    while true {
      try Task.checkCancellation()
      let outcome: Attempt
      do {
        let (data, response) = try await session.data(for: urlRequest)
        outcome = Self.interpret(data: data, response: response)
      } catch let error as URLError {
        outcome = .retryable(reason: "HTTP request failed: \(error.localizedDescription)", delay: nil)
      } catch {
        if Task.isCancelled { throw CancellationError() }
        outcome = .retryable(reason: "HTTP request failed: \(error)", delay: nil)
      }
      switch outcome {
      case .success(let response):
        return response
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

  /// The delay before retry `attempt` (0-based): exponential, capped, with full jitter in its upper half.
  func backoff(attempt: Int) -> Duration {
    let exponential = options.initialBackoff * (1 << min(attempt, 20))
    let capped = min(exponential, options.maximumBackoff)
    let fraction = Double.random(in: 0.5...1.0)
    return capped * fraction
  }

  enum Attempt {
    case success(Response)
    case failure(String)
    case retryable(reason: String, delay: Duration?)
  }

  static func interpret(data: Data, response: URLResponse) -> Attempt {
    guard let http = response as? HTTPURLResponse else { return .failure("not an HTTP response") }
    let status = http.statusCode
    if status == 429 || (500...599).contains(status) {
      let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")).flatMap(Double.init).map {
        Duration.milliseconds(Int(min($0, 300) * 1000))
      }
      return .retryable(reason: "HTTP \(status)", delay: retryAfter)
    }
    guard (200...299).contains(status) else {
      return .failure("HTTP \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
    }
    guard case let (parsed, repairs)? = JSONValue.parseRepairing(data), case .object(let object) = parsed else {
      return .failure("response body is not a JSON object")
    }
    guard case .array(let choices)? = object["choices"], case .object(let choice)? = choices.first,
      case .object(let message)? = choice["message"]
    else { return .failure("response has no choices[0].message") }
    let text: String
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
    return .success(Response(text: text, usage: usage, tokenLogprobs: logprobs, notes: repairs.notes))
  }

  /// The JSON body of a chat-completions request.
  static func body(for request: Request, model: String) throws -> Data {
    var messages: [JSONValue] = []
    for message in request.messages {
      var parts: [JSONValue] = []
      for part in message.content {
        switch part {
        case .text(let text):
          parts.append(.object(["type": .string("text"), "text": .string(text)]))
        case .image(let path):
          guard let bytes = FileManager.default.contents(atPath: path) else {
            throw ModelError.unreadable(path: path, reason: "image file not readable")
          }
          let prefix = [UInt8](bytes.prefix(1 << 16))
          let mime = (try? ImageHeader.read(prefix).format.mimeType) ?? "application/octet-stream"
          let url = "data:\(mime);base64,\(bytes.base64EncodedString())"
          parts.append(.object(["type": .string("image_url"), "image_url": .object(["url": .string(url)])]))
        }
      }
      let onlyText = parts.count == 1 && message.content.allSatisfy { if case .text = $0 { true } else { false } }
      let content: JSONValue = onlyText ? parts[0].objectValue!["text"]! : .array(parts)
      messages.append(.object(["role": .string(message.role.rawValue), "content": content]))
    }
    var object: [String: JSONValue] = ["model": .string(model), "messages": .array(messages), "n": .number(1)]
    let parameters = request.parameters
    if let value = parameters.temperature { object["temperature"] = .number(value) }
    if let value = parameters.topP { object["top_p"] = .number(value) }
    if let value = parameters.maxTokens { object["max_tokens"] = .number(Double(value)) }
    if let value = parameters.seed { object["seed"] = .number(Double(value)) }
    // vLLM's server takes processor settings in the request body.
    if let value = parameters.minPixels {
      object["mm_processor_kwargs"] = .object(["min_pixels": .number(Double(value))])
    }
    return Data(JSONValue.object(object).jsonText().utf8)
  }
}
