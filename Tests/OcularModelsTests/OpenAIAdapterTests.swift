import Foundation
import OcularCore
import Testing

@testable import OcularModels

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A fake OpenAI-compatible server on 127.0.0.1, stopped when the value goes away.
final class FakeOpenAIServer {
  let process = Process()
  let input = Pipe()
  let port: Int
  let record: String

  init() throws {
    record = NSTemporaryDirectory() + "fake-openai-" + UUID().uuidString + ".jsonl"
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/fake_openai_server.py").path
    process.arguments = ["python3", script, "--record", record]
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    var line = Data()
    while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
      line.append(byte)
    }
    port = Int(String(decoding: line, as: UTF8.self)) ?? 0
  }

  deinit {
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
    try? FileManager.default.removeItem(atPath: record)
  }

  func adapter(model: String, configure: (inout OpenAIAdapter.Options) -> Void = { _ in }) -> OpenAIAdapter {
    var options = OpenAIAdapter.Options()
    options.initialBackoff = .milliseconds(10)
    options.maximumBackoff = .milliseconds(50)
    configure(&options)
    return OpenAIAdapter(baseURL: URL(string: "http://127.0.0.1:\(port)/v1")!, model: model, options: options)
  }

  func recordedBodies() throws -> [[String: Any]] {
    let text = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
    return try text.split(separator: "\n").map {
      try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
    }
  }
}

let sampleImage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("benchmarks/mmstar/images/mmstar_1.png").path

@Suite(.serialized) struct OpenAIAdapterTests {
  @Test func sendsMessagesImagesAndParametersAndReadsUsage() async throws {
    let server = try FakeOpenAIServer()
    let adapter = server.adapter(model: "ok") { $0.apiKey = "secret" }
    let request = Request(
      suite: "s", sampleID: "1",
      messages: [
        ChatMessage(role: .system, content: [.text("system prompt")]),
        ChatMessage(role: .user, content: [.image(path: sampleImage), .text("What is shown?")]),
      ],
      parameters: GenerationParameters(temperature: 0.1, topP: 0.001, maxTokens: 8192, seed: 0),
      reference: ReferenceAnswers(oracle: "", baseline: ""))
    let response = try await adapter.generate(request)
    #expect(response.text == "echo:What is shown?")
    #expect(response.usage == TokenUsage(promptTokens: 11, completionTokens: 3))
    let recorded = try #require(try server.recordedBodies().first)
    #expect(recorded["path"] as? String == "/v1/chat/completions")
    #expect(recorded["auth"] as? String == "Bearer secret")
    let body = try #require(recorded["body"] as? [String: Any])
    #expect(body["model"] as? String == "ok")
    #expect(body["temperature"] as? Double == 0.1)
    #expect(body["top_p"] as? Double == 0.001)
    #expect(body["max_tokens"] as? Int == 8192)
    #expect(body["seed"] as? Int == 0)
    #expect(body["n"] as? Int == 1)
    let messages = try #require(body["messages"] as? [[String: Any]])
    #expect(messages[0]["content"] as? String == "system prompt")
    let parts = try #require(messages[1]["content"] as? [[String: Any]])
    let url = try #require((parts[0]["image_url"] as? [String: Any])?["url"] as? String)
    let imageBytes = try Data(contentsOf: URL(fileURLWithPath: sampleImage))
    #expect(url == "data:image/png;base64," + imageBytes.base64EncodedString())
    #expect(parts[1]["text"] as? String == "What is shown?")
  }

  @Test func retriesRateLimitsAndServerErrors() async throws {
    let server = try FakeOpenAIServer()
    #expect(try await server.adapter(model: "flaky").generate(textRequest("a")).text == "echo:a")
    #expect(try await server.adapter(model: "flaky500").generate(textRequest("b")).text == "echo:b")
    let attempts = try server.recordedBodies().count
    #expect(attempts == 2 + 3)
  }

  @Test func givesUpAfterBoundedRetries() async throws {
    let server = try FakeOpenAIServer()
    await #expect(throws: ModelError.adapterFailed("HTTP 500 (after 3 attempts)")) {
      try await server.adapter(model: "down") { $0.maximumRetries = 2 }.generate(textRequest("a"))
    }
    #expect(try server.recordedBodies().count == 3)
  }

  @Test func malformedAndClientErrorsAreNotRetried() async throws {
    let server = try FakeOpenAIServer()
    await #expect(throws: ModelError.adapterFailed("response body is not a JSON object")) {
      try await server.adapter(model: "malformed").generate(textRequest("a"))
    }
    await #expect(throws: ModelError.self) {
      try await server.adapter(model: "badrequest").generate(textRequest("b"))
    }
    #expect(try server.recordedBodies().count == 2)
  }

  @Test func invalidUTF8InABodyIsRepairedAndNoted() throws {
    let url = URL(string: "http://127.0.0.1/v1/chat/completions")!
    let http = HTTPURLResponse(url: url, statusCode: 200, httpVersion: nil, headerFields: nil)!
    let body =
      Data(#"{"choices": [{"message": {"content": "A"#.utf8) + Data([0xFF]) + Data(#"\u0000"}}]}"#.utf8)
    guard case .success(let response) = OpenAIAdapter.interpret(data: body, response: http) else {
      Issue.record("not read")
      return
    }
    #expect(response.text == "A\u{FFFD}\u{0}")
    #expect(response.notes == TextRepairs.invalidUTF8.notes)
  }

  @Test func slowResponsesTimeOutAndAreRetried() async throws {
    let server = try FakeOpenAIServer()
    let adapter = server.adapter(model: "slow") {
      $0.requestTimeout = .seconds(1)
      $0.maximumRetries = 1
    }
    await #expect(throws: ModelError.self) { try await adapter.generate(textRequest("a")) }
    #expect(try server.recordedBodies().count == 2)
  }

  @Test func concurrentRequests() async throws {
    let server = try FakeOpenAIServer()
    let adapter = server.adapter(model: "ok")
    let texts = (0..<32).map { "q\($0)" }
    let results = await withTaskGroup(of: (String, String).self) { group in
      for text in texts {
        group.addTask { (text, (try? await adapter.generate(textRequest(text)).text) ?? "error") }
      }
      var results: [String: String] = [:]
      for await (text, answer) in group { results[text] = answer }
      return results
    }
    for text in texts { #expect(results[text] == "echo:\(text)") }
  }

  @Test func backoffGrowsAndIsCapped() {
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
