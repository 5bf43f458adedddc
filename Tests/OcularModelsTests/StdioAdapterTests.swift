import Foundation
import OcularCore
import Synchronization
import Testing

@testable import OcularModels

let fakeAdapter = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("Fixtures/fake_adapter.py").path

func textRequest(_ text: String) -> Request {
  Request(
    suite: "s", sampleID: text, messages: [ChatMessage(role: .user, content: [.text(text)])])
}

func launchFake(
  _ arguments: String, timeout: Duration = .seconds(10), configure: (inout StdioAdapter.Options) -> Void = { _ in }
)
  async throws -> StdioAdapter
{
  var options = StdioAdapter.Options()
  options.requestTimeout = timeout
  options.startupTimeout = .seconds(10)
  options.restartBackoff = .milliseconds(50)
  configure(&options)
  return try await StdioAdapter.launch(command: "exec python3 \(fakeAdapter) \(arguments)", options: options)
}

/// The outcome of one request: its text, or the error's description.
///
/// Outcomes go into a locked dictionary, not out of a task group of `(String, String)`: Swift 6.3.1 with `-O`
/// miscompiles a child `do { return (text, try await …) } catch { … }` whose await resumes on another thread (its
/// results are lost, or the process crashes in the task group's result copy), which crashed `swift test -c release`.
func outcomes(_ adapter: StdioAdapter, _ texts: [String]) async -> [String: String] {
  final class Box: Sendable { let value = Mutex([String: String]()) }
  let results = Box()
  await withTaskGroup(of: Void.self) { group in
    for text in texts {
      group.addTask {
        let outcome: String
        do {
          outcome = try await adapter.generate(textRequest(text)).text
        } catch {
          outcome = "error: \(error)"
        }
        results.value.withLock { $0[text] = outcome }
      }
    }
  }
  return results.value.withLock { $0 }
}

