import Foundation
import NIOCore
import OcularCore
import Testing

@testable import OcularModels

/// A bundled image of each format, by file name.
let bundledImages = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("benchmarks/mmstar/images").path
let sampleImage = bundledImages + "/mmstar_1.png"

/// An adapter for `server` with short backoffs.
func adapter(
  for server: LocalHTTPServer, model: String = "m", configure: (inout OpenAIAdapter.Options) -> Void = { _ in }
) -> OpenAIAdapter {
  var options = OpenAIAdapter.Options()
  options.initialBackoff = .milliseconds(10)
  options.maximumBackoff = .milliseconds(50)
  configure(&options)
  return OpenAIAdapter(baseURL: server.baseURL, model: model, options: options)
}

/// A request with one text message and the given parameters (`textRequest(_:)` sends none).
func textRequest(_ text: String, parameters: GenerationParameters) -> Request {
  Request(
    suite: "s", sampleID: text, messages: [ChatMessage(role: .user, content: [.text(text)])], parameters: parameters)
}

/// Parameters asking for OCRBench's `min_pixels`.
func minPixelsParameters(logprobs: Bool? = nil) -> GenerationParameters {
  var parameters = GenerationParameters(temperature: 0, isAskingForLogprobs: logprobs)
  parameters.minPixels = 102_400
  return parameters
}

/// An echo server: each chat completion answers `echo:<last text>`.
func echoServer() async throws -> LocalHTTPServer {
  try await LocalHTTPServer { request, _ in .completion("echo:" + request.lastText) }
}

struct OpenAIAdapterTests {
  @Test func sendsMessagesImagesAndParametersAndReadsUsage() async throws {
    let server = try await echoServer()
    let adapter = adapter(for: server) { $0.apiKey = "secret" }
    let request = Request(
      suite: "s", sampleID: "1",
      messages: [
        ChatMessage(role: .system, content: [.text("system \"prompt\"\n")]),
        ChatMessage(role: .user, content: [.image(path: sampleImage), .text("What is shown?")]),
      ],
      parameters: GenerationParameters(temperature: 0.1, topP: 0.001, maxTokens: 8192, seed: 3))
    let response = try await adapter.generate(request)
    #expect(response.text == "echo:What is shown?")
    #expect(response.usage == TokenUsage(promptTokens: 11, completionTokens: 3))
    #expect(response.notes.isEmpty)
    let received = try #require(server.completions.first)
    #expect(received.method == "POST")
    #expect(received.path == "/v1/chat/completions")
    #expect(received.headers["authorization"] == "Bearer secret")
    #expect(received.headers["content-type"] == "application/json")
    let body = received.json
    #expect(body["model"] as? String == "m")
    #expect(body["temperature"] as? Double == 0.1)
    #expect(body["top_p"] as? Double == 0.001)
    #expect(body["max_tokens"] as? Int == 8192)
    #expect(body["seed"] as? Int == 3)
    #expect(body["n"] as? Int == 1)
    #expect(body["logprobs"] == nil)
    #expect(body["mm_processor_kwargs"] == nil)
    let messages = try #require(body["messages"] as? [[String: Any]])
    #expect(messages[0]["role"] as? String == "system")
    #expect(messages[0]["content"] as? String == "system \"prompt\"\n")
    let parts = try #require(messages[1]["content"] as? [[String: Any]])
    #expect(parts[0]["type"] as? String == "image_url")
    let url = try #require((parts[0]["image_url"] as? [String: Any])?["url"] as? String)
    let imageBytes = try Data(contentsOf: URL(fileURLWithPath: sampleImage))
    #expect(url == "data:image/png;base64," + imageBytes.base64EncodedString())
    #expect(parts[1]["text"] as? String == "What is shown?")
    await adapter.close()
    await server.stop()
  }

  @Test(arguments: [
    ("mmstar_0.jpg", "image/jpeg"), ("mmstar_2.gif", "image/gif"), ("mmstar_5.webp", "image/webp"),
  ])
  func imagesCarryTheMIMETypeOfTheirHeader(file: String, mime: String) async throws {
    let server = try await echoServer()
    let adapter = adapter(for: server)
    let path = bundledImages + "/" + file
    let request = Request(
      suite: "s", sampleID: "1", messages: [ChatMessage(role: .user, content: [.image(path: path), .text("q")])])
    _ = try await adapter.generate(request)
    let messages = try #require(server.completions.first?.json["messages"] as? [[String: Any]])
    let parts = try #require(messages[0]["content"] as? [[String: Any]])
    let url = try #require((parts[0]["image_url"] as? [String: Any])?["url"] as? String)
    #expect(url == "data:\(mime);base64," + (try Data(contentsOf: URL(fileURLWithPath: path))).base64EncodedString())
    await adapter.close()
    await server.stop()
  }