@Suite(.serialized) struct StdioAdapterTests {
  @Test func helloDescribesTheModel() async throws {
    let adapter = try await launchFake("--mode normal --max-concurrency 5 --box-format pixel")
    #expect(
      adapter.description
        == AdapterDescription(model: "fake-normal", kind: "stdio", boxFormat: .pixel, maxConcurrency: 5))
    let response = try await adapter.generate(textRequest("hello"))
    #expect(response.text == "echo:hello")
    #expect(response.usage == TokenUsage(promptTokens: 7, completionTokens: 2))
    await adapter.close()
  }

  @Test func outOfOrderAnswersAreMatchedById() async throws {
    let adapter = try await launchFake("--mode out-of-order --batch 4")
    let texts = (0..<8).map { "q\($0)" }
    let results = await outcomes(adapter, texts)
    for text in texts { #expect(results[text] == "echo:\(text)") }
    await adapter.close()
  }

  @Test func manyConcurrentSlowRequests() async throws {
    let adapter = try await launchFake("--mode slow --latency-ms 30 --max-concurrency 64")
    let texts = (0..<64).map { "q\($0)" }
    let results = await outcomes(adapter, texts)
    #expect(results.count == 64)
    for text in texts { #expect(results[text] == "echo:\(text)") }
    await adapter.close()
  }

  @Test func aGarbageLineFailsOnlyTheRequestItBelongsTo() async throws {
    let adapter = try await launchFake("--mode garbage", timeout: .seconds(2))
    var results: [String] = []
    for index in 0..<6 {
      do {
        results.append(try await adapter.generate(textRequest("q\(index)")).text)
      } catch {
        results.append("error: \(error)")
      }
    }
    #expect(results[0] == "echo:q0")
    #expect(results[1] == "echo:q1")
    #expect(results[2] == "error: response line is not a JSON object: \"this is not json {\"")
    #expect(results[3] == "echo:q3")
    #expect(results[5].hasPrefix("error: response line is not a JSON object"))
    await adapter.close()
  }

  @Test func aCrashFailsTheRequestsInFlightAndTheProcessIsRestarted() async throws {
    let state = NSTemporaryDirectory() + "fake-state-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: state) }
    let adapter = try await launchFake("--mode crash --after 2 --state \(state)")
    #expect(try await adapter.generate(textRequest("a")).text == "echo:a")
    #expect(try await adapter.generate(textRequest("b")).text == "echo:b")
    await #expect(throws: ModelError.adapterFailed("adapter exited (exited(3))")) {
      try await adapter.generate(textRequest("c"))
    }
    // The next request starts a new process, which behaves.
    #expect(try await adapter.generate(textRequest("d")).text == "echo:d")
    await adapter.close()
  }

  @Test func restartsAreBounded() async throws {
    let adapter = try await launchFake("--mode crash --after 0") { $0.maximumRestarts = 2 }
    var errors: [String] = []
    for index in 0..<4 {
      do {
        _ = try await adapter.generate(textRequest("q\(index)"))
      } catch {
        errors.append("\(error)")
      }
    }
    #expect(
      errors == [
        "adapter exited (exited(3))", "adapter exited (exited(3))", "adapter exited (exited(3))",
        "adapter gave up after 2 restarts",
      ])
    await adapter.close()
  }

  @Test func aHungProcessTimesOutIsKilledAndRestarted() async throws {
    let state = NSTemporaryDirectory() + "fake-state-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: state) }
    let adapter = try await launchFake("--mode hang --after 1 --state \(state)", timeout: .milliseconds(800))
    #expect(try await adapter.generate(textRequest("a")).text == "echo:a")
    await #expect(throws: ModelError.adapterFailed("no response within 0.8 seconds")) {
      try await adapter.generate(textRequest("b"))
    }
    // The silent process was killed; the next request, sent before it is reaped, goes to a new one.
    #expect(try await adapter.generate(textRequest("c")).text == "echo:c")
    await adapter.close()
  }

  @Test func anOversizedLineIsAnErrorForItsRequestOnly() async throws {
    let adapter = try await launchFake("--mode huge --after 2 --huge-bytes 3000000") { $0.maximumLineBytes = 1 << 20 }
    #expect(try await adapter.generate(textRequest("a")).text == "echo:a")
    // The line is {"id": "r2", "text": "<3,000,000 x>"}: 22 + 3,000,000 + 2 bytes.
    await #expect(throws: ModelError.adapterFailed("response line of 3000024 bytes exceeds the limit")) {
      try await adapter.generate(textRequest("b"))
    }
    #expect(try await adapter.generate(textRequest("c")).text == "echo:c")
    await adapter.close()
  }

  /// Invalid UTF-8 is read as U+FFFD, as Python's `errors="replace"` does, and noted; the request is answered.
  @Test func invalidUTF8IsRepairedAndNoted() async throws {
    let adapter = try await launchFake("--mode badutf8 --after 1")
    let response = try await adapter.generate(textRequest("a"))
    #expect(response.text == "bad \u{FFFD}\u{FFFD} bytes")
    #expect(response.notes == ["the model's output was not valid UTF-8; invalid bytes read as U+FFFD"])
    #expect(try await adapter.generate(textRequest("b")).notes == [])
    await adapter.close()
  }

  @Test func responseLinesRepairLoneSurrogatesAndKeepNUL() throws {
    let line = Array(#"{"id": "r1", "text": "a\udc80b\u0000c\ud83d\ude00"}"#.utf8)
    guard case .response(let id, let response) = StdioAdapter.parseResponse(.complete(line)) else {
      Issue.record("not parsed")
      return
    }
    #expect(id == "r1")
    #expect(response.text == "a\u{FFFD}b\u{0}c\u{1F600}")
    #expect(response.notes == [TextRepairs.loneSurrogates.notes[0]])
  }

  @Test func aTenMegabyteAnswerFitsTheDefaultLineLimit() throws {
    // Every byte escaped (`\u0000`) is six: a 10 MB answer of NULs is a 60 MB line.
    #expect(StdioAdapter.Options().maximumLineBytes >= 6 * 10_000_000 + 100)
  }

  @Test func missingTextAndAdapterErrors() async throws {
    for (mode, message) in [
      ("missing-text", "response has no string \"text\""),
      ("error", "adapter error: boom"),
    ] {
      let adapter = try await launchFake("--mode \(mode) --after 1")
      await #expect(throws: ModelError.adapterFailed(message)) { try await adapter.generate(textRequest("a")) }
      #expect(try await adapter.generate(textRequest("b")).text == "echo:b")
      await adapter.close()
    }
  }

  /// An answer for an id nobody asked for is logged and dropped; the request it replaced times out alone.
  @Test func anAnswerForAnUnknownIdIsLoggedAndIgnored() async throws {
    let log = NSTemporaryDirectory() + "fake-log-" + UUID().uuidString + "/adapter.log"
    defer { try? FileManager.default.removeItem(atPath: (log as NSString).deletingLastPathComponent) }
    let adapter = try await launchFake("--mode unknown-id --after 2", timeout: .milliseconds(800)) {
      $0.logPath = log
    }
    #expect(try await adapter.generate(textRequest("a")).text == "echo:a")
    await #expect(throws: ModelError.adapterFailed("no response within 0.8 seconds")) {
      try await adapter.generate(textRequest("b"))
    }
    #expect(try await adapter.generate(textRequest("c")).text == "echo:c")
    await adapter.close()
    let text = try String(contentsOfFile: log, encoding: .utf8)
    #expect(text.contains("ocular: response for unknown id \"nobody\" ignored"))
  }

  @Test func badOrMissingHelloIsAClearError() async throws {
    let badHello = await #expect(throws: ModelError.self) { _ = try await launchFake("--mode bad-hello") }
    #expect("\(badHello!)".hasPrefix("hello speaks protocol ocular/0, expected ocular/1: exec python3 "))
    let noHello = await #expect(throws: ModelError.self) {
      _ = try await launchFake("--mode no-hello") { $0.startupTimeout = .milliseconds(500) }
    }
    #expect("\(noHello!)".hasPrefix("no hello line within 0.5 seconds: exec python3 "))
    let exited = await #expect(throws: ModelError.self) {
      _ = try await StdioAdapter.launch(command: "echo 'no such model' >&2; exit 4")
    }
    #expect(
      "\(exited!)"
        == "adapter exited (exited(4)) before its hello: echo 'no such model' >&2; exit 4\n"
        + "  its standard error ended with:\n    no such model")
    let silent = await #expect(throws: ModelError.self) { _ = try await StdioAdapter.launch(command: "exit 4") }
    #expect("\(silent!)" == "adapter exited (exited(4)) before its hello: exit 4\n  (nothing on its standard error)")
  }

  @Test func standardErrorGoesToTheLog() async throws {
    let log = NSTemporaryDirectory() + "fake-log-" + UUID().uuidString + "/adapter.log"
    defer { try? FileManager.default.removeItem(atPath: (log as NSString).deletingLastPathComponent) }
    let adapter = try await launchFake("--mode normal") { $0.logPath = log }
    _ = try await adapter.generate(textRequest("a"))
    await adapter.close()
    let text = try String(contentsOfFile: log, encoding: .utf8)
    #expect(text.contains("fake adapter starting in mode normal"))
  }

  /// Lines over the pipe's capacity (64 KiB) wait in order for a process that starts reading late, none lost.
  @Test(.timeLimit(.minutes(1))) func requestsQueuedBehindAFullPipeKeepTheirOrder() async throws {
    let adapter = try await launchFake("--mode slow-start --latency-ms 500 --max-concurrency 64")
    // 64 lines of 8 kB: eight pipes' worth, each longer than PIPE_BUF, so writes are also partial.
    let texts = (0..<64).map { "q\($0)-" + String(repeating: "x", count: 8_000) }
    let results = await outcomes(adapter, texts)
    for text in texts { #expect(results[text] == "echo:\(text)") }
    // The queue drained: a later request goes straight through.
    #expect(try await adapter.generate(textRequest("after")).text == "echo:after")
    await adapter.close()
  }

  /// A process that never reads its input blocks neither the callers nor the adapter: the requests time out and the
  /// silent process is killed.
  @Test(.timeLimit(.minutes(1))) func aProcessThatNeverReadsItsInputTimesOut() async throws {
    let adapter = try await launchFake("--mode no-read", timeout: .milliseconds(800))
    let texts = (0..<40).map { "q\($0)-" + String(repeating: "x", count: 16_000) }
    let clock = ContinuousClock()
    let start = clock.now
    let results = await outcomes(adapter, texts)
    // The sweep that finds the first requests overdue kills the process; the rest fail with its exit.
    let timedOut = texts.filter { results[$0] == "error: no response within 0.8 seconds" }
    #expect(!timedOut.isEmpty)
    for text in texts where !timedOut.contains(text) {
      #expect(results[text] == "error: adapter exited (signaled(9))")
    }
    await adapter.close()
    #expect(clock.now - start < .seconds(4))
  }

  /// Requests written while the process exits fail with the exit; the broken pipe does not end the harness
  /// (SIGPIPE).
  @Test(.timeLimit(.minutes(1))) func writingToAProcessThatExitedFailsOnlyItsRequests() async throws {
    let adapter = try await launchFake("--mode crash --after 0") { $0.maximumRestarts = 0 }
    let texts = (0..<32).map { "q\($0)-" + String(repeating: "x", count: 16_000) }
    let results = await outcomes(adapter, texts)
    for text in texts {
      #expect(
        results[text] == "error: adapter exited (exited(3))"
          || results[text] == "error: adapter gave up after 0 restarts")
    }
    await adapter.close()
  }

  /// A grandchild that keeps the pipes open does not keep a dead process's session alive: its requests fail with
  /// the exit, and the next request starts a new process.
  @Test(.timeLimit(.minutes(1))) func aGrandchildHoldingThePipesDoesNotDelayTheExit() async throws {
    let state = NSTemporaryDirectory() + "fake-state-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: state) }
    var options = StdioAdapter.Options()
    options.restartBackoff = .milliseconds(50)
    let adapter = try await StdioAdapter.launch(
      command: "sleep 5 & exec python3 \(fakeAdapter) --mode crash --after 1 --state \(state)", options: options)
    #expect(try await adapter.generate(textRequest("a")).text == "echo:a")
    let clock = ContinuousClock()
    let start = clock.now
    await #expect(throws: ModelError.adapterFailed("adapter exited (exited(3))")) {
      try await adapter.generate(textRequest("b"))
    }
    #expect(clock.now - start < .seconds(3))
    #expect(try await adapter.generate(textRequest("c")).text == "echo:c")
    await adapter.close()
  }

  /// A process that closes its standard output and error is done with us: its input is closed, and when it exits,
  /// its requests fail with the exit rather than waiting for the timeout.
  @Test(.timeLimit(.minutes(1))) func closingBothOutputsClosesTheInput() async throws {
    let adapter = try await launchFake("--mode close-output", timeout: .seconds(30))
    let clock = ContinuousClock()
    let start = clock.now
    await #expect(throws: ModelError.adapterFailed("adapter exited (exited(5))")) {
      try await adapter.generate(textRequest("a"))
    }
    #expect(clock.now - start < .seconds(10))
    await adapter.close()
  }

  @Test func linesSplitOnNewlineOnly() {
    var splitter = LineSplitter(limit: 100)
    let bytes = Array("{\"a\":\"x\u{2028}y\u{85}z\"}\r\n{\"b\":1}\npartial".utf8)
    let lines = bytes.withUnsafeBytes { splitter.feed($0) }
    #expect(lines == [.complete(Array("{\"a\":\"x\u{2028}y\u{85}z\"}".utf8)), .complete(Array("{\"b\":1}".utf8))])
    #expect(splitter.finish() == .complete(Array("partial".utf8)))
  }
}