  @Test func anUnreadableImageFailsThatSampleWithoutARequest() async throws {
    let server = try await echoServer()
    let adapter = adapter(for: server)
    let request = Request(
      suite: "s", sampleID: "1",
      messages: [ChatMessage(role: .user, content: [.image(path: "/nonexistent/x.png"), .text("q")])])
    await #expect(throws: ModelError.unreadable(path: "/nonexistent/x.png", reason: "No such file or directory")) {
      try await adapter.generate(request)
    }
    #expect(server.requests.isEmpty)
    await adapter.close()
    await server.stop()
  }

  @Test(arguments: ["reasoning_content", "reasoning"])
  func reasoningSplitOffByTheServerIsStoredAsAThinkBlock(field: String) async throws {
    let server = try await LocalHTTPServer { _, _ in .completion("A", message: [field: "ok"]) }
    let adapter = adapter(for: server)
    let response = try await adapter.generate(textRequest("q"))
    #expect(response.text == "<think>ok</think>A")
    #expect(response.notes.contains { $0.contains(field) && $0.contains("<think>") })
    // The same extraction as a model that writes its own think block over stdio.
    let extraction = AnswerExtractor.vlmevalkit(boxed: .unwrap).extract(response.text)
    #expect(extraction.thinking == "ok")
    #expect(extraction == AnswerExtractor.vlmevalkit(boxed: .unwrap).extract("<think>ok</think>A"))
    await adapter.close()
    await server.stop()
  }

  @Test func emptyOrMissingReasoningLeavesTheContentAlone() async throws {
    let server = try await LocalHTTPServer { request, _ in
      request.lastText == "empty"
        ? .completion("A", message: ["reasoning_content": "", "reasoning": NSNull()]) : .completion("<think>x</think>B")
    }
    let adapter = adapter(for: server)
    let empty = try await adapter.generate(textRequest("empty"))
    #expect(empty.text == "A")
    #expect(empty.notes.isEmpty)
    #expect(try await adapter.generate(textRequest("own")).text == "<think>x</think>B")
    await adapter.close()
    await server.stop()
  }

  /// A server that refuses `field` as `transformers serve` does: HTTP 422 naming it.
  static func refusing(_ field: String) async throws -> LocalHTTPServer {
    try await LocalHTTPServer { request, _ in
      if request.json[field] != nil {
        return .json(["detail": "Unexpected fields in the request: {'\(field)'}"], status: 422)
      }
      return .completion("echo:" + request.lastText)
    }
  }

  @Test func refusedProcessorSettingsAreDroppedOnceAndForTheAdaptersLifetime() async throws {
    let server = try await Self.refusing("mm_processor_kwargs")
    let adapter = adapter(for: server)
    let first = try await adapter.generate(textRequest("a", parameters: minPixelsParameters()))
    #expect(first.text == "echo:a")
    #expect(first.notes == ["server refused mm_processor_kwargs; sent without"])
    var sent = server.completions.map(\.json)
    #expect(sent.count == 2)
    #expect((sent[0]["mm_processor_kwargs"] as? [String: Any])?["min_pixels"] as? Int == 102_400)
    #expect(sent[1]["mm_processor_kwargs"] == nil)
    // Remembered: the next request goes without the field at once, and says so.
    let second = try await adapter.generate(textRequest("b", parameters: minPixelsParameters()))
    #expect(second.notes == ["server refused mm_processor_kwargs; sent without"])
    sent = server.completions.map(\.json)
    #expect(sent.count == 3)
    #expect(sent[2]["mm_processor_kwargs"] == nil)
    // A request that never asked for the field carries no note.
    #expect(try await adapter.generate(textRequest("c")).notes.isEmpty)
    await adapter.close()
    await server.stop()
  }

  @Test func concurrentRequestsShareWhatTheServerRefused() async throws {
    let server = try await Self.refusing("mm_processor_kwargs")
    let adapter = adapter(for: server)
    let texts = (0..<24).map { "q\($0)" }
    let notes = Locked<[String: [String]]>([:])
    try await withThrowingTaskGroup(of: Void.self) { group in
      for text in texts {
        group.addTask {
          let response = try await adapter.generate(textRequest(text, parameters: minPixelsParameters()))
          #expect(response.text == "echo:" + text)
          notes.withLock { $0[text] = response.notes }
        }
      }
      try await group.waitForAll()
    }
    for text in texts { #expect(notes.withLock { $0[text] } == ["server refused mm_processor_kwargs; sent without"]) }
    // Each request is refused at most once; every answer came without the field.
    let sent = server.completions
    #expect(sent.count >= texts.count + 1 && sent.count <= 2 * texts.count)
    #expect(sent.filter { $0.json["mm_processor_kwargs"] == nil }.count == texts.count)
    let after = server.completions.count
    _ = try await adapter.generate(textRequest("late", parameters: minPixelsParameters()))
    #expect(server.completions.count == after + 1)
    await adapter.close()
    await server.stop()
  }

  @Test func logprobsAreAskedForAndRead() async throws {
    let server = try await LocalHTTPServer { request, _ in
      let tokens: [[String: Any]] = [
        ["token": "A", "logprob": -0.25, "bytes": [65], "top_logprobs": []],
        ["token": ".", "logprob": -1.5, "bytes": [46], "top_logprobs": []],
      ]
      return request.json["logprobs"] as? Bool == true
        ? .completion("A.", choice: ["logprobs": ["content": tokens]]) : .completion("A.")
    }
    let adapter = adapter(for: server)
    let asked = try await adapter.generate(
      textRequest("a", parameters: GenerationParameters(isAskingForLogprobs: true)))
    #expect(asked.tokenLogprobs == [-0.25, -1.5])
    #expect(asked.meanNegativeLogprob == 0.875)
    #expect(server.completions[0].json["logprobs"] as? Bool == true)
    #expect(server.completions[0].json["top_logprobs"] == nil)
    let declined = try await adapter.generate(
      textRequest("b", parameters: GenerationParameters(isAskingForLogprobs: false)))
    #expect(declined.tokenLogprobs == nil)
    #expect(server.completions[1].json["logprobs"] == nil)
    await adapter.close()
    await server.stop()
  }

  @Test func refusedLogprobsAreDroppedAndBothRefusalsNoted() async throws {
    let server = try await LocalHTTPServer { request, _ in
      let body = request.json
      if body["logprobs"] != nil {
        return .json(["error": ["message": "logprobs is not supported", "type": "BadRequestError"]], status: 400)
      }
      if body["mm_processor_kwargs"] != nil {
        return .json(["detail": "Unexpected fields in the request: {'mm_processor_kwargs'}"], status: 422)
      }
      return .completion("ok")
    }
    let adapter = adapter(for: server)
    let response = try await adapter.generate(textRequest("a", parameters: minPixelsParameters(logprobs: true)))
    #expect(response.text == "ok")
    #expect(response.tokenLogprobs == nil)
    #expect(
      response.notes == [
        "server refused mm_processor_kwargs; sent without", "server refused logprobs; sent without",
      ])
    #expect(server.completions.count == 3)
    await adapter.close()
    await server.stop()
  }

  @Test func aClientErrorNamingNoOptionalFieldIsNotRetried() async throws {
    let server = try await LocalHTTPServer { _, _ in
      .json(["detail": "Unexpected fields in the request: {'mm_processor_kwargs'}"], status: 422)
    }
    let adapter = adapter(for: server)
    // The request carried no mm_processor_kwargs, so the 422 is this sample's error.
    await #expect(throws: ModelError.self) { try await adapter.generate(textRequest("a")) }
    #expect(server.completions.count == 1)
    await adapter.close()
    await server.stop()
  }

  @Test func theStartUpCheckFindsTheModel() async throws {
    let server = try await LocalHTTPServer { request, _ in
      request.path.hasSuffix("/models")
        ? .json(["object": "list", "data": [["id": "a", "object": "model"], ["id": "m", "object": "model"]]])
        : .completion("x")
    }
    let adapter = try await OpenAIAdapter.connect(baseURL: server.baseURL, model: "m")
    #expect(adapter.startupNotes.isEmpty)
    #expect(server.requests.map(\.path) == ["/v1/models"])
    #expect(server.requests[0].method == "GET")
    await adapter.close()
    await server.stop()
  }

  @Test func theStartUpCheckListsTheServedModelsWhenTheNameIsNotAmongThem() async throws {
    let server = try await LocalHTTPServer { _, _ in
      .json(["object": "list", "data": [["id": "qwen3-vl", "object": "model"], ["id": "ovt2", "object": "model"]]])
    }
    let error = await #expect(throws: ModelError.self) {
      try await OpenAIAdapter.connect(baseURL: server.baseURL, model: "Qwen3-VL-8B")
    }
    #expect(
      error == .modelNotServed(model: "Qwen3-VL-8B", url: server.baseURL.absoluteString, served: ["qwen3-vl", "ovt2"]))
    #expect(
      error?.description.hasPrefix(
        "model \"Qwen3-VL-8B\" is not served at \(server.baseURL.absoluteString); served: qwen3-vl, ovt2") == true)
    await server.stop()
  }

  @Test func aServerWithoutTheModelListIsUsedUnchecked() async throws {
    let server = try await LocalHTTPServer { request, _ in
      request.path.hasSuffix("/models") ? .json(["detail": "Not Found"], status: 404) : .completion("x")
    }
    let adapter = try await OpenAIAdapter.connect(baseURL: server.baseURL, model: "m")
    #expect(
      adapter.startupNotes == [
        "GET \(server.baseURL.absoluteString)/models answered HTTP 404; the model name \"m\" was not checked"
      ])
    // The run shows it to the user before it is created.
    let asAdapter: any ModelAdapter = adapter
    #expect(try asAdapter.checkCoverage(of: ["mmstar": ["1"]]) == adapter.startupNotes)
    #expect(try await adapter.generate(textRequest("a")).text == "x")
    await adapter.close()
    await server.stop()
  }

  @Test func aClosedPortFailsTheStartUpCheckWithTheSystemsWords() async throws {
    // A port that was just listening and is now closed.
    let server = try await echoServer()
    let url = server.baseURL
    await server.stop()
    let error = await #expect(throws: ModelError.self) {
      try await OpenAIAdapter.connect(baseURL: url, model: "m")
    }
    #expect(error == .serverUnreachable(url: url.absoluteString + "/models", reason: "connection refused"))
    #expect(error?.description.contains("connection refused") == true)
    #expect(error?.description.contains(url.absoluteString) == true)
  }

  @Test func specsConnectThroughTheStartUpCheck() async throws {
    let server = try await LocalHTTPServer { _, _ in .json(["object": "list", "data": [["id": "served"]]]) }
    let good = try AdapterSpec(parsing: "openai:\(server.baseURL.absoluteString)#served")
    let adapter = try await good.makeAdapter()
    #expect(adapter.description.kind == "openai")
    await adapter.close()
    let bad = try AdapterSpec(parsing: "openai:\(server.baseURL.absoluteString)#other")
    await #expect(
      throws: ModelError.modelNotServed(model: "other", url: server.baseURL.absoluteString, served: ["served"])
    ) {
      try await bad.makeAdapter()
    }
    await server.stop()
  }

  @Test func rateLimitsHonourRetryAfter() async throws {
    let server = try await LocalHTTPServer { _, index in
      index == 0 ? .json(["error": "rate limited"], status: 429, headers: [("Retry-After", "1")]) : .completion("ok")
    }
    let adapter = adapter(for: server)
    let clock = ContinuousClock()
    let start = clock.now
    #expect(try await adapter.generate(textRequest("a")).text == "ok")
    // The backoff alone would wait at most 50 ms; the server asked for a second.
    #expect(clock.now - start >= .milliseconds(950))
    #expect(server.completions.count == 2)
    await adapter.close()
    await server.stop()
  }

  @Test func serverErrorsAndDroppedConnectionsAreRetried() async throws {
    let server = try await LocalHTTPServer { _, index in
      switch index {
      case 0: .json(["error": "down"], status: 500)
      case 1: .json(["error": "overloaded"], status: 503)
      case 2: LocalHTTPServer.Reply(isDroppingConnection: true)
      default: .completion("ok")
      }
    }
    let adapter = adapter(for: server)
    #expect(try await adapter.generate(textRequest("a")).text == "ok")
    #expect(server.completions.count == 4)
    await adapter.close()
    await server.stop()
  }

  @Test func givesUpAfterBoundedRetries() async throws {
    let server = try await LocalHTTPServer { _, _ in .json(["error": "down"], status: 500) }
    let adapter = adapter(for: server) { $0.maximumRetries = 2 }
    await #expect(throws: ModelError.adapterFailed("HTTP 500 (after 3 attempts)")) {
      try await adapter.generate(textRequest("a"))
    }
    #expect(server.completions.count == 3)
    await adapter.close()
    await server.stop()
  }

  @Test func malformedAnswersAndClientErrorsAreNotRetried() async throws {
    let server = try await LocalHTTPServer { request, _ in
      request.lastText == "html"
        ? LocalHTTPServer.Reply(body: Array("<html>not json</html>".utf8))
        : .json(["error": "bad request"], status: 400)
    }
    let adapter = adapter(for: server)
    await #expect(throws: ModelError.adapterFailed("response body is not a JSON object")) {
      try await adapter.generate(textRequest("html"))
    }
    await #expect(throws: ModelError.adapterFailed(#"HTTP 400: {"error":"bad request"}"#)) {
      try await adapter.generate(textRequest("bad"))
    }
    #expect(server.completions.count == 2)
    await adapter.close()
    await server.stop()
  }

  @Test func slowAnswersTimeOutAndAreRetried() async throws {
    let server = try await LocalHTTPServer { _, _ in
      var reply = LocalHTTPServer.Reply.completion("late")
      // Far past the timeout, so a loaded machine that wakes the deadline late still sees it first.
      reply.delay = .seconds(30)
      return reply
    }
    let adapter = adapter(for: server) {
      $0.requestTimeout = .milliseconds(300)
      $0.maximumRetries = 1
    }
    let error = await #expect(throws: ModelError.self) { try await adapter.generate(textRequest("a")) }
    #expect(error?.description.contains("after 2 attempts") == true)
    #expect(server.completions.count == 2)
    await adapter.close()
    await server.stop()
  }

  @Test func aClosedPortFailsARequestAfterItsRetries() async throws {
    let server = try await echoServer()
    let adapter = adapter(for: server) { $0.maximumRetries = 1 }
    await server.stop()
    await #expect(throws: ModelError.adapterFailed("HTTP request failed: connection refused (after 2 attempts)")) {
      try await adapter.generate(textRequest("a"))
    }
    await adapter.close()
  }

  @Test func concurrentRequestsGetTheirOwnAnswers() async throws {
    let server = try await LocalHTTPServer { request, _ in
      var reply = LocalHTTPServer.Reply.completion("echo:" + request.lastText)
      reply.delay = .milliseconds(20)
      return reply
    }
    let adapter = adapter(for: server) { $0.maxConcurrency = 8 }
    let texts = (0..<64).map { "q\($0)" }
    let answers = Locked<[String: String]>([:])
    try await withThrowingTaskGroup(of: Void.self) { group in
      for text in texts {
        group.addTask {
          let answer = try await adapter.generate(textRequest(text)).text
          answers.withLock { $0[text] = answer }
        }
      }
      try await group.waitForAll()
    }
    for text in texts { #expect(answers.withLock { $0[text] } == "echo:\(text)") }
    await adapter.close()
    await server.stop()
  }

  @Test func invalidUTF8InABodyIsRepairedAndNoted() throws {
    let body = ByteBuffer(
      bytes: Array(#"{"choices": [{"message": {"content": "A"#.utf8) + [0xFF] + Array(#"\u0000"}}]}"#.utf8))
    guard
      case .success(let response) = OpenAIAdapter.interpret(status: 200, retryAfter: nil, body: body, sentFields: [])
    else {
      Issue.record("not read")
      return
    }
    #expect(response.text == "A\u{FFFD}\u{0}")
    #expect(response.notes == TextRepairs.invalidUTF8.notes)
  }

  @Test func backoffGrowsAndIsCapped() async {
    var options = OpenAIAdapter.Options()
    options.initialBackoff = .milliseconds(100)
    options.maximumBackoff = .seconds(1)
    let adapter = OpenAIAdapter(baseURL: URL(string: "http://127.0.0.1:9/v1")!, model: "m", options: options)
    for _ in 0..<20 {
      let first = adapter.backoff(attempt: 0)
      #expect(first >= .milliseconds(50) && first <= .milliseconds(100))
      let late = adapter.backoff(attempt: 10)
      #expect(late >= .milliseconds(500) && late <= .seconds(1))
    }
    await adapter.close()
  }

  @Test func specParsing() throws {
    #expect(
      try AdapterSpec(parsing: "openai:http://127.0.0.1:8000/v1#Qwen3-VL-8B")
        == .openai(baseURL: URL(string: "http://127.0.0.1:8000/v1")!, model: "Qwen3-VL-8B"))
    #expect(try AdapterSpec(parsing: "stdio:python3 a.py --x 1") == .stdio(command: "python3 a.py --x 1"))
    for bad in ["openai:http://127.0.0.1:8000/v1", "openai:ftp://x/v1#m", "openai:#m", "stdio:  "] {
      #expect(throws: ModelError.invalidSpec(bad)) { try AdapterSpec(parsing: bad) }
    }
  }
}
